//! The diagnostics corpus: malformed, hostile and invalid inputs for every loader and every
//! cross-check, one project folder per case under `tests/inputs/`. Each case's `expected.txt`
//! holds the exact sorted diagnostics and the summary line, and each test asserts both what
//! `check` reports and what the binary's `commission check` prints on stderr with its exit code
//! (1 with errors, else 0); the "read correctly" cases also assert the values loaded.
//! `COMMISSION_BLESS=1` rewrites `expected.txt`.

use commission::build::check;
use commission::model::Project;
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "expected.txt" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn inputs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/inputs")
}

/// Loads a case (after `setup` adds generated files to a temp copy), compares its diagnostics
/// and summary line with `expected.txt`, then runs `commission check` on the same copy.
fn run(case: &str, setup: impl FnOnce(&Path)) -> Option<Project> {
    let source = inputs().join(case);
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&source, dir.path());
    setup(dir.path());
    let (project, diags) = check(dir.path());
    let mut got: String = diags.sorted().iter().map(|d| format!("{d}\n")).collect();
    got.push_str(&format!(
        "{} error(s), {} warning(s)\n",
        diags.error_count(),
        diags.warning_count()
    ));
    let expected_path = source.join("expected.txt");
    if crate::common::golden::blessing() {
        std::fs::write(&expected_path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("{case}: no expected.txt; run with COMMISSION_BLESS=1"));
    assert_eq!(got, expected, "case {case}");

    let out = Command::new(env!("CARGO_BIN_EXE_commission"))
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("run commission");
    let code = if diags.has_errors() { 1 } else { 0 };
    assert_eq!(out.status.code(), Some(code), "exit code of check {case}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        expected,
        "stderr of {case}"
    );
    assert!(out.stdout.is_empty(), "nothing on stdout for {case}");
    project
}

/// Every folder of the corpus has a test in this file, so a new case cannot be forgotten.
#[test]
fn every_case_is_tested() {
    let source = include_str!("corpus.rs");
    let mut untested: Vec<String> = std::fs::read_dir(inputs())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !source.contains(&format!("\"{name}\"")))
        .collect();
    untested.sort();
    assert!(untested.is_empty(), "cases without a test: {untested:?}");
}

macro_rules! case {
    ($name:ident, $dir:literal) => {
        #[test]
        fn $name() {
            run($dir, |_| {});
        }
    };
    ($name:ident, $dir:literal, $setup:expr) => {
        #[test]
        fn $name() {
            run($dir, $setup);
        }
    };
}

// commission.toml
case!(config_empty, "01-config-empty");
case!(config_unknown_key, "02-config-unknown-key");
case!(config_not_toml, "03-config-not-toml");
case!(config_javascript_base_url, "04-config-javascript-base-url");
case!(config_wrong_type, "05-config-wrong-type");
case!(config_section_typo, "07-config-section-typo");

#[test]
fn config_windows_1252() {
    let p = run("06-config-windows-1252", |_| {}).unwrap();
    assert_eq!(p.config.title, "Café commissioning");
}

// needs, own layout
case!(needs_missing_column, "10-needs-missing-column");
case!(needs_duplicated_column, "11-needs-duplicated-column");
case!(needs_empty_file, "12-needs-empty-file");
case!(needs_ragged_row, "16-needs-ragged-row");
case!(needs_1e309, "17-needs-1e309");
case!(needs_nan, "18-needs-nan");
case!(needs_blank_lines, "20-needs-blank-lines");
case!(needs_100k_cell, "21-needs-100k-cell");
case!(needs_id_dotdot, "22-needs-id-dotdot");
case!(needs_id_slash, "23-needs-id-slash");
case!(needs_dangling_indicator, "24-needs-dangling-indicator");
case!(needs_duplicate_value, "25-needs-duplicate-value");
case!(needs_excel_error_text, "26-needs-excel-error-text");
case!(needs_bad_period, "27-needs-bad-period");
case!(needs_ci_reversed, "28-needs-ci-reversed");
case!(
    needs_count_over_denominator,
    "30-needs-count-over-denominator"
);

