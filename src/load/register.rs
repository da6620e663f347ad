//! Reads a contract register as councils publish it: the project's own layout, the Local
//! Government Transparency Code 2015 headings, the LGA contracts schema headings and their common
//! variants, and the `contracts-register.csv` that `commission` itself publishes. Each accepted
//! heading is listed in docs/FORMATS.md with its precedence; any other column is kept and
//! republished as given.

use super::fields::{check_id, Columns, Fields};
use super::table::{normalise_header, Cell, Table};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Contract, ContractDetails, ContractSupplier, ProcurementRoute, SupplierType};
use chrono::NaiveDate;

const SUPPLIER_TYPES: &[&str] = &["sme", "vcse", "large", "public"];
const ROUTES: &[&str] = &["quote", "open_tender", "framework", "direct_award", "grant"];

/// A field of the register and the headings that give it, in precedence order: when a header
/// holds two of them, the earlier one is the field and the later one is kept as an extra column.
pub struct Field {
    pub name: &'static str,
    pub headings: &'static [&'static str],
}

/// Every field the register reads, with its accepted headings (own name first, then the
/// Transparency Code's, then the LGA schema's, then common variants).
pub const FIELDS: &[Field] = &[
    Field {
        name: "contract_id",
        headings: &[
            "contract_id",
            "Reference number",
            "Contract reference",
            "Contract reference number",
            "Contract ID",
            "Contract number",
            "Reference",
            "Ref",
        ],
    },
    Field {
        name: "spec_id",
        headings: &["spec_id", "Specification id"],
    },
    Field {
        name: "title",
        headings: &[
            "title",
            "Title of agreement",
            "Contract title",
            "Agreement title",
            "Contract name",
        ],
    },
    Field {
        name: "department",
        headings: &[
            "department",
            "Department responsible",
            "Responsible department",
            "Directorate",
            "Service area",
        ],
    },
    Field {
        name: "description",
        headings: &[
            "description",
            "Description of goods and/or services",
            "Description of goods and services",
            "Contract description",
        ],
    },
    Field {
        name: "supplier",
        headings: &[
            "supplier",
            "Supplier name",
            "Contractor",
            "Contractor name",
            "Provider",
            "Provider name",
        ],
    },
    Field {
        name: "supplier_details",
        headings: &["Supplier details", "Supplier address"],
    },
    Field {
        name: "total_value",
        headings: &[
            "total_value",
            "Total value",
            "Value",
            "Contract value",
            "Total contract value",
            "Estimated total value",
        ],
    },
    Field {
        name: "annual_value",
        headings: &[
            "annual_value",
            "Annual value",
            "Estimated annual value",
            "Annual contract value",
        ],
    },
    Field {
        name: "irrecoverable_vat",
        headings: &["irrecoverable_vat", "Irrecoverable VAT"],
    },
    Field {
        name: "start_date",
        headings: &["start_date", "Start date", "Contract start date"],
    },
    Field {
        name: "end_date",
        headings: &["end_date", "End date", "Contract end date"],
    },
    Field {
        name: "review_date",
        headings: &["review_date", "Review date", "Contract review date"],
    },
    Field {
        name: "extension_end_date",
        headings: &["extension_end_date", "End date with extensions"],
    },
    Field {
        name: "award_date",
        headings: &[
            "award_date",
            "Award date",
            "Date awarded",
            "Contract award date",
        ],
    },
    Field {
        name: "procurement_route",
        headings: &["procurement_route"],
    },
    Field {
        name: "procurement_process",
        headings: &[
            "Procurement process",
            "Procurement procedure",
            "Procurement method",
            "Procurement route",
        ],
    },
    Field {
        name: "tender_id",
        headings: &["tender_id"],
    },
    Field {
        name: "supplier_id",
        headings: &["supplier_id"],
    },
    Field {
        name: "registration",
        headings: &[
            "Company or charity registration number",
            "Supplier company registration number",
            "Company registration number",
            "Company number",
            "Charity number",
            "Registration number",
        ],
    },
    Field {
        name: "supplier_type",
        headings: &["supplier_type"],
    },
    Field {
        name: "sme",
        headings: &["SME", "Is SME", "SME supplier", "Supplier is SME"],
    },
    Field {
        name: "vcse",
        headings: &[
            "VCSE",
            "VCS",
            "VCSE supplier",
            "Voluntary or community sector",
            "Voluntary community or social enterprise",
        ],
    },
    Field {
        name: "procurement_act_2023",
        headings: &["procurement_act_2023", "Procurement Act 2023"],
    },
    Field {
        name: "annual_value_derived",
        headings: &["annual_value_derived"],
    },
    Field {
        name: "total_value_derived",
        headings: &["total_value_derived"],
    },
];

