//! The data files of the `small` fixture, end to end, against values worked by hand (METHODS.md
//! sections 1–5); every number's working is written beside it. Numbers agree to 1e-9 relative.

use crate::common;

use common::{assert_close, fixture, num, Built};
use std::collections::BTreeMap;
use std::sync::OnceLock;

type Row = BTreeMap<String, String>;

fn small() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| Built::new(&fixture("small")))
}

/// The one row of `data/NAME.csv` whose `keys` columns hold `values`.
fn row(name: &str, keys: &[(&str, &str)]) -> Row {
    let rows: Vec<Row> = small()
        .csv(name)
        .into_iter()
        .filter(|r| {
            keys.iter()
                .all(|(k, v)| r.get(*k).map(String::as_str) == Some(*v))
        })
        .collect();
    assert_eq!(rows.len(), 1, "{name}: rows matching {keys:?}");
    rows.into_iter().next().unwrap()
}

fn text<'a>(r: &'a Row, column: &str) -> &'a str {
    r.get(column)
        .unwrap_or_else(|| panic!("no column {column}"))
}

// z for 95%: Φ⁻¹(0.975) = 1.959963984540054; for 99.8%: Φ⁻¹(0.999) = 3.090232306167813.

#[test]
fn needs_wilson_interval_and_comparison_for_a_proportion() {
    // Smallbridge (home), indicator 10001, 2024: O = 45, n = 100, multiplier 100.
    // 95%:  z² = 3.841458820694124; sqrt(z² + 4·45·(1 − 0.45)) = sqrt(102.841458820694) =
    //       10.141077596; z·that = 19.876147; 2O + z² = 93.841458820694; 2(n + z²) = 207.682917641
    //       lower = (93.841459 − 19.876147)/207.682918 = 0.3561453797951199 → 35.61453797951199
    //       upper = (93.841459 + 19.876147)/207.682918 = 0.5475539700255787 → 54.75539700255787
    // 99.8%: same with z = 3.090232306167813 → 30.741024334349206 and 60.13068503845036.
    let r = row(
        "needs",
        &[
            ("indicator_id", "10001"),
            ("area_code", "E07000001"),
            ("period", "2024"),
        ],
    );
    assert_close("value", num(&r, "value"), 45.0);
    assert_close("lower 95", num(&r, "lower_ci_95"), 35.61453797951199);
    assert_close("upper 95", num(&r, "upper_ci_95"), 54.75539700255787);
    assert_close("lower 99.8", num(&r, "lower_ci_99_8"), 30.741024334349206);
    assert_close("upper 99.8", num(&r, "upper_ci_99_8"), 60.13068503845036);
    assert_eq!(text(&r, "ci_method"), "wilson");
    // England is 60000/100000 = 60%, above the upper limit 54.76: the area is below the
    // benchmark, and higher is better, so "worse" (METHODS.md 1.3, method 1).
    assert_close("benchmark", num(&r, "benchmark_value"), 60.0);
    assert_eq!(text(&r, "comparison"), "worse");
    // Trend over 2020–2024 (33, 36, 39, 42, 45 of 100), CI path: se = (U95 − L95)/3.92,
    // w = 1/se², weighted slope b and β = sqrt(Σw/(Σw·Σwt² − (Σwt)²)): χ² = (b/β)² =
    // 3.974433884187486 < 9.5495, so no significant change.
    assert_close("chi²", num(&r, "trend_chi_square"), 3.974433884187486);
    assert_eq!(text(&r, "trend"), "no_significant_change");
    assert_eq!(text(&r, "trend_direction"), "no_change");
}

#[test]
fn needs_exact_interval_below_ten_events() {
    // Smallbridge, indicator 10002 (crude rate per 100,000), 2024: O = 9, population 10,000.
    // rate = 9/10000·100000 = 90. O < 10, so the exact method (METHODS.md 1.2):
    //   lower = qchisq(0.025, 18)/2/10000·100000 = 4.11537309737833/10000·100000 = 41.1537309737833
    //   upper = qchisq(0.975, 20)/2/10000·100000 = 17.084803451419162/10000·100000 = 170.84803451419162
    // (qchisq(p, 2k)/2 is the Gamma(k) quantile, solved by bisection on
    // P(Gamma(k) ≤ x) = 1 − Σ_{i<k} e^{−x}xⁱ/i!.)
    let r = row(
        "needs",
        &[
            ("indicator_id", "10002"),
            ("area_code", "E07000001"),
            ("period", "2024"),
        ],
    );
    assert_close("value", num(&r, "value"), 90.0);
    assert_close("lower 95", num(&r, "lower_ci_95"), 41.1537309737833);
    assert_close("upper 95", num(&r, "upper_ci_95"), 170.84803451419162);
    assert_eq!(text(&r, "ci_method"), "exact");
    // England 100/100000 → 100, inside [41.15, 170.85]: similar.
    assert_eq!(text(&r, "comparison"), "similar");
}

