//! `data/ocds.json`: an Open Contracting Data Standard 1.1 release package (METHODS.md section 6)
//! built from the specifications, bids, tender evaluations and contract register. Pure: the caller
//! supplies the published date (derived from the data, never the clock) and writes the bytes.
//!
//! Keys come out in sorted order (serde_json's default `BTreeMap`-backed map; the crate must not
//! enable `preserve_order`), arrays in id order, so the same project gives the same bytes.

use super::ocds_tender::{bids, notice_fields, tender_status, Lot, EXTENSIONS};
use crate::analysis::tender::{same_supplier, TenderEvaluation};
use crate::model::{
    slug, Config, Contract, ContractSupplier, ProcurementRoute, Project, Specification,
};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// OCDS prefix used when `ocid_prefix` is not set: the documentation placeholder from
/// FORMATS.md. It is not a registered prefix; a publisher must register one with the Open
/// Contracting Partnership before the data is used for real.
pub const PLACEHOLDER_OCID_PREFIX: &str = "ocds-xxxxxx";

/// An OCDS date-time for a calendar date: midnight UTC.
pub fn ocds_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%dT00:00:00Z").to_string()
}

/// A caller-supplied date, `YYYY-MM-DD` or already a date-time, as an OCDS date-time.
fn as_date_time(text: &str) -> String {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(d) => ocds_date(d),
        Err(_) => text.trim().to_string(),
    }
}

/// Splits an org-id.guide identifier (`GB-LAE-NBC`) into its list code (`GB-LAE`) and the id
/// within that list (`NBC`). `None` unless it has a two-part list code and a non-empty id.
pub fn split_org_id(org_id: &str) -> Option<(String, String)> {
    let mut parts = org_id.trim().splitn(3, '-');
    let (country, register, id) = (parts.next()?, parts.next()?, parts.next()?);
    let code_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    (code_ok(country) && code_ok(register) && !id.is_empty())
        .then(|| (format!("{country}-{register}"), id.to_string()))
}

/// The ocid of a contracting process: `{ocid_prefix}-{tender or contract id}`.
pub fn ocid(config: &Config, process_id: &str) -> String {
    let prefix = config
        .ocid_prefix
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or(PLACEHOLDER_OCID_PREFIX);
    format!("{prefix}-{process_id}")
}

/// The buyer's party id: its org-id when set, else `org-{slug(organisation)}`.
fn buyer_id(config: &Config) -> String {
    config
        .org_id
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("org-{}", slug(config.organisation.trim())))
}

/// A supplier's or tenderer's party id, the same for every spelling that differs only in case
/// and surrounding spaces.
pub fn supplier_party_id(name: &str) -> String {
    format!("supplier-{}", slug(name.trim()))
}

fn value(amount: f64, config: &Config) -> Value {
    json!({ "amount": amount, "currency": config.currency })
}

/// The `method` codelist code for a procurement route (reference/ocds/codelists/method.csv):
/// open tender → `open`; framework call-off (only suppliers admitted to the framework) →
/// `selective`; invitation to quote (suppliers the council chooses) → `limited`; direct award
/// (one supplier, no competition) → `direct`. A grant is not a procurement: `None`.
pub fn procurement_method(route: ProcurementRoute) -> Option<&'static str> {
    match route {
        ProcurementRoute::OpenTender => Some("open"),
        ProcurementRoute::Framework => Some("selective"),
        ProcurementRoute::Quote => Some("limited"),
        ProcurementRoute::DirectAward => Some("direct"),
        ProcurementRoute::Grant => None,
    }
}

/// Contract status from the closed contractStatus codelist, judged at `as_of`: `pending` before
/// the start date, `terminated` after the final end date (counting extensions), else `active`.
pub fn contract_status(contract: &Contract, as_of: NaiveDate) -> &'static str {
    if as_of < contract.start_date {
        "pending"
    } else if as_of > contract.final_end_date() {
        "terminated"
    } else {
        "active"
    }
}

