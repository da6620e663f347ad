//! The validated domain model of a commissioning project: plain data, no IO. Every loader produces
//! these types; analysis and pages read only these types.

pub mod category;
pub mod config;
pub mod period;
pub mod tender;
pub mod url;
pub mod validate;

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

pub use config::Config;
pub use period::{Period, PeriodKind};
pub use tender::{AwardReason, BidPublication, Procedure, Tender};

/// Where a record came from, for diagnostics raised after loading (cross-reference checks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// Shared by every record read from the file.
    pub file: std::sync::Arc<str>,
    pub location: Option<crate::diagnostics::Location>,
    /// For documents with front matter: the line of each top-level key, so a cross-reference
    /// problem can point at the key that holds it.
    pub keys: BTreeMap<String, usize>,
}

impl Origin {
    pub fn location(&self) -> crate::diagnostics::Location {
        self.location
            .clone()
            .unwrap_or(crate::diagnostics::Location::File)
    }

    /// The line of a front-matter key, falling back to the record's own location.
    pub fn key(&self, key: &str) -> crate::diagnostics::Location {
        match self.keys.get(key) {
            Some(line) => crate::diagnostics::Location::Line(*line),
            None => self.location(),
        }
    }
}

/// Whether a higher value of a measure is good, bad, or neither (METHODS.md 1.3 polarity ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    #[default]
    HigherIsBetter,
    LowerIsBetter,
    NoJudgement,
}

impl Polarity {
    pub fn parse(text: &str) -> Option<Polarity> {
        // The spellings `as_str` writes, as a return repeats them on every row: without the
        // two allocations of the general rule below, which gives them the same values.
        match text {
            "higher_is_better" => return Some(Polarity::HigherIsBetter),
            "lower_is_better" => return Some(Polarity::LowerIsBetter),
            "no_judgement" => return Some(Polarity::NoJudgement),
            _ => {}
        }
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        match t.as_str() {
            "higher_is_better" | "high_is_good" | "rag___high_is_good" => {
                Some(Polarity::HigherIsBetter)
            }
            "lower_is_better" | "low_is_good" | "rag___low_is_good" => {
                Some(Polarity::LowerIsBetter)
            }
            "no_judgement" | "no_judgment" | "neutral" | "bob" | "not_applicable" => {
                Some(Polarity::NoJudgement)
            }
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher_is_better",
            Polarity::LowerIsBetter => "lower_is_better",
            Polarity::NoJudgement => "no_judgement",
        }
    }
}

/// Where an indicator's polarity was taken from (said on its page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PolaritySource {
    /// `needs/indicators.csv`.
    #[default]
    Metadata,
    /// A Fingertips export's own "Better"/"Worse" (or "Higher"/"Lower") comparisons with England,
    /// read against the values they judge, when `indicators.csv` has no row for the indicator.
    FingertipsLabels,
    /// Neither: comparisons say higher or lower, not better or worse.
    NotGiven,
}

impl PolaritySource {
    pub fn as_str(self) -> &'static str {
        ["metadata", "fingertips_labels", "not_given"][self as usize]
    }
}

/// How an indicator's value is built, which decides its confidence-interval method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Proportion,
    CrudeRate,
    DirectlyStandardisedRate,
    Count,
    Mean,
    Ratio,
    Score,
}

impl ValueType {
    pub const ALL: [&'static str; 7] = [
        "proportion",
        "crude_rate",
        "directly_standardised_rate",
        "count",
        "mean",
        "ratio",
        "score",
    ];
    pub fn parse(text: &str) -> Option<ValueType> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match t.as_str() {
            "proportion" | "percentage" => ValueType::Proportion,
            "crude_rate" => ValueType::CrudeRate,
            "directly_standardised_rate" | "directly_standardized_rate" | "dsr" => {
                ValueType::DirectlyStandardisedRate
            }
            "count" => ValueType::Count,
            "mean" => ValueType::Mean,
            "ratio" => ValueType::Ratio,
            "score" => ValueType::Score,
            _ => return None,
        })
    }
    /// Decimal places shown when `indicators.csv` sets none (FORMATS.md, `decimals`): one for
    /// every measure but a count, which has none (Fingertips shows most indicators to one place).
    pub fn default_decimals(self) -> u32 {
        match self {
            ValueType::Count => 0,
            _ => 1,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Proportion => "proportion",
            ValueType::CrudeRate => "crude_rate",
            ValueType::DirectlyStandardisedRate => "directly_standardised_rate",
            ValueType::Count => "count",
            ValueType::Mean => "mean",
            ValueType::Ratio => "ratio",
            ValueType::Score => "score",
        }
    }
}

