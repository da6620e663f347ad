//! Performance pages: the portfolio dashboard, a page per contract and per KPI with its SPC chart,
//! Procurement Act 2023 compliance, and the re-commissioning pipeline.

use super::deferred_view;
use super::format::{date, money, number, opt_value};
use super::index::Index;
use super::{
    contract_path, crumbs, indicator_path, kpi_path, link, spec_path, tender_path, view, Link, Page,
};
use crate::analysis::performance::{CpnRating, Flag, KpiAnalysis, Rag};
use crate::analysis::spc::{Assurance, PointType, SpecialCause};
use crate::analysis::Analysis;
use crate::model::{Polarity, Project};
use crate::render::charts::{spc_chart, Chart, Mark};
use serde::Serialize;
use std::fmt::Write as _;

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

fn rag_label(r: Option<Rag>) -> (String, String) {
    match r {
        Some(Rag::Green) => ("green".into(), "Met target".into()),
        Some(Rag::Amber) => ("amber".into(), "Just missed target".into()),
        Some(Rag::Red) => ("red".into(), "Missed target".into()),
        Some(Rag::NoTarget) => ("none".into(), "No target".into()),
        None => ("none".into(), "No data".into()),
    }
}

fn flag_label(f: Flag) -> &'static str {
    match f {
        Flag::TooFewKpis => "Fewer than 3 KPIs (Procurement Act 2023 s.52)",
        Flag::AssessmentOverdue => "No performance assessment in the last 12 months (s.71)",
        Flag::ExpiringSoon => "Ends within 18 months",
        Flag::AwardNotTopRanked => "Awarded to a bidder who was not ranked first",
    }
}

/// Plain-text counts of a contract's KPI variation and assurance, for pages along the cycle.
pub fn kpi_summary_counts(ix: &Index, contract_id: &str) -> (String, String) {
    let kpis = ix
        .kpis_by_contract
        .get(contract_id)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if kpis.is_empty() {
        return ("No KPI returns".into(), String::new());
    }
    let mut improvement = 0;
    let mut concern = 0;
    let mut pass = 0;
    let mut fail = 0;
    let mut hit_miss = 0;
    for k in kpis {
        match k.summary.variation {
            Some(PointType::SpecialCauseImprovement) => improvement += 1,
            Some(PointType::SpecialCauseConcern) => concern += 1,
            _ => {}
        }
        match k.summary.assurance {
            Assurance::ConsistentPass => pass += 1,
            Assurance::ConsistentFail => fail += 1,
            Assurance::Inconsistent => hit_miss += 1,
            Assurance::NotApplicable => {}
        }
    }
    (
        format!("{} KPIs: {improvement} improving, {concern} of concern", kpis.len()),
        format!("{pass} consistently meeting target, {hit_miss} hit and miss, {fail} consistently failing"),
    )
}

#[derive(Serialize)]
struct KpiLine {
    link: Link,
    unit: String,
    latest_period: String,
    latest_actual: String,
    latest_target: String,
    rag: String,
    rag_label: String,
    variation_icon: String,
    variation_label: String,
    assurance_icon: String,
    assurance_label: String,
    trial: bool,
}

fn kpi_line(k: &KpiAnalysis) -> KpiLine {
    let s = &k.summary;
    let (rag, rag_text) = rag_label(s.latest_rag);
    let (vi, vl) = variation_icon(s.variation, s.polarity);
    let (ai, al) = assurance_icon(s.assurance);
    KpiLine {
        link: link(&kpi_path(&k.contract_id, &k.kpi_id), s.kpi_name.clone()),
        unit: s.unit.clone().unwrap_or_default(),
        latest_period: s
            .latest_period
            .as_ref()
            .map(|p| p.label.clone())
            .unwrap_or_default(),
        latest_actual: opt_value(s.latest_actual),
        latest_target: opt_value(s.latest_target),
        rag,
        rag_label: rag_text,
        variation_icon: vi,
        variation_label: vl,
        assurance_icon: ai,
        assurance_label: al,
        trial: s.trial_limits,
    }
}

