//! The open-data catalogue and the site's machine-readable files: every computed table as CSV and
//! JSON, the Transparency Code contracts register, OCDS and 360Giving packages, and the search
//! and 404 pages.

use super::OutputFile;
use super::{crumbs, view, Page};
use crate::analysis::performance::{KpiAnalysis, PublishedKpiRow};
use crate::analysis::Analysis;
use crate::load::theme::Strings;
use crate::model::Project;
use crate::output::StreamedFile;
use crate::publish::data::{all_finite, DataTable, NOT_FINITE};
use anyhow::Result;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
struct PriorityRow<'a> {
    rank: usize,
    indicator_id: &'a str,
    size_a: f64,
    seriousness_b: f64,
    effectiveness_c: f64,
    bpr: f64,
    pearl: &'a str,
    opr: f64,
    addressed_by: String,
    affected_share: Option<f64>,
    size_basis: &'static str,
}

#[derive(Serialize)]
struct OptionRow<'a> {
    spec_id: &'a str,
    option_id: &'a str,
    pv_costs: f64,
    pv_benefits: f64,
    npsv: f64,
    bcr: Option<f64>,
    vfm_category: Option<&'a str>,
    preferred: bool,
    option_name: &'a str,
}

#[derive(Serialize)]
struct ContractRow<'a> {
    contract_id: &'a str,
    spec_id: &'a str,
    title: &'a str,
    supplier: &'a str,
    start_date: NaiveDate,
    end_date: NaiveDate,
    annual_value: f64,
    total_value: f64,
    tender_id: Option<&'a str>,
    supplier_id: Option<&'a str>,
    supplier_type: Option<&'a str>,
    department: Option<&'a str>,
    description: Option<&'a str>,
    award_date: Option<NaiveDate>,
    review_date: Option<NaiveDate>,
    extension_end_date: Option<NaiveDate>,
    procurement_route: Option<&'a str>,
    irrecoverable_vat: Option<f64>,
    status: Option<&'a str>,
    months_remaining: Option<u32>,
    kpi_count: usize,
    last_assessed: Option<String>,
    flags: String,
    performance_rating: Option<&'a str>,
    annual_value_derived: bool,
    total_value_derived: bool,
}

#[derive(Serialize)]
struct GrantRow<'a> {
    grant_id: &'a str,
    title: &'a str,
    recipient_name: &'a str,
    recipient_org_id: String,
    amount_awarded: f64,
    award_date: NaiveDate,
    programme: Option<&'a str>,
    spec_id: Option<&'a str>,
    area_code: Option<&'a str>,
}

#[derive(Serialize)]
struct EngagementRow<'a> {
    engagement_id: &'a str,
    spec_id: &'a str,
    you_said: &'a str,
    we_did: &'a str,
    status: &'a str,
    reason: Option<&'a str>,
}

/// A published table: what the catalogue says about it.
#[derive(Serialize)]
struct Dataset {
    name: String,
    title: String,
    description: String,
    rows: usize,
    fields: Vec<FieldView>,
    csv: String,
    json: String,
}

/// One field of a published table: its name (the CSV header and JSON key), type and meaning.
#[derive(Serialize)]
struct FieldView {
    name: String,
    kind: String,
    meaning: String,
}

/// One open-standard file of the catalogue.
#[derive(Serialize)]
struct StandardView {
    file: String,
    description: String,
}

struct Tables<'w, 'a> {
    words: &'w Strings,
    files: Vec<OutputFile>,
    /// The data tables, written to disk only when the site is written.
    streamed: Vec<StreamedFile<'a>>,
    datasets: Vec<Dataset>,
}