/// A measured quantity of need, e.g. "Alcohol-specific admissions per 100,000".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub domain: Option<String>,
    pub value_type: ValueType,
    /// 100 for a percentage, 100000 for a rate per 100,000; 1 for a plain proportion or count.
    pub multiplier: f64,
    pub unit: Option<String>,
    pub polarity: Polarity,
    /// Where the polarity came from: `indicators.csv`, or a Fingertips export's own labels.
    pub polarity_source: PolaritySource,
    pub definition: Option<String>,
    pub source: Option<String>,
    /// Hanlon overrides (METHODS.md 5): A, B, C on 0–10.
    pub size: Option<f64>,
    pub seriousness: Option<f64>,
    pub effectiveness: Option<f64>,
    /// PEARL flags: propriety, economics, acceptability, resources, legality.
    pub pearl: Option<[bool; 5]>,
    /// The percentage of the population affected, set by the needs assessment team; used for the
    /// Hanlon size score when `size` is not set (METHODS.md 5.1).
    pub affected_share: Option<f64>,
    /// Decimal places shown for values, intervals and differences (`indicators.csv` `decimals`);
    /// `None` uses [`ValueType::default_decimals`].
    pub decimals: Option<u32>,
}

impl Indicator {
    /// Decimal places every page shows this indicator's values, intervals and differences with,
    /// as Fingertips fixes one precision per indicator.
    pub fn display_decimals(&self) -> u32 {
        self.decimals
            .unwrap_or_else(|| self.value_type.default_decimals())
    }
}

/// A geography: a ward, the council, a region, England.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub area_type: Option<String>,
    pub parent_code: Option<String>,
}

/// The coordinate system a boundary file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Crs {
    /// WGS84 longitude and latitude in degrees (`CRS84`, `EPSG:4326`).
    Wgs84,
    /// British National Grid eastings and northings in metres (`EPSG:27700`).
    BritishNationalGrid,
}

/// One area's outline: polygons, each a list of rings (the first the outer edge, the rest holes),
/// each ring a closed list of `[x, y]` positions in its layer's coordinate system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Boundary {
    pub code: String,
    pub name: Option<String>,
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

/// The areas of one boundary file in `maps/`, sorted by code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundaryLayer {
    /// The file, relative to the project (`maps/wards.geojson`).
    pub file: String,
    pub crs: Crs,
    /// The feature property the codes were read from.
    pub code_property: String,
    pub areas: Vec<Boundary>,
}

/// One value of an indicator for an area and period, as read (CIs may be missing).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    pub indicator_id: String,
    pub area_code: String,
    pub period: Period,
    pub value: Option<f64>,
    pub lower_ci_95: Option<f64>,
    pub upper_ci_95: Option<f64>,
    pub lower_ci_99_8: Option<f64>,
    pub upper_ci_99_8: Option<f64>,
    pub count: Option<f64>,
    pub denominator: Option<f64>,
    pub sex: Option<String>,
    pub age: Option<String>,
    /// Inequality breakdown (Fingertips `Category Type` / `Category`); `None` for the headline series.
    pub category_type: Option<String>,
    pub category: Option<String>,
    pub value_note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Observation {
    pub fn is_headline(&self) -> bool {
        self.category_type.is_none() && self.category.is_none()
    }
}

/// Where a specification is on its journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecStatus {
    NeedsAssessed,
    Planning,
    Consultation,
    Procurement,
    Awarded,
    Live,
    Ended,
}

impl SpecStatus {
    pub const ALL: [&'static str; 7] = [
        "needs_assessed",
        "planning",
        "consultation",
        "procurement",
        "awarded",
        "live",
        "ended",
    ];
    pub fn parse(text: &str) -> Option<SpecStatus> {
        Some(
            match text
                .trim()
                .to_ascii_lowercase()
                .replace([' ', '-'], "_")
                .as_str()
            {
                "needs_assessed" => SpecStatus::NeedsAssessed,
                "planning" => SpecStatus::Planning,
                "consultation" => SpecStatus::Consultation,
                "procurement" => SpecStatus::Procurement,
                "awarded" => SpecStatus::Awarded,
                "live" => SpecStatus::Live,
                "ended" => SpecStatus::Ended,
                _ => return None,
            },
        )
    }
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

/// A social value commitment in a specification (TOMs / Social Value Model theme, measure, target).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SocialValueCommitment {
    pub theme: String,
    pub measure: String,
    pub target: Option<f64>,
    /// The KPI id that reports delivery against this commitment, once a contract is live.
    pub kpi_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Milestone {
    pub date: NaiveDate,
    pub event: String,
}

/// Tender evaluation weights in percent; they must sum to 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvaluationWeights {
    pub price: f64,
    pub quality: f64,
    pub social_value: f64,
}

