//! The `tender` and `bids` sections of a tender's OCDS release (METHODS.md section 6): the notice
//! (title, procedure, CPV items, value, periods, documents), its lots (OCDS lots extension shape)
//! and its bids as the publication policy allows them (OCDS bid statistics and details extension
//! shape: counts always, a supplier's bid value only when its figures are published).

use super::ocds::{ocds_date, supplier_party_id};
use crate::analysis::disclosure::PublishedTender;
use crate::analysis::tender::{TenderEvaluation, TenderStatus};
use crate::model::{Config, Procedure, Project, Tender};
use serde_json::{json, Map, Value};

/// The published extensions whose fields the package uses beyond the core schema.
pub const EXTENSIONS: [&str; 2] = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
];

/// One tender of a procurement with what is published of its bids.
pub struct Lot<'a> {
    pub eval: &'a TenderEvaluation,
    pub notice: Option<&'a Tender>,
    pub published: &'a PublishedTender,
}

impl Lot<'_> {
    /// The lot id when the procurement is in lots.
    fn lot_id(&self) -> Option<&str> {
        self.notice.and_then(|t| t.lot.as_deref())
    }
}

/// `procurementMethodDetails`: the procedure as its regulations name it.
pub fn procedure_details(p: Procedure) -> &'static str {
    match p {
        Procedure::Open => "Open procedure (Procurement Act 2023 s.20(2)(a))",
        Procedure::CompetitiveFlexible => {
            "Competitive flexible procedure (Procurement Act 2023 s.20(2)(b))"
        }
        Procedure::DirectAward => "Direct award (Procurement Act 2023 ss.41-43)",
        Procedure::FrameworkCallOff => "Call-off from a framework (Procurement Act 2023 s.45)",
        Procedure::DynamicMarket => "Award under a dynamic market (Procurement Act 2023)",
        Procedure::BelowThreshold => "Below-threshold procurement (Procurement Act 2023 Part 6)",
        Procedure::PcrOpen => "Open procedure (PCR 2015 reg.27)",
        Procedure::PcrRestricted => "Restricted procedure (PCR 2015 reg.28)",
        Procedure::PcrCompetitiveWithNegotiation => {
            "Competitive procedure with negotiation (PCR 2015 reg.29)"
        }
        Procedure::PcrCompetitiveDialogue => "Competitive dialogue (PCR 2015 reg.30)",
        Procedure::PcrInnovationPartnership => "Innovation partnership (PCR 2015 reg.31)",
        Procedure::PcrNegotiatedWithoutPublication => {
            "Negotiated procedure without prior publication (PCR 2015 reg.32)"
        }
        Procedure::PcrFrameworkCallOff => "Call-off from a framework agreement (PCR 2015 reg.33)",
        Procedure::PcrLightTouch => "Light touch regime (PCR 2015 regs.74-76)",
    }
}

fn value(amount: f64, config: &Config) -> Value {
    json!({ "amount": amount, "currency": config.currency })
}

/// A period from two optional dates, or `None` when both are missing.
fn period(start: Option<chrono::NaiveDate>, end: Option<chrono::NaiveDate>) -> Option<Value> {
    let mut p = Map::new();
    if let Some(d) = start {
        p.insert("startDate".into(), json!(ocds_date(d)));
    }
    if let Some(d) = end {
        p.insert("endDate".into(), json!(ocds_date(d)));
    }
    (!p.is_empty()).then_some(Value::Object(p))
}

/// OCDS tender status over every lot: `cancelled` when all are, `complete` when every lot is
/// awarded or cancelled, else `active`.
pub fn tender_status(lots: &[Lot]) -> &'static str {
    let all = |f: &dyn Fn(TenderStatus) -> bool| lots.iter().all(|l| f(l.eval.status));
    if all(&|s| s == TenderStatus::Cancelled) {
        "cancelled"
    } else if all(&|s| matches!(s, TenderStatus::Awarded | TenderStatus::Cancelled)) {
        "complete"
    } else {
        "active"
    }
}

