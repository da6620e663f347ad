//! Loads `procurement/tenders.csv`: tender notices (title, lots, procedure, CPV codes, value,
//! dates, notices on Find a Tender and Contracts Finder, documents) and the council's choices
//! about each tender (bid publication, award reason). FORMATS.md, "procurement/tenders.csv".

use super::fields::{Columns, Fields};
use super::markdown::safe_link;
use super::table::Table;
use crate::diagnostics::Diagnostics;
use crate::model::tender::{cpv_shape, DocumentLink, NoticeRef, TenderDates};
use crate::model::{AwardReason, BidPublication, Procedure, Tender};
use chrono::NaiveDate;
use std::collections::BTreeMap;

const OPTIONAL: &[&str] = &[
    "description",
    "procurement_id",
    "lot",
    "lot_title",
    "max_lots_per_supplier",
    "procedure",
    "cpv_codes",
    "estimated_value",
    "publication_date",
    "clarification_deadline",
    "submission_deadline",
    "award_decision_date",
    "standstill_end_date",
    "contract_signature_date",
    "find_a_tender_reference",
    "find_a_tender_url",
    "contracts_finder_reference",
    "contracts_finder_url",
    "documents",
    "cancelled",
    "bid_publication",
    "award_reason",
];

/// The date columns in the order a procurement passes them.
const DATE_COLUMNS: [&str; 6] = [
    "publication_date",
    "clarification_deadline",
    "submission_deadline",
    "award_decision_date",
    "standstill_end_date",
    "contract_signature_date",
];

/// Reads tender notices, one row per tender (or per lot); a repeated tender id is reported.
pub fn read_tenders(table: &Table, diags: &mut Diagnostics) -> Vec<Tender> {
    let Some(cols) = Columns::resolve(table, &["tender_id", "spec_id", "title"], OPTIONAL, diags)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for row in &table.rows {
        let mut f = Fields::new(table, row, &cols, diags);
        let tender_id = f.id("tender_id");
        let spec_id = f.id("spec_id");
        let title = f.required_text("title");
        let procurement_id = match f.text("procurement_id") {
            Some(_) => f.id("procurement_id"),
            None => None,
        };
        let tender = read_notice(&mut f);
        let (Some(tender_id), Some(spec_id), Some(title)) = (tender_id, spec_id, title) else {
            continue;
        };
        if let Some(first) = seen.insert(tender_id.to_lowercase(), row.number) {
            let d = f
                .error("tender_id", "this tender already has a row")
                .value(tender_id)
                .hint(format!(
                    "first given on row {first}; give each lot its own tender id"
                ));
            f.diags.push(d);
            continue;
        }
        out.push(Tender {
            procurement_id: procurement_id.unwrap_or_else(|| tender_id.clone()),
            tender_id,
            spec_id,
            title,
            origin: f.origin(),
            ..tender
        });
    }
    out
}

/// The optional cells of one row, as a tender without its ids and title.
fn read_notice(f: &mut Fields) -> Tender {
    let mut t = Tender::bare("", "");
    t.description = f.text("description");
    t.lot = f.text("lot");
    t.lot_title = f.text("lot_title");
    if t.lot.is_none() && t.lot_title.is_some() {
        let d = f
            .error("lot", "a lot title needs a lot number")
            .value(t.lot_title.clone().unwrap_or_default())
            .hint("give the lot's number or short id, e.g. 1 or north");
        f.diags.push(d);
    }
    t.max_lots_per_supplier = whole(f, "max_lots_per_supplier");
    t.procedure = f.choice("procedure", &Procedure::ALL, Procedure::parse);
    t.cpv_codes = cpv_codes(f);
    t.estimated_value = f.number("estimated_value");
    if let Some(v) = t.estimated_value.filter(|v| *v < 0.0) {
        let d = f
            .error("estimated_value", "estimated value must not be negative")
            .value(v.to_string());
        f.diags.push(d);
        t.estimated_value = None;
    }
    t.dates = dates(f);
    t.notices = [
        (
            "find_a_tender",
            "find_a_tender_reference",
            "find_a_tender_url",
        ),
        (
            "contracts_finder",
            "contracts_finder_reference",
            "contracts_finder_url",
        ),
    ]
    .into_iter()
    .filter_map(|(service, reference, url)| {
        let reference = f.text(reference);
        let url = f.text(url).and_then(|u| web_address(f, url, u));
        (reference.is_some() || url.is_some()).then_some(NoticeRef {
            service,
            reference,
            url,
        })
    })
    .collect();
    t.documents = documents(f);
    t.cancelled = f.boolean("cancelled").unwrap_or(false);
    t.bid_publication = f.choice(
        "bid_publication",
        &BidPublication::ALL,
        BidPublication::parse,
    );
    t.award_reason = f.choice("award_reason", &AwardReason::ALL, AwardReason::parse);
    t
}