#[test]
fn needs_header_only() {
    let p = run("13-needs-header-only", |_| {}).unwrap();
    assert!(p.observations.is_empty());
    assert_eq!(p.indicators.len(), 1);
}

#[test]
fn needs_bom_semicolon_crlf() {
    let p = run("14-needs-bom-semicolon-crlf", |_| {}).unwrap();
    let values: Vec<(String, Option<f64>)> = p
        .observations
        .iter()
        .map(|o| (o.period.label.to_string(), o.value))
        .collect();
    assert_eq!(
        values,
        vec![("2023".into(), Some(12.5)), ("2024".into(), Some(1234.5))]
    );
    assert_eq!(p.areas["E1"].name, "North");
}

#[test]
fn needs_windows_1252() {
    let p = run("15-needs-windows-1252", |_| {}).unwrap();
    assert_eq!(p.areas["E1"].name, "Café – £ ward");
    assert_eq!(p.observations[0].value, Some(12.5));
}

#[test]
fn needs_minus_zero() {
    let p = run("19-needs-minus-zero", |_| {}).unwrap();
    let v = p.observations[0].value.unwrap();
    assert_eq!(v, 0.0);
    assert!(v.is_sign_positive());
}

#[test]
fn needs_formula_cells_are_read_as_text() {
    let p = run("29-needs-formula-cells", |_| {}).unwrap();
    let names: Vec<&str> = p.areas.values().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["=HYPERLINK(\"http://x\")", "+44 1234", "-cmd", "@SUM(A1)"]
    );
    assert_eq!(p.observations[3].value, Some(-12.5));
}

// needs/indicators.csv
case!(
    indicators_missing_polarity,
    "31-indicators-missing-polarity"
);
case!(indicators_bad_value_type, "32-indicators-bad-value-type");
case!(indicators_duplicate_id, "33-indicators-duplicate-id");
case!(
    indicators_bad_pearl_and_scores,
    "34-indicators-bad-pearl-and-scores"
);

#[test]
fn indicators_script_name_is_kept_as_text() {
    let p = run("35-indicators-script-name", |_| {}).unwrap();
    let i = &p.indicators["I1"];
    assert_eq!(i.name, "<script>alert(1)</script>");
    assert_eq!(i.definition.as_deref(), Some("\" onload=\"alert(1)"));
}

// Fingertips export
case!(fingertips_bad_value, "38-fingertips-bad-value");
case!(
    fingertips_missing_value_column,
    "39-fingertips-missing-value-column"
);

#[test]
fn fingertips_header_only() {
    let p = run("36-fingertips-header-only", |_| {}).unwrap();
    assert!(p.observations.is_empty());
}

#[test]
fn fingertips_without_metadata() {
    let p = run("37-fingertips-no-metadata", |_| {}).unwrap();
    assert_eq!(p.indicators["90366"].name, "Life expectancy at birth");
    let o = &p.observations[0];
    assert_eq!(
        (o.period.label.as_ref(), o.value, o.lower_ci_99_8),
        ("2016 - 18", Some(79.46), Some(79.37))
    );
}

// specifications
case!(spec_no_front_matter, "40-spec-no-front-matter");
case!(spec_unclosed, "41-spec-unclosed");
case!(spec_bad_toml, "42-spec-bad-toml");
case!(spec_unknown_key, "43-spec-unknown-key");
case!(spec_wrong_type, "44-spec-wrong-type");
case!(spec_missing_id, "45-spec-missing-id");
case!(spec_id_dotdot, "46-spec-id-dotdot");
case!(spec_duplicate_id, "47-spec-duplicate-id");
case!(spec_javascript_link, "48-spec-javascript-link");
case!(spec_bad_status, "49-spec-bad-status");
case!(spec_weights_not_100, "50-spec-weights-not-100");
case!(spec_dangling_addresses, "51-spec-dangling-addresses");
case!(spec_empty_file, "52-spec-empty-file");
case!(spec_negative_and_bad_date, "54-spec-negative-and-bad-date");