/// CPV items: one per lot (or one for the tender), the first code as its classification and the
/// rest as additional classifications; the 8-digit code without its check digit.
fn items(lots: &[Lot], lotted: bool) -> Vec<Value> {
    let mut out = Vec::new();
    for lot in lots {
        let Some(t) = lot.notice.filter(|t| !t.cpv_codes.is_empty()) else {
            continue;
        };
        let class = |code: &String| {
            let id = code.split('-').next().unwrap_or(code);
            json!({ "scheme": "CPV", "id": id })
        };
        let mut item = Map::new();
        item.insert("id".into(), json!(format!("{}-1", t.tender_id)));
        item.insert(
            "description".into(),
            json!(t.lot_title.as_deref().unwrap_or(&t.title)),
        );
        item.insert("classification".into(), class(&t.cpv_codes[0]));
        if t.cpv_codes.len() > 1 {
            let more: Vec<Value> = t.cpv_codes[1..].iter().map(class).collect();
            item.insert("additionalClassifications".into(), Value::Array(more));
        }
        if let (true, Some(id)) = (lotted, lot.lot_id()) {
            item.insert("relatedLot".into(), json!(id));
        }
        out.push(Value::Object(item));
    }
    out
}

/// Notices on Find a Tender and Contracts Finder, then the tender's documents.
fn documents(lots: &[Lot]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for t in lots.iter().filter_map(|l| l.notice) {
        for n in &t.notices {
            let service = match n.service {
                "find_a_tender" => "Find a Tender",
                _ => "Contracts Finder",
            };
            let mut d = Map::new();
            d.insert("id".into(), json!(format!("{}-{}", t.tender_id, n.service)));
            d.insert("documentType".into(), json!("tenderNotice"));
            let title = match &n.reference {
                Some(r) => format!("{service} notice {r}"),
                None => format!("{service} notice"),
            };
            d.insert("title".into(), json!(title));
            if let Some(u) = &n.url {
                d.insert("url".into(), json!(u));
            }
            out.push(Value::Object(d));
        }
        for (i, doc) in t.documents.iter().enumerate() {
            out.push(
                json!({ "id": format!("{}-D{}", t.tender_id, i + 1), "title": doc.title,
                             "url": doc.url }),
            );
        }
    }
    out.dedup_by(|a, b| a.get("url").is_some() && a.get("url") == b.get("url"));
    out
}

/// The notice fields of `tender`: title, description, procedure, items, value, periods,
/// documents and lots. `notice` is the first lot's row.
pub fn notice_fields(t: &mut Map<String, Value>, lots: &[Lot], config: &Config) {
    let Some(first) = lots.iter().find_map(|l| l.notice) else {
        return;
    };
    let lotted = lots.len() > 1 || first.lot.is_some();
    t.insert("title".into(), json!(first.title));
    if let Some(d) = &first.description {
        t.insert("description".into(), json!(d));
    }
    if let Some(p) = first.procedure {
        t.insert("procurementMethod".into(), json!(p.ocds_method()));
        t.insert(
            "procurementMethodDetails".into(),
            json!(procedure_details(p)),
        );
    }
    let items = items(lots, lotted);
    if !items.is_empty() {
        t.insert("items".into(), Value::Array(items));
    }
    let values: Vec<f64> = lots
        .iter()
        .filter_map(|l| l.notice?.estimated_value)
        .collect();
    if values.len() == lots.len() && !values.is_empty() {
        t.insert("value".into(), value(values.iter().sum(), config));
    }
    let d = first.dates;
    if let Some(p) = period(d.publication, d.submission_deadline) {
        t.insert("tenderPeriod".into(), p);
    }
    if let Some(p) = period(d.publication, d.clarification_deadline) {
        t.insert("enquiryPeriod".into(), p);
    }
    if let Some(p) = period(d.award_decision, d.standstill_end) {
        t.insert("awardPeriod".into(), p);
    }
    let documents = documents(lots);
    if !documents.is_empty() {
        t.insert("documents".into(), Value::Array(documents));
    }
    if lotted {
        t.insert("lots".into(), Value::Array(lots_json(lots, config)));
        if let Some(n) = first.max_lots_per_supplier {
            t.insert(
                "lotDetails".into(),
                json!({ "maximumLotsAwardedPerSupplier": n }),
            );
        }
    }
}