/// A whole number of at least 1.
fn whole(f: &mut Fields, name: &str) -> Option<u32> {
    let n = f.number(name)?;
    if n >= 1.0 && n.fract() == 0.0 && n <= 1000.0 {
        return Some(n as u32);
    }
    let d = f
        .error(name, "expected a whole number of at least 1")
        .value(n.to_string());
    f.diags.push(d);
    None
}

/// CPV codes separated by `;` or `,`, each checked for shape; the first is the main code.
fn cpv_codes(f: &mut Fields) -> Vec<String> {
    let Some(text) = f.text("cpv_codes") else {
        return Vec::new();
    };
    let mut codes: Vec<String> = Vec::new();
    for code in text
        .split([';', ','])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match cpv_shape(code) {
            Ok(_) if codes.iter().any(|c| c == code) => {}
            Ok(_) => codes.push(code.to_string()),
            Err(why) => {
                let d = f
                    .error("cpv_codes", why)
                    .value(code.to_string())
                    .hint("write CPV codes like 85310000-5, separated by semicolons");
                f.diags.push(d);
            }
        }
    }
    codes
}

/// The six dates; each given date must not come before an earlier stage's date.
fn dates(f: &mut Fields) -> TenderDates {
    let got: Vec<Option<NaiveDate>> = DATE_COLUMNS.iter().map(|c| f.date(c)).collect();
    let mut latest: Option<(usize, NaiveDate)> = None;
    for (i, d) in got.iter().enumerate() {
        let Some(d) = *d else { continue };
        if let Some((j, before)) = latest.filter(|(_, before)| d < *before) {
            let diag = f
                .error(
                    DATE_COLUMNS[i],
                    "date comes before an earlier stage of the tender",
                )
                .value(d.to_string())
                .hint(format!("{} is {before}", DATE_COLUMNS[j]));
            f.diags.push(diag);
            continue;
        }
        latest = Some((i, d));
    }
    TenderDates {
        publication: got[0],
        clarification_deadline: got[1],
        submission_deadline: got[2],
        award_decision: got[3],
        standstill_end: got[4],
        contract_signature: got[5],
    }
}

/// An http or https address, or a diagnostic.
fn web_address(f: &mut Fields, name: &str, url: String) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if safe_link(&url) && !lower.starts_with("mailto:") {
        return Some(url);
    }
    let d = f
        .error(name, "not an http or https address")
        .value(url)
        .hint("give the notice's web address, starting https://");
    f.diags.push(d);
    None
}

