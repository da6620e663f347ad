//! Options appraisal pages, one per specification: each option's discounted costs and benefits
//! (Green Book, METHODS.md 3), its value-for-money category and its yearly cash flows.

use super::chart::{paired_bars, Chart, Head, PairedBar};
use super::format::{money, number};
use super::index::Index;
use super::words;
use super::{crumbs, link, options_path, spec_path, view, Link, Page};
use crate::analysis::appraisal::{DiscountedYear, OptionResult};
use crate::model::config::DiscountSchedule;
use crate::model::{AppraisalOption, Specification};
use serde::Serialize;
use std::collections::BTreeMap;

/// The view of `options.html`.
#[derive(Debug, Serialize)]
pub struct AppraisalView {
    pub spec: Link,
    pub options: Vec<OptionView>,
    pub chart: Option<Chart>,
    /// The preferred option's name (empty when none is preferred).
    pub preferred: String,
    /// The discount schedule the appraisal used, in words.
    pub schedule: String,
}

/// One option of an appraisal.
#[derive(Debug, Serialize)]
pub struct OptionView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub risk: String,
    pub pv_costs: String,
    pub pv_benefits: String,
    pub npsv: String,
    pub bcr: String,
    pub vfm: String,
    pub vfm_class: String,
    pub preferred: bool,
    pub years: Vec<YearView>,
}

/// One year of an option's cash flows, discounted.
#[derive(Debug, Serialize)]
pub struct YearView {
    pub year: u32,
    pub cost: String,
    pub benefit: String,
    pub discount_factor: String,
    pub pv_cost: String,
    pub pv_benefit: String,
}

/// One options appraisal page per specification that has options.
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
    let mut by_spec: BTreeMap<&str, Vec<&OptionResult>> = BTreeMap::new();
    for o in &ix.analysis.options {
        by_spec.entry(o.spec_id.as_str()).or_default().push(o);
    }
    by_spec
        .into_iter()
        .filter_map(|(spec_id, options)| {
            let spec = ix.project.specifications.get(spec_id)?;
            Some(Page {
                path: options_path(spec_id),
                template: "options.html",
                title: ix
                    .words
                    .fill("page.options.title", &[("specification", &spec.title)]),
                section: "procurement",
                breadcrumbs: crumbs(
                    ix.words,
                    &[(ix.words.get("crumb.procurement"), "procurement/")],
                ),
                view: view(appraisal_view(ix, spec, &options)),
                description: ix.words.fill(
                    "page.options.description",
                    &[("specification", &spec.title)],
                ),
            })
        })
        .collect()
}

/// The view of one specification's appraisal, from its options' results.
pub fn appraisal_view(
    ix: &Index,
    spec: &Specification,
    options: &[&OptionResult],
) -> AppraisalView {
    let models: BTreeMap<&str, &AppraisalOption> = ix
        .project
        .options
        .iter()
        .filter(|o| o.spec_id == spec.id)
        .map(|o| (o.option_id.as_str(), o))
        .collect();
    let w = ix.words;
    let head = Head {
        id: format!("options-{}", crate::model::slug(&spec.id)),
        title: w.fill("chart.title.options", &[("specification", &spec.title)]),
        description: format!(
            "{} {}",
            w.get("chart.alt.options"),
            w.get("chart.alt.table_below")
        ),
        x_axis: w.get("chart.axis.option").into(),
        y_axis: w.get("chart.axis.present_value").into(),
    };
    let chart = paired_bars(
        w,
        head,
        options
            .iter()
            .map(|o| PairedBar {
                label: o.option_name.clone(),
                costs: o.pv_costs,
                benefits: o.pv_benefits,
            })
            .collect(),
    );
    AppraisalView {
        spec: link(&spec_path(&spec.id), spec.title.clone()),
        options: options
            .iter()
            .map(|o| option_view(ix, o, models.get(o.option_id.as_str()).copied()))
            .collect(),
        chart,
        preferred: options
            .iter()
            .find(|o| o.preferred)
            .map(|o| o.option_name.clone())
            .unwrap_or_default(),
        schedule: ix
            .words
            .get(match ix.project.config.procurement.discount_rate_schedule {
                DiscountSchedule::GreenBook => "options.schedule_green_book",
                DiscountSchedule::GreenBookHealth => "options.schedule_green_book_health",
            })
            .into(),
    }
}