const REQUIRED: [&str; 5] = ["contract_id", "title", "supplier", "start_date", "end_date"];

/// The columns of a register table: which field each column gives, and the others.
pub struct Layout {
    /// Column index → field name, for the columns that give a field.
    pub fields: Vec<(usize, &'static str)>,
    /// (column index, heading as given) of every other non-empty heading, in header order.
    pub extra: Vec<(usize, String)>,
}

/// Assigns the header's columns to fields by heading, in each field's precedence order.
pub fn layout(table: &Table) -> Layout {
    let header: Vec<String> = table
        .header_text()
        .iter()
        .map(|h| normalise_header(h))
        .collect();
    let mut taken = vec![false; header.len()];
    let mut fields = Vec::new();
    for field in FIELDS {
        let found = field.headings.iter().find_map(|h| {
            let key = normalise_header(h);
            (0..header.len()).find(|&i| !taken[i] && header[i] == key)
        });
        if let Some(i) = found {
            taken[i] = true;
            fields.push((i, field.name));
        }
    }
    let extra = table
        .header_text()
        .into_iter()
        .enumerate()
        .filter(|(i, h)| !taken[*i] && !h.is_empty())
        .collect();
    Layout { fields, extra }
}

/// True when a table is a contract register: it has a reference, a title and a supplier column
/// under any accepted heading.
pub fn is_register(table: &Table) -> bool {
    let l = layout(table);
    ["contract_id", "title", "supplier"]
        .iter()
        .all(|n| l.fields.iter().any(|(_, f)| f == n))
}

/// True when a table is plainly meant as a contract register but lacks a required column: it has
/// a contract reference and one more register field, or three register fields (say a title,
/// dates and values without a supplier). Such a file is read as a register, so each missing
/// column is an error, rather than set aside as a file whose columns are not recognised.
pub fn looks_like_register(table: &Table) -> bool {
    let l = layout(table);
    let fields: std::collections::BTreeSet<&str> = l.fields.iter().map(|(_, f)| *f).collect();
    (fields.contains("contract_id") && fields.len() >= 2) || fields.len() >= 3
}

fn accepted(name: &str) -> String {
    FIELDS
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.headings.join(", "))
        .unwrap_or_default()
}

/// How the procurement process in a council's own words maps to a route, where it clearly does.
pub fn route_from_process(text: &str) -> Option<ProcurementRoute> {
    if let Some(r) = ProcurementRoute::parse(text) {
        return Some(r);
    }
    let t = text.to_ascii_lowercase();
    let has = |w: &str| t.contains(w);
    if has("framework") || has("call-off") || has("call off") {
        Some(ProcurementRoute::Framework)
    } else if has("quote") || has("quotation") {
        Some(ProcurementRoute::Quote)
    } else if has("direct") || has("exemption") || has("waiver") || has("single tender") {
        Some(ProcurementRoute::DirectAward)
    } else if has("open") || has("published invitation to tender") {
        Some(ProcurementRoute::OpenTender)
    } else if t.trim() == "grant" {
        Some(ProcurementRoute::Grant)
    } else {
        None
    }
}

/// The contract's term in years, from its start to its end date inclusive (365.25 days a year).
pub fn term_years(start: NaiveDate, end: NaiveDate) -> f64 {
    ((end - start).num_days() + 1) as f64 / 365.25
}

/// A derived amount of money to the penny: the annual value of a £1,234,567 contract over 1,000
/// days is £450,712.53, not 450712.5315…, in the data files and on the pages alike.
pub fn to_pence(pounds: f64) -> f64 {
    (pounds * 100.0).round() / 100.0
}

/// Text with HTML entities (`&amp;`, `&#039;`) decoded once: registers built from Contracts Finder
/// carry them, and pages escape the text again when they show it.
pub fn decode_entities(text: &str) -> String {
    html_escape::decode_html_entities(text).into_owned()
}

/// A copy of the table with each field's column headed by the field's own name.
fn renamed(table: &Table, layout: &Layout) -> Table {
    let mut t = table.clone();
    for (i, name) in &layout.fields {
        t.header[*i] = Cell::Text((*name).into());
    }
    t
}