#[test]
fn spec_hostile_body_is_loaded_raw() {
    let p = run("53-spec-hostile-body", |_| {}).unwrap();
    assert!(p.specifications["S1"]
        .body_markdown
        .starts_with("<script>alert(1)</script>"));
}

// procurement/options.csv
case!(options_missing_column, "55-options-missing-column");
case!(options_year_gap, "56-options-year-gap");
case!(
    options_negative_and_fraction,
    "57-options-negative-and-fraction"
);
case!(options_duplicate_year, "58-options-duplicate-year");
case!(options_dangling_spec, "59-options-dangling-spec");

// procurement/bids.csv
case!(bids_score_above_max, "60-bids-score-above-max");
case!(bids_compliant_maybe, "61-bids-compliant-maybe");
case!(bids_duplicate_supplier, "62-bids-duplicate-supplier");
case!(bids_price_zero, "63-bids-price-zero");
case!(bids_two_files, "64-bids-two-files");

// procurement/tenders.csv
case!(tenders_bad_cells, "100-tenders-bad-cells");
case!(
    tenders_lots_and_references,
    "101-tenders-lots-and-references"
);

// contracts/register
case!(
    register_duplicate_contract_id,
    "65-register-duplicate-contract-id"
);
case!(register_ends_before_start, "66-register-ends-before-start");
case!(register_dangling_spec, "67-register-dangling-spec");
case!(register_not_a_workbook, "74-register-not-a-workbook");

#[test]
fn register_hostile_text_is_kept_as_text() {
    let p = run("68-register-hostile-text", |_| {}).unwrap();
    let c = &p.contracts["C1"];
    assert_eq!(c.title, "<script>alert(1)</script>");
    assert_eq!(c.supplier, "\" onload=\"alert(1)");
}

const REGISTER: [&str; 8] = [
    "contract_id",
    "spec_id",
    "title",
    "supplier",
    "start_date",
    "end_date",
    "annual_value",
    "total_value",
];

fn save(workbook: &mut Workbook, root: &Path, rel: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    workbook.save(&path).unwrap();
}

/// A register sheet named `Register` with its header at `row`, `col` and one row per `rows` entry.
fn register_xlsx(root: &Path, rows: &[[&str; 8]], row: u32, col: u16) -> Workbook {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Register").unwrap();
    for (c, h) in REGISTER.iter().enumerate() {
        ws.write_string(row, col + c as u16, *h).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let (r, c) = (row + 1 + r as u32, col + c as u16);
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r, c, n).unwrap(),
                Err(_) => ws.write_string(r, c, *v).unwrap(),
            };
        }
    }
    let _ = root;
    wb
}

const ROW1: [&str; 8] = [
    "C1",
    "S1",
    "Contract one",
    "Acme Ltd",
    "2024-04-01",
    "2027-03-31",
    "100000",
    "300000",
];

