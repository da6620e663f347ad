//! KPI pages: a KPI's SPC chart (METHODS.md 2), its variation and assurance with their icons, a
//! summary in words and every period's values and limits. Built as the page renders: KPI pages
//! are most of a large site.

use super::chart::{kpi_axis, period_axis, spc_chart, Chart, Head, Mark, SpcSeries};
use super::format::{decimals_for, fixed, opt_value, period_in};
use super::{
    contract_fingerprint, contract_path, crumbs, deferred_view, kpi_path, link, words,
    words_fingerprint, Link, Page,
};
use crate::analysis::performance::KpiAnalysis;
use crate::analysis::spc::{Rule, SpecialCause};
use crate::load::theme::Strings;
use crate::model::Contract;
use serde::Serialize;

/// Everything a KPI's view is built from. The render cache keys a KPI page by this struct's
/// derived `Serialize` form, so a field added here is in the key without being listed anywhere.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct KpiInput<'a> {
    /// In the key as its fingerprint, taken once for all the contract's KPIs.
    #[serde(serialize_with = "contract_fingerprint")]
    pub contract: &'a Contract,
    /// In the key as its fingerprint, which `serve` keeps while it keeps the analysis.
    #[serde(serialize_with = "kpi_fingerprint")]
    pub kpi: &'a KpiAnalysis,
    /// `performance.spc_screen_outliers`: which limits the page says were used.
    pub screen_outliers: bool,
    /// The theme's words (in the key as the hash of the whole table).
    #[serde(serialize_with = "words_fingerprint")]
    pub words: &'a Strings,
}

fn kpi_fingerprint<S: serde::Serializer>(kpi: &&KpiAnalysis, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(kpi.fingerprint())
}

/// The view of `kpi.html`.
#[derive(Debug, Serialize)]
pub struct KpiView {
    pub name: String,
    pub id: String,
    pub unit: String,
    pub polarity: String,
    pub contract: Link,
    pub supplier: String,
    pub chart: Option<Chart>,
    pub variation_icon: String,
    pub variation_label: String,
    pub assurance_icon: String,
    pub assurance_label: String,
    /// The judgement in sentences: variation, assurance, limits, special causes summarised.
    pub summary: Vec<String>,
    /// Each rebase at a known change of service, with its reason, shown beside the chart.
    pub phases: Vec<String>,
    pub rows: Vec<KpiRowView>,
    /// How the limits treat outlying moving ranges, in words.
    pub screening: String,
}

/// One period of a KPI.
#[derive(Debug, Serialize)]
pub struct KpiRowView {
    pub period: String,
    pub actual: String,
    pub target: String,
    pub rag: String,
    pub rag_label: String,
    pub mean: String,
    pub lower: String,
    pub upper: String,
    pub special: String,
    pub special_class: String,
}

/// A KPI's page; its view (with the SPC chart) is built when the page is rendered.
pub fn page<'a>(input: KpiInput<'a>) -> Page<'a> {
    let (c, k) = (input.contract, input.kpi);
    let s = &k.summary;
    Page {
        path: kpi_path(&c.contract_id, &k.kpi_id),
        template: "kpi.html",
        title: format!("{} — {}", s.kpi_name, c.title),
        section: "performance",
        breadcrumbs: crumbs(
            input.words,
            &[
                (input.words.get("crumb.performance"), "performance/"),
                (&c.title, &contract_path(&c.contract_id)),
            ],
        ),
        view: deferred_view(input, kpi_view),
        description: input.words.fill(
            "page.kpi.description",
            &[("kpi", &s.kpi_name), ("contract", &c.title)],
        ),
    }
}