/// Reads a contract register in any accepted layout. Returns the contracts (one per row: rows
/// sharing a reference are joined by the caller) and the headings of the extra columns, whose
/// values each row's supplier carries in the same order.
pub fn read_register(table: &Table, diags: &mut Diagnostics) -> (Vec<Contract>, Vec<String>) {
    let layout = layout(table);
    let has = |name: &str| layout.fields.iter().any(|(_, f)| *f == name);
    let header = table.header_text();
    let found = header
        .iter()
        .map(|h| h.chars().take(40).collect::<String>())
        .collect::<Vec<_>>()
        .join(", ");
    for name in REQUIRED {
        if !has(name) {
            diags.push(
                Diagnostic::error(
                    &table.file,
                    table.header_location(),
                    format!("missing required column \"{name}\""),
                )
                .hint(format!(
                    "accepted headings: {}; the header has: {found}",
                    accepted(name)
                )),
            );
        }
    }
    if !has("total_value") && !has("annual_value") {
        diags.push(
            Diagnostic::error(
                &table.file,
                table.header_location(),
                "missing required column \"total_value\" or \"annual_value\"",
            )
            .hint(format!(
                "give either or both; accepted headings: {}; {}",
                accepted("total_value"),
                accepted("annual_value")
            )),
        );
    }
    // The rows are still read, so that their own problems are reported in the same run (a
    // column the file lacks is not reported again on each row); a row without a required field
    // gives no contract.
    let t = renamed(table, &layout);
    let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    let Some(cols) = Columns::resolve(&t, &[], &names, diags) else {
        return (Vec::new(), Vec::new());
    };
    let extra_names: Vec<String> = layout.extra.iter().map(|(_, h)| h.clone()).collect();
    let mut out = Vec::new();
    for row in &t.rows {
        let mut f = Fields::new(&t, row, &cols, diags);
        let extra = layout
            .extra
            .iter()
            .map(|(i, _)| {
                row.cells
                    .get(*i)
                    .map(|c| decode_entities(c.display().trim()))
                    .filter(|s| !s.is_empty())
            })
            .collect();
        if let Some(c) = read_row(&mut f, &cols, extra) {
            out.push(c);
        }
    }
    (out, extra_names)
}

/// Text of a column that the register has, `Some("")` when blank; `None` when it has no such column.
fn given(f: &mut Fields, cols: &Columns, name: &str) -> Option<String> {
    cols.has(name).then(|| {
        f.text(name)
            .map(|s| decode_entities(&s))
            .unwrap_or_default()
    })
}

