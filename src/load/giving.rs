//! Reads grants published in the 360Giving Data Standard: the 360Giving CSV layout (its standard
//! headings, `Recipient Org:Identifier` and the like) and the 360Giving JSON package
//! (`{"grants": [...]}`). Each grant keeps its record as given, so the published package carries
//! every field it came with (recipient ids, programme, beneficiary location, planned dates), and
//! its id is kept when it already carries a registered prefix.

use super::fields::{date_hint, date_problem, Columns, Fields};
use super::table::{normalise_header, Table};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::Grant;
use serde_json::{Map, Value};

/// How a 360Giving CSV heading maps into the grant's JSON record: the top-level key, the index of
/// an array item's object (`None` for a plain field) and its key, and the kind of value.
struct Heading {
    heading: &'static str,
    array: Option<&'static str>,
    key: &'static str,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Number,
    Integer,
    /// A one-item array of strings (`relatedActivity`).
    TextList,
}

const fn h(
    heading: &'static str,
    array: Option<&'static str>,
    key: &'static str,
    kind: Kind,
) -> Heading {
    Heading {
        heading,
        array,
        key,
        kind,
    }
}

use Kind::{Integer, Number, Text, TextList};

/// The 360Giving CSV headings read (the standard's own template names).
const HEADINGS: &[Heading] = &[
    h("Identifier", None, "id", Text),
    h("Title", None, "title", Text),
    h("Description", None, "description", Text),
    h("Currency", None, "currency", Text),
    h("Amount Applied For", None, "amountAppliedFor", Number),
    h("Amount Awarded", None, "amountAwarded", Number),
    h("Amount Disbursed", None, "amountDisbursed", Number),
    h("Award Date", None, "awardDate", Text),
    h("URL", None, "url", Text),
    h(
        "Planned Dates:Start Date",
        Some("plannedDates"),
        "startDate",
        Text,
    ),
    h(
        "Planned Dates:End Date",
        Some("plannedDates"),
        "endDate",
        Text,
    ),
    h(
        "Planned Dates:Duration (months)",
        Some("plannedDates"),
        "duration",
        Integer,
    ),
    h(
        "Actual Dates:Start Date",
        Some("actualDates"),
        "startDate",
        Text,
    ),
    h(
        "Actual Dates:End Date",
        Some("actualDates"),
        "endDate",
        Text,
    ),
    h(
        "Actual Dates:Duration (months)",
        Some("actualDates"),
        "duration",
        Integer,
    ),
    h(
        "Recipient Org:Identifier",
        Some("recipientOrganization"),
        "id",
        Text,
    ),
    h(
        "Recipient Org:Name",
        Some("recipientOrganization"),
        "name",
        Text,
    ),
    h(
        "Recipient Org:Charity Number",
        Some("recipientOrganization"),
        "charityNumber",
        Text,
    ),
    h(
        "Recipient Org:Company Number",
        Some("recipientOrganization"),
        "companyNumber",
        Text,
    ),
    h(
        "Recipient Org:Street Address",
        Some("recipientOrganization"),
        "streetAddress",
        Text,
    ),
    h(
        "Recipient Org:City",
        Some("recipientOrganization"),
        "addressLocality",
        Text,
    ),
    h(
        "Recipient Org:County",
        Some("recipientOrganization"),
        "addressRegion",
        Text,
    ),
    h(
        "Recipient Org:Country",
        Some("recipientOrganization"),
        "addressCountry",
        Text,
    ),
    h(
        "Recipient Org:Postal Code",
        Some("recipientOrganization"),
        "postalCode",
        Text,
    ),
    h(
        "Recipient Org:Description",
        Some("recipientOrganization"),
        "description",
        Text,
    ),
    h(
        "Recipient Org:Web Address",
        Some("recipientOrganization"),
        "url",
        Text,
    ),
    h(
        "Beneficiary Location:Name",
        Some("beneficiaryLocation"),
        "name",
        Text,
    ),
    h(
        "Beneficiary Location:Country Code",
        Some("beneficiaryLocation"),
        "countryCode",
        Text,
    ),
    h(
        "Beneficiary Location:Latitude",
        Some("beneficiaryLocation"),
        "latitude",
        Number,
    ),
    h(
        "Beneficiary Location:Longitude",
        Some("beneficiaryLocation"),
        "longitude",
        Number,
    ),
    h(
        "Beneficiary Location:Geographic Code",
        Some("beneficiaryLocation"),
        "geoCode",
        Text,
    ),
    h(
        "Beneficiary Location:Geographic Code Type",
        Some("beneficiaryLocation"),
        "geoCodeType",
        Text,
    ),
    h(
        "Funding Org:Identifier",
        Some("fundingOrganization"),
        "id",
        Text,
    ),
    h(
        "Funding Org:Name",
        Some("fundingOrganization"),
        "name",
        Text,
    ),
    h(
        "Funding Org:Department",
        Some("fundingOrganization"),
        "department",
        Text,
    ),
    h("Grant Programme:Code", Some("grantProgramme"), "code", Text),
    h(
        "Grant Programme:Title",
        Some("grantProgramme"),
        "title",
        Text,
    ),
    h("Grant Programme:URL", Some("grantProgramme"), "url", Text),
    h("From an open call?", None, "fromOpenCall", Text),
    h("Related Activity", None, "relatedActivity", TextList),
    h("Last modified", None, "dateModified", Text),
    h("Data Source", None, "dataSource", Text),
];

