//! The words pages show for codes: funding, contract status, ratings, RAG, flags, SPC icons and
//! their text alternatives. One place, so every page kind words a code alike; the words come from
//! the theme's string table where it has them (`themes/default/i18n/en-GB.toml`).

use crate::analysis::appraisal::VfmCategory;
use crate::analysis::needs::{CiMethod, Comparison, Trend, TrendDirection};
use crate::analysis::performance::{ContractState, CpnRating, Flag, Phase, Rag, SpecialCauseRun};
use crate::analysis::spc::{Assurance, PointType};
use crate::analysis::spc::{Rule, SpecialCause};
use crate::load::theme::Strings;
use crate::model::{
    Funding, Polarity, ProcurementRoute, ResponseStatus, SpecStatus, SupplierType, ValueType,
};
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

/// A code of the published data that pages show in words: the words are `SECTION.code` in the
/// string table, so adding a variant without its words fails `every_code_has_words`.
pub(crate) trait Worded: Copy {
    const SECTION: &'static str;
    fn code(self) -> &'static str;
}

macro_rules! worded {
    ($($t:ty => $section:literal),* $(,)?) => {$(
        impl Worded for $t {
            const SECTION: &'static str = $section;
            fn code(self) -> &'static str {
                self.as_str()
            }
        }
    )*};
}

worded! {
    CpnRating => "rating",
    Flag => "flag",
    Polarity => "polarity",
    ContractState => "contract_state",
    Comparison => "comparison",
    Trend => "trend",
    TrendDirection => "trend_direction",
    CiMethod => "ci_method",
    VfmCategory => "vfm",
    SpecStatus => "spec_status",
    SupplierType => "supplier_type",
    ProcurementRoute => "route",
    ResponseStatus => "response_status",
    ValueType => "value_type",
}

