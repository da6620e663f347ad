//! Invalid projects under `tests/fixtures/invalid/NAME/`, one per kind of diagnostic: `check`
//! reports exactly the diagnostics in `expected.txt` (all of them, sorted), and the binary's
//! `commission check` exits 1 and prints the same text, with its summary line, on stderr.

use crate::common;

use commission::build::check;
use std::process::Command;

/// `expected.txt` of a fixture: the diagnostics, then the summary line `commission check` prints.
fn expected(name: &str) -> String {
    let path = common::fixture("invalid").join(name).join("expected.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_invalid(name: &str) {
    let dir = common::fixture("invalid").join(name);
    let expected = expected(name);
    let (_, diags) = check(&dir);
    let listed: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    let summary = format!(
        "{} error(s), {} warning(s)",
        diags.error_count(),
        diags.warning_count()
    );
    let mut text = listed.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&summary);
    text.push('\n');
    assert_eq!(text, expected, "diagnostics of {name}");

    let out = Command::new(env!("CARGO_BIN_EXE_commission"))
        .arg("check")
        .arg(&dir)
        .output()
        .expect("run commission");
    assert_eq!(out.status.code(), Some(1), "exit code of check {name}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected, "stderr");
    assert!(out.stdout.is_empty(), "nothing on stdout");
}

macro_rules! invalid {
    ($($(#[$attr:meta])* $test:ident => $name:literal;)*) => {
        $(
            #[test]
            $(#[$attr])*
            fn $test() {
                assert_invalid($name);
            }
        )*
    };
}

invalid! {
    unknown_config_key_names_the_nearest => "unknown-config-key";
    missing_required_column => "missing-required-column";
    cell_that_is_not_a_number => "not-a-number";
    bad_date => "bad-date";
    bad_period => "bad-period";
    unknown_indicator_in_addresses => "unknown-indicator-in-addresses";
    bid_for_unknown_specification => "bid-for-unknown-specification";
    contract_for_unknown_tender => "contract-for-unknown-tender";
    kpi_return_for_unknown_contract => "kpi-for-unknown-contract";
    duplicate_contract_id => "duplicate-contract-id";
    contract_ids_that_slug_alike => "ids-slug-alike";
    reserved_specification_id => "reserved-spec-id";
    evaluation_weights_not_summing_to_100 => "weights-not-100";
    options_with_a_gap_in_years => "options-gap-in-years";
    contract_ending_before_it_starts => "contract-ends-before-start";
    score_above_its_maximum => "score-above-max";
    zero_price => "zero-price";
    proportion_count_above_denominator => "count-above-denominator";
    interval_not_containing_its_value => "ci-not-containing-value";
    unknown_polarity => "unknown-polarity";
    kpi_with_two_values_for_a_period => "kpi-duplicate-period";
    wide_layout_with_a_bad_period_header => "wide-bad-period-header";
    grant_with_a_negative_amount => "grant-negative-amount";
    grant_awarded_after_it_ends => "grant-awarded-after-end";
    charity_number_not_a_number => "charity-number-not-a-number";
    response_for_unknown_engagement => "response-for-unknown-engagement";
    unknown_response_status => "unknown-status";
    every_problem_in_several_files_in_one_run => "several-problems";
    bad_count_is_reported_once => "count-not-a-number";
    bad_weights_do_not_hide_the_specification => "bad-weights-keeps-spec";
}

/// Every fixture folder has a test above, so a new fixture cannot be forgotten.
#[test]
fn every_invalid_fixture_is_tested() {
    let source = include_str!("invalid.rs");
    let mut untested = Vec::new();
    for entry in std::fs::read_dir(common::fixture("invalid")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !source.contains(&format!("=> \"{name}\";")) {
            untested.push(name);
        }
    }
    assert!(untested.is_empty(), "fixtures without a test: {untested:?}");
}