#[derive(Serialize)]
struct ContractLine {
    link: Link,
    supplier: String,
    spec: Option<Link>,
    annual_value: String,
    annual_value_raw: f64,
    end_date: String,
    status: String,
    rating: String,
    rating_class: String,
    kpi_count: usize,
    concern: usize,
    improvement: usize,
    flags: Vec<String>,
}

/// All performance pages.
pub fn pages<'a>(project: &'a Project, analysis: &'a Analysis) -> Vec<Page<'a>> {
    let ix = Index::new(project, analysis);
    let mut pages = Vec::new();
    let as_of = analysis
        .as_of
        .map(date)
        .unwrap_or_else(|| "the latest data".into());
    // KPI pages (a chart each) are most of a large site: build them in parallel, in page order.
    let kpi_pages: Vec<Vec<Page>> = {
        use rayon::prelude::*;
        let contracts: Vec<_> = project.contracts.values().collect();
        contracts
            .par_iter()
            .map(|c| {
                ix.kpis_by_contract
                    .get(c.contract_id.as_str())
                    .map(|kpis| kpis.iter().map(|k| kpi_page(project, c, k)).collect())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut kpi_pages = kpi_pages.into_iter();
    let mut lines = Vec::new();
    for c in project.contracts.values() {
        let status = ix.status.get(c.contract_id.as_str());
        let kpis = ix
            .kpis_by_contract
            .get(c.contract_id.as_str())
            .cloned()
            .unwrap_or_default();
        lines.push(ContractLine {
            link: link(&contract_path(&c.contract_id), c.title.clone()),
            supplier: c.supplier.clone(),
            spec: project
                .specifications
                .get(&c.spec_id)
                .map(|s| link(&spec_path(&s.id), s.title.clone())),
            annual_value: money(c.annual_value),
            annual_value_raw: c.annual_value,
            end_date: date(c.final_end_date()),
            status: status
                .map(|s| s.status.as_str().replace('_', " "))
                .unwrap_or_default(),
            rating: status
                .map(|s| s.rating.label().to_string())
                .unwrap_or_default(),
            rating_class: status
                .map(|s| s.rating.as_str().to_string())
                .unwrap_or_default(),
            kpi_count: kpis.len(),
            concern: kpis
                .iter()
                .filter(|k| k.summary.variation == Some(PointType::SpecialCauseConcern))
                .count(),
            improvement: kpis
                .iter()
                .filter(|k| k.summary.variation == Some(PointType::SpecialCauseImprovement))
                .count(),
            flags: status
                .map(|s| s.flags.iter().map(|f| flag_label(*f).to_string()).collect())
                .unwrap_or_default(),
        });
    }
    #[derive(Serialize)]
    struct Dashboard {
        as_of: String,
        contracts: Vec<ContractLine>,
        ratings: Vec<(String, usize)>,
        rating_rule: String,
    }
    let mut ratings: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in &analysis.contracts {
        *ratings.entry(s.rating.label()).or_default() += 1;
    }
    pages.push(Page {
        path: "performance/".into(),
        template: "performance.html",
        title: "Performance management".into(),
        section: "performance",
        breadcrumbs: crumbs(&[]),
        view: view(Dashboard {
            as_of: as_of.clone(),
            contracts: lines,
            ratings: ratings
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            rating_rule: crate::analysis::performance::CPN_RATING_RULE.to_string(),
        }),
        description: format!(
            "Every contract's KPIs judged with statistical process control, as of {as_of}."
        ),
    });

    // Contract pages and KPI pages.
    for c in project.contracts.values() {
        let status = ix.status.get(c.contract_id.as_str());
        let kpis = ix
            .kpis_by_contract
            .get(c.contract_id.as_str())
            .cloned()
            .unwrap_or_default();
        let spec = project.specifications.get(&c.spec_id);
        let needs: Vec<Link> = spec
            .map(|s| {
                s.addresses
                    .iter()
                    .filter_map(|i| project.indicators.get(i))
                    .map(|i| link(&indicator_path(&i.id), i.name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let tender = c.tender_id.as_ref().and_then(|t| ix.tender.get(t.as_str()));
        #[derive(Serialize)]
        struct AwardRow {
            supplier: String,
            rank: String,
            total: String,
            awarded: bool,
        }
        let award_rows: Vec<AwardRow> = tender
            .map(|t| {
                t.bids
                    .iter()
                    .filter(|b| b.rank.is_some())
                    .map(|b| AwardRow {
                        supplier: b.supplier.clone(),
                        rank: b.rank.map(|r| r.to_string()).unwrap_or_default(),
                        total: number(b.total_score, 1),
                        awarded: b.awarded,
                    })
                    .collect()
            })
            .unwrap_or_default();
        #[derive(Serialize)]
        struct SocialValueRow {
            theme: String,
            measure: String,
            target: String,
            delivered: String,
        }
        let social_value: Vec<SocialValueRow> = spec
            .map(|s| {
                s.social_value
                    .iter()
                    .map(|sv| {
                        let delivered = sv
                            .kpi_id
                            .as_ref()
                            .and_then(|k| kpis.iter().find(|x| &x.kpi_id == k))
                            .map(|k| {
                                let total: f64 = k.rows.iter().filter_map(|r| r.actual).sum();
                                format!(
                                    "{} to {}",
                                    number(total, 0),
                                    k.summary
                                        .latest_period
                                        .as_ref()
                                        .map(|p| p.label.clone())
                                        .unwrap_or_default()
                                )
                            })
                            .unwrap_or_else(|| "Not yet reported".into());
                        SocialValueRow {
                            theme: sv.theme.clone(),
                            measure: sv.measure.clone(),
                            target: sv.target.map(|t| number(t, 0)).unwrap_or_default(),
                            delivered,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        #[derive(Serialize)]
        struct ContractView {
            id: String,
            title: String,
            supplier: String,
            supplier_type: String,
            supplier_id: String,
            description: String,
            department: String,
            start: String,
            end: String,
            final_end: String,
            award_date: String,
            annual_value: String,
            total_value: String,
            route: String,
            status: String,
            months_remaining: String,
            rating: String,
            rating_class: String,
            rating_rule: String,
            flags: Vec<String>,
            kpis: Vec<KpiLine>,
            specification: Option<Link>,
            needs: Vec<Link>,
            tender: Option<Link>,
            award_rows: Vec<AwardRow>,
            award_not_top: bool,
            social_value: Vec<SocialValueRow>,
        }
        let v = ContractView {
            id: c.contract_id.clone(),
            title: c.title.clone(),
            supplier: c.supplier.clone(),
            supplier_type: c
                .supplier_type
                .map(|t| t.label().to_string())
                .unwrap_or_default(),
            supplier_id: c.supplier_id.clone().unwrap_or_default(),
            description: c.description.clone().unwrap_or_default(),
            department: c.department.clone().unwrap_or_default(),
            start: date(c.start_date),
            end: date(c.end_date),
            final_end: date(c.final_end_date()),
            award_date: c.award_date.map(date).unwrap_or_default(),
            annual_value: money(c.annual_value),
            total_value: money(c.total_value),
            route: c
                .procurement_route
                .map(|r| r.label().to_string())
                .unwrap_or_default(),
            status: status
                .map(|s| s.status.as_str().replace('_', " "))
                .unwrap_or_default(),
            months_remaining: status
                .map(|s| s.months_remaining.to_string())
                .unwrap_or_default(),
            rating: status
                .map(|s| s.rating.label().to_string())
                .unwrap_or_default(),
            rating_class: status
                .map(|s| s.rating.as_str().to_string())
                .unwrap_or_default(),
            rating_rule: crate::analysis::performance::CPN_RATING_RULE.to_string(),
            flags: status
                .map(|s| s.flags.iter().map(|f| flag_label(*f).to_string()).collect())
                .unwrap_or_default(),
            kpis: kpis.iter().map(|k| kpi_line(k)).collect(),
            specification: spec.map(|s| link(&spec_path(&s.id), s.title.clone())),
            needs,
            tender: c
                .tender_id
                .as_ref()
                .filter(|t| ix.tender.contains_key(t.as_str()))
                .map(|t| link(&tender_path(t), format!("Tender {t}"))),
            award_rows,
            award_not_top: status.is_some_and(|s| s.flags.contains(&Flag::AwardNotTopRanked)),
            social_value,
        };
        pages.push(Page {
            path: contract_path(&c.contract_id),
            template: "contract.html",
            title: c.title.clone(),
            section: "performance",
            breadcrumbs: crumbs(&[("Performance", "performance/")]),
            view: view(v),
            description: format!(
                "{} delivered by {}: KPIs, SPC judgements and contract details.",
                c.title, c.supplier
            ),
        });
        pages.extend(kpi_pages.next().unwrap_or_default());
    }

    // Compliance.
    #[derive(Serialize)]
    struct ComplianceRow {
        link: Link,
        supplier: String,
        total_value: String,
        kpi_count: usize,
        last_assessed: String,
        flags: Vec<String>,
    }
    let threshold = project.config.performance.kpi_threshold_value;
    let compliance: Vec<ComplianceRow> = analysis
        .contracts
        .iter()
        .filter(|s| {
            s.flags
                .iter()
                .any(|f| matches!(f, Flag::TooFewKpis | Flag::AssessmentOverdue))
        })
        .filter_map(|s| project.contracts.get(&s.contract_id).map(|c| (s, c)))
        .map(|(s, c)| ComplianceRow {
            link: link(&contract_path(&c.contract_id), c.title.clone()),
            supplier: c.supplier.clone(),
            total_value: money(c.total_value),
            kpi_count: s.kpi_count,
            last_assessed: s
                .last_assessed
                .as_ref()
                .map(|p| p.label.clone())
                .unwrap_or_else(|| "never".into()),
            flags: s
                .flags
                .iter()
                .filter(|f| matches!(f, Flag::TooFewKpis | Flag::AssessmentOverdue))
                .map(|f| flag_label(*f).to_string())
                .collect(),
        })
        .collect();
    let in_scope = project
        .contracts
        .values()
        .filter(|c| c.total_value > threshold)
        .count();
    #[derive(Serialize)]
    struct ComplianceView {
        as_of: String,
        threshold: String,
        in_scope: usize,
        rows: Vec<ComplianceRow>,
    }
    pages.push(Page {
        path: "performance/compliance/".into(),
        template: "compliance.html",
        title: "Procurement Act 2023 compliance".into(),
        section: "performance",
        breadcrumbs: crumbs(&[("Performance", "performance/")]),
        view: view(ComplianceView { as_of: as_of.clone(), threshold: money(threshold), in_scope, rows: compliance }),
        description: "Contracts over the KPI threshold with fewer than three KPIs or no assessment in the last 12 months.".into(),
    });

    // Pipeline.
    #[derive(Serialize)]
    struct PipelineRow {
        link: Link,
        supplier: String,
        end: String,
        months_remaining: u32,
        annual_value: String,
        total_value: String,
        rating: String,
        rating_class: String,
        spec: Option<Link>,
        needs: Vec<Link>,
    }
    let rows: Vec<PipelineRow> = analysis
        .pipeline
        .iter()
        .map(|p| PipelineRow {
            link: link(&contract_path(&p.contract_id), p.title.clone()),
            supplier: p.supplier.clone(),
            end: date(p.final_end_date),
            months_remaining: p.months_remaining,
            annual_value: money(p.annual_value),
            total_value: money(p.total_value),
            rating: p.rating.label().to_string(),
            rating_class: p.rating.as_str().to_string(),
            spec: project
                .specifications
                .get(&p.spec_id)
                .map(|s| link(&spec_path(&s.id), s.title.clone())),
            needs: project
                .specifications
                .get(&p.spec_id)
                .map(|s| {
                    s.addresses
                        .iter()
                        .filter_map(|i| project.indicators.get(i))
                        .map(|i| link(&indicator_path(&i.id), i.name.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    #[derive(Serialize)]
    struct PipelineView {
        as_of: String,
        rows: Vec<PipelineRow>,
        total_annual: String,
    }
    let total_annual: f64 = analysis.pipeline.iter().map(|p| p.annual_value).sum();
    pages.push(Page {
        path: "performance/pipeline/".into(),
        template: "pipeline.html",
        title: "Re-commissioning pipeline".into(),
        section: "performance",
        breadcrumbs: crumbs(&[("Performance", "performance/")]),
        view: view(PipelineView {
            as_of,
            rows,
            total_annual: money(total_annual),
        }),
        description:
            "Contracts ending within 18 months: where the commissioning cycle starts again.".into(),
    });
    let _ = CpnRating::Good;
    pages
}

/// A KPI's page. Its view, with the SPC chart, is built when the page is rendered: KPI pages are
/// most of a large site.
fn kpi_page<'a>(
    project: &'a Project,
    c: &'a crate::model::Contract,
    k: &'a KpiAnalysis,
) -> Page<'a> {
    let s = &k.summary;
    Page {
        path: kpi_path(&c.contract_id, &k.kpi_id),
        template: "kpi.html",
        title: format!("{} — {}", s.kpi_name, c.title),
        section: "performance",
        breadcrumbs: crumbs(&[
            ("Performance", "performance/"),
            (&c.title, &contract_path(&c.contract_id)),
        ]),
        view: deferred_view(
            move |hasher| {
                // Everything kpi_view reads.
                let mut h = crate::cache::HashFmt(hasher);
                let _ = write!(
                    h,
                    "{}|{}|{}|{}|{:?}",
                    project.config.performance.spc_screen_outliers,
                    c.contract_id,
                    c.title,
                    c.supplier,
                    k
                );
            },
            move || kpi_view(project, c, k),
        ),
        description: format!(
            "{} for {}: SPC chart, variation and assurance.",
            s.kpi_name, c.title
        ),
    }
}

fn kpi_view(
    project: &Project,
    c: &crate::model::Contract,
    k: &KpiAnalysis,
) -> impl Serialize + Send + Sync {
    let s = &k.summary;
    let labels: Vec<String> = k.rows.iter().map(|r| r.period.label.clone()).collect();
    let values: Vec<Option<f64>> = k.rows.iter().map(|r| r.actual).collect();
    let mean: Vec<Option<f64>> = k
        .rows
        .iter()
        .map(|r| r.mean.filter(|v| v.is_finite()))
        .collect();
    let lower: Vec<Option<f64>> = k
        .rows
        .iter()
        .map(|r| r.lower_limit.filter(|v| v.is_finite()))
        .collect();
    let upper: Vec<Option<f64>> = k
        .rows
        .iter()
        .map(|r| r.upper_limit.filter(|v| v.is_finite()))
        .collect();
    let target: Vec<Option<f64>> = k.rows.iter().map(|r| r.target).collect();
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
    let (vi, vl) = variation_icon(s.variation, s.polarity);
    let (ai, al) = assurance_icon(s.assurance);
    let specials: Vec<String> = k
        .rows
        .iter()
        .filter(|r| r.rule.is_some())
        .map(|r| {
            format!(
                "{} ({})",
                r.period.label,
                r.rule
                    .map(|x| x.as_str().replace('_', " "))
                    .unwrap_or_default()
            )
        })
        .collect();
    let mut summary = vec![vl.clone(), al.clone()];
    if let Some(last) = k
        .rows
        .iter()
        .rev()
        .find(|r| r.mean.is_some_and(f64::is_finite))
    {
        summary.push(format!(
            "The process mean is {} with limits from {} to {}: month to month, values between these limits are expected from common-cause variation alone.",
            opt_value(last.mean),
            opt_value(last.lower_limit),
            opt_value(last.upper_limit)
        ));
    }
    if !specials.is_empty() {
        summary.push(format!("Special-cause points: {}.", specials.join(", ")));
    }
    if s.trial_limits {
        summary.push(
            "Fewer than 13 points: these are trial limits and may change as data arrives.".into(),
        );
    }
    if let Some(slope) = s.trend_slope {
        summary.push(format!("Linear trend: {} per period.", number(slope, 3)));
    }
    let chart = spc_chart(
        &format!("spc-{}", crate::model::slug(&k.kpi_id)),
        &format!("{}: statistical process control chart", s.kpi_name),
        &format!("XmR chart of {} periods with the mean (solid line), process limits (dashed grey) and target (dotted red). Improvement points are triangles, concern points squares, neutral points crosses. {}", k.rows.len(), summary.join(" ")),
        &labels,
        &values,
        &mean,
        &lower,
        &upper,
        &target,
        &marks,
    );
    #[derive(Serialize)]
    struct Row {
        period: String,
        actual: String,
        target: String,
        rag: String,
        rag_label: String,
        mean: String,
        lower: String,
        upper: String,
        special: String,
        special_class: String,
    }
    let rows: Vec<Row> = k
        .rows
        .iter()
        .map(|r| {
            let (rag, rag_text) = rag_label(r.rag);
            Row {
                period: r.period.label.clone(),
                actual: opt_value(r.actual),
                target: opt_value(r.target),
                rag,
                rag_label: rag_text,
                mean: opt_value(r.mean.filter(|v| v.is_finite())),
                lower: opt_value(r.lower_limit.filter(|v| v.is_finite())),
                upper: opt_value(r.upper_limit.filter(|v| v.is_finite())),
                special: match (r.special_cause, r.rule) {
                    (Some(sc), Some(rule)) if sc != SpecialCause::None => {
                        format!("{} ({})", sc.as_str(), rule.as_str().replace('_', " "))
                    }
                    _ => String::new(),
                },
                special_class: r
                    .special_cause
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    #[derive(Serialize)]
    struct KpiView {
        name: String,
        id: String,
        unit: String,
        polarity: String,
        contract: Link,
        supplier: String,
        chart: Option<Chart>,
        variation_icon: String,
        variation_label: String,
        assurance_icon: String,
        assurance_label: String,
        summary: Vec<String>,
        rows: Vec<Row>,
        screening: String,
    }
    KpiView {
        name: s.kpi_name.clone(),
        id: k.kpi_id.clone(),
        unit: s.unit.clone().unwrap_or_default(),
        polarity: match s.polarity {
            Polarity::HigherIsBetter => "Higher is better",
            Polarity::LowerIsBetter => "Lower is better",
            Polarity::NoJudgement => "No judgement",
        }
        .into(),
        contract: link(&contract_path(&c.contract_id), c.title.clone()),
        supplier: c.supplier.clone(),
        chart,
        variation_icon: vi,
        variation_label: vl,
        assurance_icon: ai,
        assurance_label: al,
        summary,
        rows,
        screening: if project.config.performance.spc_screen_outliers {
            "Moving ranges of 3.267 times the average or more are screened out before the limits are computed (NHSRplotthedots default).".into()
        } else {
            "Limits use every moving range, as the NHS England Making Data Count Excel tool does."
                .into()
        },
    }
}