fn read_row(f: &mut Fields, cols: &Columns, extra: Vec<Option<String>>) -> Option<Contract> {
    let contract_id = f.id("contract_id");
    let spec_id = f.text("spec_id");
    if let Some(s) = &spec_id {
        if let Err(why) = check_id(s) {
            let d = f
                .error("spec_id", why)
                .value(s.clone())
                .hint("ids may use letters, digits, '-', '_' and '.' only");
            f.diags.push(d);
        }
    }
    let title = f.required_text("title").map(|s| decode_entities(&s));
    let supplier = f.required_text("supplier").map(|s| decode_entities(&s));
    let start = f.required_date("start_date");
    let end = f.required_date("end_date");
    let mut total = f.number("total_value");
    let mut annual = f.number("annual_value");
    for (col, v) in [("annual_value", annual), ("total_value", total)] {
        if matches!(v, Some(x) if x < 0.0) {
            let d = f
                .error(col, "value must not be negative")
                .value(v.unwrap_or(0.0).to_string());
            f.diags.push(d);
        }
    }
    let has_value_column = cols.has("total_value") || cols.has("annual_value");
    if total.is_none() && annual.is_none() && has_value_column {
        let col = if cols.has("total_value") {
            "total_value"
        } else {
            "annual_value"
        };
        let d = f.missing(
            col,
            "give the total value, the annual value, or both (the other is derived from the term)"
                .into(),
        );
        f.diags.push(d);
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            let d = f
                .error("end_date", "contract ends before it starts")
                .value(format!("{e} is before {s}"));
            f.diags.push(d);
        }
    }
    let mut annual_derived = f.boolean("annual_value_derived").unwrap_or(false);
    let mut total_derived = f.boolean("total_value_derived").unwrap_or(false);
    if let (Some(s), Some(e)) = (start, end) {
        let years = term_years(s, e);
        if years > 0.0 {
            match (total, annual) {
                (Some(t), None) => {
                    annual = Some(to_pence(t / years));
                    annual_derived = true;
                }
                (None, Some(a)) => {
                    total = Some(to_pence(a * years));
                    total_derived = true;
                }
                _ => {}
            }
        }
    }
    let extension_end_date = f.date("extension_end_date");
    if let (Some(x), Some(e)) = (extension_end_date, end) {
        if x < e {
            let d = f
                .error(
                    "extension_end_date",
                    "extension ends before the contract's end date",
                )
                .value(format!("{x} is before {e}"));
            f.diags.push(d);
        }
    }
    let process = f.text("procurement_process").map(|s| decode_entities(&s));
    let route = match f.text("procurement_route") {
        Some(_) => f.choice("procurement_route", ROUTES, ProcurementRoute::parse),
        None => process.as_deref().and_then(route_from_process),
    };
    let sme = given(f, cols, "sme");
    let vcse = given(f, cols, "vcse");
    let registration = given(f, cols, "registration");
    let is_yes = |v: &Option<String>| {
        v.as_deref()
            .and_then(super::fields::parse_bool)
            .unwrap_or(false)
    };
    let supplier_type = f
        .choice("supplier_type", SUPPLIER_TYPES, SupplierType::parse)
        .or(if is_yes(&vcse) {
            Some(SupplierType::Vcse)
        } else if is_yes(&sme) {
            Some(SupplierType::Sme)
        } else {
            None
        });
    let supplier_id = f
        .text("supplier_id")
        .or_else(|| registration.clone().filter(|r| !r.is_empty()));
    let complete = contract_id.is_some()
        && title.is_some()
        && supplier.is_some()
        && start.is_some()
        && end.is_some()
        && (total.is_some() || annual.is_some());
    let supplier = supplier.unwrap_or_default();
    let contract = Contract {
        contract_id: contract_id.unwrap_or_default(),
        spec_id: spec_id.unwrap_or_default(),
        title: title.unwrap_or_default(),
        supplier: supplier.clone(),
        start_date: start.unwrap_or_default(),
        end_date: end.unwrap_or_default(),
        annual_value: annual.unwrap_or_default(),
        total_value: total.unwrap_or_default(),
        tender_id: f.text("tender_id"),
        supplier_id,
        supplier_type,
        department: f.text("department").map(|s| decode_entities(&s)),
        description: f.text("description").map(|s| decode_entities(&s)),
        award_date: f.date("award_date"),
        review_date: f.date("review_date"),
        extension_end_date,
        procurement_route: route,
        irrecoverable_vat: f.number("irrecoverable_vat"),
        details: ContractDetails {
            suppliers: vec![ContractSupplier {
                name: supplier,
                details: given(f, cols, "supplier_details"),
                registration,
                scheme: None,
                sme,
                vcse,
                extra,
            }],
            procurement_process: process,
            annual_value_derived: annual_derived,
            total_value_derived: total_derived,
            procurement_act_2023: f.boolean("procurement_act_2023"),
            ..Default::default()
        },
        origin: f.origin(),
        memo: Default::default(),
    };
    complete.then_some(contract)
}

/// The first field in which two rows of one reference differ, or `None` when they describe the
/// same award (a framework: one row per supplier).
pub fn differing_field(a: &Contract, b: &Contract) -> Option<&'static str> {
    if a.title != b.title {
        Some("title")
    } else if a.start_date != b.start_date {
        Some("start_date")
    } else if a.end_date != b.end_date {
        Some("end_date")
    } else if a.total_value != b.total_value {
        Some("total_value")
    } else if a.spec_id != b.spec_id {
        Some("spec_id")
    } else {
        None
    }
}

