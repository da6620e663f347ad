//! Loads `grants/grants` (grants to voluntary and community organisations) and
//! `engagement/you-said-we-did.csv`.

use super::fields::{Columns, Fields};
use super::table::Table;
use crate::diagnostics::Diagnostics;
use crate::model::{Grant, Response, ResponseStatus};

/// True when a table is grants in the project's own layout (its missing columns, if any, are
/// reported when it is read).
pub fn is_own_grants(table: &Table) -> bool {
    table.has_columns(&["grant_id"])
}

/// Reads the grants register.
pub fn read_grants(table: &Table, diags: &mut Diagnostics) -> Vec<Grant> {
    let Some(cols) = Columns::resolve(
        table,
        &[
            "grant_id",
            "title",
            "description",
            "recipient_name",
            "amount_awarded",
            "award_date",
        ],
        &[
            "recipient_charity_number",
            "recipient_company_number",
            "recipient_org_id",
            "programme",
            "spec_id",
            "area_code",
            "start_date",
            "end_date",
            "from_open_call",
            "small_local",
        ],
        diags,
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in &table.rows {
        let mut f = Fields::new(table, row, &cols, diags);
        let grant_id = f.id("grant_id");
        let title = f.required_text("title");
        let description = f.text("description");
        let recipient = f.required_text("recipient_name");
        let amount = f.required_number("amount_awarded");
        if matches!(amount, Some(a) if a <= 0.0) {
            let d = f
                .error("amount_awarded", "amount must be greater than zero")
                .value(amount.unwrap_or(0.0).to_string());
            f.diags.push(d);
        }
        let award_date = f.required_date("award_date");
        let start_date = f.date("start_date");
        let end_date = f.date("end_date");
        if let (Some(a), Some(e)) = (award_date, end_date) {
            if a > e {
                let d = f
                    .error("award_date", "grant is awarded after it ends")
                    .value(format!("{a} is after {e}"));
                f.diags.push(d);
            }
        }
        if let (Some(s), Some(e)) = (start_date, end_date) {
            if e < s {
                let d = f
                    .error("end_date", "grant ends before it starts")
                    .value(format!("{e} is before {s}"));
                f.diags.push(d);
            }
        }
        let charity = f.text("recipient_charity_number");
        if let Some(c) = &charity {
            if !(c.chars().all(|ch| ch.is_ascii_digit() || ch == '-')
                && c.chars().any(|ch| ch.is_ascii_digit()))
            {
                let d = f
                    .error("recipient_charity_number", "charity number is not a number")
                    .value(c.clone())
                    .hint("registered charity numbers are digits, e.g. 1123456");
                f.diags.push(d);
            }
        }
        let company = f.text("recipient_company_number");
        if let Some(c) = &company {
            if !(c.len() <= 8 && c.chars().all(|ch| ch.is_ascii_alphanumeric())) {
                let d = f
                    .error(
                        "recipient_company_number",
                        "company number is not a Companies House number",
                    )
                    .value(c.clone())
                    .hint("eight characters such as 01234567 or SC123456");
                f.diags.push(d);
            }
        }
        let org_id = f.text("recipient_org_id");
        let grant = Grant {
            grant_id: grant_id.clone().unwrap_or_default(),
            title: title.clone().unwrap_or_default(),
            description: description.unwrap_or_default(),
            recipient_name: recipient.clone().unwrap_or_default(),
            amount_awarded: amount.unwrap_or_default(),
            award_date: award_date.unwrap_or_default(),
            recipient_charity_number: charity,
            recipient_company_number: company,
            recipient_org_id: org_id,
            programme: f.text("programme"),
            spec_id: f.text("spec_id"),
            area_code: f.text("area_code"),
            start_date,
            end_date,
            from_open_call: f.boolean("from_open_call"),
            small_local: f.boolean("small_local"),
            record: None,
            origin: f.origin(),
        };
        if grant_id.is_some()
            && title.is_some()
            && recipient.is_some()
            && matches!(amount, Some(a) if a > 0.0)
            && award_date.is_some()
        {
            out.push(grant);
        }
    }
    out
}

const STATUSES: &[&str] = &["done", "in_progress", "not_taken_forward"];

/// Reads "you said, we did" rows.
pub fn read_responses(table: &Table, diags: &mut Diagnostics) -> Vec<Response> {
    let Some(cols) = Columns::resolve(
        table,
        &["engagement_id", "spec_id", "you_said", "we_did", "status"],
        &["reason"],
        diags,
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in &table.rows {
        let mut f = Fields::new(table, row, &cols, diags);
        let engagement_id = f.id("engagement_id");
        let spec_id = f.id("spec_id");
        let you_said = f.required_text("you_said");
        let we_did = f.required_text("we_did");
        let status = match f.text("status") {
            Some(_) => f.choice("status", STATUSES, ResponseStatus::parse),
            None => {
                f.push_missing(
                    "status",
                    format!("expected one of: {}", STATUSES.join(", ")),
                );
                None
            }
        };
        let reason = f.text("reason");
        let origin = f.origin();
        if let (Some(engagement_id), Some(spec_id), Some(you_said), Some(we_did), Some(status)) =
            (engagement_id, spec_id, you_said, we_did, status)
        {
            out.push(Response {
                engagement_id,
                spec_id,
                you_said,
                we_did,
                status,
                reason,
                origin,
            });
        }
    }
    out
}