impl<'a> Tables<'_, 'a> {
    /// Publishes `rows` as `data/NAME.csv` and `.json`, with `field_list` (name, type) as the
    /// CSV header; the catalogue's title, description and field meanings are the theme's
    /// (`catalogue.NAME.title`, `.description`, `.fields.FIELD`).
    fn add<T: Serialize + Send + Sync + 'a>(
        &mut self,
        name: &str,
        rows: Vec<T>,
        field_list: &[(&str, &str)],
    ) -> Result<()> {
        self.add_known(name, rows, field_list, None, false)
    }

    /// [`Tables::add`] for rows that `key` identifies (see [`StreamedFile::key`]) and, when
    /// `finite`, whose numbers are known to be finite ([`DataTable::known`]).
    fn add_known<T: Serialize + Send + Sync + 'a>(
        &mut self,
        name: &str,
        rows: Vec<T>,
        field_list: &[(&str, &str)],
        key: Option<u64>,
        finite: bool,
    ) -> Result<()> {
        let header: Vec<&str> = field_list.iter().map(|f| f.0).collect();
        let table = std::sync::Arc::new(DataTable::known(rows, &header, finite)?);
        let (count, not_finite) = (table.len(), table.not_finite());
        let csv = table.clone();
        self.streamed.push(StreamedFile {
            path: format!("data/{name}.csv"),
            key,
            write: Box::new(move |out| csv.write_csv(out)),
        });
        self.streamed.push(StreamedFile {
            path: format!("data/{name}.json"),
            key,
            write: Box::new(move |out| table.write_json(out)),
        });
        let w = self.words;
        self.datasets.push(Dataset {
            name: name.into(),
            title: w.get(&format!("catalogue.{name}.title")).into(),
            description: w.get(&format!("catalogue.{name}.description")).into(),
            rows: count,
            fields: field_list
                .iter()
                .map(|(field, kind)| FieldView {
                    name: field.to_string(),
                    kind: w.get(&format!("catalogue.type.{kind}")).into(),
                    meaning: w.get(&format!("catalogue.{name}.fields.{field}")).into(),
                })
                // The flag field exists only in a file with a number that is not finite.
                .chain(not_finite.then(|| FieldView {
                    name: NOT_FINITE.to_string(),
                    kind: w.get("catalogue.type.text").into(),
                    meaning: w.get("catalogue.flag.not_finite").into(),
                }))
                .collect(),
            csv: format!("data/{name}.csv"),
            json: format!("data/{name}.json"),
        });
        Ok(())
    }
}

/// The catalogue's pages (data, search, 404), the small files it holds whole (the register,
/// the OCDS and 360Giving packages) and the data tables to stream when the site is written.
pub struct DataCatalogue<'a, 'd> {
    pub pages: Vec<Page<'a>>,
    pub files: Vec<OutputFile>,
    pub streamed: Vec<StreamedFile<'d>>,
}

/// Builds the data files, the catalogue page, search and 404.
pub fn pages_and_files<'a, 'd: 'a>(
    w: &Strings,
    project: &'d Project,
    analysis: &'d Analysis,
) -> Result<DataCatalogue<'a, 'd>> {
    let mut t = Tables {
        words: w,
        files: Vec::new(),
        streamed: Vec::new(),
        datasets: Vec::new(),
    };
    needs_tables(&mut t, analysis)?;
    procurement_tables(&mut t, project, analysis)?;
    performance_tables(&mut t, project, analysis)?;
    grant_and_engagement_tables(&mut t, project)?;
    let standards = standards(&mut t, project, analysis)?;
    let mut out_pages = Vec::new();
    #[derive(Serialize)]
    struct Catalogue {
        datasets: Vec<Dataset>,
        standards: Vec<StandardView>,
        licence: String,
        licence_url: String,
    }
    out_pages.push(Page {
        path: "data/".into(),
        template: "data.html",
        title: w.get("page.data.title").into(),
        section: "data",
        breadcrumbs: crumbs(w, &[]),
        view: view(Catalogue {
            datasets: t.datasets,
            standards,
            licence: project.config.licence.clone(),
            licence_url: project.config.licence_url.clone(),
        }),
        description: w.get("page.data.description").into(),
    });
    out_pages.push(Page {
        path: "search/".into(),
        template: "search.html",
        title: w.get("page.search.title").into(),
        section: "search",
        breadcrumbs: crumbs(w, &[]),
        view: view(serde_json::json!({})),
        description: w.get("page.search.description").into(),
    });
    out_pages.push(Page {
        path: "404.html".into(),
        template: "404.html",
        title: w.get("page.not_found.title").into(),
        section: "none",
        breadcrumbs: Vec::new(),
        view: view(serde_json::json!({})),
        description: String::new(),
    });

    Ok(DataCatalogue {
        pages: out_pages,
        files: t.files,
        streamed: t.streamed,
    })
}

