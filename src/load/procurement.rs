//! Loads `procurement/options.csv` (options appraisal cash flows) and `procurement/bids.csv`
//! (tender evaluation scores; a bid may be marked `excluded`).

use super::fields::{Columns, Fields};
use super::table::Table;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{AppraisalOption, Bid, CashFlow, SupplierType};
use std::collections::BTreeMap;

const SUPPLIER_TYPES: &[&str] = &["sme", "vcse", "large", "public"];

/// Reads option cash flows and groups them into options; reports gaps in years.
pub fn read_options(table: &Table, diags: &mut Diagnostics) -> Vec<AppraisalOption> {
    let Some(cols) = Columns::resolve(
        table,
        &[
            "spec_id",
            "option_id",
            "option_name",
            "year",
            "cost",
            "benefit",
        ],
        &["description", "risk"],
        diags,
    ) else {
        return Vec::new();
    };
    let mut options: BTreeMap<(String, String), AppraisalOption> = BTreeMap::new();
    let mut years: BTreeMap<(String, String), BTreeMap<u32, usize>> = BTreeMap::new();
    for row in &table.rows {
        let mut f = Fields::new(table, row, &cols, diags);
        let spec_id = f.id("spec_id");
        let option_id = f.id("option_id");
        let name = f.required_text("option_name");
        let year = f.required_number("year");
        let cost = f.required_number("cost");
        let benefit = f.required_number("benefit");
        let year = match year {
            Some(y) if y >= 0.0 && y.fract() == 0.0 && y <= 500.0 => Some(y as u32),
            Some(y) => {
                let d = f
                    .error(
                        "year",
                        "year must be a whole number of years from the base year (0 to 500)",
                    )
                    .value(y.to_string());
                f.diags.push(d);
                None
            }
            None => None,
        };
        for (col, v) in [("cost", cost), ("benefit", benefit)] {
            if matches!(v, Some(x) if x < 0.0) {
                let d = f
                    .error(col, format!("{col} must not be negative"))
                    .value(v.unwrap_or(0.0).to_string())
                    .hint("record savings as benefits");
                f.diags.push(d);
            }
        }
        let description = f.text("description");
        let risk = f.text("risk");
        let origin = f.origin();
        let (Some(spec_id), Some(option_id), Some(name), Some(year), Some(cost), Some(benefit)) =
            (spec_id, option_id, name, year, cost, benefit)
        else {
            continue;
        };
        let key = (spec_id.clone(), option_id.clone());
        if let Some(first) = years
            .entry(key.clone())
            .or_default()
            .insert(year, row.number)
        {
            let d = f
                .error("year", "this option already has a row for this year")
                .value(year.to_string())
                .hint(format!("first given on row {first}"));
            f.diags.push(d);
            continue;
        }
        let option = options.entry(key).or_insert_with(|| AppraisalOption {
            spec_id,
            option_id,
            name,
            description: None,
            risk: None,
            flows: Vec::new(),
            origin,
        });
        option.description = option.description.take().or(description);
        option.risk = option.risk.take().or(risk);
        option.flows.push(CashFlow {
            year,
            cost,
            benefit,
        });
    }
    let mut out = Vec::new();
    for (_, mut option) in options {
        option.flows.sort_by_key(|f| f.year);
        let expected: Vec<u32> = (0..option.flows.len() as u32).collect();
        let got: Vec<u32> = option.flows.iter().map(|f| f.year).collect();
        if got != expected {
            let missing: Vec<String> = (0..=*got.last().unwrap_or(&0))
                .filter(|y| !got.contains(y))
                .map(|y| y.to_string())
                .collect();
            diags.push(
                Diagnostic::error(&option.origin.file, option.origin.location(), "option has a gap in its years")
                    .column("year")
                    .value(format!("{} {}: missing year {}", option.spec_id, option.option_id, missing.join(", ")))
                    .hint("give one row per year from year 0, with 0 cost and benefit where nothing happens"),
            );
            continue;
        }
        out.push(option);
    }
    out
}

/// Reads tender bids.
pub fn read_bids(table: &Table, diags: &mut Diagnostics) -> Vec<Bid> {
    let Some(cols) = Columns::resolve(
        table,
        &[
            "tender_id",
            "spec_id",
            "supplier",
            "price",
            "quality_score",
            "quality_max",
            "social_value_score",
            "social_value_max",
            "compliant",
        ],
        &["supplier_type", "supplier_id", "excluded"],
        diags,
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in &table.rows {
        let mut f = Fields::new(table, row, &cols, diags);
        let tender_id = f.id("tender_id");
        let spec_id = f.id("spec_id");
        let supplier = f.required_text("supplier");
        let price = f.required_number("price");
        if matches!(price, Some(p) if p <= 0.0) {
            let d = f
                .error("price", "price must be greater than zero")
                .value(price.unwrap_or(0.0).to_string());
            f.diags.push(d);
        }
        let score = |f: &mut Fields, s: &str, m: &str| -> Option<(f64, f64)> {
            let score = f.required_number(s);
            let max = f.required_number(m);
            let (score, max) = (score?, max?);
            if max <= 0.0 {
                let d = f
                    .error(m, "maximum score must be greater than zero")
                    .value(max.to_string());
                f.diags.push(d);
                return None;
            }
            if score < 0.0 || score > max {
                let d = f
                    .error(s, "score is outside 0 to its maximum")
                    .value(score.to_string())
                    .hint(format!("the maximum is {max}"));
                f.diags.push(d);
                return None;
            }
            Some((score, max))
        };
        let quality = score(&mut f, "quality_score", "quality_max");
        let social = score(&mut f, "social_value_score", "social_value_max");
        let compliant = match f.boolean("compliant") {
            Some(b) => Some(b),
            None if f.text("compliant").is_none() => {
                f.push_missing("compliant", "expected yes or no".into());
                None
            }
            None => None,
        };
        let supplier_type = f.choice("supplier_type", SUPPLIER_TYPES, SupplierType::parse);
        let supplier_id = f.text("supplier_id");
        let excluded = f.boolean("excluded").unwrap_or(false);
        let origin = f.origin();
        let (
            Some(tender_id),
            Some(spec_id),
            Some(supplier),
            Some(price),
            Some(quality),
            Some(social),
            Some(compliant),
        ) = (
            tender_id, spec_id, supplier, price, quality, social, compliant,
        )
        else {
            continue;
        };
        if price <= 0.0 {
            continue;
        }
        let key = (tender_id.clone(), supplier.to_lowercase());
        if let Some(first) = seen.insert(key, row.number) {
            let d = f
                .error("supplier", "this supplier already bid in this tender")
                .value(supplier.clone())
                .hint(format!("first bid on row {first}"));
            f.diags.push(d);
            continue;
        }
        out.push(Bid {
            tender_id,
            spec_id,
            supplier,
            price,
            quality_score: quality.0,
            quality_max: quality.1,
            social_value_score: social.0,
            social_value_max: social.1,
            compliant,
            excluded,
            supplier_type,
            supplier_id,
            origin,
        });
    }
    out
}