/// True when a table is in the 360Giving CSV layout: it has `Identifier` and `Amount Awarded`.
pub fn is_360giving_csv(table: &Table) -> bool {
    table.has_columns(&["identifier", "amount_awarded"])
}

/// True when a JSON value is a 360Giving package.
pub fn is_360giving_json(value: &Value) -> bool {
    value.get("grants").is_some_and(Value::is_array)
}

fn first<'a>(record: &'a Value, array: &str) -> Option<&'a Map<String, Value>> {
    record.get(array)?.as_array()?.first()?.as_object()
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The grant a 360Giving record describes, with the problems found in it. `place` locates the
/// record in its file (a line, or the file for JSON), `path` names it (`grants[3]`) in messages.
fn grant_from_record(
    record: Value,
    file: &str,
    place: Location,
    path: &str,
    diags: &mut Diagnostics,
) -> Option<Grant> {
    let problem = |field: &str, message: &str, value: Option<String>| {
        let d = Diagnostic::error(file, place.clone(), message.to_string())
            .column(format!("{path}{field}"));
        match value {
            Some(v) => d.value(v),
            None => d,
        }
    };
    let mut ok = true;
    let id = text_of(record.get("id"));
    if let Some(id) = &id {
        if let Err(why) = super::fields::check_id(id) {
            diags.push(problem("id", why, Some(id.clone())));
            ok = false;
        }
    } else {
        diags.push(problem("id", "missing value", None).hint("every grant needs an identifier"));
        ok = false;
    }
    let title = text_of(record.get("title"));
    if title.is_none() {
        diags.push(problem("title", "missing value", None));
        ok = false;
    }
    let recipient = first(&record, "recipientOrganization");
    let recipient_name = recipient.and_then(|r| text_of(r.get("name")));
    if recipient_name.is_none() {
        diags.push(problem(
            "recipientOrganization[0].name",
            "missing value",
            None,
        ));
        ok = false;
    }
    let amount = record.get("amountAwarded").and_then(Value::as_f64);
    match amount {
        Some(a) if a > 0.0 => {}
        Some(a) => {
            diags.push(problem(
                "amountAwarded",
                "amount must be greater than zero",
                Some(a.to_string()),
            ));
            ok = false;
        }
        None => {
            diags.push(problem("amountAwarded", "missing value", None).hint("expected a number"));
            ok = false;
        }
    }
    let date =
        |v: Option<&Value>, field: &str, diags: &mut Diagnostics| -> Option<chrono::NaiveDate> {
            let t = text_of(v)?;
            match date_problem(&t) {
                Ok(d) => Some(d),
                Err(why) => {
                    diags.push(problem(field, why, Some(t)).hint(date_hint(why)));
                    None
                }
            }
        };
    let award_date = date(record.get("awardDate"), "awardDate", diags);
    if award_date.is_none() {
        if record.get("awardDate").is_none() {
            diags.push(problem("awardDate", "missing value", None));
        }
        ok = false;
    }
    let planned = first(&record, "plannedDates");
    let start_date = date(
        planned.and_then(|p| p.get("startDate")),
        "plannedDates[0].startDate",
        diags,
    );
    let end_date = date(
        planned.and_then(|p| p.get("endDate")),
        "plannedDates[0].endDate",
        diags,
    );
    let open = text_of(record.get("fromOpenCall")).and_then(|t| super::fields::parse_bool(&t));
    if !ok {
        return None;
    }
    Some(Grant {
        grant_id: id.unwrap_or_default(),
        title: title.unwrap_or_default(),
        description: text_of(record.get("description")).unwrap_or_default(),
        recipient_name: recipient_name.unwrap_or_default(),
        amount_awarded: amount.unwrap_or_default(),
        award_date: award_date.unwrap_or_default(),
        recipient_charity_number: recipient.and_then(|r| text_of(r.get("charityNumber"))),
        recipient_company_number: recipient.and_then(|r| text_of(r.get("companyNumber"))),
        recipient_org_id: recipient.and_then(|r| text_of(r.get("id"))),
        programme: first(&record, "grantProgramme").and_then(|p| text_of(p.get("title"))),
        spec_id: None,
        area_code: first(&record, "beneficiaryLocation").and_then(|l| text_of(l.get("geoCode"))),
        start_date,
        end_date,
        from_open_call: open,
        small_local: None,
        record: Some(record),
        origin: crate::model::Origin {
            file: file.into(),
            location: Some(place),
            keys: Default::default(),
        },
    })
}