/// A KPI's view.
pub fn kpi_view(input: &KpiInput) -> KpiView {
    let (c, k) = (input.contract, input.kpi);
    let s = &k.summary;
    let (variation_icon, variation_label) =
        words::variation_icon(input.words, s.variation, s.polarity);
    let (assurance_icon, assurance_label) = words::assurance_icon(input.words, s.assurance);
    let summary = summary(input.words, k, &variation_label, &assurance_label);
    KpiView {
        name: s.kpi_name.clone(),
        id: k.kpi_id.clone(),
        unit: s.unit.clone().unwrap_or_default(),
        polarity: words::of(input.words, s.polarity),
        contract: link(&contract_path(&c.contract_id), c.title.clone()),
        supplier: c.supplier.clone(),
        chart: chart(input.words, k, &summary),
        variation_icon,
        variation_label,
        assurance_icon,
        assurance_label,
        summary,
        phases: k
            .phases
            .iter()
            .skip(1)
            .map(|p| words::phase(input.words, p))
            .collect(),
        rows: {
            // Each row with an actual has an SPC point, in order: its direction words the cell.
            let mut points = k.points.iter();
            let decimals = decimals_for(k.rows.iter().flat_map(|r| [r.actual, r.target]).flatten());
            let mut repeated = Repeated::default();
            k.rows
                .iter()
                .map(|r| {
                    row_view(
                        input.words,
                        r,
                        r.actual.and_then(|_| points.next()),
                        decimals,
                        &mut repeated,
                    )
                })
                .collect()
        },
        screening: input
            .words
            .get(if input.screen_outliers {
                "kpi.screening_on"
            } else {
                "kpi.screening_off"
            })
            .into(),
    }
}

/// The KPI's judgement in sentences.
fn summary(w: &Strings, k: &KpiAnalysis, variation: &str, assurance: &str) -> Vec<String> {
    let s = &k.summary;
    let mut summary = vec![variation.to_string(), assurance.to_string()];
    if let Some(last) = k
        .rows
        .iter()
        .rev()
        .find(|r| r.mean.is_some_and(f64::is_finite))
    {
        summary.push(w.fill(
            "kpi.limits",
            &[
                ("mean", &opt_value(last.mean)),
                ("lower", &opt_value(last.lower_limit)),
                ("upper", &opt_value(last.upper_limit)),
            ],
        ));
    }
    if !k.special_causes.is_empty() {
        let runs: Vec<String> = k
            .special_causes
            .iter()
            .map(|run| words::special_cause_run(w, run))
            .collect();
        summary.push(w.fill(
            "kpi.special_causes",
            &[("runs", &runs.join(w.get("kpi.special_causes_separator")))],
        ));
    }
    if s.trial_limits {
        summary.push(w.get("kpi.trial_limits").into());
    }
    summary
}

/// The XmR chart: values, mean, limits (gaps where not finite), target, special-cause marks.
fn chart(w: &Strings, k: &KpiAnalysis, summary: &[String]) -> Option<Chart> {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let series =
        |f: &dyn Fn(&crate::analysis::performance::KpiRow) -> Option<f64>| -> Vec<Option<f64>> {
            k.rows.iter().map(f).collect()
        };
    let labels: Vec<String> = k.rows.iter().map(|r| r.period.label.to_string()).collect();
    let marks: Vec<Mark> = k
        .rows
        .iter()
        .map(|r| match r.special_cause {
            Some(SpecialCause::Improvement) => Mark::Improvement,
            Some(SpecialCause::Concern) => Mark::Concern,
            Some(SpecialCause::Neutral) => Mark::Neutral,
            _ => Mark::Common,
        })
        .collect();
    let periods = k.rows.len().to_string();
    let head = Head {
        id: format!("spc-{}", crate::model::slug(&k.kpi_id)),
        title: w.fill("chart.title.spc", &[("kpi", &k.summary.kpi_name)]),
        description: format!(
            "{} {}",
            w.fill("chart.alt.spc", &[("periods", &periods)]),
            summary.join(" ")
        ),
        x_axis: period_axis(w, k.rows.first().map(|r| r.period.kind)),
        y_axis: kpi_axis(w, k.summary.unit.as_deref()),
    };
    spc_chart(
        w,
        head,
        SpcSeries {
            x_labels: labels,
            values: series(&|r| r.actual),
            mean: series(&|r| finite(r.mean)),
            lower: series(&|r| finite(r.lower_limit)),
            upper: series(&|r| finite(r.upper_limit)),
            target: series(&|r| r.target),
            marks,
        },
    )
}