fn lots_json(lots: &[Lot], config: &Config) -> Vec<Value> {
    lots.iter()
        .filter_map(|l| {
            let t = l.notice?;
            let mut lot = Map::new();
            lot.insert("id".into(), json!(t.lot.as_deref().unwrap_or(&t.tender_id)));
            lot.insert(
                "title".into(),
                json!(t.lot_title.as_deref().unwrap_or(&t.title)),
            );
            if let Some(v) = t.estimated_value {
                lot.insert("value".into(), value(v, config));
            }
            let status = match l.eval.status {
                TenderStatus::Cancelled => "cancelled",
                TenderStatus::Awarded => "complete",
                _ => "active",
            };
            lot.insert("status".into(), json!(status));
            Some(Value::Object(lot))
        })
        .collect()
}

/// `bids`: statistics for every lot (number of bids, evaluated bids, bids not evaluated, bids
/// from SMEs and VCSEs; the lowest and highest evaluated price only when no figure is withheld),
/// and a detail for each named bid, with its value only when its figures are published.
pub fn bids(project: &Project, lots: &[Lot], lotted: bool) -> Option<Value> {
    let mut statistics = Vec::new();
    let mut details = Vec::new();
    for lot in lots.iter().filter(|l| l.eval.bid_count > 0) {
        let e = lot.eval;
        let related = lot.lot_id().filter(|_| lotted);
        let small = e
            .bids
            .iter()
            .filter(|b| b.supplier_type.is_some_and(|t| t.is_sme_or_vcse()))
            .count();
        let mut stats: Vec<(&str, f64)> = vec![
            ("bids", e.bid_count as f64),
            ("validBids", e.compliant_count as f64),
            ("disqualifiedBids", (e.bid_count - e.compliant_count) as f64),
            ("smeBids", small as f64),
        ];
        if lot.published.withheld_count == 0 {
            let prices = e.bids.iter().filter(|b| b.is_evaluated()).map(|b| b.price);
            let low = prices.clone().fold(f64::INFINITY, f64::min);
            let high = prices.fold(f64::NEG_INFINITY, f64::max);
            if low.is_finite() {
                stats.push(("lowestValidBidValue", low));
                stats.push(("highestValidBidValue", high));
            }
        }
        for (measure, v) in stats {
            let mut s = Map::new();
            s.insert("id".into(), json!(format!("{}-{measure}", e.tender_id)));
            s.insert("measure".into(), json!(measure));
            s.insert("value".into(), json!(v));
            if measure.ends_with("Value") {
                s.insert("currency".into(), json!(project.config.currency));
            }
            if let Some(id) = related {
                s.insert("relatedLot".into(), json!(id));
            }
            statistics.push(Value::Object(s));
        }
        for (i, b) in lot.published.bids.iter().enumerate() {
            let mut d = Map::new();
            d.insert("id".into(), json!(format!("{}-B{}", e.tender_id, i + 1)));
            let status = if b.compliant && !b.excluded {
                "valid"
            } else {
                "disqualified"
            };
            d.insert("status".into(), json!(status));
            d.insert(
                "tenderers".into(),
                json!([{ "id": supplier_party_id(&b.supplier), "name": b.supplier.trim() }]),
            );
            if let Some(f) = &b.figures {
                d.insert("value".into(), value(f.price, &project.config));
            }
            if let Some(id) = related {
                d.insert("relatedLots".into(), json!([id]));
            }
            details.push(Value::Object(d));
        }
    }
    if statistics.is_empty() {
        return None;
    }
    let mut b = Map::new();
    b.insert("statistics".into(), Value::Array(statistics));
    if !details.is_empty() {
        b.insert("details".into(), Value::Array(details));
    }
    Some(Value::Object(b))
}