/// Parties of one release, keyed by id so they come out sorted and never duplicated.
#[derive(Default)]
struct Parties {
    map: BTreeMap<String, (String, BTreeSet<&'static str>, Option<Value>)>,
}

impl Parties {
    fn add(&mut self, id: String, name: &str, role: &'static str, identifier: Option<Value>) {
        let entry = self
            .map
            .entry(id)
            .or_insert_with(|| (name.trim().to_string(), BTreeSet::new(), None));
        entry.1.insert(role);
        if entry.2.is_none() {
            entry.2 = identifier;
        }
    }
    fn supplier(&mut self, name: &str, supplier_id: Option<&str>, role: &'static str) {
        let identifier = supplier_id
            .and_then(split_org_id)
            .map(|(scheme, id)| json!({ "scheme": scheme, "id": id }));
        self.add(supplier_party_id(name), name, role, identifier);
    }
    /// A supplier as its source listed it, with the register and number it gave.
    fn listed_supplier(&mut self, s: &ContractSupplier) {
        let identifier = match (&s.scheme, &s.registration) {
            (Some(scheme), Some(id)) if !id.is_empty() => {
                Some(json!({ "scheme": scheme, "id": id }))
            }
            (None, Some(id)) => {
                split_org_id(id).map(|(scheme, id)| json!({ "scheme": scheme, "id": id }))
            }
            _ => None,
        };
        self.add(supplier_party_id(&s.name), &s.name, "supplier", identifier);
    }
    fn into_json(self) -> Value {
        let parties = self.map.into_iter().map(|(id, (name, roles, identifier))| {
            let mut p = Map::new();
            p.insert("id".into(), json!(id));
            p.insert("name".into(), json!(name));
            p.insert("roles".into(), json!(roles.into_iter().collect::<Vec<_>>()));
            if let Some(i) = identifier {
                p.insert("identifier".into(), i);
            }
            Value::Object(p)
        });
        Value::Array(parties.collect())
    }
}

fn org_ref(id: String, name: &str) -> Value {
    json!({ "id": id, "name": name.trim() })
}

/// A buyer other than the council, named by the contract's source (a Contracts Finder notice).
struct OtherBuyer<'a> {
    id: Option<&'a str>,
    name: &'a str,
}

/// The release's common head: ocid, id, date, tag, initiationType, language, buyer, parties.
/// `given_ocid` is the contracting process id a source gave, kept as it is.
fn release_head(
    config: &Config,
    process_id: &str,
    tags: &[&str],
    date: String,
    mut parties: Parties,
    given_ocid: Option<&str>,
    other_buyer: Option<OtherBuyer>,
) -> Map<String, Value> {
    let (buyer, buyer_name) = match &other_buyer {
        Some(b) => (
            b.id.map(str::to_string)
                .unwrap_or_else(|| format!("org-{}", slug(b.name.trim()))),
            b.name,
        ),
        None => (buyer_id(config), config.organisation.as_str()),
    };
    let identifier = if other_buyer.is_some() {
        None
    } else {
        config.org_id.as_deref().and_then(split_org_id).map(
            |(scheme, id)| json!({ "scheme": scheme, "id": id, "legalName": config.organisation }),
        )
    };
    parties.add(buyer.clone(), buyer_name, "buyer", identifier);
    let mut r = Map::new();
    r.insert(
        "ocid".into(),
        json!(given_ocid.map_or_else(|| ocid(config, process_id), str::to_string)),
    );
    r.insert(
        "id".into(),
        json!(format!("{process_id}-{}", tags.join("-"))),
    );
    r.insert("date".into(), json!(date));
    r.insert("tag".into(), json!(tags));
    r.insert("initiationType".into(), json!("tender"));
    let language = config.language.split('-').next().unwrap_or("en");
    r.insert("language".into(), json!(language.to_ascii_lowercase()));
    r.insert("buyer".into(), org_ref(buyer, buyer_name));
    r.insert("parties".into(), parties.into_json());
    r
}