/// A related link in front matter (http, https or mailto only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// A service specification: what a service must do and achieve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Specification {
    pub id: String,
    pub title: String,
    pub status: SpecStatus,
    pub service_area: Option<String>,
    pub summary: Option<String>,
    pub addresses: Vec<String>,
    pub annual_budget: Option<f64>,
    pub term_years: Option<f64>,
    pub extension_years: Option<f64>,
    pub commissioners: Vec<String>,
    pub providers_engaged: Option<u32>,
    pub outcomes: Vec<String>,
    pub social_value: Vec<SocialValueCommitment>,
    pub milestones: Vec<Milestone>,
    pub evaluation: Option<EvaluationWeights>,
    /// `contract` (default) or `grant`: how the service is funded.
    pub funding: Funding,
    /// The KPI id whose actual is the service's output (people supported, hours delivered).
    pub output_kpi: Option<String>,
    pub output_unit: Option<String>,
    /// Whether the output KPI is a stock or a flow (`output_stock_or_flow`); wins over the returns.
    pub output_stock_or_flow: Option<StockOrFlow>,
    pub links: Vec<Link>,
    pub body_markdown: String,
    #[serde(skip)]
    pub origin: Origin,
    /// Line in the file where the Markdown body starts, for diagnostics.
    #[serde(skip)]
    pub body_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    #[default]
    Contract,
    Grant,
}

/// One option in an options appraisal, with its yearly cash flows in real terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppraisalOption {
    pub spec_id: String,
    pub option_id: String,
    pub name: String,
    pub description: Option<String>,
    pub risk: Option<String>,
    /// (year from base, cost, benefit), sorted by year, no gaps.
    pub flows: Vec<CashFlow>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CashFlow {
    pub year: u32,
    pub cost: f64,
    pub benefit: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplierType {
    Sme,
    Vcse,
    Large,
    Public,
}

impl SupplierType {
    pub fn parse(text: &str) -> Option<SupplierType> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "sme" => SupplierType::Sme,
            "vcse" | "vcs" | "voluntary" | "charity" => SupplierType::Vcse,
            "large" => SupplierType::Large,
            "public" | "public_sector" => SupplierType::Public,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        ["sme", "vcse", "large", "public"][self as usize]
    }
    /// Small and voluntary suppliers, the ones supplier development aims to bring in.
    pub fn is_sme_or_vcse(self) -> bool {
        matches!(self, SupplierType::Sme | SupplierType::Vcse)
    }
}

/// A bid in a tender, with its evaluation scores as marked by the panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bid {
    pub tender_id: String,
    pub spec_id: String,
    pub supplier: String,
    pub price: f64,
    pub quality_score: f64,
    pub quality_max: f64,
    pub social_value_score: f64,
    pub social_value_max: f64,
    pub compliant: bool,
    /// The supplier was excluded (a mandatory or discretionary exclusion ground): the bid is
    /// listed as excluded and never scored.
    pub excluded: bool,
    pub supplier_type: Option<SupplierType>,
    pub supplier_id: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Bid {
    /// A bid that is evaluated: compliant and from a supplier that was not excluded.
    pub fn is_evaluated(&self) -> bool {
        self.compliant && !self.excluded
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcurementRoute {
    Quote,
    OpenTender,
    Framework,
    DirectAward,
    Grant,
}

impl ProcurementRoute {
    pub fn parse(text: &str) -> Option<ProcurementRoute> {
        Some(
            match text
                .trim()
                .to_ascii_lowercase()
                .replace([' ', '-'], "_")
                .as_str()
            {
                "quote" | "invitation_to_quote" => ProcurementRoute::Quote,
                "open_tender" | "tender" | "open" => ProcurementRoute::OpenTender,
                "framework" => ProcurementRoute::Framework,
                "direct_award" | "direct" => ProcurementRoute::DirectAward,
                "grant" => ProcurementRoute::Grant,
                _ => return None,
            },
        )
    }
    pub fn as_str(self) -> &'static str {
        ["quote", "open_tender", "framework", "direct_award", "grant"][self as usize]
    }
}

/// A contract in the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contract {
    pub contract_id: String,
    pub spec_id: String,
    pub title: String,
    pub supplier: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub annual_value: f64,
    pub total_value: f64,
    pub tender_id: Option<String>,
    pub supplier_id: Option<String>,
    pub supplier_type: Option<SupplierType>,
    pub department: Option<String>,
    pub description: Option<String>,
    pub award_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    pub extension_end_date: Option<NaiveDate>,
    pub procurement_route: Option<ProcurementRoute>,
    pub irrecoverable_vat: Option<f64>,
    /// What a council's own register or an OCDS release says beyond the columns above.
    pub details: ContractDetails,
    #[serde(skip)]
    pub origin: Origin,
    /// The fingerprint of the fields above, taken when a page first keys the contract
    /// ([`Contract::fingerprint`]): each of its KPI pages keys it, so it is hashed once per build
    /// rather than once per KPI. A contract is not changed once loaded; a clone takes its own.
    #[serde(skip)]
    pub memo: crate::fingerprint::Memo,
}

