//! The open-data catalogue and the site's machine-readable files: every computed table as CSV and
//! JSON, the Transparency Code contracts register, OCDS and 360Giving packages, and the search
//! and 404 pages.

use super::OutputFile;
use super::{crumbs, view, Page};
use crate::analysis::Analysis;
use crate::load::theme::Strings;
use crate::model::Project;
use crate::publish::data::{to_csv, to_json};
use anyhow::Result;
use chrono::NaiveDate;
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
    fields: Vec<(String, String, String)>,
    csv: String,
    json: String,
}

fn fields(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

struct Tables {
    files: Vec<OutputFile>,
    datasets: Vec<Dataset>,
}

impl Tables {
    fn add<T: Serialize>(
        &mut self,
        name: &str,
        title: &str,
        description: &str,
        rows: &[T],
        field_list: &[(&str, &str, &str)],
    ) -> Result<()> {
        let header: Vec<&str> = field_list.iter().map(|f| f.0).collect();
        self.files.push(OutputFile {
            path: format!("data/{name}.csv"),
            bytes: to_csv(rows, &header)?,
        });
        self.files.push(OutputFile {
            path: format!("data/{name}.json"),
            bytes: to_json(rows)?,
        });
        self.datasets.push(Dataset {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            rows: rows.len(),
            fields: fields(field_list),
            csv: format!("data/{name}.csv"),
            json: format!("data/{name}.json"),
        });
        Ok(())
    }
}

/// Builds the data files, the catalogue page, search and 404.
pub fn pages_and_files<'a>(
    w: &Strings,
    project: &'a Project,
    analysis: &'a Analysis,
) -> Result<(Vec<Page<'a>>, Vec<OutputFile>)> {
    let mut t = Tables {
        files: Vec::new(),
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
        standards: Vec<(String, String)>,
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

    let files = t.files;
    Ok((out_pages, files))
}

fn to_json_value(v: &serde_json::Value) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(v)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The needs data: indicator values, inequality breakdowns, priorities.
fn needs_tables(t: &mut Tables, analysis: &Analysis) -> Result<()> {
    t.add("needs", "Needs indicators", "Every value of every indicator for every area and period (headline series), with confidence intervals, the benchmark comparison and the recent trend on each series' latest period (METHODS.md section 1).", &analysis.needs.rows, &[
        ("indicator_id", "text", "indicator id (Fingertips ids where they exist)"),
        ("area_code", "text", "ONS area code"),
        ("period", "text", "time period label"),
        ("value", "number", "indicator value"),
        ("lower_ci_95", "number", "lower 95% confidence limit"),
        ("upper_ci_95", "number", "upper 95% confidence limit"),
        ("lower_ci_99_8", "number", "lower 99.8% confidence limit"),
        ("upper_ci_99_8", "number", "upper 99.8% confidence limit"),
        ("ci_method", "text", "given, wilson, byar, exact or none"),
        ("benchmark_value", "number", "the benchmark area's value for the same period"),
        ("comparison", "text", "better, similar, worse, best, worst, higher, lower or not_compared, against the benchmark's same period, sex and age"),
        ("trend", "text", "increasing, decreasing, no_significant_change or cannot_be_calculated (latest period only)"),
        ("trend_chi_square", "number", "χ² statistic of the trend test"),
        ("trend_direction", "text", "improving, worsening, no_change or not_applicable"),
        ("count", "number", "numerator"),
        ("denominator", "number", "denominator"),
        ("trend_reason", "text", "why the trend could not be calculated"),
        ("value_note", "text", "the publisher's note on the value (Fingertips Value note), as given"),
    ])?;
    t.add(
        "needs_breakdowns",
        "Needs inequality breakdowns",
        "Indicator values by category (deprivation decile, sex, age) from Fingertips exports.",
        &analysis.needs.breakdowns,
        &[
            ("indicator_id", "text", "indicator id"),
            ("area_code", "text", "area code"),
            ("period", "text", "time period"),
            ("category_type", "text", "breakdown type"),
            ("category", "text", "category"),
            ("sex", "text", "sex"),
            ("age", "text", "age band"),
            ("value", "number", "value"),
            ("lower_ci_95", "number", "lower 95% limit"),
            ("upper_ci_95", "number", "upper 95% limit"),
            ("lower_ci_99_8", "number", "lower 99.8% limit"),
            ("upper_ci_99_8", "number", "upper 99.8% limit"),
            ("ci_method", "text", "interval method"),
            ("benchmark_value", "number", "benchmark value"),
            ("comparison", "text", "comparison with the benchmark"),
            ("count", "number", "numerator"),
            ("denominator", "number", "denominator"),
            (
                "value_note",
                "text",
                "the publisher's note on the value, as given",
            ),
        ],
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
        "Priorities",
        "Hanlon basic priority rating of each indicator at the home area (METHODS.md section 5).",
        &priorities,
        &[
            ("rank", "integer", "rank by OPR then BPR; ties share a rank"),
            ("indicator_id", "text", "indicator id"),
            ("size_a", "number", "A: size of the problem, 0–10"),
            ("seriousness_b", "number", "B: seriousness, 0–10"),
            (
                "effectiveness_c",
                "number",
                "C: effectiveness of interventions, 0–10",
            ),
            ("bpr", "number", "basic priority rating (A + 2B) × C ÷ 3"),
            ("pearl", "text", "PEARL flags"),
            ("opr", "number", "overall priority rating BPR × PEARL"),
            ("addressed_by", "text", "specification ids, ;-separated"),
            (
                "affected_share",
                "number",
                "percentage of the population affected that A was scored from (METHODS.md 5.1)",
            ),
            (
                "size_basis",
                "text",
                "how A was found: set_by_team, share_set_by_team, value, complement, rate_per_person, middle_score",
            ),
        ],
    )?;
    Ok(())
}

/// The procurement data: options appraisals, bid evaluations, tenders.
fn procurement_tables(t: &mut Tables, project: &Project, analysis: &Analysis) -> Result<()> {
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
    t.add("options", "Options appraisals", "Present values, NPSV, BCR and value-for-money category of every option (METHODS.md section 3).", &options, &[
        ("spec_id", "text", "specification id"),
        ("option_id", "text", "option id"),
        ("pv_costs", "number", "present value of costs (£)"),
        ("pv_benefits", "number", "present value of benefits (£)"),
        ("npsv", "number", "net present social value (£)"),
        ("bcr", "number", "benefit-cost ratio"),
        ("vfm_category", "text", "DfT value-for-money category"),
        ("preferred", "boolean", "the preferred option"),
        ("option_name", "text", "option name"),
    ])?;
    let bids = crate::publish::tender_data::evaluation_rows(&analysis.tenders);
    t.add(
        "evaluation",
        "Tender evaluation",
        "Each published bid's scores, rank and flags (METHODS.md section 4), as the publication policy allows: a withheld price or score is empty.",
        &bids,
        &[
            ("tender_id", "text", "tender id"),
            ("supplier", "text", "bidder"),
            ("price", "number", "bid price (£); empty when withheld"),
            ("price_score", "number", "weighted price score; empty when withheld or not evaluated"),
            ("quality_score", "number", "weighted quality score; empty when withheld or not evaluated"),
            ("social_value_score", "number", "weighted social value score; empty when withheld or not evaluated"),
            ("total_score", "number", "total score out of 100; empty when withheld or not evaluated"),
            ("rank", "integer", "rank among evaluated bids"),
            ("compliant", "boolean", "bid met the mandatory requirements"),
            ("abnormally_low", "boolean", "price below the abnormally-low threshold"),
            ("awarded", "boolean", "a contract was awarded to this bidder"),
            ("supplier_type", "text", "sme, vcse, large or public"),
            ("tied", "boolean", "shares its rank with another bid"),
            ("excluded", "boolean", "the supplier was excluded; the bid was not evaluated"),
            ("figures_withheld", "boolean", "price and scores withheld under the publication policy"),
        ],
    )?;
    let tenders = crate::publish::tender_data::tender_rows(project, &analysis.tenders);
    t.add(
        "tenders",
        "Tenders",
        "Every tender or lot: its notice, status, number of bids and, where bids are withheld, their anonymised range and median (prices to two significant figures, scores to whole points).",
        &tenders,
        &[
            ("tender_id", "text", "tender id"),
            ("procurement_id", "text", "the procurement a lot belongs to"),
            ("lot", "text", "lot number"),
            ("title", "text", "notice title"),
            ("spec_id", "text", "specification"),
            ("status", "text", "open, evaluation, awarded or cancelled"),
            ("procedure", "text", "procedure code (FORMATS.md)"),
            ("cpv_codes", "text", "CPV codes, ;-separated"),
            ("estimated_value", "number", "estimated value (£)"),
            ("publication_date", "date", "notice published"),
            ("submission_deadline", "date", "deadline for bids"),
            ("award_decision_date", "date", "award decision"),
            ("standstill_end_date", "date", "end of the standstill period"),
            ("contract_signature_date", "date", "contract signed"),
            ("find_a_tender_reference", "text", "Find a Tender notice"),
            ("contracts_finder_reference", "text", "Contracts Finder notice"),
            ("bid_count", "integer", "bids received"),
            ("evaluated_bid_count", "integer", "bids evaluated (compliant, not excluded)"),
            ("bid_publication", "text", "winner_only, named_without_scores or full"),
            ("withheld_bid_count", "integer", "bids whose price and scores are withheld"),
            ("withheld_price_low", "number", "lowest withheld evaluated price, rounded down to two significant figures"),
            ("withheld_price_median", "number", "median withheld evaluated price, to two significant figures"),
            ("withheld_price_high", "number", "highest withheld evaluated price, rounded up to two significant figures"),
            ("withheld_score_low", "number", "lowest withheld total score, rounded down"),
            ("withheld_score_median", "number", "median withheld total score, rounded"),
            ("withheld_score_high", "number", "highest withheld total score, rounded up"),
            ("award_reason", "text", "why the award did not go to the top-ranked bid"),
            ("award_not_top_ranked_unexplained", "boolean", "the award did not go to the top-ranked bid and no reason is recorded"),
        ],
    )?;
    Ok(())
}

/// The performance data: the contract register (ours and the Transparency Code's), KPI returns and summaries.
fn performance_tables(t: &mut Tables, project: &Project, analysis: &Analysis) -> Result<()> {
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
                last_assessed: s.and_then(|s| s.last_assessed.as_ref().map(|p| p.label.clone())),
                flags: s.map(|s| s.flags_joined()).unwrap_or_default(),
                performance_rating: s.map(|s| s.rating.as_str()),
                annual_value_derived: c.details.annual_value_derived,
                total_value_derived: c.details.total_value_derived,
            }
        })
        .collect();
    t.add("contracts", "Contracts", "The contract register with each contract's status, KPIs and Procurement Act 2023 flags.", &contracts, &[
        ("contract_id", "text", "contract reference"),
        ("spec_id", "text", "specification id"),
        ("title", "text", "title"),
        ("supplier", "text", "supplier"),
        ("start_date", "date", "start date"),
        ("end_date", "date", "end date before extensions"),
        ("annual_value", "number", "annual value (£)"),
        ("total_value", "number", "whole-life value (£)"),
        ("tender_id", "text", "tender id"),
        ("supplier_id", "text", "company or charity number"),
        ("supplier_type", "text", "sme, vcse, large or public"),
        ("department", "text", "department responsible"),
        ("description", "text", "description"),
        ("award_date", "date", "award date"),
        ("review_date", "date", "review date"),
        ("extension_end_date", "date", "end date with extensions"),
        ("procurement_route", "text", "quote, open_tender, framework, direct_award or grant"),
        ("irrecoverable_vat", "number", "VAT that cannot be recovered (£)"),
        ("status", "text", "not_started, live, in_extension or ended at the reporting date"),
        ("months_remaining", "integer", "whole months to the final end date"),
        ("kpi_count", "integer", "number of KPIs"),
        ("last_assessed", "text", "latest KPI period with a value"),
        ("flags", "text", "too_few_kpis, assessment_overdue, expiring_soon, award_not_top_ranked; ;-separated"),
        ("performance_rating", "text", "contract performance notice rating"),
        ("annual_value_derived", "boolean", "the annual value was derived from the total value and the term (days from start to end date inclusive ÷ 365.25)"),
        ("total_value_derived", "boolean", "the total value was derived from the annual value and the term"),
    ])?;
    t.files.push(OutputFile {
        path: "data/contracts-register.csv".into(),
        bytes: crate::publish::register::transparency_register(project)?,
    });
    let kpi_rows: Vec<&crate::analysis::performance::KpiRow> =
        analysis.kpis.iter().flat_map(|k| &k.rows).collect();
    t.add("kpis", "KPI returns with SPC", "Every KPI value with its RAG status, SPC mean and limits and special-cause rule (METHODS.md section 2).", &kpi_rows, &[
        ("contract_id", "text", "contract"),
        ("kpi_id", "text", "KPI id"),
        ("period", "text", "period"),
        ("actual", "number", "reported value"),
        ("target", "number", "target"),
        ("rag", "text", "green, amber, red or no_target"),
        ("mean", "number", "SPC process mean"),
        ("lower_limit", "number", "lower process limit"),
        ("upper_limit", "number", "upper process limit"),
        ("special_cause", "text", "none, improvement, concern or neutral"),
        ("rule", "text", "outside_limits, trend, two_in_three, shift or empty"),
    ])?;
    let summaries: Vec<&crate::analysis::performance::KpiSummary> =
        analysis.kpis.iter().map(|k| &k.summary).collect();
    t.add(
        "kpi_summary",
        "KPI summary",
        "Each KPI's variation and assurance icons and trend.",
        &summaries,
        &[
            ("contract_id", "text", "contract"),
            ("kpi_id", "text", "KPI id"),
            ("variation", "text", "the last point's type"),
            (
                "assurance",
                "text",
                "consistent_pass, consistent_fail, inconsistent or not_applicable",
            ),
            ("trend_slope", "number", "least-squares change per period of the actuals (not part of Making Data Count; not shown on the pages, METHODS.md 2.6)"),
            ("kpi_name", "text", "name"),
            ("unit", "text", "unit"),
            ("polarity", "text", "polarity"),
            ("latest_period", "text", "latest period"),
            ("latest_actual", "number", "latest value"),
            ("latest_target", "number", "latest target"),
            ("latest_rag", "text", "latest RAG"),
            ("points", "integer", "periods with a value"),
            ("trial_limits", "boolean", "fewer than 13 points"),
        ],
    )?;
    Ok(())
}

