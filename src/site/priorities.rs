//! The priorities page: the home area's needs ranked by the Hanlon basic priority rating
//! (METHODS.md 5), with the specifications and contracts that answer each.

use super::format::number;
use super::index::Index;
use super::needs::ContractRef;
use super::{crumbs, indicator_path, link, view, Link, Page};
use crate::analysis::needs::TrendDirection;
use crate::analysis::priorities::{NoShareReason, Priority, SizeBasis};
use crate::load::theme::Strings;
use crate::model::Indicator;
use serde::Serialize;

/// The view of `priorities.html`.
#[derive(Debug, Serialize)]
pub struct PrioritiesView {
    pub home_name: String,
    pub method: String,
    pub rows: Vec<PriorityRow>,
    /// Priorities no specification addresses.
    pub gaps: usize,
}

/// One ranked need.
#[derive(Debug, Serialize)]
pub struct PriorityRow {
    pub rank: usize,
    pub indicator: Link,
    pub size_a: String,
    pub seriousness_b: String,
    pub effectiveness_c: String,
    pub bpr: String,
    /// The five PEARL checks in order: propriety, economics, acceptability, resources, legality.
    pub pearl: Vec<bool>,
    pub opr: String,
    pub explanation: Vec<String>,
    pub specifications: Vec<Link>,
    pub contracts: Vec<ContractRef>,
}

/// The priorities page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    let home_name = ix.home_name();
    Page {
        path: "needs/priorities/".into(),
        template: "priorities.html",
        title: ix.words.get("page.priorities.title").into(),
        section: "needs",
        breadcrumbs: crumbs(ix.words, &[(ix.words.get("crumb.needs"), "needs/")]),
        view: view(priorities_view(ix)),
        description: ix
            .words
            .fill("page.priorities.description", &[("area", &home_name)]),
    }
}

/// The priorities page's view.
pub fn priorities_view(ix: &Index) -> PrioritiesView {
    let rows: Vec<PriorityRow> = ix
        .analysis
        .priorities
        .iter()
        .map(|p| priority_row(ix, p))
        .collect();
    PrioritiesView {
        home_name: ix.home_name(),
        method: ix.words.get("priorities.method").to_string(),
        gaps: rows.iter().filter(|r| r.specifications.is_empty()).count(),
        rows,
    }
}

fn priority_row(ix: &Index, p: &Priority) -> PriorityRow {
    let name = ix
        .project
        .indicators
        .get(&p.indicator_id)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| p.indicator_id.clone());
    PriorityRow {
        rank: p.rank,
        indicator: link(&indicator_path(&p.indicator_id), name),
        size_a: number(p.size_a, 1),
        seriousness_b: number(p.seriousness_b, 1),
        effectiveness_c: number(p.effectiveness_c, 1),
        bpr: number(p.bpr, 1),
        pearl: p.pearl.chars().map(|c| c == '1').collect(),
        opr: number(p.opr, 1),
        explanation: ix
            .project
            .indicators
            .get(&p.indicator_id)
            .map(|ind| explanation(ix.words, ind, p))
            .unwrap_or_default(),
        specifications: p
            .addressed_by
            .iter()
            .filter_map(|s| ix.spec_link(s))
            .collect(),
        contracts: ix.contract_refs(&ix.contracts_for_indicator(&p.indicator_id)),
    }
}