case!(
    register_xlsx_error_cell,
    "69-register-xlsx-error-cell",
    |root| {
        let mut wb = register_xlsx(root, &[ROW1], 0, 0);
        let ws = wb.worksheet_from_name("Register").unwrap();
        ws.write_formula(1, 6, Formula::new("=NA()").set_result("#N/A"))
            .unwrap();
        ws.write_formula(1, 7, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        save(&mut wb, root, "contracts/register.xlsx");
    }
);

#[test]
fn register_xlsx_formula_cell_uses_its_cached_value() {
    let p = run("70-register-xlsx-formula-cell", |root| {
        let mut wb = register_xlsx(root, &[ROW1], 0, 0);
        let ws = wb.worksheet_from_name("Register").unwrap();
        ws.write_formula(1, 7, Formula::new("=G2*3").set_result("300000"))
            .unwrap();
        ws.write_formula(1, 3, Formula::new("=\"=cmd\"").set_result("=cmd"))
            .unwrap();
        save(&mut wb, root, "contracts/register.xlsx");
    })
    .unwrap();
    let c = &p.contracts["C1"];
    assert_eq!(c.total_value, 300000.0);
    assert_eq!(c.supplier, "=cmd");
}

case!(
    register_xlsx_merged_cells,
    "71-register-xlsx-merged-cells",
    |root| {
        let mut wb = register_xlsx(root, &[ROW1, ROW1], 0, 0);
        let ws = wb.worksheet_from_name("Register").unwrap();
        // A merged title and supplier over both rows: only the first row holds the value.
        ws.merge_range(1, 2, 2, 3, "Merged title", &Format::new())
            .unwrap();
        ws.write_string(2, 0, "C2").unwrap();
        save(&mut wb, root, "contracts/register.xlsx");
    }
);

case!(
    register_xlsx_offset_header,
    "72-register-xlsx-offset-header",
    |root| {
        let mut row = ROW1;
        row[4] = "2024-13-01";
        let mut wb = register_xlsx(root, &[row], 2, 2);
        save(&mut wb, root, "contracts/register.xlsx");
    }
);

case!(
    register_xlsx_empty_workbook,
    "73-register-xlsx-empty-workbook",
    |root| {
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("Register").unwrap();
        save(&mut wb, root, "contracts/register.xlsx");
    }
);

#[test]
fn register_ods_reads_dates_currency_and_text() {
    let p = run("92-register-ods-reads", |_| {}).unwrap();
    let c = &p.contracts["C1"];
    assert_eq!(c.supplier, "@Acme Ltd");
    assert_eq!(c.annual_value, 100000.5);
    assert_eq!(c.total_value, 300000.0);
    assert_eq!(c.department.as_deref(), Some("+Public health"));
    assert_eq!(c.end_date.to_string(), "2027-03-31");
    assert!(!p.contracts.contains_key("C2"));
}

// contracts/kpis, long layout
case!(kpi_long_unknown_contract, "75-kpi-long-unknown-contract");
case!(kpi_long_duplicate_period, "76-kpi-long-duplicate-period");
case!(
    kpi_long_bad_polarity_and_rebase,
    "77-kpi-long-bad-polarity-and-rebase"
);
case!(
    kpi_long_missing_target_column,
    "78-kpi-long-missing-target-column"
);
case!(kpi_long_ods_error_cell, "84-kpi-long-ods-error-cell");

/// The columns of a long-layout KPI return.
const KPI_LONG: [&str; 6] = [
    "contract_id",
    "kpi_id",
    "kpi_name",
    "period",
    "actual",
    "target",
];

/// Writes the register (contract C1) and `contracts/kpis/k.xlsx`, sheet `Returns`, in the long
/// layout: one row per period of C1, K1, Visits, actual 10, target 12, with the period cell
/// written by `period`; `more` adds anything else to the sheet.
fn kpi_long_xlsx<P>(
    root: &Path,
    periods: &[P],
    period: impl Fn(&mut Worksheet, u32, &P),
    more: impl FnOnce(&mut Worksheet),
) {
    let mut wb = register_xlsx(root, &[ROW1], 0, 0);
    save(&mut wb, root, "contracts/register.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Returns").unwrap();
    for (c, h) in KPI_LONG.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, p) in periods.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, "C1").unwrap();
        ws.write_string(r, 1, "K1").unwrap();
        ws.write_string(r, 2, "Visits").unwrap();
        period(ws, r, p);
        ws.write_number(r, 4, 10.0).unwrap();
        ws.write_number(r, 5, 12.0).unwrap();
    }
    more(ws);
    save(&mut wb, root, "contracts/kpis/k.xlsx");
}

case!(
    kpi_long_xlsx_numeric_period,
    "79-kpi-long-xlsx-numeric-period",
    |root| {
        kpi_long_xlsx(
            root,
            &[2024.0, 99999.0, 1e300, f64::NAN],
            |ws, r, period| {
                ws.write_number(r, 3, *period).unwrap();
            },
            |_| {},
        )
    }
);