fn option_view(ix: &Index, o: &OptionResult, model: Option<&AppraisalOption>) -> OptionView {
    OptionView {
        id: o.option_id.clone(),
        name: o.option_name.clone(),
        description: model
            .and_then(|m| m.description.clone())
            .unwrap_or_default(),
        risk: model.and_then(|m| m.risk.clone()).unwrap_or_default(),
        pv_costs: money(o.pv_costs),
        pv_benefits: money(o.pv_benefits),
        npsv: money(o.npsv),
        bcr: o.bcr.map(|b| number(b, 2)).unwrap_or_else(|| "–".into()),
        vfm: o
            .vfm_category
            .map(|v| words::of(ix.words, v))
            .unwrap_or_else(|| ix.words.get("options.vfm_not_defined").into()),
        vfm_class: o
            .vfm_category
            .map(|v| v.as_str().to_string())
            .unwrap_or_default(),
        preferred: o.preferred,
        years: o.years.iter().map(year_view).collect(),
    }
}

fn year_view(y: &DiscountedYear) -> YearView {
    YearView {
        year: y.year,
        cost: money(y.cost),
        benefit: money(y.benefit),
        discount_factor: number(y.discount_factor, 6),
        pv_cost: money(y.pv_cost),
        pv_benefit: money(y.pv_benefit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn options_discounted_at_the_green_book_rate() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let pages = pages(&ix);
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].path, "procurement/options/s1/");
        assert_eq!(pages[0].title, "Options appraisal: Falls prevention");
        let options: Vec<&OptionResult> = analysis.options.iter().collect();
        let v = appraisal_view(&ix, &project.specifications["S1"], &options);
        assert_eq!(v.spec, link("planning/s1/", "Falls prevention"));
        assert!(v.schedule.starts_with("HM Treasury Green Book"));
        // Year 1 is discounted by 1 / 1.035 = 0.966184.
        // A: costs 100 + 100/1.035 = 196.62, benefits 50 + 150/1.035 = 194.93, NPSV -1.69,
        //    BCR 0.99 (Poor).
        // B: costs 200 + 100/1.035 = 296.62, benefits 100 + 400/1.035 = 486.47, NPSV 189.86,
        //    BCR 1.64 (Medium): preferred.
        let a = &v.options[0];
        assert_eq!(
            (
                a.name.as_str(),
                a.pv_costs.as_str(),
                a.pv_benefits.as_str(),
                a.npsv.as_str()
            ),
            ("Do minimum", "£197", "£195", "-£1.69")
        );
        assert_eq!(
            (a.bcr.as_str(), a.vfm.as_str(), a.vfm_class.as_str()),
            ("0.99", "Poor", "poor")
        );
        assert_eq!(a.description, "Do minimum described");
        assert!(!a.preferred);
        let b = &v.options[1];
        assert_eq!(
            (
                b.pv_costs.as_str(),
                b.pv_benefits.as_str(),
                b.npsv.as_str(),
                b.bcr.as_str()
            ),
            ("£297", "£486", "£190", "1.64")
        );
        assert_eq!(b.vfm, "Medium");
        assert!(b.preferred);
        assert_eq!(v.preferred, "Expand");
        let year1 = &b.years[1];
        assert_eq!(
            (
                year1.year,
                year1.cost.as_str(),
                year1.discount_factor.as_str()
            ),
            (1, "£100", "0.966184")
        );
        assert_eq!(
            (year1.pv_cost.as_str(), year1.pv_benefit.as_str()),
            ("£96.62", "£386")
        );
        let chart = v.chart.expect("a chart of two options");
        assert_eq!(chart.id, "options-s1");
    }
}
