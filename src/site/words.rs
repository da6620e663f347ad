//! The words pages show for codes: funding, contract status, ratings, RAG, flags, SPC icons and
//! their text alternatives. One place, so every page kind words a code alike.

use crate::analysis::performance::{Flag, Rag};
use crate::analysis::spc::{Assurance, PointType};
use crate::model::{Funding, Polarity};

/// How a specification is funded, in a table cell.
pub fn funding(f: Funding) -> &'static str {
    match f {
        Funding::Contract => "Contract",
        Funding::Grant => "Grants",
    }
}

/// A RAG status's class and words.
pub fn rag(r: Option<Rag>) -> (String, String) {
    match r {
        Some(Rag::Green) => ("green".into(), "Met target".into()),
        Some(Rag::Amber) => ("amber".into(), "Just missed target".into()),
        Some(Rag::Red) => ("red".into(), "Missed target".into()),
        Some(Rag::NoTarget) => ("none".into(), "No target".into()),
        None => ("none".into(), "No data".into()),
    }
}

/// A contract flag in words.
pub fn flag(f: Flag) -> &'static str {
    match f {
        Flag::TooFewKpis => "Fewer than 3 KPIs (Procurement Act 2023 s.52)",
        Flag::AssessmentOverdue => "No performance assessment in the last 12 months (s.71)",
        Flag::ExpiringSoon => "Ends within 18 months",
        Flag::AwardNotTopRanked => "Awarded to a bidder who was not ranked first",
    }
}

/// Which way is better, in words.
pub fn polarity(p: Polarity) -> &'static str {
    match p {
        Polarity::HigherIsBetter => "Higher is better",
        Polarity::LowerIsBetter => "Lower is better",
        Polarity::NoJudgement => "No judgement",
    }
}

/// Icon file and text alternative for a variation point type (METHODS.md 2.3).
pub fn variation_icon(point: Option<PointType>, polarity: Polarity) -> (String, String) {
    let increase = polarity != Polarity::LowerIsBetter;
    match point {
        None => ("none".into(), "No data".into()),
        Some(PointType::CommonCause) => (
            "common_cause".into(),
            "Common cause variation: no significant change".into(),
        ),
        Some(PointType::SpecialCauseImprovement) => (
            if increase {
                "improvement_high"
            } else {
                "improvement_low"
            }
            .into(),
            format!(
                "Special cause variation: improvement ({} values)",
                if increase { "higher" } else { "lower" }
            ),
        ),
        Some(PointType::SpecialCauseConcern) => (
            if increase {
                "concern_low"
            } else {
                "concern_high"
            }
            .into(),
            format!(
                "Special cause variation: concern ({} values)",
                if increase { "lower" } else { "higher" }
            ),
        ),
        Some(PointType::SpecialCauseNeutralHigh) => (
            "neutral_high".into(),
            "Special cause variation: higher values (neither good nor bad)".into(),
        ),
        Some(PointType::SpecialCauseNeutralLow) => (
            "neutral_low".into(),
            "Special cause variation: lower values (neither good nor bad)".into(),
        ),
    }
}

/// Icon file and text alternative for an assurance result (METHODS.md 2.4).
pub fn assurance_icon(a: Assurance) -> (String, String) {
    match a {
        Assurance::ConsistentPass => (
            "pass".into(),
            "Assurance: will consistently meet the target".into(),
        ),
        Assurance::ConsistentFail => (
            "fail".into(),
            "Assurance: will consistently fail the target".into(),
        ),
        Assurance::Inconsistent => (
            "inconsistent".into(),
            "Assurance: will hit and miss the target".into(),
        ),
        Assurance::NotApplicable => (
            "none".into(),
            "Assurance: not applicable (no target, or no judgement)".into(),
        ),
    }
}