// A return for a month after the contract ends: the warning points at the period cell.
case!(
    kpi_long_xlsx_outside_contract,
    "95-kpi-long-xlsx-outside-contract",
    |root| {
        kpi_long_xlsx(
            root,
            &["2024-05", "2031-01"],
            |ws, r, period| {
                ws.write_string(r, 3, *period).unwrap();
            },
            |_| {},
        )
    }
);

/// Writes a minimal .ods workbook whose `content.xml` holds `tables` (`<table:table>` elements).
fn ods(root: &Path, rel: &str, tables: &str) {
    use std::io::Write;
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts = [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet".to_string()),
        ("META-INF/manifest.xml", r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.to_string()),
        ("content.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#)),
    ];
    for (name, text) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn ods_row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#))
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

// A 3 KB .ods whose one row is repeated a million times and whose cells repeat 20 times across:
// refused by name before it is expanded, instead of taking gigabytes.
case!(
    kpi_long_ods_repeated_row_bomb,
    "96-kpi-long-ods-repeated-row-bomb",
    |root| {
        let header = ods_row(&KPI_LONG);
        let row = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string"><text:p>C1</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>K1</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Visits</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>2024-04</text:p></table:table-cell><table:table-cell table:number-columns-repeated="21" office:value-type="float" office:value="10"><text:p>10</text:p></table:table-cell></table:table-row>"#;
        ods(
            root,
            "contracts/kpis/k.ods",
            &format!(r#"<table:table table:name="Returns">{header}{row}</table:table>"#),
        );
    }
);

// A sheet cut short (no </table:table>): calamine 0.38 would loop for ever; refused by name.
case!(
    kpi_long_ods_sheet_cut_short,
    "99-kpi-long-ods-sheet-cut-short",
    |root| {
        let header = ods_row(&KPI_LONG);
        let row = ods_row(&["C1", "K1", "Visits", "2024-05", "10", "12"]);
        ods(
            root,
            "contracts/kpis/k.ods",
            &format!(r#"<table:table table:name="Returns">{header}{row}"#),
        );
    }
);

// A stray value in the last cell of an .xlsx sheet (XFD1048576): read as one more row, not as a
// dense range of 17 billion cells.
case!(
    kpi_long_xlsx_stray_far_cell,
    "97-kpi-long-xlsx-stray-far-cell",
    |root| {
        kpi_long_xlsx(
            root,
            &["2024-05"],
            |ws, r, period| {
                ws.write_string(r, 3, *period).unwrap();
            },
            |ws| {
                ws.write_string(1_048_575, 16_383, "stray").unwrap();
            },
        )
    }
);

// 150 rows with the same mistake: the first 100 are listed, the rest counted in one line.
case!(needs_many_bad_rows, "98-needs-many-bad-rows", |root| {
    let mut csv = String::from("indicator_id,area_code,period,value\n");
    for year in 1901..=2050 {
        csv.push_str(&format!("I1,E1,{year},n/a\n"));
    }
    std::fs::write(root.join("needs/values.csv"), csv).unwrap();
});

// contracts/kpis, wide layout
case!(kpi_wide_bad_header_period, "80-kpi-wide-bad-header-period");
case!(kpi_wide_bad_value, "81-kpi-wide-bad-value");

#[test]
fn kpi_wide_reads() {
    let p = run("82-kpi-wide-reads", |_| {}).unwrap();
    let k = &p.kpis[&("C1".to_string(), "K1".to_string())];
    let points: Vec<(String, Option<f64>)> = k
        .points
        .iter()
        .map(|p| (p.period.label.to_string(), p.actual))
        .collect();
    assert_eq!(
        points,
        vec![
            ("2024-04".into(), Some(10.0)),
            ("2024-05".into(), None),
            ("2024-06".into(), Some(0.0)),
        ]
    );
    assert_eq!(k.unit.as_deref(), Some("visits"));
}

/// Stock or flow and rebase reasons in both layouts; the wide layout's rebase names the month.
#[test]
fn kpi_rebase_and_stock_or_flow() {
    use commission::model::StockOrFlow;
    let p = run("84-kpi-rebase-stock-flow", |_| {}).unwrap();
    let k = |c: &str, id: &str| &p.kpis[&(c.to_string(), id.to_string())];
    let k1 = k("C1", "K1");
    assert_eq!(k1.stock_or_flow, Some(StockOrFlow::Stock));
    let rebases: Vec<(&str, bool, Option<&str>)> = k1
        .points
        .iter()
        .map(|p| {
            (
                p.period.label.as_ref(),
                p.rebase,
                p.rebase_reason.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rebases,
        vec![
            ("2024-04", false, None),
            ("2024-05", true, Some("New pathway from May 2024")),
            ("2024-06", false, None),
        ]
    );
    // "yes" cannot say where a wide row's phase starts: an error, and no rebase.
    assert!(k("C1", "K2").points.iter().all(|p| !p.rebase));
    // Long layout: a reason alone starts the phase.
    let r1 = k("C2", "R1");
    assert_eq!(r1.stock_or_flow, None);
    assert!(r1.points[1].rebase);
    assert_eq!(
        r1.points[1].rebase_reason.as_deref(),
        Some("Service moved to the hub")
    );
    assert_eq!(k("C2", "S1").stock_or_flow, Some(StockOrFlow::Flow));
}

#[test]
fn kpi_wide_xlsx_date_headers() {
    let p = run("83-kpi-wide-xlsx-date-headers", |root| {
        let mut wb = register_xlsx(root, &[ROW1], 0, 0);
        save(&mut wb, root, "contracts/register.xlsx");
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("mmm yyyy");
        let ws = wb.add_worksheet().set_name("Wide").unwrap();
        for (c, h) in ["contract_id", "kpi_id", "kpi_name", "target"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (i, m) in [4u8, 5, 6].iter().enumerate() {
            let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, *m, 1).unwrap();
            ws.write_datetime_with_format(0, 4 + i as u16, &d, &date)
                .unwrap();
        }
        ws.write_string(1, 0, "C1").unwrap();
        ws.write_string(1, 1, "K1").unwrap();
        ws.write_string(1, 2, "Visits").unwrap();
        ws.write_number(1, 3, 12.0).unwrap();
        ws.write_number(1, 4, 10.0).unwrap();
        ws.write_string(1, 5, "11").unwrap();
        ws.write_number(1, 6, -0.0).unwrap();
        save(&mut wb, root, "contracts/kpis/k.xlsx");
    })
    .unwrap();
    let k = &p.kpis[&("C1".to_string(), "K1".to_string())];
    let points: Vec<(String, Option<f64>, Option<f64>)> = k
        .points
        .iter()
        .map(|p| (p.period.label.to_string(), p.actual, p.target))
        .collect();
    assert_eq!(
        points,
        vec![
            ("2024-04".into(), Some(10.0), Some(12.0)),
            ("2024-05".into(), Some(11.0), Some(12.0)),
            ("2024-06".into(), Some(0.0), Some(12.0)),
        ]
    );
}

#[test]
fn kpi_wide_ods_date_headers() {
    let p = run("93-kpi-wide-ods-date-headers", |_| {}).unwrap();
    let k = &p.kpis[&("C1".to_string(), "K1".to_string())];
    let points: Vec<(String, Option<f64>)> = k
        .points
        .iter()
        .map(|p| (p.period.label.to_string(), p.actual))
        .collect();
    assert_eq!(
        points,
        vec![
            ("2024-04".into(), Some(10.0)),
            ("2024-05".into(), Some(11.0)),
            ("2024-06".into(), Some(13.5)),
        ]
    );
}

case!(needs_ods_two_sheets, "94-needs-ods-two-sheets");

// grants, engagement, pages
case!(grants_bad_numbers, "85-grants-bad-numbers");
case!(
    grants_amount_zero_and_dates,
    "86-grants-amount-zero-and-dates"
);
case!(grants_duplicate_id, "87-grants-duplicate-id");
case!(ysws_bad_status, "88-ysws-bad-status");
case!(ysws_dangling_engagement, "89-ysws-dangling-engagement");
case!(engagement_bad_date, "90-engagement-bad-date");
case!(page_missing_title, "91-page-missing-title");

/// A file name that is not UTF-8 cannot be committed portably, so this case is made here.
#[cfg(unix)]
#[test]
fn non_utf8_file_name() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("commission.toml"),
        "title = \"Corpus\"\norganisation = \"Test council\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("needs")).unwrap();
    std::fs::write(
        dir.path().join("needs/indicators.csv"),
        "indicator_id,name,value_type,polarity\nI1,Smoking,proportion,lower_is_better\n",
    )
    .unwrap();
    let name = std::ffi::OsStr::from_bytes(b"values-\xff\xfe.csv");
    std::fs::write(
        dir.path().join("needs").join(name),
        "indicator_id,area_code,period,value\nI1,E1,2024,abc\n",
    )
    .unwrap();
    let (_, diags) = check(dir.path());
    let got: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        got,
        vec!["error: needs/values-\u{fffd}\u{fffd}.csv:2: column \"value\": not a number: \"abc\"\n  = hint: expected a number like 1234.5, £1,234.50 or 12.5%"]
    );
}

// Issue 17: numbers and dates read exactly or refused, one URL policy, a checked language tag.
#[test]
fn needs_comma_misread() {
    let p = run("100-needs-comma-misread", |_| {}).unwrap();
    let values: Vec<(String, Option<f64>)> = p
        .observations
        .iter()
        .map(|o| (o.period.label.to_string(), o.value))
        .collect();
    assert_eq!(values, vec![("2023".into(), Some(1234.5))]);
}
case!(grants_bad_dates, "101-grants-bad-dates");
case!(
    needs_proportion_out_of_range,
    "102-needs-proportion-out-of-range"
);
case!(needs_fractional_count, "103-needs-fractional-count");
case!(
    config_hostile_urls_and_language,
    "104-config-hostile-urls-and-language"
);
case!(spec_link_schemes, "105-spec-link-schemes");

// Issue 17 item 5: a year outside 1900 to 2100 is refused, with its reason, in every input that
// takes a date or a period (needs, Fingertips, specification milestones, engagement, register,
// KPI returns long and wide, OCDS, grants, 360Giving JSON, tender notices).
case!(dates_years_out_of_range, "107-dates-years-out-of-range");

// Issue 13 item 8: several kinds of bad rows in several files (needs, indicators, specification,
// register, KPI returns, grants, options) are all reported in one run, each at its line.
case!(all_problems_at_once, "108-all-problems-at-once");

// Issue 17 item 6: 100,000 nested quotes, list items or HTML elements in a body, and front
// matter nested 100,000 deep, are each refused at once with their line (the sanitiser took
// minutes on such a body; the TOML reader stops at its recursion limit).
case!(
    documents_deep_nesting,
    "106-documents-deep-nesting",
    |root: &Path| {
        let deep = 100_000;
        let page = |name: &str, body: String| {
            std::fs::create_dir_all(root.join("pages")).unwrap();
            let text = format!("+++\ntitle = \"{name}\"\n+++\nA first paragraph.\n\n{body}\n");
            std::fs::write(root.join("pages").join(format!("{name}.md")), text).unwrap();
        };
        page("quotes", format!("{} x", ">".repeat(deep)));
        page("lists", format!("{}x", "- ".repeat(deep)));
        page("html", "<div>".repeat(deep));
        std::fs::create_dir_all(root.join("specifications")).unwrap();
        let spec = format!(
            "+++\nid = \"S1\"\ntitle = \"Service one\"\nstatus = \"live\"\nbudget = {}1{}\n+++\nBody.\n",
            "[".repeat(deep),
            "]".repeat(deep)
        );
        std::fs::write(root.join("specifications/s1.md"), spec).unwrap();
        let dotted = format!(
            "+++\nid = \"S2\"\ntitle = \"Service two\"\nstatus = \"live\"\n{} = 1\n+++\nBody.\n",
            vec!["a"; deep].join(".")
        );
        std::fs::write(root.join("specifications/s2.md"), dotted).unwrap();
    }
);

// Cross-checks and one problem of each kind (formerly tests/fixtures/invalid): each names its
// file, line or cell, column, value and hint.
case!(
    unknown_config_key_names_the_nearest,
    "107-unknown-config-key"
);
case!(missing_required_column, "108-missing-required-column");
case!(cell_that_is_not_a_number, "109-not-a-number");
case!(bad_date, "110-bad-date");
case!(bad_period, "111-bad-period");
case!(
    unknown_indicator_in_addresses,
    "112-unknown-indicator-in-addresses"
);
case!(
    bid_for_unknown_specification,
    "113-bid-for-unknown-specification"
);
case!(
    contract_for_unknown_tender,
    "114-contract-for-unknown-tender"
);
case!(
    kpi_return_for_unknown_contract,
    "115-kpi-for-unknown-contract"
);
case!(duplicate_contract_id, "116-duplicate-contract-id");
case!(contract_ids_that_slug_alike, "117-ids-slug-alike");
case!(reserved_specification_id, "118-reserved-spec-id");
case!(evaluation_weights_not_summing_to_100, "119-weights-not-100");
case!(options_with_a_gap_in_years, "120-options-gap-in-years");
case!(
    contract_ending_before_it_starts,
    "121-contract-ends-before-start"
);
case!(score_above_its_maximum, "122-score-above-max");
case!(zero_price, "123-zero-price");
case!(
    proportion_count_above_denominator,
    "124-count-above-denominator"
);
case!(
    interval_not_containing_its_value,
    "125-ci-not-containing-value"
);
case!(unknown_polarity, "126-unknown-polarity");
case!(kpi_with_two_values_for_a_period, "127-kpi-duplicate-period");
case!(
    wide_layout_with_a_bad_period_header,
    "128-wide-bad-period-header"
);
case!(grant_with_a_negative_amount, "129-grant-negative-amount");
case!(grant_awarded_after_it_ends, "130-grant-awarded-after-end");
case!(
    charity_number_not_a_number,
    "131-charity-number-not-a-number"
);
case!(
    response_for_unknown_engagement,
    "132-response-for-unknown-engagement"
);
case!(unknown_response_status, "133-unknown-status");
case!(
    every_problem_in_several_files_in_one_run,
    "134-several-problems"
);
case!(bad_count_is_reported_once, "135-count-not-a-number");
case!(
    bad_weights_do_not_hide_the_specification,
    "136-bad-weights-keeps-spec"
);

/// `procurement/` and `engagement/` read their tables by name: a table with another name (a grants
/// file dropped into the wrong folder) is named in a warning, never skipped in silence.
#[test]
fn a_table_in_a_folder_read_by_name_that_has_none_of_its_names_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    commission::init::init_empty(&project).unwrap();
    std::fs::write(project.join("procurement/grants.csv"), "grant_id\nG1\n").unwrap();
    std::fs::write(project.join("engagement/register.xlsx"), b"PK").unwrap();
    let (_, diags) = commission::build::check(&project);
    let text: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        text,
        [
            "warning: engagement/register.xlsx: file not used: not a name this folder reads\n  \
             = hint: engagement/ reads you-said-we-did (each .csv, .xlsx, .xlsm, .xls, .ods); \
             rename the file if it is one of them",
            "warning: procurement/grants.csv: file not used: not a name this folder reads\n  \
             = hint: procurement/ reads options, tenders, bids (each .csv, .xlsx, .xlsm, .xls, .ods); \
             rename the file if it is one of them",
        ]
    );
}