/// planning.budget: the specification's annual budget × term in years, when both are given.
fn planning(spec: Option<&Specification>, config: &Config) -> Option<Value> {
    let s = spec?;
    let amount = s.annual_budget? * s.term_years?;
    Some(json!({ "budget": {
        "amount": value(amount, config),
        "description": format!("{}: annual budget × {} years", s.title, s.term_years?),
    }}))
}

/// A supplier in an award as its source gave it: name, SME and VCO flags as given (the fields
/// Contracts Finder publishes), and postcode.
fn listed_supplier_ref(s: &ContractSupplier) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(supplier_party_id(&s.name)));
    o.insert("name".into(), json!(s.name.trim()));
    let flag = |v: &Option<String>| match v.as_deref().map(|t| t.trim().to_ascii_lowercase()) {
        Some(t) if matches!(t.as_str(), "yes" | "y" | "true" | "1") => Some(true),
        Some(t) if matches!(t.as_str(), "no" | "n" | "false" | "0") => Some(false),
        _ => None,
    };
    if let Some(b) = flag(&s.sme) {
        o.insert("sme".into(), json!(b));
    }
    if let Some(b) = flag(&s.vcse) {
        o.insert("vco".into(), json!(b));
    }
    if let Some(p) = s.details.as_deref().filter(|p| !p.is_empty()) {
        o.insert("address".into(), json!({ "postalCode": p }));
    }
    if let Some(id) = s.registration.as_deref().filter(|i| !i.is_empty()) {
        let mut i = Map::new();
        i.insert("id".into(), json!(id));
        if let Some(scheme) = &s.scheme {
            i.insert("scheme".into(), json!(scheme));
        }
        o.insert("identifier".into(), Value::Object(i));
    }
    Value::Object(o)
}

/// The id of contract `c`'s award: as an OCDS source gave it, else the contract's own.
fn award_id(c: &Contract) -> &str {
    c.details.award_id.as_deref().unwrap_or(&c.contract_id)
}

/// An award for contract `c`; `supplier` is the spelling of the supplier's name used in parties.
fn award_json(c: &Contract, supplier: &str, config: &Config) -> Value {
    let mut a = Map::new();
    a.insert("id".into(), json!(award_id(c)));
    a.insert("title".into(), json!(c.title));
    a.insert("status".into(), json!("active"));
    if let Some(d) = c.award_date {
        a.insert("date".into(), json!(ocds_date(d)));
    }
    a.insert("value".into(), value(c.total_value, config));
    let listed = c.details.suppliers.len() > 1 || c.details.ocid.is_some();
    if listed {
        let suppliers: Vec<Value> = c
            .details
            .suppliers
            .iter()
            .map(listed_supplier_ref)
            .collect();
        a.insert("suppliers".into(), Value::Array(suppliers));
    } else {
        a.insert(
            "suppliers".into(),
            json!([org_ref(supplier_party_id(&c.supplier), supplier)]),
        );
    }
    a.insert(
        "contractPeriod".into(),
        json!({ "startDate": ocds_date(c.start_date), "endDate": ocds_date(c.end_date) }),
    );
    Value::Object(a)
}

fn contract_json(c: &Contract, config: &Config, as_of: NaiveDate) -> Value {
    let mut period = Map::new();
    period.insert("startDate".into(), json!(ocds_date(c.start_date)));
    period.insert("endDate".into(), json!(ocds_date(c.end_date)));
    if let Some(ext) = c.extension_end_date.filter(|e| *e > c.end_date) {
        period.insert("maxExtentDate".into(), json!(ocds_date(ext)));
    }
    let mut k = Map::new();
    k.insert("id".into(), json!(c.contract_id));
    k.insert("awardID".into(), json!(award_id(c)));
    k.insert("title".into(), json!(c.title));
    if let Some(d) = &c.description {
        k.insert("description".into(), json!(d));
    }
    k.insert("status".into(), json!(contract_status(c, as_of)));
    k.insert("period".into(), Value::Object(period));
    k.insert("value".into(), value(c.total_value, config));
    Value::Object(k)
}