/// A code in words: a rating, a status, a comparison, a trend, ...
pub(crate) fn of<T: Worded>(w: &Strings, x: T) -> String {
    w.get(&format!("{}.{}", T::SECTION, x.code())).to_string()
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
pub(crate) fn period(w: &Strings, p: &Period) -> String {
    match p.kind {
        PeriodKind::Month => super::format::month_in(w, p.start),
        _ => p.label.to_string(),
    }
}

/// Where a special-cause rule puts points, with their direction.
fn rule_place(w: &Strings, rule: Rule, direction: i8) -> String {
    let way = if direction >= 0 { "up" } else { "down" };
    w.get(&format!("spc.place.{}_{way}", rule.as_str()))
        .to_string()
}

/// A summary of special-cause points (METHODS.md 2.6): "24 points above the upper limit since
/// May 2025 (improvement)".
pub(crate) fn special_cause_run(w: &Strings, run: &SpecialCauseRun) -> String {
    let points = if run.points == 1 {
        w.fill("spc.points_one", &[("count", &run.points)])
    } else {
        w.fill("spc.points_many", &[("count", &run.points)])
    };
    let (first, last) = (period(w, &run.first), period(w, &run.last));
    let when = if run.first == run.last {
        w.fill("spc.when_one", &[("period", &first)])
    } else if run.ongoing {
        w.fill("spc.when_since", &[("period", &first)])
    } else {
        w.fill("spc.when_range", &[("first", &first), ("last", &last)])
    };
    w.fill(
        &format!("spc.run.{}", run.special_cause.as_str()),
        &[
            ("points", &points),
            ("place", &rule_place(w, run.rule, run.direction)),
            ("when", &when),
        ],
    )
}

/// A rebase beside the chart: "Limits recalculated from April 2025: a new pathway."
pub(crate) fn phase(w: &Strings, p: &Phase) -> String {
    let start = period(w, &p.start);
    match &p.reason {
        Some(why) => w.fill("spc.phase", &[("period", &start), ("reason", why)]),
        None => w.fill("spc.phase_no_reason", &[("period", &start)]),
    }
}

/// A point's special cause in a table cell: "Concern: above the upper limit".
pub(crate) fn special_point(w: &Strings, sc: SpecialCause, rule: Rule, direction: i8) -> String {
    if sc == SpecialCause::None {
        return String::new();
    }
    w.fill(
        &format!("spc.point.{}", sc.as_str()),
        &[("place", &rule_place(w, rule, direction))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code a page words has its words in the theme's base table: a variant added without
    /// them would show its key.
    #[test]
    fn every_code_has_words() {
        fn check<T: Worded>(all: &[T]) {
            for &x in all {
                let key = format!("{}.{}", T::SECTION, x.code());
                assert!(Strings::base().has(&key), "{key} is not in en-GB.toml");
            }
        }
        use crate::analysis::performance::CpnRating;
        check(&CpnRating::ALL);
        check(&[
            Flag::TooFewKpis,
            Flag::AssessmentOverdue,
            Flag::ExpiringSoon,
            Flag::AwardNotTopRanked,
        ]);
        check(&[
            Polarity::HigherIsBetter,
            Polarity::LowerIsBetter,
            Polarity::NoJudgement,
        ]);
        check(&[
            ContractState::NotStarted,
            ContractState::Live,
            ContractState::InExtension,
            ContractState::Ended,
        ]);
        check(&[
            Comparison::Better,
            Comparison::Similar,
            Comparison::Worse,
            Comparison::Best,
            Comparison::Worst,
            Comparison::Higher,
            Comparison::Lower,
            Comparison::NotCompared,
        ]);
        check(&[
            Trend::Increasing,
            Trend::Decreasing,
            Trend::NoSignificantChange,
            Trend::CannotBeCalculated,
        ]);
        check(&[
            TrendDirection::Improving,
            TrendDirection::Worsening,
            TrendDirection::NoChange,
            TrendDirection::NotApplicable,
        ]);
        check(&[
            CiMethod::Given,
            CiMethod::Wilson,
            CiMethod::Byar,
            CiMethod::Exact,
            CiMethod::None,
        ]);
        check(&[
            VfmCategory::VeryPoor,
            VfmCategory::Poor,
            VfmCategory::Low,
            VfmCategory::Medium,
            VfmCategory::High,
            VfmCategory::VeryHigh,
        ]);
        let statuses: Vec<SpecStatus> = SpecStatus::ALL
            .iter()
            .filter_map(|s| SpecStatus::parse(s))
            .collect();
        assert_eq!(statuses.len(), SpecStatus::ALL.len());
        check(&statuses);
        check(&[
            SupplierType::Sme,
            SupplierType::Vcse,
            SupplierType::Large,
            SupplierType::Public,
        ]);
        check(&[
            ProcurementRoute::Quote,
            ProcurementRoute::OpenTender,
            ProcurementRoute::Framework,
            ProcurementRoute::DirectAward,
            ProcurementRoute::Grant,
        ]);
        let value_types: Vec<ValueType> = ValueType::ALL
            .iter()
            .filter_map(|s| ValueType::parse(s))
            .collect();
        assert_eq!(value_types.len(), ValueType::ALL.len());
        check(&value_types);
        check(&[
            ResponseStatus::Done,
            ResponseStatus::InProgress,
            ResponseStatus::NotTakenForward,
        ]);
    }

    #[test]
    fn special_causes_in_the_themes_words() {
        let w = Strings::base();
        let may = Period::parse("2025-05").unwrap();
        let run = SpecialCauseRun {
            rule: Rule::OutsideLimits,
            direction: 1,
            special_cause: SpecialCause::Improvement,
            points: 24,
            first: may.clone(),
            last: Period::parse("2027-04").unwrap(),
            ongoing: true,
        };
        assert_eq!(
            special_cause_run(w, &run),
            "24 points above the upper limit since May 2025 (improvement)"
        );
        let one = SpecialCauseRun {
            points: 1,
            last: may.clone(),
            rule: Rule::Shift,
            direction: -1,
            special_cause: SpecialCause::Neutral,
            ..run
        };
        assert_eq!(
            special_cause_run(w, &one),
            "1 point in a run of seven or more below the mean in May 2025 (neither better nor worse)"
        );
        assert_eq!(
            special_point(w, SpecialCause::Concern, Rule::TwoInThree, -1),
            "Concern: close to the lower limit, two in three"
        );
        assert_eq!(special_point(w, SpecialCause::None, Rule::Trend, 1), "");
    }
}
