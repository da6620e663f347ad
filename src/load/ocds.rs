//! Reads Open Contracting Data Standard 1.1 data in `contracts/` — release packages and record
//! packages, as Contracts Finder publishes them — into contracts. Releases of one contracting
//! process (one `ocid`) are merged in date order by the OCDS merge rules (objects merge key by key,
//! arrays of objects with ids merge item by id), so an `awardUpdate` or `contractAmendment`
//! release overrides what it changes. The `ocid` is kept; HTML entities in text (`&amp;`,
//! `&#039;`) are decoded once.

use super::register::{decode_entities, route_from_process, term_years, to_pence};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{Contract, ContractDetails, ContractSupplier, Origin, ProcurementRoute};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// True when a JSON value is an OCDS release package, record package or single release.
pub fn is_ocds(value: &Value) -> bool {
    value.get("releases").is_some_and(Value::is_array)
        || value.get("records").is_some_and(Value::is_array)
        || (value.get("ocid").is_some() && value.get("tag").is_some())
}

/// A release with the file it came from and its place there (`releases[3]`).
pub struct SourcedRelease {
    pub release: Value,
    pub file: String,
    pub path: String,
}

/// The releases a package holds: every release of a release package; a record's compiled release
/// (or, without one, its embedded releases); a single release as it stands.
pub fn releases(value: Value, file: &str) -> Vec<SourcedRelease> {
    let sourced = |release: Value, path: String| SourcedRelease {
        release,
        file: file.to_string(),
        path,
    };
    let mut out = Vec::new();
    match value {
        Value::Object(mut o) if o.contains_key("records") => {
            if let Some(Value::Array(records)) = o.remove("records") {
                for (i, mut record) in records.into_iter().enumerate() {
                    if let Some(c) = record.get_mut("compiledRelease").map(Value::take) {
                        out.push(sourced(c, format!("records[{i}].compiledRelease")));
                    } else if let Some(Value::Array(rs)) =
                        record.get_mut("releases").map(Value::take)
                    {
                        for (j, r) in rs.into_iter().enumerate() {
                            if r.get("ocid").is_some() {
                                out.push(sourced(r, format!("records[{i}].releases[{j}]")));
                            }
                        }
                    }
                }
            }
        }
        Value::Object(mut o) if o.contains_key("releases") => {
            if let Some(Value::Array(rs)) = o.remove("releases") {
                for (i, r) in rs.into_iter().enumerate() {
                    out.push(sourced(r, format!("releases[{i}]")));
                }
            }
        }
        other => out.push(sourced(other, String::new())),
    }
    out
}