impl Contract {
    /// A hash of the contract as loaded (`fingerprint::hash`), taken once.
    pub fn fingerprint(&self) -> u64 {
        self.memo.get_or(|| crate::fingerprint::hash(self))
    }
}

/// One supplier of a contract as the source gives it: a framework awarded to several suppliers
/// is one contract with one of these per supplier (one register row each).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ContractSupplier {
    pub name: String,
    /// LGTC `Supplier details` (an address or postcode), as given.
    pub details: Option<String>,
    /// LGTC `Company or charity registration number` (or an OCDS identifier's id), as given.
    pub registration: Option<String>,
    /// The register the registration number is in (an OCDS identifier's scheme, `GB-COH`).
    pub scheme: Option<String>,
    /// `SME` and `VCSE` exactly as given (`Yes`, `No`, ...); `None` when the source says nothing.
    pub sme: Option<String>,
    pub vcse: Option<String>,
    /// The values of the register's other columns ([`Project::register_columns`]), as given.
    pub extra: Vec<Option<String>>,
}

/// The parts of a contract that only some sources give, kept so they can be republished as given.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ContractDetails {
    /// Every supplier, in the order given; empty for a register in the project's own layout,
    /// which names one supplier in `Contract::supplier`.
    pub suppliers: Vec<ContractSupplier>,
    /// The procurement process in the source's own words (LGTC `Procurement process`, OCDS
    /// `procurementMethodDetails`), republished as given.
    pub procurement_process: Option<String>,
    /// The annual value was derived from the total value and the term (or the reverse).
    pub annual_value_derived: bool,
    pub total_value_derived: bool,
    /// The contracting process id given by an OCDS source, kept (never re-minted).
    pub ocid: Option<String>,
    /// The award's and the tender's ids as an OCDS source gave them, republished as given (the
    /// contract's own id is the ocid, or `{ocid}-{award id}` when a process has several awards).
    pub award_id: Option<String>,
    pub tender_ocds_id: Option<String>,
    /// The buyer named by the source when it is not the council (Contracts Finder notices).
    pub buyer: Option<String>,
    pub buyer_id: Option<String>,
    /// Marked as procured under the Procurement Act 2023 (`procurement_act_2023` column).
    pub procurement_act_2023: Option<bool>,
}

impl Contract {
    /// The last day the contract can run, counting extensions.
    pub fn final_end_date(&self) -> NaiveDate {
        self.extension_end_date
            .unwrap_or(self.end_date)
            .max(self.end_date)
    }
}

/// Whether a KPI's values count what is there at a moment (a stock: caseload, people in
/// treatment, places) or what happened during the period (a flow: referrals, starts, completions).
/// A stock is averaged over a year and a flow summed (METHODS.md 4.1, project copy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StockOrFlow {
    Stock,
    Flow,
}

/// Words in a KPI's name that mark a stock when the returns do not say (anything else is
/// guessed to be a flow, the documented default).
const STOCK_WORDS: &[&str] = &[
    "caseload",
    "in treatment",
    "in structured treatment",
    "on the caseload",
    "places",
    "beds",
    "open cases",
    "on the waiting list",
    "registered",
    "enrolled",
    "active",
    "in temporary accommodation",
    "in contact",
];