/// Reads a 360Giving JSON package. Grants keep their records as given.
pub fn read_package(value: Value, file: &str, diags: &mut Diagnostics) -> Vec<Grant> {
    let Some(Value::Array(grants)) = value.get("grants").cloned() else {
        return Vec::new();
    };
    grants
        .into_iter()
        .enumerate()
        .filter_map(|(i, g)| {
            if !g.is_object() {
                diags.push(
                    Diagnostic::error(file, Location::File, "a grant is not an object")
                        .column(format!("grants[{i}]")),
                );
                return None;
            }
            grant_from_record(g, file, Location::File, &format!("grants[{i}]."), diags)
        })
        .collect()
}

/// Reads a table in the 360Giving CSV layout: each row becomes the grant's 360Giving record (the
/// standard's mapping of headings to JSON), and a heading the standard does not define is named
/// in a warning, since it cannot be carried into the package.
pub fn read_csv(table: &Table, diags: &mut Diagnostics) -> Vec<Grant> {
    let names: Vec<&str> = HEADINGS.iter().map(|h| h.heading).collect();
    let Some(cols) = Columns::resolve(table, &[], &names, diags) else {
        return Vec::new();
    };
    for (i, heading) in table.header_text().iter().enumerate() {
        let key = normalise_header(heading);
        if !key.is_empty() && !names.iter().any(|n| normalise_header(n) == key) {
            diags.push(
                Diagnostic::warning(
                    &table.file,
                    table.location(table.header_row, Some(i)),
                    "column is not a 360Giving heading and is not published",
                )
                .value(heading.clone())
                .hint("rename it to the 360Giving heading it holds, or remove it"),
            );
        }
    }
    let mut out = Vec::new();
    for row in &table.rows {
        let mut f = Fields::new(table, row, &cols, diags);
        let mut record = Map::new();
        let mut ok = true;
        for h in HEADINGS {
            if !f.columns.has(h.heading) || f.is_blank(h.heading) {
                continue;
            }
            let value = match h.kind {
                Kind::Text => f.text(h.heading).map(Value::String),
                Kind::TextList => f
                    .text(h.heading)
                    .map(|t| Value::Array(vec![Value::String(t)])),
                Kind::Number | Kind::Integer => {
                    let n = f.number(h.heading);
                    if n.is_none() {
                        ok = false;
                    }
                    n.map(|n| number_value(n, h.kind == Kind::Integer))
                }
            };
            let Some(value) = value else {
                continue;
            };
            match h.array {
                None => {
                    record.insert(h.key.into(), value);
                }
                Some(array) => {
                    let item = record
                        .entry(array.to_string())
                        .or_insert_with(|| Value::Array(vec![Value::Object(Map::new())]));
                    if let Some(Value::Object(o)) = item.as_array_mut().and_then(|a| a.first_mut())
                    {
                        o.insert(h.key.into(), value);
                    }
                }
            }
        }
        let place = table.location(row.number, None);
        let file = table.file.clone();
        if let Some(g) = grant_from_record(Value::Object(record), &file, place, "", f.diags) {
            if ok {
                out.push(g);
            }
        }
    }
    out
}