/// A JSON value, pretty-printed with a final newline, as the data tables are.
fn write_json_value(v: &serde_json::Value, out: &mut dyn std::io::Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The needs data: indicator values, inequality breakdowns, priorities.
fn needs_tables<'a>(t: &mut Tables<'_, 'a>, analysis: &'a Analysis) -> Result<()> {
    // Made from the needs analysis alone: a server keeps that analysis (and its identity) while
    // the needs side is unchanged, and links these files rather than writing them again.
    let key = Some(analysis.needs.identity());
    // Whether their numbers are finite is found once per needs analysis, so a server does not
    // walk every row again after each save.
    let (rows_finite, breakdowns_finite) = analysis
        .needs
        .tables_finite(|rows| all_finite(rows), |rows| all_finite(rows));
    t.add_known(
        "needs",
        analysis.needs.rows.iter().collect(),
        &[
            ("indicator_id", "text"),
            ("area_code", "text"),
            ("period", "text"),
            ("value", "number"),
            ("lower_ci_95", "number"),
            ("upper_ci_95", "number"),
            ("lower_ci_99_8", "number"),
            ("upper_ci_99_8", "number"),
            ("ci_method", "text"),
            ("benchmark_value", "number"),
            ("comparison", "text"),
            ("trend", "text"),
            ("trend_chi_square", "number"),
            ("trend_direction", "text"),
            ("count", "number"),
            ("denominator", "number"),
            ("trend_reason", "text"),
            ("value_note", "text"),
        ],
        key,
        rows_finite,
    )?;
    t.add_known(
        "needs_breakdowns",
        analysis.needs.breakdowns.iter().collect(),
        &[
            ("indicator_id", "text"),
            ("area_code", "text"),
            ("period", "text"),
            ("category_type", "text"),
            ("category", "text"),
            ("sex", "text"),
            ("age", "text"),
            ("value", "number"),
            ("lower_ci_95", "number"),
            ("upper_ci_95", "number"),
            ("lower_ci_99_8", "number"),
            ("upper_ci_99_8", "number"),
            ("ci_method", "text"),
            ("benchmark_value", "number"),
            ("comparison", "text"),
            ("count", "number"),
            ("denominator", "number"),
            ("value_note", "text"),
        ],
        key,
        breakdowns_finite,
    )?;
    let priorities: Vec<PriorityRow> = analysis
        .priorities
        .iter()
        .map(|p| PriorityRow {
            rank: p.rank,
            indicator_id: &p.indicator_id,
            size_a: p.size_a,
            seriousness_b: p.seriousness_b,
            effectiveness_c: p.effectiveness_c,
            bpr: p.bpr,
            pearl: &p.pearl,
            opr: p.opr,
            addressed_by: p.addressed_by_joined(),
            affected_share: p.affected_share,
            size_basis: p.size_basis.as_str(),
        })
        .collect();
    t.add(
        "priorities",
        priorities,
        &[
            ("rank", "integer"),
            ("indicator_id", "text"),
            ("size_a", "number"),
            ("seriousness_b", "number"),
            ("effectiveness_c", "number"),
            ("bpr", "number"),
            ("pearl", "text"),
            ("opr", "number"),
            ("addressed_by", "text"),
            ("affected_share", "number"),
            ("size_basis", "text"),
        ],
    )?;
    Ok(())
}

/// The procurement data: options appraisals, bid evaluations, tenders.
fn procurement_tables<'a>(
    t: &mut Tables<'_, 'a>,
    project: &'a Project,
    analysis: &'a Analysis,
) -> Result<()> {
    let options: Vec<OptionRow> = analysis
        .options
        .iter()
        .map(|o| OptionRow {
            spec_id: &o.spec_id,
            option_id: &o.option_id,
            pv_costs: o.pv_costs,
            pv_benefits: o.pv_benefits,
            npsv: o.npsv,
            bcr: o.bcr,
            vfm_category: o.vfm_category.map(|v| v.as_str()),
            preferred: o.preferred,
            option_name: &o.option_name,
        })
        .collect();
    t.add(
        "options",
        options,
        &[
            ("spec_id", "text"),
            ("option_id", "text"),
            ("pv_costs", "number"),
            ("pv_benefits", "number"),
            ("npsv", "number"),
            ("bcr", "number"),
            ("vfm_category", "text"),
            ("preferred", "boolean"),
            ("option_name", "text"),
        ],
    )?;
    let bids = crate::publish::tender_data::evaluation_rows(&analysis.tenders);
    t.add(
        "evaluation",
        bids,
        &[
            ("tender_id", "text"),
            ("supplier", "text"),
            ("price", "number"),
            ("price_score", "number"),
            ("quality_score", "number"),
            ("social_value_score", "number"),
            ("total_score", "number"),
            ("rank", "integer"),
            ("compliant", "boolean"),
            ("abnormally_low", "boolean"),
            ("awarded", "boolean"),
            ("supplier_type", "text"),
            ("tied", "boolean"),
            ("excluded", "boolean"),
            ("figures_withheld", "boolean"),
        ],
    )?;
    let tenders = crate::publish::tender_data::tender_rows(project, &analysis.tenders);
    t.add(
        "tenders",
        tenders,
        &[
            ("tender_id", "text"),
            ("procurement_id", "text"),
            ("lot", "text"),
            ("title", "text"),
            ("spec_id", "text"),
            ("status", "text"),
            ("procedure", "text"),
            ("cpv_codes", "text"),
            ("estimated_value", "number"),
            ("publication_date", "date"),
            ("submission_deadline", "date"),
            ("award_decision_date", "date"),
            ("standstill_end_date", "date"),
            ("contract_signature_date", "date"),
            ("find_a_tender_reference", "text"),
            ("contracts_finder_reference", "text"),
            ("bid_count", "integer"),
            ("evaluated_bid_count", "integer"),
            ("bid_publication", "text"),
            ("withheld_bid_count", "integer"),
            ("withheld_price_low", "number"),
            ("withheld_price_median", "number"),
            ("withheld_price_high", "number"),
            ("withheld_score_low", "number"),
            ("withheld_score_median", "number"),
            ("withheld_score_high", "number"),
            ("award_reason", "text"),
            ("award_not_top_ranked_unexplained", "boolean"),
        ],
    )?;
    Ok(())
}