/// Latest of the given dates as an OCDS date-time, or the published date when there are none.
fn latest(dates: impl Iterator<Item = NaiveDate>, fallback: &str) -> String {
    dates
        .max()
        .map(ocds_date)
        .unwrap_or_else(|| as_date_time(fallback))
}

/// The release of one procurement: its tenders (one, or one per lot), their bids as the
/// publication policy allows, and the contracts awarded from them.
fn tender_release(
    project: &Project,
    lots: &[Lot],
    contracts: &[&Contract],
    published: &str,
    as_of: NaiveDate,
) -> Value {
    let config = &project.config;
    let first = lots[0].eval;
    let process_id = lots[0]
        .notice
        .map_or(first.tender_id.as_str(), |t| t.procurement_id.as_str());
    let spec = project.specifications.get(&first.spec_id);
    let lotted = lots.len() > 1
        || lots
            .iter()
            .any(|l| l.notice.is_some_and(|t| t.lot.is_some()));
    let (parties, tenderers) = tender_parties(project, lots, contracts);
    let awarded = !contracts.is_empty();
    let status = tender_status(lots);
    let tags: &[&str] = if awarded {
        &["award", "contract"]
    } else if status == "cancelled" {
        &["tenderCancellation"]
    } else {
        &["tender"]
    };
    let date = tender_release_date(spec, lots, contracts, published);
    let mut r = release_head(config, process_id, tags, date, parties, None, None);

    if let Some(p) = planning(spec, config) {
        r.insert("planning".into(), p);
    }
    let t = tender_section(spec, lots, contracts, process_id, status, config, tenderers);
    r.insert("tender".into(), Value::Object(t));
    if let Some(b) = bids(project, lots, lotted) {
        r.insert("bids".into(), b);
    }
    if awarded {
        let (awards, ks) = awards_and_contracts(project, lots, contracts, lotted, as_of);
        r.insert("awards".into(), Value::Array(awards));
        r.insert("contracts".into(), Value::Array(ks));
    }
    Value::Object(r)
}

/// The bid a contract was awarded from: its tender's bid by the contract's supplier.
fn bid_of<'a>(project: &'a Project, c: &Contract) -> Option<&'a crate::model::Bid> {
    project.bids.iter().find(|b| {
        c.tender_id.as_deref() == Some(b.tender_id.as_str())
            && same_supplier(&b.supplier, &c.supplier)
    })
}

/// A procurement's tenderers: how many bid, and (as OCDS organisation references) those whose
/// bids are published.
struct Tenderers {
    listed: Vec<Value>,
    number: usize,
}

/// A procurement's parties (tenderers whose bids are published, and suppliers of its contracts)
/// and its tenderers.
fn tender_parties(
    project: &Project,
    lots: &[Lot],
    contracts: &[&Contract],
) -> (Parties, Tenderers) {
    let mut parties = Parties::default();
    let mut tenderers: BTreeMap<String, Value> = BTreeMap::new();
    let mut number_of_tenderers: BTreeSet<String> = BTreeSet::new();
    for lot in lots {
        for bid in project
            .bids
            .iter()
            .filter(|b| b.tender_id == lot.eval.tender_id)
        {
            number_of_tenderers.insert(supplier_party_id(&bid.supplier));
            if !lot
                .published
                .bids
                .iter()
                .any(|p| p.supplier == bid.supplier)
            {
                continue;
            }
            parties.supplier(&bid.supplier, bid.supplier_id.as_deref(), "tenderer");
            let id = supplier_party_id(&bid.supplier);
            tenderers
                .entry(id.clone())
                .or_insert_with(|| org_ref(id, &bid.supplier));
        }
    }
    for c in contracts {
        let bid_id = bid_of(project, c).and_then(|b| b.supplier_id.as_deref());
        parties.supplier(&c.supplier, c.supplier_id.as_deref().or(bid_id), "supplier");
    }
    let tenderers = Tenderers {
        listed: tenderers.into_values().collect(),
        number: number_of_tenderers.len(),
    };
    (parties, tenderers)
}