/// Documents separated by `;`, each `Title https://…` or a bare address.
fn documents(f: &mut Fields) -> Vec<DocumentLink> {
    let Some(text) = f.text("documents") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        let (title, url) = match item.rsplit_once(char::is_whitespace) {
            Some((title, url)) => (title.trim(), url.trim()),
            None => ("", item),
        };
        let lower = url.to_ascii_lowercase();
        if !safe_link(url) || lower.starts_with("mailto:") {
            let d = f
                .error("documents", "document has no http or https address")
                .value(item.to_string())
                .hint("write each document as its title then its address, e.g. \"Specification https://example.gov.uk/spec.pdf\", separated by semicolons");
            f.diags.push(d);
            continue;
        }
        out.push(DocumentLink {
            title: if title.is_empty() { url } else { title }.to_string(),
            url: url.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::table::read_csv_bytes;

    fn read(csv: &str) -> (Vec<Tender>, Vec<String>) {
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(csv.as_bytes(), "procurement/tenders.csv", &mut d).unwrap();
        let out = read_tenders(&t, &mut d);
        (out, d.sorted().iter().map(|x| x.to_string()).collect())
    }

    #[test]
    fn a_full_notice_is_read() {
        let (t, d) = read("tender_id,spec_id,title,procedure,cpv_codes,estimated_value,publication_date,submission_deadline,award_decision_date,find_a_tender_reference,find_a_tender_url,documents,lot,lot_title,procurement_id,bid_publication,award_reason\n\
            T-1,S-1,Home care,pcr_open,85310000-5; 85312000-9,\"£58,000,000\",2023-05-15,2023-06-26,2023-08-03,2023/S 000-014872,https://www.find-tender.service.gov.uk/Notice/014872-2023,Specification https://example.gov.uk/spec.pdf; https://example.gov.uk/itt.pdf,2,South,DOM,full,lot_rules\n");
        assert_eq!(d, Vec::<String>::new());
        let t = &t[0];
        assert_eq!(t.procedure, Some(Procedure::PcrOpen));
        assert_eq!(t.cpv_codes, vec!["85310000-5", "85312000-9"]);
        assert_eq!(t.estimated_value, Some(58_000_000.0));
        assert_eq!(t.procurement_id, "DOM");
        assert_eq!(t.lot.as_deref(), Some("2"));
        assert_eq!(t.notices[0].reference.as_deref(), Some("2023/S 000-014872"));
        assert_eq!(t.documents[0].title, "Specification");
        assert_eq!(t.documents[1].title, "https://example.gov.uk/itt.pdf");
        assert_eq!(t.bid_publication, Some(BidPublication::Full));
        assert_eq!(t.award_reason, Some(AwardReason::LotRules));
        assert_eq!(t.dates.award_decision, NaiveDate::from_ymd_opt(2023, 8, 3));
    }

    #[test]
    fn bad_cells_are_located_with_hints() {
        let (t, d) = read("tender_id,spec_id,title,procedure,cpv_codes,publication_date,submission_deadline,find_a_tender_url,documents,award_reason\n\
            T-1,S-1,Home care,restricted,8531000-5,2023-05-15,2023-05-01,javascript:alert(1),Spec ftp://x,lot_rule\n");
        assert_eq!(t.len(), 1);
        let e = |col: &str, msg: &str, hint: &str| {
            format!("error: procurement/tenders.csv:2: column \"{col}\": {msg}\n  = hint: {hint}")
        };
        assert_eq!(d, vec![
            e("cpv_codes", "a CPV code is eight digits, then optionally a hyphen and a check digit: \"8531000-5\"", "write CPV codes like 85310000-5, separated by semicolons"),
            e("submission_deadline", "date comes before an earlier stage of the tender: \"2023-05-01\"", "publication_date is 2023-05-15"),
            e("documents", "document has no http or https address: \"Spec ftp://x\"", "write each document as its title then its address, e.g. \"Specification https://example.gov.uk/spec.pdf\", separated by semicolons"),
            e("find_a_tender_url", "not an http or https address: \"javascript:alert(1)\"", "give the notice's web address, starting https://"),
            e("procedure", "unknown value: \"restricted\"", "expected one of: open, competitive_flexible, direct_award, framework_call_off, dynamic_market, below_threshold, pcr_open, pcr_restricted, pcr_competitive_with_negotiation, pcr_competitive_dialogue, pcr_innovation_partnership, pcr_negotiated_without_publication, pcr_framework_call_off, pcr_light_touch"),
            e("award_reason", "unknown value: \"lot_rule\"", "expected one of: lot_rules, exclusion, abnormally_low_rejected, supplier_withdrew"),
        ]);
    }

    #[test]
    fn a_repeated_tender_id_is_reported() {
        let (t, d) = read("tender_id,spec_id,title\nT-1,S-1,A\nt-1,S-1,B\n");
        assert_eq!(t.len(), 1);
        assert_eq!(d, vec!["error: procurement/tenders.csv:3: column \"tender_id\": this tender already has a row: \"t-1\"\n  = hint: first given on row 2; give each lot its own tender id".to_string()]);
    }
}