/// OCDS merge: objects merge key by key (a `null` removes the key), arrays of objects that all
/// have an `id` merge item by id, anything else is replaced by the later value.
pub fn merge(into: &mut Value, later: &Value) {
    match (into, later) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                if v.is_null() {
                    a.remove(k);
                } else if let Some(existing) = a.get_mut(k) {
                    merge(existing, v);
                } else {
                    a.insert(k.clone(), v.clone());
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if identified(a) && identified(b) => {
            for item in b {
                let id = item.get("id");
                match a.iter_mut().find(|x| x.get("id") == id) {
                    Some(existing) => merge(existing, item),
                    None => a.push(item.clone()),
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

fn identified(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| i.get("id").is_some_and(|id| !id.is_null()))
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(decode_entities(s.trim())).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn yes_no(v: Option<&Value>) -> Option<String> {
    v?.as_bool()
        .map(|b| if b { "Yes" } else { "No" }.to_string())
}

/// Merges the releases of each contracting process in date order and reads each process's awards
/// as contracts (one per award: id the `ocid`, or `{ocid}-{award id}` when a process has several).
pub fn read_contracts(all: Vec<SourcedRelease>, diags: &mut Diagnostics) -> Vec<Contract> {
    let mut by_ocid: BTreeMap<String, Vec<SourcedRelease>> = BTreeMap::new();
    for r in all {
        match r.release.get("ocid").and_then(Value::as_str) {
            Some(ocid) if !ocid.trim().is_empty() => {
                by_ocid.entry(ocid.trim().to_string()).or_default().push(r)
            }
            _ => diags.push(
                Diagnostic::error(&r.file, Location::File, "release has no ocid")
                    .column(r.path.clone())
                    .hint("every OCDS release names its contracting process in ocid"),
            ),
        }
    }
    // What each file carries that no contract is read from, said once per file.
    let mut unread: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut no_award: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for group in by_ocid.values() {
        for r in group {
            unread
                .entry(r.file.clone())
                .or_default()
                .extend(unread_fields(&r.release));
        }
    }
    let mut out = Vec::new();
    for (ocid, mut group) in by_ocid {
        // OCDS dates are ISO 8601 date-times: in one publisher's data they sort as text.
        group.sort_by(|a, b| {
            let d = |r: &SourcedRelease| {
                r.release
                    .get("date")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            d(a).cmp(&d(b))
        });
        let first = &group[0];
        let (file, path) = (first.file.clone(), first.path.clone());
        let mut compiled = Value::Object(Map::new());
        for r in &group {
            merge(&mut compiled, &r.release);
        }
        let errors = diags.error_count();
        let contracts = process_contracts(&ocid, &compiled, &file, &path, diags);
        if contracts.is_empty() && diags.error_count() == errors {
            no_award.entry(file).or_default().push(ocid);
        }
        out.extend(contracts);
    }
    for (file, ocids) in no_award {
        diags.push(
            Diagnostic::warning(
                &file,
                Location::File,
                format!(
                    "{} contracting process(es) have no award to read as a contract",
                    ocids.len()
                ),
            )
            .hint(format!(
                "not published from OCDS: {}; a tender without an award (or whose awards were all cancelled or unsuccessful) is published from procurement/tenders.csv",
                listed(&ocids)
            )),
        );
    }
    for (file, fields) in unread.into_iter().filter(|(_, f)| !f.is_empty()) {
        let fields: Vec<String> = fields.into_iter().collect();
        diags.push(
            Diagnostic::warning(
                &file,
                Location::File,
                "OCDS fields not read: only awards and contracts become contracts",
            )
            .hint(format!(
                "not read: {}; tender notices, bids and budgets are published from procurement/tenders.csv, procurement/bids.csv and specifications/, not read back from OCDS",
                listed(&fields)
            )),
        );
    }
    out
}

/// At most twenty items, then how many more.
fn listed(items: &[String]) -> String {
    let mut shown = items
        .iter()
        .take(20)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > 20 {
        shown.push_str(&format!(" and {} more", items.len() - 20));
    }
    shown
}

/// The fields of a release that no contract is read from, named by their path (`bids`,
/// `tender.milestones`, `awards.documents`); the release's own metadata is not listed.
fn unread_fields(release: &Value) -> BTreeSet<String> {
    const RELEASE: &[&str] = &[
        "ocid",
        "id",
        "date",
        "tag",
        "initiationType",
        "language",
        "buyer",
        "awards",
        "contracts",
        "tender",
    ];
    const TENDER: &[&str] = &[
        "id",
        "title",
        "description",
        "procurementMethod",
        "procurementMethodDetails",
    ];
    const AWARD: &[&str] = &[
        "id",
        "title",
        "description",
        "status",
        "date",
        "value",
        "suppliers",
        "contractPeriod",
    ];
    const CONTRACT: &[&str] = &["id", "awardID", "title", "description", "period", "value"];
    let mut out = BTreeSet::new();
    let Some(release) = release.as_object() else {
        return out;
    };
    // A field is named by its path from the release: `bids`, `tender` then `.milestones`.
    let mut unknown = |within: Option<&str>, object: &Map<String, Value>, known: &[&str]| {
        for key in object.keys().filter(|k| !known.contains(&k.as_str())) {
            out.insert(match within {
                Some(parent) => format!("{parent}.{key}"),
                None => key.clone(),
            });
        }
    };
    unknown(None, release, RELEASE);
    if let Some(tender) = release.get("tender").and_then(Value::as_object) {
        unknown(Some("tender"), tender, TENDER);
    }
    for (list, known) in [("awards", AWARD), ("contracts", CONTRACT)] {
        let items = release.get(list).and_then(Value::as_array);
        for item in items.into_iter().flatten().filter_map(Value::as_object) {
            unknown(Some(list), item, known);
        }
    }
    out
}

fn route(tender: Option<&Value>, details: Option<&str>) -> Option<ProcurementRoute> {
    let method = tender
        .and_then(|t| t.get("procurementMethod"))
        .and_then(Value::as_str);
    match method {
        Some("open") => Some(ProcurementRoute::OpenTender),
        Some("direct") => Some(ProcurementRoute::DirectAward),
        _ => details.and_then(route_from_process),
    }
}

fn supplier(s: &Value) -> ContractSupplier {
    let identifier = s.get("identifier");
    let address = s.get("address");
    ContractSupplier {
        name: text(s.get("name")).unwrap_or_default(),
        details: address.and_then(|a| text(a.get("postalCode"))),
        registration: identifier.and_then(|i| text(i.get("id"))),
        scheme: identifier.and_then(|i| text(i.get("scheme"))),
        sme: yes_no(s.get("sme")),
        vcse: yes_no(s.get("vco")),
        extra: Vec::new(),
    }
}

/// Where one award sits in a release, for its diagnostics.
struct AwardPlace<'a> {
    ocid: &'a str,
    file: &'a str,
    path: &'a str,
    index: usize,
}

impl AwardPlace<'_> {
    /// An error at one field of this award.
    fn problem(&self, field: &str, message: &str) -> Diagnostic {
        Diagnostic::error(self.file, Location::File, message.to_string())
            .column(format!("{}.awards[{}].{field}", self.path, self.index))
    }
}

/// What an award must give to become a contract: its term, value, suppliers and title.
struct AwardTerms {
    start: NaiveDate,
    end: NaiveDate,
    amount: f64,
    award_date: Option<NaiveDate>,
    extension_end_date: Option<NaiveDate>,
    suppliers: Vec<ContractSupplier>,
    title: String,
}

/// The contracts of one contracting process: one per award that is neither cancelled nor
/// unsuccessful and gives what a contract needs.
fn process_contracts(
    ocid: &str,
    release: &Value,
    file: &str,
    path: &str,
    diags: &mut Diagnostics,
) -> Vec<Contract> {
    let awards: Vec<&Value> = release
        .get("awards")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, award) in awards.iter().enumerate() {
        let status = award
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("active");
        if matches!(status, "cancelled" | "unsuccessful") {
            continue;
        }
        let place = AwardPlace {
            ocid,
            file,
            path,
            index: i,
        };
        if let Some(c) = award_contract(release, award, awards.len(), &place, diags) {
            out.push(c);
        }
    }
    out
}

/// The contract of one award (of `awards` in the release), or None when a problem with it has
/// been reported.
fn award_contract(
    release: &Value,
    award: &Value,
    awards: usize,
    place: &AwardPlace,
    diags: &mut Diagnostics,
) -> Option<Contract> {
    let (ocid, i) = (place.ocid, place.index);
    let tender = release.get("tender");
    let buyer = release.get("buyer");
    let award_id = text(award.get("id"));
    let contract = release
        .get("contracts")
        .and_then(Value::as_array)
        .and_then(|cs| {
            cs.iter()
                .find(|c| award_id.is_some() && text(c.get("awardID")) == award_id)
        });
    let terms = award_terms(award, contract, tender, place, diags)?;
    // One award: the ocid. Several: `{ocid}-{award id}`, unless the award id already
    // starts with the ocid (as in the OCDS commission publishes), so that reading a
    // package back does not prefix its ids again.
    let contract_id = match &award_id {
        _ if awards == 1 => ocid.to_string(),
        Some(id) if id.starts_with(&format!("{ocid}-")) => id.clone(),
        Some(id) => format!("{ocid}-{id}"),
        None => format!("{ocid}-{}", i + 1),
    };
    if let Err(why) = super::fields::check_id(&contract_id) {
        diags.push(place.problem("id", why).value(contract_id));
        return None;
    }
    let process = tender.and_then(|t| text(t.get("procurementMethodDetails")));
    let years = term_years(terms.start, terms.end);
    let names: Vec<&str> = terms.suppliers.iter().map(|s| s.name.as_str()).collect();
    let buyer_identifier = buyer.and_then(|b| b.get("identifier"));
    let buyer_id = match (
        buyer_identifier.and_then(|i| text(i.get("scheme"))),
        buyer_identifier.and_then(|i| text(i.get("id"))),
    ) {
        (Some(s), Some(id)) => Some(format!("{s}-{id}")),
        _ => buyer.and_then(|b| text(b.get("id"))),
    };
    Some(Contract {
        contract_id,
        spec_id: String::new(),
        title: terms.title,
        supplier: names.join("; "),
        start_date: terms.start,
        end_date: terms.end,
        annual_value: if years > 0.0 {
            to_pence(terms.amount / years)
        } else {
            terms.amount
        },
        total_value: terms.amount,
        tender_id: None,
        supplier_id: terms
            .suppliers
            .first()
            .and_then(|s| s.registration.clone())
            .filter(|_| terms.suppliers.len() == 1),
        supplier_type: None,
        department: None,
        description: contract
            .and_then(|c| text(c.get("description")))
            .or_else(|| tender.and_then(|t| text(t.get("description"))))
            .or_else(|| text(award.get("description"))),
        award_date: terms.award_date,
        review_date: None,
        extension_end_date: terms.extension_end_date,
        procurement_route: route(tender, process.as_deref()),
        irrecoverable_vat: None,
        details: ContractDetails {
            suppliers: terms.suppliers,
            procurement_process: process,
            annual_value_derived: true,
            total_value_derived: false,
            ocid: Some(ocid.to_string()),
            award_id,
            tender_ocds_id: tender.and_then(|t| text(t.get("id"))),
            buyer: buyer.and_then(|b| text(b.get("name"))),
            buyer_id,
            procurement_act_2023: None,
        },
        origin: Origin {
            file: place.file.into(),
            location: Some(Location::File),
            keys: Default::default(),
        },
        memo: Default::default(),
    })
}

/// A date as an award gives it: `Err` when given but refused (reported), `Ok(None)` when absent.
type GivenDate = Result<Option<NaiveDate>, ()>;

/// An award's contract start and end (from its contract's period or its own contractPeriod), its
/// date, and its contract's latest extension date.
fn award_dates(
    award: &Value,
    contract: Option<&Value>,
    place: &AwardPlace,
    diags: &mut Diagnostics,
) -> (GivenDate, GivenDate, GivenDate, GivenDate) {
    let period = contract
        .and_then(|c| c.get("period"))
        .or_else(|| award.get("contractPeriod"));
    // A date given but refused (a year outside 1900 to 2100, text after it) is reported for
    // what it is, not as missing.
    let checked = |v: Option<&Value>, field: &str, diags: &mut Diagnostics| -> GivenDate {
        let Some(text) = v.and_then(Value::as_str) else {
            return Ok(None);
        };
        super::fields::date_problem(text).map(Some).map_err(|why| {
            diags.push(
                place
                    .problem(field, why)
                    .value(text.to_string())
                    .hint(super::fields::date_hint(why)),
            );
        })
    };
    let period_field = if contract.and_then(|c| c.get("period")).is_some() {
        "contracts.period"
    } else {
        "contractPeriod"
    };
    let start = checked(
        period.and_then(|p| p.get("startDate")),
        &format!("{period_field}.startDate"),
        diags,
    );
    let end_given = period.and_then(|p| p.get("endDate"));
    let end = checked(
        end_given.or_else(|| period.and_then(|p| p.get("maxExtentDate"))),
        &format!(
            "{period_field}.{}",
            if end_given.is_some() {
                "endDate"
            } else {
                "maxExtentDate"
            }
        ),
        diags,
    );
    let award_date = checked(award.get("date"), "date", diags);
    let extension_end_date = checked(
        contract.and_then(|c| c.get("period").and_then(|p| p.get("maxExtentDate"))),
        "contracts.period.maxExtentDate",
        diags,
    );
    (start, end, award_date, extension_end_date)
}

/// An award's term, value, suppliers and title (from the award, its contract or the tender),
/// or None when one is missing or refused, or the term ends before it starts (each reported).
fn award_terms(
    award: &Value,
    contract: Option<&Value>,
    tender: Option<&Value>,
    place: &AwardPlace,
    diags: &mut Diagnostics,
) -> Option<AwardTerms> {
    let (start, end, award_date, extension_end_date) = award_dates(award, contract, place, diags);
    let value = contract
        .and_then(|c| c.get("value"))
        .filter(|v| v.get("amount").is_some_and(|a| !a.is_null()))
        .or_else(|| award.get("value"));
    let amount = value.and_then(|v| v.get("amount")).and_then(Value::as_f64);
    let suppliers: Vec<ContractSupplier> = award
        .get("suppliers")
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .map(supplier)
                .filter(|s| !s.name.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let title = text(award.get("title"))
        .or_else(|| contract.and_then(|c| text(c.get("title"))))
        .or_else(|| tender.and_then(|t| text(t.get("title"))));
    let refused = [&start, &end, &award_date, &extension_end_date]
        .iter()
        .any(|d| d.is_err());
    let (start_refused, end_refused) = (start.is_err(), end.is_err());
    let (start, end) = (start.ok().flatten(), end.ok().flatten());
    let (award_date, extension_end_date) =
        (award_date.ok().flatten(), extension_end_date.ok().flatten());
    let mut ok = !refused;
    for (missing, field, message) in [
        (
            start.is_none() && !start_refused,
            "contractPeriod.startDate",
            "award has no contract start date",
        ),
        (
            end.is_none() && !end_refused,
            "contractPeriod.endDate",
            "award has no contract end date",
        ),
        (amount.is_none(), "value.amount", "award has no value"),
        (suppliers.is_empty(), "suppliers", "award names no supplier"),
        (
            title.is_none(),
            "title",
            "award, contract and tender have no title",
        ),
    ] {
        if missing {
            diags.push(place.problem(field, message).value(place.ocid.to_string()));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let (start, end) = (start.unwrap_or_default(), end.unwrap_or_default());
    if end < start {
        diags.push(
            place
                .problem("contractPeriod.endDate", "contract ends before it starts")
                .value(format!("{end} is before {start}")),
        );
        return None;
    }
    Some(AwardTerms {
        start,
        end,
        amount: amount.unwrap_or_default(),
        award_date,
        extension_end_date,
        suppliers,
        title: title.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_award_update_overrides_what_it_changes_in_date_order() {
        let award = |date: &str, amount: f64, title: &str| {
            json!({"ocid": "ocds-x-1", "date": date, "tag": ["award"],
                   "tender": {"title": "Tyres &amp; services", "procurementMethodDetails": "Open procedure"},
                   "awards": [{"id": "A1", "title": title, "value": {"amount": amount},
                               "contractPeriod": {"startDate": "2020-06-01T00:00:00Z", "endDate": "2022-05-31T00:00:00Z"},
                               "suppliers": [{"name": "MCCONECHY&#039;S TYRES", "sme": true, "vco": false,
                                              "identifier": {"scheme": "GB-COH", "id": "SC062229"}}]}]})
        };
        let later = award("2020-07-01T00:00:00Z", 3000.0, "");
        let earlier = award("2020-05-26T11:56:14Z", 2000.0, "");
        let mut all = releases(json!({"releases": [later]}), "contracts/b.json");
        all.extend(releases(json!({"releases": [earlier]}), "contracts/a.json"));
        let mut d = Diagnostics::new();
        let cs = read_contracts(all, &mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        let c = &cs[0];
        assert_eq!(c.contract_id, "ocds-x-1");
        assert_eq!(c.total_value, 3000.0);
        assert_eq!(c.title, "Tyres & services");
        assert_eq!(c.supplier, "MCCONECHY'S TYRES");
        let s = &c.details.suppliers[0];
        assert_eq!(
            (s.sme.as_deref(), s.vcse.as_deref()),
            (Some("Yes"), Some("No"))
        );
        assert_eq!(s.registration.as_deref(), Some("SC062229"));
        assert_eq!(c.procurement_route, Some(ProcurementRoute::OpenTender));
        assert_eq!(c.details.ocid.as_deref(), Some("ocds-x-1"));
    }

    #[test]
    fn a_record_package_is_read_from_its_compiled_release() {
        let pkg = json!({"records": [{"ocid": "ocds-x-2", "compiledRelease": {"ocid": "ocds-x-2", "id": "r"}}]});
        let rs = releases(pkg, "contracts/r.json");
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].path, "records[0].compiledRelease");
    }
}