/// The release's date: the latest of the specification's milestones, the notices' dates and the
/// contracts' award and start dates, or the published date when there are none.
fn tender_release_date(
    spec: Option<&Specification>,
    lots: &[Lot],
    contracts: &[&Contract],
    published: &str,
) -> String {
    let milestones = spec.map(|s| s.milestones.as_slice()).unwrap_or_default();
    let notice_dates = lots.iter().filter_map(|l| l.notice).flat_map(|t| {
        let d = t.dates;
        [
            d.publication,
            d.clarification_deadline,
            d.submission_deadline,
            d.award_decision,
            d.standstill_end,
            d.contract_signature,
        ]
        .into_iter()
        .flatten()
    });
    let dates = milestones
        .iter()
        .map(|m| m.date)
        .chain(notice_dates)
        .chain(contracts.iter().filter_map(|c| c.award_date))
        .chain(contracts.iter().map(|c| c.start_date));
    latest(dates, published)
}

/// The release's `tender` section.
fn tender_section(
    spec: Option<&Specification>,
    lots: &[Lot],
    contracts: &[&Contract],
    process_id: &str,
    status: &str,
    config: &Config,
    tenderers: Tenderers,
) -> Map<String, Value> {
    let mut t = Map::new();
    t.insert("id".into(), json!(process_id));
    if let Some(s) = spec {
        t.insert("title".into(), json!(s.title));
        if let Some(summary) = &s.summary {
            t.insert("description".into(), json!(summary));
        }
    }
    t.insert("status".into(), json!(status));
    t.insert("mainProcurementCategory".into(), json!("services"));
    let route = contracts.iter().find_map(|c| c.procurement_route);
    if let Some(method) = route.and_then(procurement_method) {
        t.insert("procurementMethod".into(), json!(method));
        t.insert(
            "procurementMethodDetails".into(),
            json!(route.map(route_details)),
        );
    }
    notice_fields(&mut t, lots, config);
    t.insert("awardCriteria".into(), json!("ratedCriteria"));
    let w = lots[0].eval.weights;
    t.insert(
        "awardCriteriaDetails".into(),
        json!(format!(
            "Price {}%, quality {}%, social value {}%",
            w.price, w.quality, w.social_value
        )),
    );
    t.insert("numberOfTenderers".into(), json!(tenderers.number));
    t.insert("tenderers".into(), Value::Array(tenderers.listed));
    let milestones = spec.map(|s| s.milestones.as_slice()).unwrap_or_default();
    if !milestones.is_empty() {
        let ms: Vec<Value> = milestones
            .iter()
            .enumerate()
            .map(|(i, m)| {
                json!({ "id": format!("{}-M{}", process_id, i + 1), "title": m.event,
                        "dueDate": ocds_date(m.date) })
            })
            .collect();
        t.insert("milestones".into(), Value::Array(ms));
    }
    t
}

/// The release's `awards` and `contracts` sections: one award and one contract per contract
/// awarded, an award naming its lot when the procurement has lots.
fn awards_and_contracts(
    project: &Project,
    lots: &[Lot],
    contracts: &[&Contract],
    lotted: bool,
    as_of: NaiveDate,
) -> (Vec<Value>, Vec<Value>) {
    let config = &project.config;
    let lot_of = |c: &Contract| {
        lots.iter()
            .find(|l| c.tender_id.as_deref() == Some(l.eval.tender_id.as_str()))
            .and_then(|l| l.notice?.lot.clone())
            .filter(|_| lotted)
    };
    let awards = contracts
        .iter()
        .map(|c| {
            let name = bid_of(project, c).map_or(c.supplier.as_str(), |b| b.supplier.as_str());
            let mut a = award_json(c, name, config);
            if let (Some(lot), Some(a)) = (lot_of(c), a.as_object_mut()) {
                a.insert("relatedLots".into(), json!([lot]));
            }
            a
        })
        .collect();
    let ks = contracts
        .iter()
        .map(|c| {
            let signed = lots
                .iter()
                .find(|l| c.tender_id.as_deref() == Some(l.eval.tender_id.as_str()))
                .and_then(|l| l.notice?.dates.contract_signature);
            let mut k = contract_json(c, config, as_of);
            if let (Some(d), Some(k)) = (signed, k.as_object_mut()) {
                k.insert("dateSigned".into(), json!(ocds_date(d)));
            }
            k
        })
        .collect();
    (awards, ks)
}