#[test]
fn needs_byar_interval_from_ten_events() {
    // North Ward, indicator 10002, 2024: O = 10, population 5,000; rate = 200.
    //   lower = 10·(1 − 1/90 − z/(3·√10))³ = 10·(0.7822905...)³ = 4.787449913967563
    //           → /5000·100000 = 95.74899827935126
    //   upper = 11·(1 − 1/99 + z/(3·√11))³ = 11·(1.1868828...)³ = 18.39145860575648 → 367.8291721151295
    let r = row(
        "needs",
        &[
            ("indicator_id", "10002"),
            ("area_code", "E05000001"),
            ("period", "2024"),
        ],
    );
    assert_close("value", num(&r, "value"), 200.0);
    assert_close("lower 95", num(&r, "lower_ci_95"), 95.74899827935126);
    assert_close("upper 95", num(&r, "upper_ci_95"), 367.8291721151295);
    assert_eq!(text(&r, "ci_method"), "byar");
    assert_eq!(text(&r, "comparison"), "similar");
    // South Ward: 11/5000 = 220, Byar lower 109.67 > England's 100: above the benchmark, and
    // lower is better, so "worse".
    let south = row(
        "needs",
        &[
            ("indicator_id", "10002"),
            ("area_code", "E05000002"),
            ("period", "2024"),
        ],
    );
    assert_eq!(text(&south, "ci_method"), "byar");
    // O·(1 − 1/(9O) − z/(3√O))³ / n × 100,000 with O = 11, n = 5,000 (METHODS.md 1.2).
    common::assert_close(
        "Byar lower limit",
        num(&south, "lower_ci_95"),
        109.67380396899948,
    );
    assert_eq!(text(&south, "comparison"), "worse");
}

#[test]
fn needs_score_without_intervals_is_not_compared_and_has_no_trend() {
    // 10003 is a score with given values and no CIs: no method, no comparison, and the trend
    // test only applies to proportions and crude rates.
    let r = row(
        "needs",
        &[
            ("indicator_id", "10003"),
            ("area_code", "E07000001"),
            ("period", "2024"),
        ],
    );
    assert_close("value", num(&r, "value"), 7.5);
    assert_eq!(text(&r, "ci_method"), "none");
    assert_eq!(text(&r, "lower_ci_95"), "");
    assert_eq!(text(&r, "comparison"), "not_compared");
    assert_eq!(text(&r, "trend"), "cannot_be_calculated");
    assert_eq!(text(&r, "trend_direction"), "not_applicable");
    // Every period is compared (as Fingertips does); the trend sits on the latest row only.
    // 10001 in 2023: 42/100, Wilson 95% interval 32.8% to 51.8%, below England's 60%, and higher
    // is better: worse.
    let earlier = row(
        "needs",
        &[
            ("indicator_id", "10001"),
            ("area_code", "E07000001"),
            ("period", "2023"),
        ],
    );
    assert_eq!(text(&earlier, "comparison"), "worse");
    assert_eq!(text(&earlier, "trend"), "");
    assert_eq!(small().csv("needs").len(), 3 * 4 * 6);
}

#[test]
fn options_present_values_and_value_for_money() {
    // DF_t = 1/1.035^t: 1, 0.966183574879227, 0.933510700366403; ΣDF = 2.89969427524563.
    // ACT-A: costs 1000 a year → PV 2899.6942752456303; benefits 1800 a year → 5219.449695442135;
    //        NPSV 2319.7554201965045; BCR exactly 1.8 → medium (1.5 ≤ BCR < 2).
    // ACT-B: costs 2000, 1000, 1000 → 3899.6942752456303; benefits 0, 3000, 3000 →
    //        5699.08282573689; NPSV 1799.38855049126; BCR 1.4614178506026403 → low.
    // Preferred: the highest NPSV, ACT-A.
    let a = row("options", &[("option_id", "ACT-A")]);
    assert_eq!(text(&a, "spec_id"), "SPEC-ACT");
    assert_close("A pv_costs", num(&a, "pv_costs"), 2899.6942752456303);
    assert_close("A pv_benefits", num(&a, "pv_benefits"), 5219.449695442135);
    assert_close("A npsv", num(&a, "npsv"), 2319.7554201965045);
    assert_close("A bcr", num(&a, "bcr"), 1.8);
    assert_eq!(text(&a, "vfm_category"), "medium");
    assert_eq!(text(&a, "preferred"), "true");
    let b = row("options", &[("option_id", "ACT-B")]);
    assert_close("B pv_costs", num(&b, "pv_costs"), 3899.6942752456303);
    assert_close("B pv_benefits", num(&b, "pv_benefits"), 5699.08282573689);
    assert_close("B npsv", num(&b, "npsv"), 1799.38855049126);
    assert_close("B bcr", num(&b, "bcr"), 1.4614178506026403);
    assert_eq!(text(&b, "vfm_category"), "low");
    assert_eq!(text(&b, "preferred"), "false");
}