/// What a KPI's rows repeat, worded once: the mean and limits hold for months at a time (until
/// a rebase), and a run of special-cause points shares its words.
#[derive(Default)]
struct Repeated {
    /// The mean's, lower limit's and upper limit's text, by value (its bits) and decimals.
    limits: [Last<(Option<u64>, u32)>; 3],
    /// A special-cause point's words, by its cause, rule and direction.
    special: Last<(SpecialCause, Rule, i8)>,
}

/// The text last made, and what it was made from.
struct Last<K> {
    made: Option<(K, String)>,
}

impl<K> Default for Last<K> {
    fn default() -> Self {
        Last { made: None }
    }
}

impl<K: PartialEq> Last<K> {
    /// The text `make` gives for `key`: the last one's again when `key` is the last one's.
    fn text(&mut self, key: K, make: impl FnOnce() -> String) -> String {
        match &self.made {
            Some((last, text)) if *last == key => text.clone(),
            _ => {
                let text = make();
                self.made = Some((key, text.clone()));
                text
            }
        }
    }
}

impl Repeated {
    /// `v` to `decimals` places as [`fixed`] writes it, for the `column`th limit.
    fn limit(&mut self, column: usize, v: Option<f64>, decimals: u32) -> String {
        self.limits[column].text((v.map(f64::to_bits), decimals), || fixed(v, decimals))
    }

    /// A special-cause point's words, as [`words::special_point`] gives them.
    fn special(&mut self, words: &Strings, sc: SpecialCause, rule: Rule, direction: i8) -> String {
        self.special.text((sc, rule, direction), || {
            words::special_point(words, sc, rule, direction)
        })
    }
}