/// A number as JSON: whole numbers as integers (`2266`, as a 360Giving CSV converter writes them).
fn number_value(n: f64, integer: bool) -> Value {
    if (integer || n.fract() == 0.0) && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::table::read_csv_bytes;

    #[test]
    fn a_360giving_csv_row_becomes_its_json_record() {
        let csv = "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Planned Dates:Duration (months),Recipient Org:Identifier,Recipient Org:Name,Beneficiary Location:Geographic Code,Grant Programme:Title,From an open call?\n\
                   360G-x-1,Grant to A,Help,GBP,3028.63,2013-01-18,12,GB-CHC-1,A,E08000009,VSG,Yes\n";
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(csv.as_bytes(), "grants/g.csv", &mut d).unwrap();
        assert!(is_360giving_csv(&t));
        let g = read_csv(&t, &mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert_eq!(g[0].grant_id, "360G-x-1");
        assert_eq!(g[0].recipient_org_id.as_deref(), Some("GB-CHC-1"));
        assert_eq!(g[0].area_code.as_deref(), Some("E08000009"));
        assert_eq!(
            g[0].record.as_ref().unwrap(),
            &serde_json::json!({
                "id": "360G-x-1", "title": "Grant to A", "description": "Help", "currency": "GBP",
                "amountAwarded": 3028.63, "awardDate": "2013-01-18",
                "plannedDates": [{"duration": 12}],
                "recipientOrganization": [{"id": "GB-CHC-1", "name": "A"}],
                "beneficiaryLocation": [{"geoCode": "E08000009"}],
                "grantProgramme": [{"title": "VSG"}], "fromOpenCall": "Yes"
            })
        );
    }

    #[test]
    fn a_360giving_date_is_refused_for_the_same_reason_as_a_register_date() {
        let csv = "Identifier,Title,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name\n\
                   360G-x-1,Grant to A,GBP,100,18/01/13,GB-CHC-1,A\n";
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(csv.as_bytes(), "grants/g.csv", &mut d).unwrap();
        let g = read_csv(&t, &mut d);
        assert!(g.is_empty());
        let text: Vec<String> = d.sorted().iter().map(|x| x.to_string()).collect();
        assert_eq!(
            text,
            ["error: grants/g.csv:2: column \"awardDate\": two-digit year: \"18/01/13\"\n  = hint: write the year in full, e.g. 01/04/2025: a two-digit year could be in either century"]
        );
    }
}