#[test]
fn evaluation_scores_ranks_and_award() {
    // Weights 40/50/10; lowest compliant price 85,000 (Gamma Gyms is non-compliant).
    // Alpha: price 40·85000/100000 = 34; quality 50·80/100 = 40; social value 10·6/10 = 6 → 80.
    // Beta:  price 40·85000/85000 = 40;  quality 50·50/100 = 25; social value 10·8/10 = 8 → 73.
    let alpha = row("evaluation", &[("supplier", "Alpha Active Ltd")]);
    let beta = row("evaluation", &[("supplier", "Beta Moves CIC")]);
    for (r, price, q, sv, total, rank, awarded) in [
        (&alpha, 34.0, 40.0, 6.0, 80.0, "1", "true"),
        (&beta, 40.0, 25.0, 8.0, 73.0, "2", "false"),
    ] {
        let who = text(r, "supplier");
        assert_close(who, num(r, "price_score"), price);
        assert_close(who, num(r, "quality_score"), q);
        assert_close(who, num(r, "social_value_score"), sv);
        assert_close(who, num(r, "total_score"), total);
        assert_eq!(text(r, "rank"), rank, "{who}");
        assert_eq!(text(r, "compliant"), "true", "{who}");
        assert_eq!(text(r, "awarded"), awarded, "{who}");
        assert_eq!(text(r, "tender_id"), "T-ACT-2023");
    }
    // Neither compliant bid is below 0.8 × the mean of the other compliant bids
    // (85,000 vs 80,000; 100,000 vs 68,000).
    assert_eq!(text(&alpha, "abnormally_low"), "false");
    assert_eq!(text(&beta, "abnormally_low"), "false");
    let gamma = row("evaluation", &[("supplier", "Gamma Gyms")]);
    assert_eq!(text(&gamma, "compliant"), "false");
    assert_eq!(
        text(&gamma, "rank"),
        "",
        "a non-compliant bid is not ranked"
    );
    for c in [
        "price_score",
        "quality_score",
        "social_value_score",
        "total_score",
    ] {
        assert_eq!(
            text(&gamma, c),
            "",
            "a non-compliant bid is not scored: {c}"
        );
    }
    assert_eq!(text(&gamma, "price"), "50000.0");
    assert_eq!(text(&gamma, "awarded"), "false");
}

#[test]
fn kpi_limits_and_the_special_cause() {
    // K1 (higher is better), 15 months: 45, 55 alternating, with 100 in 2024-08.
    // mean = (7·45 + 7·55 + 100)/15 = 800/15 = 53.333333333333336
    // MR: six of 10, then |100 − 45| = 55, |55 − 100| = 45, six of 10 → AMR = 220/14 = 15.714285714
    // limits = mean ± 2.66·AMR = 11.533333333333339 and 95.13333333333333.
    // 2024-08 (100) is above the upper limit: improvement, outside_limits. The 2σ lines
    // (53.33 ± 27.87) put no other point close, and sides alternate, so nothing else is flagged.
    let rows: Vec<Row> = small()
        .csv("kpis")
        .into_iter()
        .filter(|r| r["kpi_id"] == "K1")
        .collect();
    assert_eq!(rows.len(), 15);
    for r in &rows {
        assert_close("mean", num(r, "mean"), 53.333333333333336);
        assert_close("lower", num(r, "lower_limit"), 11.533333333333339);
        assert_close("upper", num(r, "upper_limit"), 95.13333333333333);
        let expected = if r["period"] == "2024-08" {
            ("improvement", "outside_limits")
        } else {
            ("none", "")
        };
        assert_eq!(
            (text(r, "special_cause"), text(r, "rule")),
            expected,
            "{}",
            r["period"]
        );
        // Target 47, amber within 5%: 45 misses by 4.3% (amber), 55 and 100 meet it.
        let rag = if num(r, "actual") < 47.0 {
            "amber"
        } else {
            "green"
        };
        assert_eq!(text(r, "rag"), rag, "{}", r["period"]);
    }
    // K2 (lower is better): 4, 6, 5, 7 repeating; mean 81/15 = 5.4, AMR 27/14 → limits
    // 5.4 ∓ 5.13 = 0.2699999999999996 and 10.530000000000001. Target 5: 6 and 7 miss by more
    // than 5% (red).
    let k2 = row("kpis", &[("kpi_id", "K2"), ("period", "2024-04")]);
    assert_close("K2 mean", num(&k2, "mean"), 5.4);
    assert_close("K2 lower", num(&k2, "lower_limit"), 0.2699999999999996);
    assert_close("K2 upper", num(&k2, "upper_limit"), 10.530000000000001);
    assert_eq!(text(&k2, "actual"), "7.0");
    assert_eq!(text(&k2, "rag"), "red");
}