fn contract_release(project: &Project, c: &Contract, published: &str, as_of: NaiveDate) -> Value {
    let config = &project.config;
    let spec = project.specifications.get(&c.spec_id);
    let mut parties = Parties::default();
    if c.details.suppliers.len() > 1 || c.details.ocid.is_some() {
        for s in &c.details.suppliers {
            parties.listed_supplier(s);
        }
    } else {
        parties.supplier(&c.supplier, c.supplier_id.as_deref(), "supplier");
    }
    let dates = c.award_date.into_iter().chain([c.start_date]);
    let other_buyer = c.details.buyer.as_deref().map(|name| OtherBuyer {
        id: c.details.buyer_id.as_deref(),
        name,
    });
    let mut r = release_head(
        config,
        &c.contract_id,
        &["contract"],
        latest(dates, published),
        parties,
        c.details.ocid.as_deref(),
        other_buyer,
    );
    if let Some(p) = planning(spec, config) {
        r.insert("planning".into(), p);
    }
    if c.procurement_route.is_some() || c.details.procurement_process.is_some() {
        let mut t = Map::new();
        let id = c
            .details
            .tender_ocds_id
            .as_deref()
            .unwrap_or(&c.contract_id);
        t.insert("id".into(), json!(id));
        t.insert("title".into(), json!(c.title));
        t.insert("status".into(), json!("complete"));
        if let Some(m) = c.procurement_route.and_then(procurement_method) {
            t.insert("procurementMethod".into(), json!(m));
        }
        let details = c
            .details
            .procurement_process
            .as_deref()
            .or(c.procurement_route.map(route_details));
        t.insert("procurementMethodDetails".into(), json!(details));
        r.insert("tender".into(), Value::Object(t));
    }
    r.insert("awards".into(), json!([award_json(c, &c.supplier, config)]));
    r.insert("contracts".into(), json!([contract_json(c, config, as_of)]));
    Value::Object(r)
}

/// A procurement route as OCDS `procurementMethodDetails` (free text of the published package,
/// not page wording: the package reads the same whatever the site's language).
pub(crate) fn route_details(r: ProcurementRoute) -> &'static str {
    match r {
        ProcurementRoute::Quote => "Invitation to quote",
        ProcurementRoute::OpenTender => "Open tender",
        ProcurementRoute::Framework => "Framework call-off",
        ProcurementRoute::DirectAward => "Direct award",
        ProcurementRoute::Grant => "Grant",
    }
}