impl StockOrFlow {
    pub const ALL: [&'static str; 2] = ["stock", "flow"];
    pub fn parse(text: &str) -> Option<StockOrFlow> {
        // Compared without a lowercased copy: a return gives it on every row.
        let t = text.trim();
        if t.eq_ignore_ascii_case("stock") {
            Some(StockOrFlow::Stock)
        } else if t.eq_ignore_ascii_case("flow") {
            Some(StockOrFlow::Flow)
        } else {
            None
        }
    }
    pub fn as_str(self) -> &'static str {
        ["stock", "flow"][self as usize]
    }
    /// The guess from a KPI's name when nothing says: a stock when the name holds one of
    /// [`STOCK_WORDS`] ("People in structured treatment"), otherwise a flow.
    pub fn guess(kpi_name: &str) -> StockOrFlow {
        let name = kpi_name.to_lowercase();
        if STOCK_WORDS.iter().any(|w| name.contains(w)) {
            StockOrFlow::Stock
        } else {
            StockOrFlow::Flow
        }
    }
}

/// One reported value of a KPI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiPoint {
    pub period: Period,
    pub actual: Option<f64>,
    pub target: Option<f64>,
    /// True on the first period of a new phase: SPC limits restart here.
    pub rebase: bool,
    /// Why the phase starts here (a service redesign, a new provider), published beside the chart.
    pub rebase_reason: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A key performance indicator of a contract, with its returns in period order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpi {
    pub contract_id: String,
    pub kpi_id: String,
    pub name: String,
    pub unit: Option<String>,
    pub polarity: Polarity,
    /// Stock or flow, as the returns say (`stock_or_flow` column); `None` when they do not.
    pub stock_or_flow: Option<StockOrFlow>,
    /// Shared with the run it was read as, when it was read as one.
    pub points: std::sync::Arc<[KpiPoint]>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A grant to a voluntary, community or social enterprise organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grant {
    pub grant_id: String,
    pub title: String,
    pub description: String,
    pub recipient_name: String,
    pub amount_awarded: f64,
    pub award_date: NaiveDate,
    pub recipient_charity_number: Option<String>,
    pub recipient_company_number: Option<String>,
    pub recipient_org_id: Option<String>,
    pub programme: Option<String>,
    pub spec_id: Option<String>,
    pub area_code: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub from_open_call: Option<bool>,
    /// Small local organisation (annual income under £1m or similar); drives the "small local" share.
    pub small_local: Option<bool>,
    /// The grant's 360Giving record as its source gave it (a 360Giving CSV row or JSON package
    /// entry), republished with every field it came with.
    #[serde(skip)]
    pub record: Option<serde_json::Value>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Grant {
    /// Whether the id already carries a registered 360Giving prefix (`360G-…`): such an id is
    /// the grant's 360Giving id as it stands and is never prefixed again.
    pub fn has_registered_prefix(&self) -> bool {
        self.grant_id
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("360G-"))
    }
}

/// A co-design or consultation event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Engagement {
    pub id: String,
    pub title: String,
    pub date: NaiveDate,
    pub audience: Vec<String>,
    pub participants: Option<u32>,
    pub specs: Vec<String>,
    pub body_markdown: String,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    Done,
    InProgress,
    NotTakenForward,
}

impl ResponseStatus {
    pub fn parse(text: &str) -> Option<ResponseStatus> {
        Some(
            match text
                .trim()
                .to_ascii_lowercase()
                .replace([' ', '-'], "_")
                .as_str()
            {
                "done" => ResponseStatus::Done,
                "in_progress" => ResponseStatus::InProgress,
                "not_taken_forward" => ResponseStatus::NotTakenForward,
                _ => return None,
            },
        )
    }
    pub fn as_str(self) -> &'static str {
        ["done", "in_progress", "not_taken_forward"][self as usize]
    }
}