#[test]
fn kpi_summary_takes_variation_from_the_last_point() {
    // The last point of both KPIs is common cause; both targets (47, 5) lie inside the limits,
    // so assurance is inconsistent (METHODS.md 2.3, 2.4).
    for kpi in ["K1", "K2"] {
        let r = row(
            "kpi_summary",
            &[("contract_id", "C-ACT-1"), ("kpi_id", kpi)],
        );
        assert_eq!(text(&r, "variation"), "common_cause", "{kpi}");
        assert_eq!(text(&r, "assurance"), "inconsistent", "{kpi}");
    }
}

#[test]
fn contract_flags_as_of_the_reporting_date() {
    // as_of 2026-03-31. C-ACT-1 (£300,000, 2 KPIs) ends 2026-12-31, within 18 months:
    // expiring_soon only. C-FALLS-1 (£6m > £5m, marked as procured under the Procurement Act
    // 2023) has no KPIs (too_few_kpis), has run over a year with no assessment
    // (assessment_overdue), and ends 2026-05-31 (expiring_soon).
    let act = row("contracts", &[("contract_id", "C-ACT-1")]);
    assert_eq!(text(&act, "flags"), "expiring_soon");
    assert_eq!(text(&act, "kpi_count"), "2");
    assert_eq!(text(&act, "last_assessed"), "2025-03");
    assert_eq!(text(&act, "status"), "live");
    assert_eq!(text(&act, "months_remaining"), "9");
    let falls = row("contracts", &[("contract_id", "C-FALLS-1")]);
    assert_eq!(
        text(&falls, "flags"),
        "too_few_kpis;assessment_overdue;expiring_soon"
    );
    assert_eq!(text(&falls, "kpi_count"), "0");
    assert_eq!(text(&falls, "months_remaining"), "2");
}

#[test]
fn priorities_use_the_hanlon_overrides() {
    // BPR = (A + 2B)·C/3 with the overrides in indicators.csv:
    //   10001: (6 + 14)·8/3 = 53.333333333333336, PEARL 11111 → OPR 53.33, rank 1
    //   10003: (1 + 2)·1/3 = 1, PEARL 11111 → OPR 1, rank 2
    //   10002: (5 + 18)·6/3 = 46, PEARL 11101 → OPR 0, rank 3 (ranked by OPR first)
    let rows = small().csv("priorities");
    let order: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["rank"].as_str(), r["indicator_id"].as_str()))
        .collect();
    assert_eq!(order, [("1", "10001"), ("2", "10003"), ("3", "10002")]);
    let top = &rows[0];
    assert_close("A", num(top, "size_a"), 6.0);
    assert_close("B", num(top, "seriousness_b"), 7.0);
    assert_close("C", num(top, "effectiveness_c"), 8.0);
    assert_close("BPR", num(top, "bpr"), 160.0 / 3.0);
    assert_close("OPR", num(top, "opr"), 160.0 / 3.0);
    assert_eq!(text(top, "addressed_by"), "SPEC-ACT");
    assert_close("10002 BPR", num(&rows[2], "bpr"), 46.0);
    assert_close("10002 OPR", num(&rows[2], "opr"), 0.0);
    assert_eq!(text(&rows[2], "pearl"), "11101");
}

#[test]
fn grants_and_engagement_rows() {
    let g2 = row("grants", &[("grant_id", "G-2")]);
    assert_close("amount", num(&g2, "amount_awarded"), 2500.5);
    assert_eq!(text(&g2, "award_date"), "2024-06-15");
    assert_eq!(text(&g2, "recipient_org_id"), "GB-COH-09876543");
    let g1 = row("grants", &[("grant_id", "G-1")]);
    assert_eq!(text(&g1, "recipient_org_id"), "GB-CHC-1123456");
    let e = small().csv("engagement");
    let statuses: Vec<&str> = e.iter().map(|r| r["status"].as_str()).collect();
    assert_eq!(statuses, ["done", "not_taken_forward"]);
}