/// The performance data: the contract register (ours and the Transparency Code's), KPI returns and summaries.
fn performance_tables<'a>(
    t: &mut Tables<'_, 'a>,
    project: &'a Project,
    analysis: &'a Analysis,
) -> Result<()> {
    let status: std::collections::BTreeMap<&str, &crate::analysis::performance::ContractStatus> =
        analysis
            .contracts
            .iter()
            .map(|s| (s.contract_id.as_str(), s))
            .collect();
    let contracts: Vec<ContractRow> = project
        .contracts
        .values()
        .map(|c| {
            let s = status.get(c.contract_id.as_str());
            ContractRow {
                contract_id: &c.contract_id,
                spec_id: &c.spec_id,
                title: &c.title,
                supplier: &c.supplier,
                start_date: c.start_date,
                end_date: c.end_date,
                annual_value: c.annual_value,
                total_value: c.total_value,
                tender_id: c.tender_id.as_deref(),
                supplier_id: c.supplier_id.as_deref(),
                supplier_type: c.supplier_type.map(|x| x.as_str()),
                department: c.department.as_deref(),
                description: c.description.as_deref(),
                award_date: c.award_date,
                review_date: c.review_date,
                extension_end_date: c.extension_end_date,
                procurement_route: c.procurement_route.map(|r| r.as_str()),
                irrecoverable_vat: c.irrecoverable_vat,
                status: s.map(|s| s.status.as_str()),
                months_remaining: s.map(|s| s.months_remaining),
                kpi_count: s.map_or(0, |s| s.kpi_count),
                last_assessed: s
                    .and_then(|s| s.last_assessed.as_ref().map(|p| p.label.to_string())),
                flags: s.map(|s| s.flags_joined()).unwrap_or_default(),
                performance_rating: s.map(|s| s.rating.as_str()),
                annual_value_derived: c.details.annual_value_derived,
                total_value_derived: c.details.total_value_derived,
            }
        })
        .collect();
    t.add(
        "contracts",
        contracts,
        &[
            ("contract_id", "text"),
            ("spec_id", "text"),
            ("title", "text"),
            ("supplier", "text"),
            ("start_date", "date"),
            ("end_date", "date"),
            ("annual_value", "number"),
            ("total_value", "number"),
            ("tender_id", "text"),
            ("supplier_id", "text"),
            ("supplier_type", "text"),
            ("department", "text"),
            ("description", "text"),
            ("award_date", "date"),
            ("review_date", "date"),
            ("extension_end_date", "date"),
            ("procurement_route", "text"),
            ("irrecoverable_vat", "number"),
            ("status", "text"),
            ("months_remaining", "integer"),
            ("kpi_count", "integer"),
            ("last_assessed", "text"),
            ("flags", "text"),
            ("performance_rating", "text"),
            ("annual_value_derived", "boolean"),
            ("total_value_derived", "boolean"),
        ],
    )?;
    t.files.push(OutputFile {
        path: "data/contracts-register.csv".into(),
        bytes: crate::publish::register::transparency_register(project)?,
    });
    // Whether a KPI's rows are finite is found once per KPI analysis, which a server keeps while
    // the KPI is unchanged, so a save does not walk every KPI's rows again.
    let kpis_finite = analysis
        .kpis
        .par_iter()
        .all(|kpi| kpi.rows_finite(|kpi| all_finite(kpi.published_rows())));
    let kpi_rows: Vec<PublishedKpiRow> = analysis
        .kpis
        .iter()
        .flat_map(KpiAnalysis::published_rows)
        .collect();
    t.add_known(
        "kpis",
        kpi_rows,
        &[
            ("contract_id", "text"),
            ("kpi_id", "text"),
            ("period", "text"),
            ("actual", "number"),
            ("target", "number"),
            ("rag", "text"),
            ("mean", "number"),
            ("lower_limit", "number"),
            ("upper_limit", "number"),
            ("special_cause", "text"),
            ("rule", "text"),
        ],
        None,
        kpis_finite,
    )?;
    let summaries: Vec<&crate::analysis::performance::KpiSummary> =
        analysis.kpis.iter().map(|k| &k.summary).collect();
    t.add(
        "kpi_summary",
        summaries,
        &[
            ("contract_id", "text"),
            ("kpi_id", "text"),
            ("variation", "text"),
            ("assurance", "text"),
            ("trend_slope", "number"),
            ("kpi_name", "text"),
            ("unit", "text"),
            ("polarity", "text"),
            ("latest_period", "text"),
            ("latest_actual", "number"),
            ("latest_target", "number"),
            ("latest_rag", "text"),
            ("points", "integer"),
            ("trial_limits", "boolean"),
        ],
    )?;
    Ok(())
}

