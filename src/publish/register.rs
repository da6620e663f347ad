//! `data/contracts-register.csv`: the contract register in the Local Government Transparency Code
//! 2015 field order, one row per contract and supplier (a framework awarded to several suppliers
//! has a row for each, as councils publish it), followed by the register's own extra columns as
//! given. SME and VCSE are published exactly as given, derived only from a supplier type the
//! register gives, and blank otherwise — never invented. Pure: returns the CSV bytes.

use super::data::to_csv_rows;
use crate::model::{Contract, ContractSupplier, ProcurementRoute, Project, SupplierType};
use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

/// The Transparency Code's fields, in its order.
pub const TRANSPARENCY_FIELDS: [&str; 16] = [
    "Reference number",
    "Title of agreement",
    "Department responsible",
    "Description of goods and/or services",
    "Supplier name",
    "Supplier details",
    "Total value",
    "Annual value",
    "Irrecoverable VAT",
    "Start date",
    "End date",
    "Review date",
    "Procurement process",
    "SME",
    "VCSE",
    "Company or charity registration number",
];

/// One published cell: numbers and dates serialise the way the other data files write them.
#[derive(Serialize)]
#[serde(untagged)]
enum Out<'a> {
    Text(&'a str),
    Owned(String),
    Number(f64),
    Date(NaiveDate),
    Blank(Option<()>),
}

fn opt_text(v: Option<&str>) -> Out<'_> {
    v.map_or(Out::Blank(None), Out::Text)
}

/// The procurement process as given, else the route's words.
fn process(c: &Contract) -> Out<'_> {
    if let Some(p) = &c.details.procurement_process {
        return Out::Text(p);
    }
    Out::Text(match c.procurement_route {
        Some(ProcurementRoute::Quote) => "Invitation to quote",
        Some(ProcurementRoute::OpenTender) => "Published invitation to tender",
        Some(r) => super::ocds::route_details(r),
        None => "",
    })
}

/// `Yes`/`No` from the register's supplier type, when it gives one.
fn from_type(c: &Contract, t: SupplierType) -> Out<'static> {
    match c.supplier_type {
        Some(x) => Out::Text(if x == t { "Yes" } else { "No" }),
        None => Out::Blank(None),
    }
}

fn row<'a>(
    c: &'a Contract,
    s: Option<&'a ContractSupplier>,
    project: &Project,
    derived: bool,
) -> Vec<Out<'a>> {
    let registration = match s.and_then(|s| s.registration.as_deref()) {
        Some(r) => Out::Text(r),
        None if c.supplier_type.is_some_and(|t| t.is_sme_or_vcse()) => {
            opt_text(c.supplier_id.as_deref())
        }
        None => Out::Blank(None),
    };
    let details = match s.and_then(|s| s.details.as_deref()) {
        Some(d) => Out::Text(d),
        None => Out::Text(c.supplier_id.as_deref().unwrap_or("")),
    };
    let mut out = vec![
        Out::Text(&c.contract_id),
        Out::Text(&c.title),
        Out::Text(c.department.as_deref().unwrap_or("")),
        Out::Text(c.description.as_deref().unwrap_or("")),
        Out::Text(s.map_or(c.supplier.as_str(), |s| s.name.as_str())),
        details,
        Out::Number(c.total_value),
        Out::Number(c.annual_value),
        c.irrecoverable_vat.map_or(Out::Blank(None), Out::Number),
        Out::Date(c.start_date),
        Out::Date(c.end_date),
        c.review_date.map_or(Out::Blank(None), Out::Date),
        process(c),
        match s.and_then(|s| s.sme.as_deref()) {
            Some(v) => Out::Text(v),
            None => from_type(c, SupplierType::Sme),
        },
        match s.and_then(|s| s.vcse.as_deref()) {
            Some(v) => Out::Text(v),
            None => from_type(c, SupplierType::Vcse),
        },
        registration,
    ];
    if derived {
        let yes_no = |b: bool| Out::Owned(if b { "yes" } else { "no" }.into());
        out.push(yes_no(c.details.annual_value_derived));
        out.push(yes_no(c.details.total_value_derived));
    }
    for i in 0..project.register_columns.len() {
        let v = s.and_then(|s| s.extra.get(i)).and_then(|v| v.as_deref());
        out.push(opt_text(v));
    }
    out
}

/// The register as CSV. `annual_value_derived` and `total_value_derived` columns follow the
/// Code's fields when some value was derived; the register's extra columns come last.
pub fn transparency_register(project: &Project) -> Result<Vec<u8>> {
    let derived = project
        .contracts
        .values()
        .any(|c| c.details.annual_value_derived || c.details.total_value_derived);
    let mut header: Vec<String> = TRANSPARENCY_FIELDS.iter().map(|s| s.to_string()).collect();
    if derived {
        header.push("annual_value_derived".into());
        header.push("total_value_derived".into());
    }
    header.extend(project.register_columns.iter().cloned());
    let mut rows = Vec::new();
    for c in project.contracts.values() {
        if c.details.suppliers.is_empty() {
            rows.push(row(c, None, project, derived));
        }
        for s in &c.details.suppliers {
            rows.push(row(c, Some(s), project, derived));
        }
    }
    to_csv_rows(&header, &rows)
}