/// A "you said, we did" row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    pub engagement_id: String,
    pub spec_id: String,
    pub you_said: String,
    pub we_did: String,
    pub status: ResponseStatus,
    pub reason: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A free page from `pages/*.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreePage {
    pub stem: String,
    pub title: String,
    pub body_markdown: String,
    #[serde(skip)]
    pub origin: Origin,
}

/// A whole commissioning project, loaded and validated.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub config: Config,
    pub indicators: BTreeMap<String, Indicator>,
    pub areas: BTreeMap<String, Area>,
    /// Boundary files from `maps/`, in file-name order.
    pub maps: Vec<BoundaryLayer>,
    /// Sorted by indicator, area, period. Shared with `serve`'s load cache, which hands the same
    /// observations to every build until `needs/` changes.
    pub observations: std::sync::Arc<Vec<Observation>>,
    pub specifications: BTreeMap<String, Specification>,
    pub options: Vec<AppraisalOption>,
    /// Tender notices by tender id (`procurement/tenders.csv`).
    pub tenders: BTreeMap<String, Tender>,
    pub bids: Vec<Bid>,
    pub contracts: BTreeMap<String, Contract>,
    /// Keyed by (contract_id, kpi_id).
    pub kpis: BTreeMap<(String, String), Kpi>,
    pub grants: BTreeMap<String, Grant>,
    pub engagements: BTreeMap<String, Engagement>,
    pub responses: Vec<Response>,
    pub pages: BTreeMap<String, FreePage>,
    /// Relative paths of the inputs that were read, sorted (for the build summary and watching).
    pub inputs: Vec<String>,
    /// Headings of the contract register's columns beyond the ones `commission` reads, in the
    /// order first given: republished as given in `contracts-register.csv`.
    pub register_columns: Vec<String>,
    /// Ids named in input rows, including rows rejected for other errors, as (kind, id) — e.g.
    /// ("tender", "T-1"), ("contract", "C-1") — so a reference to a row that already has an error
    /// is not reported a second time as unknown.
    pub mentioned: std::collections::BTreeSet<(String, String)>,
}

impl Project {
    /// Takes the observations out of the project: read only by the needs analysis (ARCHITECTURE.md,
    /// invariant 10), and over a sixth of a national build's memory. `serve`'s cache keeps them,
    /// to compare the next load with; a build frees what this returns where no core waits on it.
    pub fn release_observations(&mut self) -> std::sync::Arc<Vec<Observation>> {
        std::mem::take(&mut self.observations)
    }

    /// Takes every KPI's return values out of the project, read only by the KPI analysis
    /// (invariant 10); the KPIs themselves (ids, names, units, polarity) stay.
    pub fn release_kpi_returns(&mut self) -> Vec<std::sync::Arc<[KpiPoint]>> {
        self.kpis
            .values_mut()
            .map(|kpi| std::mem::replace(&mut kpi.points, std::sync::Arc::from([])))
            .collect()
    }
}

/// Puts a comma between each group of three digits: "1234567" → "1,234,567".
pub fn group_thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    push_grouped(&mut grouped, digits);
    grouped
}

/// [`group_thousands`] written onto the end of `out`.
pub fn push_grouped(out: &mut String, digits: &str) {
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
}

/// Turns an id into the path segment FORMATS.md section 3 gives: lowercase `a-z0-9-`, anything else `-`.
pub fn slug(id: &str) -> String {
    // Sized once: a slug has at most as many bytes as its id (each character becomes one byte).
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        let c = c.to_ascii_lowercase();
        out.push(
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
                c
            } else {
                '-'
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_formats_section_3() {
        assert_eq!(slug("SPEC-DA"), "spec-da");
        assert_eq!(slug("../etc/passwd"), "---etc-passwd");
        assert_eq!(slug("Ward 1"), "ward-1");
        assert_eq!(slug("é"), "-");
    }

    #[test]
    fn polarity_and_stock_or_flow_read_every_spelling_their_fast_paths_skip() {
        use Polarity::*;
        for (text, want) in [
            ("higher_is_better", Some(HigherIsBetter)),
            (" Higher is better ", Some(HigherIsBetter)),
            ("RAG - High is good", Some(HigherIsBetter)),
            ("lower-is-better", Some(LowerIsBetter)),
            ("no_judgement", Some(NoJudgement)),
            ("Neutral", Some(NoJudgement)),
            ("higher_is_better_", None),
            ("", None),
        ] {
            assert_eq!(Polarity::parse(text), want, "{text:?}");
        }
        for p in [HigherIsBetter, LowerIsBetter, NoJudgement] {
            assert_eq!(Polarity::parse(p.as_str()), Some(p));
        }
        for (text, want) in [
            ("stock", Some(StockOrFlow::Stock)),
            (" FLOW ", Some(StockOrFlow::Flow)),
            ("Stock ", Some(StockOrFlow::Stock)),
            ("stocks", None),
            ("ſtock", None),
        ] {
            assert_eq!(StockOrFlow::parse(text), want, "{text:?}");
        }
    }
}