/// Grants and "you said, we did".
fn grant_and_engagement_tables<'a>(t: &mut Tables<'_, 'a>, project: &'a Project) -> Result<()> {
    let grants: Vec<GrantRow> = project
        .grants
        .values()
        .map(|g| GrantRow {
            grant_id: &g.grant_id,
            title: &g.title,
            recipient_name: &g.recipient_name,
            recipient_org_id: crate::publish::giving::recipient_id(g, &project.config),
            amount_awarded: g.amount_awarded,
            award_date: g.award_date,
            programme: g.programme.as_deref(),
            spec_id: g.spec_id.as_deref(),
            area_code: g.area_code.as_deref(),
        })
        .collect();
    t.add(
        "grants",
        grants,
        &[
            ("grant_id", "text"),
            ("title", "text"),
            ("recipient_name", "text"),
            ("recipient_org_id", "text"),
            ("amount_awarded", "number"),
            ("award_date", "date"),
            ("programme", "text"),
            ("spec_id", "text"),
            ("area_code", "text"),
        ],
    )?;
    let engagement: Vec<EngagementRow> = project
        .responses
        .iter()
        .map(|r| EngagementRow {
            engagement_id: &r.engagement_id,
            spec_id: &r.spec_id,
            you_said: &r.you_said,
            we_did: &r.we_did,
            status: r.status.as_str(),
            reason: r.reason.as_deref(),
        })
        .collect();
    t.add(
        "engagement",
        engagement,
        &[
            ("engagement_id", "text"),
            ("spec_id", "text"),
            ("you_said", "text"),
            ("we_did", "text"),
            ("status", "text"),
            ("reason", "text"),
        ],
    )?;
    Ok(())
}

/// The open-standard packages (OCDS, 360Giving) and the list of standard files for the catalogue page.
fn standards<'a>(
    t: &mut Tables<'_, 'a>,
    project: &'a Project,
    analysis: &'a Analysis,
) -> Result<Vec<StandardView>> {
    let published = analysis.as_of.unwrap_or_default();
    let published_text = format!("{}T00:00:00Z", published.format("%Y-%m-%d"));
    let standard = |file: &str, key: &str| StandardView {
        file: file.into(),
        description: t.words.get(&format!("catalogue.standard.{key}")).into(),
    };
    let mut standards = vec![standard("contracts-register.csv", "contracts_register")];
    // The packages are built as they are written (a national register's OCDS package is tens of
    // megabytes of JSON), when the pages that went before have been freed.
    if !project.contracts.is_empty() || !project.bids.is_empty() {
        t.streamed.push(StreamedFile {
            path: "data/ocds.json".into(),
            key: None,
            write: Box::new(move |out| {
                let ocds =
                    crate::publish::ocds::ocds_package(project, &analysis.tenders, &published_text);
                write_json_value(&ocds, out)
            }),
        });
        standards.push(standard("ocds.json", "ocds"));
    }
    if !project.grants.is_empty() {
        t.streamed.push(StreamedFile {
            path: "data/grants-360giving.json".into(),
            key: None,
            write: Box::new(move |out| {
                write_json_value(&crate::publish::giving::giving_package(project), out)
            }),
        });
        standards.push(standard("grants-360giving.json", "giving"));
    }

    Ok(standards)
}