/// Joins a further supplier's row of the same award into the contract; `Err` names the field in
/// which the rows disagree, or says the supplier is already listed.
pub fn join_supplier(into: &mut Contract, row: Contract) -> Result<(), String> {
    if let Some(field) = differing_field(into, &row) {
        return Err(format!(
            "the rows differ in {field} (rows of one reference are one award with several suppliers only when they agree on title, dates, value and specification)"
        ));
    }
    let names = |c: &Contract| -> Vec<String> {
        c.details
            .suppliers
            .iter()
            .map(|s| s.name.trim().to_lowercase())
            .collect()
    };
    let new = names(&row);
    if names(into).iter().any(|n| new.contains(n)) {
        return Err("the same supplier is listed twice for this reference".into());
    }
    into.details.suppliers.extend(row.details.suppliers);
    into.supplier = into
        .details
        .suppliers
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::table::read_csv_bytes;

    fn table(csv: &str) -> Table {
        read_csv_bytes(
            csv.as_bytes(),
            "contracts/register.csv",
            &mut Diagnostics::new(),
        )
        .unwrap()
    }

    #[test]
    fn derived_values_are_money_to_the_penny() {
        // 2024-04-01 to 2026-12-26 is 1,000 days; 1,234,567 / (1000 / 365.25) = 450,925.596…
        // and 100,000 × (1000 / 365.25) = 273,785.078…
        let t = table(
            "Reference number,Title of agreement,Supplier name,Total value,Annual value,Start date,End date\n\
             R1,Care,Acme,1234567,,2024-04-01,2026-12-26\n\
             R2,Care,Acme,,100000,2024-04-01,2026-12-26\n",
        );
        let mut d = Diagnostics::new();
        let (cs, _) = read_register(&t, &mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert_eq!(
            (cs[0].annual_value, cs[0].total_value),
            (450925.6, 1234567.0)
        );
        assert_eq!(
            (cs[1].annual_value, cs[1].total_value),
            (100000.0, 273785.08)
        );
    }

    #[test]
    fn transparency_code_headings_are_read_and_unknown_columns_kept() {
        let t = table(
            "Reference number,Title of agreement,Supplier name,Total value,Start date,End date,SME,VCSE,Buyer\n\
             R1,Cleaning &amp; care,Acme,4000,2024-04-01,2028-03-31,Yes,,Town\n",
        );
        assert!(is_register(&t));
        let mut d = Diagnostics::new();
        let (cs, extra) = read_register(&t, &mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert_eq!(extra, vec!["Buyer"]);
        let c = &cs[0];
        assert_eq!(c.contract_id, "R1");
        assert_eq!(c.title, "Cleaning & care");
        assert_eq!(c.spec_id, "");
        // 2024-04-01 to 2028-03-31 is 1,461 days: 4 years of 365.25 days.
        assert_eq!(c.annual_value, 1000.0);
        assert!(c.details.annual_value_derived && !c.details.total_value_derived);
        let s = &c.details.suppliers[0];
        assert_eq!(
            (s.sme.as_deref(), s.vcse.as_deref()),
            (Some("Yes"), Some(""))
        );
        assert_eq!(s.extra, vec![Some("Town".to_string())]);
        assert_eq!(c.supplier_type, Some(SupplierType::Sme));
    }

    #[test]
    fn variants_match_by_letters_and_digits_and_the_first_heading_wins() {
        let t = table(
            "CONTRACT REFERENCE,Title,Supplier,Value,Contract value,Start_Date,END DATE\n\
             R1,T,S,10,20,01/04/2024,31/03/2025\n",
        );
        let l = layout(&t);
        assert!(l.fields.contains(&(0, "contract_id")));
        assert!(l.fields.contains(&(3, "total_value")));
        assert_eq!(l.extra, vec![(4, "Contract value".to_string())]);
        let mut d = Diagnostics::new();
        let (cs, _) = read_register(&t, &mut d);
        assert_eq!(cs[0].total_value, 10.0);
    }

    #[test]
    fn a_register_without_a_reference_names_the_accepted_headings() {
        let t = table("Title,Supplier,Value,Start date,End date\nT,S,1,2024-01-01,2024-12-31\n");
        let mut d = Diagnostics::new();
        let _ = read_register(&t, &mut d);
        assert_eq!(
            d.sorted()[0].to_string(),
            "error: contracts/register.csv:1: missing required column \"contract_id\"\n  = hint: accepted headings: contract_id, Reference number, Contract reference, Contract reference number, Contract ID, Contract number, Reference, Ref; the header has: Title, Supplier, Value, Start date, End date"
        );
    }

    #[test]
    fn processes_map_to_routes_only_where_clear() {
        assert_eq!(
            route_from_process("Open procedure (OJEU)"),
            Some(ProcurementRoute::OpenTender)
        );
        assert_eq!(
            route_from_process("Published invitation to tender"),
            Some(ProcurementRoute::OpenTender)
        );
        assert_eq!(
            route_from_process("Other - Exemption"),
            Some(ProcurementRoute::DirectAward)
        );
        assert_eq!(
            route_from_process("Framework call-off"),
            Some(ProcurementRoute::Framework)
        );
        assert_eq!(route_from_process("Negotiated procedure"), None);
    }
}