/// The OCDS 1.1 release package of the project (METHODS.md 6).
///
/// - One release per procurement, ocid `{ocid_prefix}-{procurement_id}` (the tender id unless
///   tenders.csv groups lots under one procurement id): tag `["tender"]`,
///   `["tenderCancellation"]` when every lot was cancelled, or `["award", "contract"]` once the
///   register holds a contract for it (the release then carries its awards and contracts, so
///   both stages are tagged). Tender status `active`, `cancelled`, or `complete` once every lot
///   is awarded or cancelled; `procurementMethod` from the notice's procedure, else from the
///   contracts' route. The notice adds items with CPV classifications, value, tender, enquiry and
///   award periods, documents and lots (lots extension); `bids` (bid extension) carries counts
///   for every lot and a bid's value only where the publication policy publishes it, and a
///   tenderer is a party only where the policy names it.
/// - One release per other contract (no tender id, or a tender id with no bids), ocid
///   `{ocid_prefix}-{contract_id}`, tag `["contract"]`, with the one award the contract's
///   required `awardID` points to.
/// - Every contract is in some release's `contracts[]`; each award has the contract's id, and
///   `contracts[].awardID` repeats it. Contract status is judged at `config.as_of`, else at
///   `published_date`.
/// - Release `date` is the latest data date of the process (milestones, award and start dates),
///   else `published_date`. Release `id` is `{process id}-{tags}`.
/// - `published_date` is `YYYY-MM-DD` or a date-time; the build passes a date from the data.
pub fn ocds_package(project: &Project, evals: &[TenderEvaluation], published_date: &str) -> Value {
    let config = &project.config;
    let published = as_date_time(published_date);
    let as_of = config
        .as_of
        .or_else(|| NaiveDate::parse_from_str(published.get(..10)?, "%Y-%m-%d").ok())
        .unwrap_or(NaiveDate::MIN);
    let mut releases = Vec::new();
    let mut covered = BTreeSet::new();
    let mut procurements: BTreeMap<&str, Vec<Lot>> = BTreeMap::new();
    for eval in evals {
        let notice = project.tenders.get(&eval.tender_id);
        let key = notice.map_or(eval.tender_id.as_str(), |t| t.procurement_id.as_str());
        procurements.entry(key).or_default().push(Lot {
            eval,
            notice,
            published: &eval.published,
        });
    }
    for lots in procurements.values() {
        let contracts: Vec<&Contract> = project
            .contracts
            .values()
            .filter(|c| {
                lots.iter()
                    .any(|l| c.tender_id.as_deref() == Some(l.eval.tender_id.as_str()))
            })
            .collect();
        covered.extend(contracts.iter().map(|c| c.contract_id.clone()));
        releases.push(tender_release(project, lots, &contracts, &published, as_of));
    }
    for c in project.contracts.values() {
        if !covered.contains(&c.contract_id) {
            releases.push(contract_release(project, c, &published, as_of));
        }
    }
    let mut publisher = Map::new();
    publisher.insert("name".into(), json!(config.organisation));
    if let Some((scheme, uid)) = config.org_id.as_deref().and_then(split_org_id) {
        publisher.insert("scheme".into(), json!(scheme));
        publisher.insert("uid".into(), json!(uid));
    }
    let base = config.base_url_normalised();
    if !base.is_empty() {
        publisher.insert("uri".into(), json!(base));
    }
    json!({
        "uri": format!("{base}data/ocds.json"),
        "version": "1.1",
        "publishedDate": published,
        "publisher": publisher,
        "license": config.licence_url,
        "extensions": EXTENSIONS,
        "releases": releases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_ids_split_into_list_code_and_id() {
        assert_eq!(
            split_org_id("GB-LAE-NBC"),
            Some(("GB-LAE".into(), "NBC".into()))
        );
        assert_eq!(
            split_org_id("GB-COH-01234567"),
            Some(("GB-COH".into(), "01234567".into()))
        );
        assert_eq!(split_org_id("NBC"), None);
        assert_eq!(split_org_id("GB-LAE-"), None);
    }

    #[test]
    fn ocid_uses_the_placeholder_prefix_when_none_is_set() {
        let mut c = Config::default();
        assert_eq!(ocid(&c, "T1"), "ocds-xxxxxx-T1");
        c.ocid_prefix = Some("ocds-abc123".into());
        assert_eq!(ocid(&c, "T1"), "ocds-abc123-T1");
    }

    #[test]
    fn dates_are_midnight_utc() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        assert_eq!(ocds_date(d), "2025-04-01T00:00:00Z");
        assert_eq!(as_date_time("2025-04-01"), "2025-04-01T00:00:00Z");
    }
}
