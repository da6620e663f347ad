//! The words pages show for codes: funding, contract status, ratings, RAG, flags, SPC icons and
//! their text alternatives. One place, so every page kind words a code alike; the words come from
//! the theme's string table where it has them (`themes/default/i18n/en-GB.toml`).

use crate::analysis::performance::{ContractState, Flag, Phase, Rag, SpecialCauseRun};
use crate::analysis::spc::{Assurance, PointType};
use crate::analysis::spc::{Rule, SpecialCause};
use crate::load::theme::Strings;
use crate::model::{Funding, Polarity};
use crate::model::{Period, PeriodKind};

/// How a specification is funded, in a table cell.
pub(crate) fn funding(w: &Strings, f: Funding) -> String {
    w.get(match f {
        Funding::Contract => "funding.contract",
        Funding::Grant => "funding.grant",
    })
    .to_string()
}

/// A RAG status's class and words.
pub(crate) fn rag(w: &Strings, r: Option<Rag>) -> (String, String) {
    let (class, key) = match r {
        Some(Rag::Green) => ("green", "rag.green"),
        Some(Rag::Amber) => ("amber", "rag.amber"),
        Some(Rag::Red) => ("red", "rag.red"),
        Some(Rag::NoTarget) => ("none", "rag.no_target"),
        None => ("none", "rag.no_data"),
    };
    (class.into(), w.get(key).into())
}

/// The label of the "KPIs showing concern" headline, with its definition (the same test that
/// rates a contract "Requires improvement": `analysis::performance::shows_concern`).
pub(crate) const KPIS_OF_CONCERN: &str = "KPIs showing concern";
/// What "showing concern" means, printed beside the count.
pub(crate) const KPIS_OF_CONCERN_MEANS: &str =
    "a KPI whose latest value missed its target, that shows \
special-cause concern at its latest point, or whose process will consistently fail its target; \
any one rates its contract \"Requires improvement\" or worse";

/// A contract's status in words.
pub(crate) fn contract_state(s: ContractState) -> &'static str {
    match s {
        ContractState::NotStarted => "Not started",
        ContractState::Live => "Live",
        ContractState::InExtension => "In extension",
        ContractState::Ended => "Ended",
    }
}

/// A contract flag in words.
pub(crate) fn flag(w: &Strings, f: Flag) -> String {
    w.get(&format!("flag.{}", f.as_str())).to_string()
}

/// Which way is better, in words.
pub(crate) fn polarity(w: &Strings, p: Polarity) -> String {
    w.get(&format!("polarity.{}", p.as_str())).to_string()
}

/// Icon file and text alternative for a variation point type (METHODS.md 2.3).
pub(crate) fn variation_icon(
    w: &Strings,
    point: Option<PointType>,
    polarity: Polarity,
) -> (String, String) {
    let increase = polarity != Polarity::LowerIsBetter;
    let icon = match point {
        None => "none",
        Some(PointType::CommonCause) => "common_cause",
        Some(PointType::SpecialCauseImprovement) if increase => "improvement_high",
        Some(PointType::SpecialCauseImprovement) => "improvement_low",
        Some(PointType::SpecialCauseConcern) if increase => "concern_low",
        Some(PointType::SpecialCauseConcern) => "concern_high",
        Some(PointType::SpecialCauseNeutralHigh) => "neutral_high",
        Some(PointType::SpecialCauseNeutralLow) => "neutral_low",
    };
    (icon.into(), w.get(&format!("variation.{icon}")).into())
}

/// Icon file and text alternative for an assurance result (METHODS.md 2.4).
pub(crate) fn assurance_icon(w: &Strings, a: Assurance) -> (String, String) {
    let icon = match a {
        Assurance::ConsistentPass => "pass",
        Assurance::ConsistentFail => "fail",
        Assurance::Inconsistent => "inconsistent",
        Assurance::NotApplicable => "none",
    };
    (icon.into(), w.get(&format!("assurance.{icon}")).into())
}

/// A period as a reader says it: a month is "May 2025", anything else its label.
pub(crate) fn period(p: &Period) -> String {
    match p.kind {
        PeriodKind::Month => p.start.format("%B %Y").to_string(),
        _ => p.label.clone(),
    }
}

/// Where a special-cause rule puts points, with their direction.
fn rule_place(rule: Rule, direction: i8) -> &'static str {
    match (rule, direction >= 0) {
        (Rule::OutsideLimits, true) => "above the upper limit",
        (Rule::OutsideLimits, false) => "below the lower limit",
        (Rule::Trend, true) => "in a run of seven or more rising points",
        (Rule::Trend, false) => "in a run of seven or more falling points",
        (Rule::TwoInThree, true) => "close to the upper limit, two in three",
        (Rule::TwoInThree, false) => "close to the lower limit, two in three",
        (Rule::Shift, true) => "in a run of seven or more above the mean",
        (Rule::Shift, false) => "in a run of seven or more below the mean",
    }
}

/// A special cause's judgement in words.
pub(crate) fn special_cause(sc: SpecialCause) -> &'static str {
    match sc {
        SpecialCause::Improvement => "improvement",
        SpecialCause::Concern => "concern",
        SpecialCause::Neutral => "neither better nor worse",
        SpecialCause::None => "",
    }
}

/// A summary of special-cause points (METHODS.md 2.6): "24 points above the upper limit since
/// May 2025 (improvement)".
pub(crate) fn special_cause_run(run: &SpecialCauseRun) -> String {
    let points = if run.points == 1 {
        "1 point".to_string()
    } else {
        format!("{} points", run.points)
    };
    let when = if run.first == run.last {
        format!("in {}", period(&run.first))
    } else if run.ongoing {
        format!("since {}", period(&run.first))
    } else {
        format!("from {} to {}", period(&run.first), period(&run.last))
    };
    format!(
        "{points} {} {when} ({})",
        rule_place(run.rule, run.direction),
        special_cause(run.special_cause)
    )
}

/// A rebase beside the chart: "Limits recalculated from April 2025: a new pathway."
pub(crate) fn phase(p: &Phase) -> String {
    match &p.reason {
        Some(why) => format!("Limits recalculated from {}: {why}", period(&p.start)),
        None => format!("Limits recalculated from {}.", period(&p.start)),
    }
}

/// A point's special cause in a table cell: "Concern: above the upper limit".
pub(crate) fn special_point(sc: SpecialCause, rule: Rule, direction: i8) -> String {
    let judgement = match sc {
        SpecialCause::Improvement => "Improvement",
        SpecialCause::Concern => "Concern",
        SpecialCause::Neutral => "Neither better nor worse",
        SpecialCause::None => return String::new(),
    };
    format!("{judgement}: {}", rule_place(rule, direction))
}
