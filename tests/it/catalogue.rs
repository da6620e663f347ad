//! The data catalogue (`data/index.html`) describes the files the build publishes: each table's
//! field list is exactly the header of its CSV file and the keys of its JSON rows, in order,
//! every published table is in the catalogue, and every field has a meaning from the theme.

use crate::common;
use common::{sample, Built};
use std::collections::BTreeSet;

/// Each catalogued table in page order: its name, and its fields as (name, meaning).
fn catalogue(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut tables = Vec::new();
    for section in html.split("<h2 id=\"").skip(1) {
        let name = section[..section.find('"').expect("id ends")].to_string();
        let body = &section[section.find("<tbody>").expect("field table")..];
        let body = &body[..body.find("</tbody>").expect("field table ends")];
        let fields = body
            .split("<tr>")
            .skip(1)
            .map(|row| {
                let cell = |open: &str, close: &str, from: usize| -> (String, usize) {
                    let start = row[from..].find(open).expect("cell") + from + open.len();
                    let end = row[start..].find(close).expect("cell end") + start;
                    (common::unescape(&row[start..end]), end)
                };
                let (field, at) = cell("<code>", "</code>", 0);
                let (_kind, at) = cell("<td>", "</td>", at);
                let (meaning, _) = cell("<td>", "</td>", at);
                (field, meaning)
            })
            .collect();
        tables.push((name, fields));
    }
    tables
}

#[test]
fn the_catalogues_field_lists_are_the_published_headers() {
    let site = Built::new(&sample());
    let tables = catalogue(&site.text("data/index.html"));
    let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "needs",
            "needs_breakdowns",
            "priorities",
            "options",
            "evaluation",
            "tenders",
            "contracts",
            "kpis",
            "kpi_summary",
            "grants",
            "engagement"
        ]
    );
    // Every CSV the build publishes is catalogued (the register is an open standard, listed
    // under its own heading with its Transparency Code header).
    let published: BTreeSet<String> = std::fs::read_dir(site.root.join("data"))
        .expect("data folder")
        .filter_map(|e| {
            let name = e.expect("entry").file_name().into_string().expect("utf-8");
            name.strip_suffix(".csv").map(str::to_string)
        })
        .filter(|n| n != "contracts-register")
        .collect();
    assert_eq!(
        published,
        names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>()
    );
    for (name, fields) in &tables {
        let listed: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
        let csv = site.text(&format!("data/{name}.csv"));
        let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
        assert_eq!(listed, header, "{name}.csv header");
        let json: serde_json::Value =
            serde_json::from_str(&site.text(&format!("data/{name}.json"))).expect("json");
        if let Some(first) = json.as_array().and_then(|rows| rows.first()) {
            let keys: Vec<&str> = first
                .as_object()
                .expect("row object")
                .keys()
                .map(String::as_str)
                .collect();
            let mut sorted = listed.clone();
            sorted.sort_unstable();
            let mut keys_sorted = keys.clone();
            keys_sorted.sort_unstable();
            assert_eq!(keys_sorted, sorted, "{name}.json keys");
        }
        for (field, meaning) in fields {
            assert!(
                !meaning.is_empty() && !meaning.starts_with("catalogue."),
                "{name}.{field} has no meaning in the theme: {meaning:?}"
            );
        }
    }
    // A meaning as the sample's catalogue shows it, from the theme's table.
    let needs = &tables[0].1;
    assert_eq!(
        needs[1],
        ("area_code".to_string(), "ONS area code".to_string())
    );
}
