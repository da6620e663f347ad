//! Issue 14, numbers a reader can trust: the `trust` fixture council built once, and each figure
//! the issue names asserted as published, worked by hand from `tests/fixtures/trust`.

use crate::common::{fixture, Built};
use std::sync::OnceLock;

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| Built::new(&fixture("trust")))
}

/// A page's text with tags dropped and white space collapsed (entities decoded), for assertions
/// on what a reader sees.
fn words(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = crate::common::unescape(&out).replace("&#8722;", "−");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page(rel: &str) -> String {
    words(&site().text(rel))
}

/// Item 1: a higher-is-better percentage is sized by the people without the outcome: 78% still at
/// home → 22% affected → A = 8 (the old rule took 78% → 10).
#[test]
fn priorities_of_a_higher_is_better_indicator() {
    let rows = site().csv("priorities");
    let r = rows.iter().find(|r| r["indicator_id"] == "20001").unwrap();
    assert_eq!(r["size_a"], "8.0");
    assert_eq!(r["affected_share"], "22.0");
    assert_eq!(r["size_basis"], "complement");
    // Worse than England (82 outside 76–80) by 4.9%: B = 6; C = 5; BPR = (8 + 12) × 5 / 3.
    assert_eq!(r["seriousness_b"], "6.0");
    assert_eq!(r["bpr"], (100.0_f64 / 3.0).to_string());
    // 19.1 per 100,000 is 0.0191% → A = 2; life expectancy: no share, the middle score.
    let rate = rows.iter().find(|r| r["indicator_id"] == "20002").unwrap();
    assert_eq!(
        (rate["size_a"].as_str(), rate["size_basis"].as_str()),
        ("2.0", "rate_per_person")
    );
    let le = rows.iter().find(|r| r["indicator_id"] == "90366").unwrap();
    assert_eq!(
        (le["size_a"].as_str(), le["size_basis"].as_str()),
        ("5.0", "middle_score")
    );
    let text = page("needs/priorities/index.html");
    assert!(
        text.contains("Size 8: higher is better, so the people affected are those without this outcome: 100% − 78% = 22% in 2024."),
        "{text}"
    );
    assert!(text.contains("Size 5: an average (such as life expectancy) does not say what share of people is affected, so the middle score is used."));
}

/// Item 2: cost per unit of a stock (average caseload) and of a flow (yearly sum), with the basis in
/// words, never a code.
#[test]
fn cost_per_unit_of_a_stock_and_a_flow() {
    let text = page("procurement/index.html");
    // £1,200,000 ÷ the average of the latest 12 monthly caseloads (1,000 each) = £1,200 a person
    // a year (adding the twelve caseloads would give £100).
    assert!(
        text.contains("£1,200,000 1,000 £1,200 per person in treatment a year average of 12 monthly caseloads"),
        "{text}"
    );
    // £240,000 ÷ the sum of the latest 12 monthly referrals (20 each) = £1,000 a referral.
    assert!(text.contains("£240,000 240 £1,000 per referral sum of 12 monthly totals"));
    assert!(!text.contains("sum_of_last_year") && !text.contains("annualised_mean"));
}

/// Item 6: the home page and the performance dashboard show the same headline figures, the
/// concern count is defined beside it and agrees with the ratings, and no code is shown.
#[test]
fn home_and_performance_concern_counts_agree() {
    let home = page("index.html");
    let dash = page("performance/index.html");
    // One KPI shows concern: C-REFER's referrals (20 against a target of 25: red, and a flat 20
    // will consistently fail it). C-TREAT's KPIs are green with no concern at the latest point.
    // Live contracts: C-TREAT £1,200,000 + C-REFER £240,000 = £1.4m a year (C-LATER starts in
    // June 2026).
    for text in [&home, &dash] {
        assert!(
            text.contains("1 KPIs showing concern (a KPI whose latest value missed its target"),
            "{text}"
        );
        assert!(text.contains("£1.4m a year under contract"), "{text}");
        assert!(text.contains("2 live contracts"), "{text}");
    }
    // Ratings in rating order: one rated Inadequate (its one KPI is red) agrees with the concern
    // count; the contract that has not started is "Not yet rated", not "Other".
    assert!(
        dash.contains("Good: 1 Inadequate: 1 Not yet rated: 1"),
        "{dash}"
    );
    assert!(
        dash.contains(
            "Next service Later Ltd £500,000 31 May 2029 Not started 0 0 0 Not yet rated"
        ),
        "{dash}"
    );
    for code in [
        "not_started",
        "not_yet_rated",
        "in_extension",
        "requires_improvement",
    ] {
        assert!(!dash.contains(code), "{code}");
    }
    let resources = page("planning/resources/index.html");
    assert!(
        resources.contains("Live contracts: £1.4m a year"),
        "{resources}"
    );
}

/// Item 8: special-cause points summarised, not listed; a rebase at a known change of service
/// publishes its reason beside the chart; no linear trend on the page.
#[test]
fn spc_summaries_and_rebase_reasons() {
    // T1: 12 months of 900 then 12 of 1,000, one phase: mean 950, AMR 100/23, limits
    // 950 ± 11.57. The first twelve are below 938.4, the last twelve above 961.6.
    let t1 = page("performance/contracts/c-treat/t1/index.html");
    assert!(
        t1.contains("Special-cause variation: 12 points below the lower limit from April 2024 to March 2025 (concern); 12 points above the upper limit since April 2025 (improvement)."),
        "{t1}"
    );
    assert!(!t1.contains("Linear trend"));
    // T2 rebased in April 2025 with its reason: 70/72 then 80/82, no special cause in either
    // phase; the second phase's limits are 81 ± 5.32.
    let t2 = page("performance/contracts/c-treat/t2/index.html");
    assert!(
        t2.contains("Limits recalculated from April 2025: New pathway from April 2025"),
        "{t2}"
    );
    assert!(
        t2.contains("The process mean is 81 with limits from 75.7 to 86.3"),
        "{t2}"
    );
    assert!(!t2.contains("Special-cause variation"));
}

/// Item 4: one precision per indicator (decimals = 1 here) for values and intervals alike, and
/// counts as whole numbers on the page and in the data.
#[test]
fn decimals_in_a_table_row() {
    let text = page("needs/indicators/20003/index.html");
    // Trustford 7 (6.2 to 7.1), 126 of 1,800; England 7.1, 18,762 of 264,254.
    assert!(text.contains("Trustford 7.0 6.2 to 7.1"), "{text}");
    assert!(text.contains("126 1,800"), "{text}");
    assert!(text.contains("18,762 264,254"), "{text}");
    assert!(!text.contains("18762.0") && !text.contains("Trustford 7 "));
    let needs = site().csv("needs");
    let eng = needs
        .iter()
        .find(|r| r["indicator_id"] == "20003" && r["area_code"] == "E92000001")
        .unwrap();
    assert_eq!(
        (eng["count"].as_str(), eng["denominator"].as_str()),
        ("18762", "264254")
    );
    // Data files keep the measure unrounded.
    assert_eq!(eng["value"], "7.1");
}

/// Item 7: the difference from England to scale, unclamped, with its text alternative.
#[test]
fn a_difference_of_189_percent() {
    let text = page("needs/areas/e07000002/index.html");
    // (19.1 − 6.6) / 6.6 = 189.4%: shown as +189% (it was clamped at 100%).
    assert!(
        text.contains("Admissions for self-harm Mental health 2024 19.1 6.6 Worse than England 189% higher than England +189%"),
        "{text}"
    );
    // 78 against 82: 4.9% lower.
    assert!(text.contains("5% lower than England -5%"), "{text}");
}

/// Items 3 and 5: the deprivation deciles of a Male/Female-only indicator run from most to least
/// deprived, each row saying its sex, in the table and in the data.
#[test]
fn male_female_deciles_in_natural_order() {
    let text = page("needs/indicators/90366/index.html");
    assert!(
        text.contains(
            "Category Sex Value 95% confidence interval \
             Most deprived decile (IMD2019) Female 78.7 78.5 to 78.9 \
             Most deprived decile (IMD2019) Male 73.5 73.3 to 73.7 \
             Second most deprived decile (IMD2019) Female 80.3 80.1 to 80.5 \
             Second most deprived decile (IMD2019) Male 75.9 75.7 to 76.1 \
             Least deprived decile (IMD2019) Female 86.1 85.9 to 86.3 \
             Least deprived decile (IMD2019) Male 83.2 83.0 to 83.4"
        ),
        "{text}"
    );
    let deciles: Vec<(String, String)> = site()
        .csv("needs_breakdowns")
        .into_iter()
        .filter(|r| r["indicator_id"] == "90366" && r["category_type"].contains("deciles"))
        .map(|r| (r["category"].clone(), r["sex"].clone()))
        .collect();
    let most = "Most deprived decile (IMD2019)";
    let second = "Second most deprived decile (IMD2019)";
    let least = "Least deprived decile (IMD2019)";
    let want: Vec<(String, String)> = [most, second, least]
        .iter()
        .flat_map(|c| {
            [
                (c.to_string(), "Female".into()),
                (c.to_string(), "Male".into()),
            ]
        })
        .collect();
    assert_eq!(deciles, want);
}

/// Item 3: an indicator published only for Male and Female says which sex its headline figures
/// are for, on the indicator page and on the area profile.
#[test]
fn a_male_female_only_indicator_says_its_sex() {
    let text = page("needs/indicators/90366/index.html");
    assert!(
        text.contains("Sex Female: no figures for persons are published, so the figures by area are for Female; the trend shows each sex as its own series, and the other sex is in the Sex breakdown below, each sex compared with the benchmark's same sex."),
        "{text}"
    );
    assert!(text.contains("By area, 2021 - 23 (Female)"));
    let area = page("needs/areas/e07000002/index.html");
    assert!(
        area.contains("Life expectancy at birth (Female) Life expectancy 2021 - 23 80.2 83.0"),
        "{area}"
    );
    // An indicator with Persons figures says nothing of sex.
    assert!(!page("needs/indicators/20001/index.html").contains("no figures for persons"));
    // Like with like: each sex is compared with England's same sex (Male 79.1, Female 83.0), in
    // the data as on the page; Trustford's men (76.2, 75.6 to 76.8) are worse than England's.
    let rows = site().csv("needs_breakdowns");
    let bench = |area: &str, cat: &str, sex: &str| {
        let r = rows
            .iter()
            .find(|r| {
                r["indicator_id"] == "90366"
                    && r["area_code"] == area
                    && r["category"] == cat
                    && r["sex"] == sex
            })
            .unwrap_or_else(|| panic!("{area} {cat} {sex}"));
        (r["benchmark_value"].clone(), r["comparison"].clone())
    };
    assert_eq!(
        bench("E07000002", "Male", "Male"),
        ("79.1".into(), "worse".into())
    );
    let most = "Most deprived decile (IMD2019)";
    assert_eq!(bench("E92000001", most, "Male").0, "79.1");
    assert_eq!(bench("E92000001", most, "Female").0, "83.0");
}