/// A score as the explanations write it: at most two decimals, without trailing zeros.
fn score_text(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Sentences explaining each of a priority's scores, for councillors (METHODS.md 5).
pub fn explanation(w: &Strings, ind: &Indicator, p: &Priority) -> Vec<String> {
    let mut why = vec![size_sentence(w, ind, p)];
    why.push(match ind.seriousness {
        Some(b) => w.fill("priorities.seriousness_set", &[("score", &score_text(b))]),
        None => {
            let worsening = if p.trend_direction == TrendDirection::Worsening {
                w.get("priorities.seriousness_worsening")
            } else {
                ""
            };
            w.fill(
                "priorities.seriousness",
                &[
                    ("score", &score_text(p.seriousness_b)),
                    (
                        "comparison",
                        &w.get(&format!("priorities.compared.{}", p.comparison.as_str())),
                    ),
                    ("worsening", &worsening),
                ],
            )
        }
    });
    why.push(match ind.effectiveness {
        Some(c) => w.fill("priorities.effectiveness_set", &[("score", &score_text(c))]),
        None => w.get("priorities.effectiveness_middle").to_string(),
    });
    if p.opr == 0.0 && p.bpr > 0.0 {
        why.push(w.get("priorities.pearl_fails").to_string());
    }
    why
}

/// The size explanation (METHODS.md 5.1): the share affected and how it follows.
fn size_sentence(w: &Strings, ind: &Indicator, p: &Priority) -> String {
    // A score the team set is quoted as set, before it is capped at 10.
    let a = score_text(ind.size.unwrap_or(p.size_a));
    let share = p.affected_share.map(score_text).unwrap_or_default();
    let (value, period) = (score_text(p.value), p.period.as_str());
    let unit = ind.unit.as_deref().unwrap_or("");
    let args: [(&str, &dyn std::fmt::Display); 5] = [
        ("score", &a),
        ("share", &share),
        ("period", &period),
        ("value", &value),
        ("unit", &unit),
    ];
    match p.size_basis {
        SizeBasis::SetByTeam => w.fill("priorities.size_set", &args),
        SizeBasis::ShareSetByTeam => w.fill("priorities.size_share_set", &args),
        SizeBasis::Value => w.fill("priorities.size_value", &args),
        SizeBasis::Complement => {
            let value = score_text(p.value / ind.multiplier * 100.0);
            w.fill(
                "priorities.size_complement",
                &[
                    ("score", &a),
                    ("value", &value),
                    ("share", &share),
                    ("period", &period),
                ],
            )
        }
        SizeBasis::RatePerPerson => w.fill("priorities.size_rate", &args),
        SizeBasis::NoShare(why) => {
            let why = match why {
                NoShareReason::RateHigherIsBetter => "rate_higher_is_better",
                NoShareReason::Score => "score",
                NoShareReason::Ratio => "ratio",
                NoShareReason::Mean => "mean",
                NoShareReason::Count => "count",
            };
            w.get(&format!("priorities.size_middle.{why}")).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn priorities_with_the_services_that_answer_them() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = priorities_view(&ix);
        assert_eq!((v.home_name.as_str(), v.gaps), ("Hartside", 0));
        assert!(v
            .method
            .starts_with("Each indicator is scored with the Hanlon method."));
        let r = &v.rows[0];
        assert_eq!(r.rank, 1);
        assert_eq!(
            r.indicator,
            link("needs/indicators/falls/", "Falls admissions")
        );
        assert_eq!(
            r.specifications,
            vec![link("planning/s1/", "Falls prevention")]
        );
        assert_eq!(r.contracts[0].link.text, "Falls service");
    }

    #[test]
    fn each_score_is_explained_in_the_themes_words() {
        let (project, analysis) = fixture::project_and_analysis();
        let w = Strings::base();
        let mut ind = project.indicators["falls"].clone();
        let mut p = analysis.priorities[0].clone();
        // Older people still at home, 78% (higher is better): 22% are affected (METHODS.md 5.1).
        ind.multiplier = 100.0;
        (p.size_a, p.size_basis, p.affected_share) = (8.0, SizeBasis::Complement, Some(22.0));
        (p.value, p.period) = (78.0, "2023".into());
        (p.seriousness_b, p.trend_direction) = (7.0, TrendDirection::Worsening);
        p.comparison = crate::analysis::needs::Comparison::Worse;
        (p.bpr, p.opr) = (36.67, 0.0);
        ind.effectiveness = Some(6.5);
        assert_eq!(
            explanation(w, &ind, &p),
            [
                "Size 8: higher is better, so the people affected are those without this \
                 outcome: 100% − 78% = 22% in 2023.",
                "Seriousness 7: compared with the benchmark we are worse, and the recent trend \
                 is getting worse.",
                "Effectiveness 6.5 was set by the needs assessment team.",
                "It fails at least one PEARL check, so its overall rating is 0.",
            ]
        );
        (p.size_basis, p.size_a) = (SizeBasis::NoShare(NoShareReason::Mean), 5.0);
        assert_eq!(
            size_sentence(w, &ind, &p),
            "Size 5: an average (such as life expectancy) does not say what share of people is \
             affected, so the middle score is used."
        );
    }
}