fn row_view(
    words: &Strings,
    r: &crate::analysis::performance::KpiRow,
    point: Option<&crate::analysis::spc::SpcPoint>,
    decimals: usize,
    repeated: &mut Repeated,
) -> KpiRowView {
    let (rag, rag_label) = words::rag(words, r.rag);
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let limits = decimals.max(1) as u32;
    KpiRowView {
        period: period_in(words, &r.period.label),
        actual: fixed(r.actual, decimals as u32),
        target: fixed(r.target, decimals as u32),
        rag,
        rag_label,
        mean: repeated.limit(0, finite(r.mean), limits),
        lower: repeated.limit(1, finite(r.lower_limit), limits),
        upper: repeated.limit(2, finite(r.upper_limit), limits),
        special: match (r.special_cause, r.rule, point) {
            (Some(sc), Some(rule), Some(p)) => repeated.special(words, sc, rule, p.direction),
            _ => String::new(),
        },
        special_class: r
            .special_cause
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    /// A KPI page's key holds its contract by the contract's fingerprint, taken once: a contract
    /// changed after it was keyed is a clone, which takes its own.
    #[test]
    fn a_kpi_pages_key_follows_its_contract() {
        let (project, analysis) = fixture::project_and_analysis();
        let key = |contract: &Contract| {
            crate::fingerprint::hash(&KpiInput {
                contract,
                kpi: &analysis.kpis[0],
                screen_outliers: false,
                words: Strings::base(),
            })
        };
        let contract = &project.contracts["C1"];
        let first = key(contract);
        assert_eq!(key(contract), first);
        assert_eq!(key(&contract.clone()), first, "an equal contract");
        let mut renamed = contract.clone();
        renamed.title.push_str(" (renamed)");
        assert_ne!(key(&renamed), first, "a changed contract");
    }

    #[test]
    fn repeated_limits_and_special_causes_are_worded_as_each_row_alone_would_be() {
        let words = Strings::base();
        let mut repeated = Repeated::default();
        for v in [
            None,
            Some(388.64),
            Some(388.64),
            Some(-0.0),
            Some(0.0),
            Some(412.1),
            None,
        ] {
            assert_eq!(repeated.limit(0, v, 1), fixed(v, 1), "{v:?}");
        }
        // The same value at other decimals, in another column or the same, is written at those.
        assert_eq!(repeated.limit(1, Some(388.64), 2), "388.64");
        assert_eq!(repeated.limit(0, Some(412.1), 1), "412.1");
        assert_eq!(repeated.limit(0, Some(412.1), 2), "412.10");
        for (sc, rule, direction) in [
            (SpecialCause::Concern, Rule::Shift, 1),
            (SpecialCause::Concern, Rule::Shift, 1),
            (SpecialCause::Concern, Rule::Shift, -1),
            (SpecialCause::Improvement, Rule::Shift, -1),
            (SpecialCause::None, Rule::Shift, -1),
        ] {
            assert_eq!(
                repeated.special(words, sc, rule, direction),
                words::special_point(words, sc, rule, direction)
            );
        }
    }

    #[test]
    fn a_kpi_judged_with_trial_limits() {
        let (project, analysis) = fixture::project_and_analysis();
        let input = KpiInput {
            contract: &project.contracts["C1"],
            kpi: &analysis.kpis[0],
            screen_outliers: false,
            words: Strings::base(),
        };
        let v = kpi_view(&input);
        assert_eq!(
            (v.name.as_str(), v.polarity.as_str()),
            ("People supported", "Higher is better")
        );
        // 30, 40, 50, 60: mean 45, average moving range 10, limits 45 ± 2.66 × 10.
        assert_eq!(
            v.summary[0],
            "Common cause variation: no significant change"
        );
        assert_eq!(v.summary[1], "Assurance: will hit and miss the target");
        assert!(
            v.summary[2].starts_with("The process mean is 45 with limits from 18.4 to 71.6:"),
            "{}",
            v.summary[2]
        );
        assert!(v.summary.contains(
            &"Fewer than 13 points: these are trial limits and may change as data arrives."
                .to_string()
        ));
        let first = &v.rows[0];
        assert_eq!(
            (
                first.period.as_str(),
                first.actual.as_str(),
                first.target.as_str()
            ),
            ("Apr 2024", "30", "40")
        );
        assert_eq!(
            (
                first.mean.as_str(),
                first.lower.as_str(),
                first.upper.as_str()
            ),
            ("45.0", "18.4", "71.6")
        );
        assert!(v.screening.starts_with("Limits use every moving range"));
        assert_eq!(v.chart.as_ref().map(|c| c.id.as_str()), Some("spc-k1"));
    }

    #[test]
    fn the_cache_key_follows_every_input() {
        use std::hash::Hasher;
        let (project, analysis) = fixture::project_and_analysis();
        let key = |input: KpiInput| {
            let page = page(input);
            let mut h = std::hash::DefaultHasher::new();
            page.view.fingerprint(&mut h);
            h.finish()
        };
        let mut renamed = project.contracts["C1"].clone();
        renamed.supplier = "Other supplier".into();
        let input = KpiInput {
            contract: &project.contracts["C1"],
            kpi: &analysis.kpis[0],
            screen_outliers: false,
            words: Strings::base(),
        };
        let base = key(input);
        assert_eq!(base, key(input));
        assert_ne!(
            base,
            key(KpiInput {
                screen_outliers: true,
                ..input
            })
        );
        assert_ne!(
            base,
            key(KpiInput {
                contract: &renamed,
                ..input
            })
        );
        // One reported value, one bit away: a different page.
        let mut revised = analysis.kpis[0].clone();
        let actual = revised.rows[0]
            .actual
            .expect("the fixture's first period has an actual");
        revised.rows[0].actual = Some(f64::from_bits(actual.to_bits() + 1));
        assert_ne!(
            base,
            key(KpiInput {
                kpi: &revised,
                ..input
            })
        );
    }
}