/// Grants and "you said, we did".
fn grant_and_engagement_tables(t: &mut Tables, project: &Project) -> Result<()> {
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
        "Grants",
        "Grants to voluntary, community and social enterprise organisations.",
        &grants,
        &[
            ("grant_id", "text", "grant id"),
            ("title", "text", "title"),
            ("recipient_name", "text", "recipient"),
            ("recipient_org_id", "text", "org-id.guide identifier"),
            ("amount_awarded", "number", "amount (£)"),
            ("award_date", "date", "award date"),
            ("programme", "text", "grant programme"),
            ("spec_id", "text", "specification served"),
            ("area_code", "text", "where the benefit lands"),
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
        "You said, we did",
        "What people said in co-design and consultation, and what changed.",
        &engagement,
        &[
            ("engagement_id", "text", "engagement event"),
            ("spec_id", "text", "specification"),
            ("you_said", "text", "what people said"),
            ("we_did", "text", "what the council did"),
            ("status", "text", "done, in_progress or not_taken_forward"),
            ("reason", "text", "why not taken forward"),
        ],
    )?;
    Ok(())
}

/// The open-standard packages (OCDS, 360Giving) and the list of standard files for the catalogue page.
fn standards(
    t: &mut Tables,
    project: &Project,
    analysis: &Analysis,
) -> Result<Vec<(String, String)>> {
    let published = analysis.as_of.unwrap_or_default();
    let published_text = format!("{}T00:00:00Z", published.format("%Y-%m-%d"));
    let mut standards = vec![(
        "contracts-register.csv".to_string(),
        "Contracts register in the Local Government Transparency Code 2015 field order".to_string(),
    )];
    if !project.contracts.is_empty() || !project.bids.is_empty() {
        let ocds = crate::publish::ocds::ocds_package(project, &analysis.tenders, &published_text);
        t.files.push(OutputFile {
            path: "data/ocds.json".into(),
            bytes: to_json_value(&ocds)?,
        });
        standards.push(("ocds.json".into(), "Open Contracting Data Standard 1.1 release package: one release per tender or contract".into()));
    }
    if !project.grants.is_empty() {
        let giving = crate::publish::giving::giving_package(project);
        t.files.push(OutputFile {
            path: "data/grants-360giving.json".into(),
            bytes: to_json_value(&giving)?,
        });
        standards.push((
            "grants-360giving.json".into(),
            "360Giving Data Standard 1.4 package of every grant".into(),
        ));
    }

    Ok(standards)
}
