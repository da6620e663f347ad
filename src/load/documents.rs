//! Loads the Markdown documents of a project: specifications, engagement events and free pages.

use super::fields::check_id;
use super::markdown::{parse_front, safe_link, split_front_matter, Document};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{
    Engagement, EvaluationWeights, FreePage, Funding, Link, Milestone, Origin,
    SocialValueCommitment, SpecStatus, Specification, StockOrFlow,
};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A TOML date literal (`2025-06-12`) or a quoted date string.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum DateValue {
    Toml(toml::value::Datetime),
    Text(String),
}

impl DateValue {
    /// The date, or the message and hint of a located error: a year outside 1900 to 2100, a
    /// two-digit year and text after the date say so; anything else is "not a date".
    fn checked(&self) -> Result<NaiveDate, (&'static str, &'static str)> {
        let why = match self {
            // A date alone: a time after it is refused.
            DateValue::Toml(dt) if dt.time.is_none() && dt.offset.is_none() => match dt.date {
                Some(d) if !super::fields::YEARS.contains(&(d.year as i32)) => {
                    "year outside 1900 to 2100"
                }
                Some(d) => {
                    return NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
                        .ok_or(("not a date", ""))
                }
                None => "not a date",
            },
            DateValue::Toml(_) => "not a date",
            DateValue::Text(s) => match super::fields::date_problem(s) {
                Ok(d) => return Ok(d),
                Err(why) => why,
            },
        };
        match why {
            "year outside 1900 to 2100" | "two-digit year" | "text after the date" => {
                Err((why, super::fields::date_hint(why)))
            }
            _ => Err(("not a date", "")),
        }
    }

    fn text(&self) -> String {
        match self {
            DateValue::Toml(dt) => dt.to_string(),
            DateValue::Text(s) => s.clone(),
        }
    }
}

#[derive(Deserialize)]
struct SocialValueFront {
    theme: String,
    measure: String,
    target: Option<f64>,
    kpi_id: Option<String>,
}

#[derive(Deserialize)]
struct MilestoneFront {
    date: DateValue,
    event: String,
}

#[derive(Deserialize)]
struct EvaluationFront {
    price: f64,
    quality: f64,
    social_value: f64,
}

#[derive(Deserialize)]
struct LinkFront {
    title: String,
    url: String,
}

#[derive(Deserialize)]
struct SpecFront {
    id: String,
    title: String,
    status: String,
    service_area: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    addresses: Vec<String>,
    annual_budget: Option<f64>,
    term_years: Option<f64>,
    extension_years: Option<f64>,
    #[serde(default)]
    commissioners: Vec<String>,
    providers_engaged: Option<u32>,
    #[serde(default)]
    outcomes: Vec<String>,
    #[serde(default)]
    social_value: Vec<SocialValueFront>,
    #[serde(default)]
    milestones: Vec<MilestoneFront>,
    evaluation: Option<EvaluationFront>,
    funding: Option<String>,
    output_kpi: Option<String>,
    output_unit: Option<String>,
    output_stock_or_flow: Option<String>,
    #[serde(default)]
    links: Vec<LinkFront>,
}

const SPEC_KEYS: &[&str] = &[
    "id",
    "title",
    "status",
    "service_area",
    "summary",
    "addresses",
    "annual_budget",
    "term_years",
    "extension_years",
    "commissioners",
    "providers_engaged",
    "outcomes",
    "social_value",
    "milestones",
    "evaluation",
    "funding",
    "output_kpi",
    "output_unit",
    "output_stock_or_flow",
    "links",
];
const SPEC_NESTED: &[(&str, &[&str])] = &[
    ("social_value", &["theme", "measure", "target", "kpi_id"]),
    ("milestones", &["date", "event"]),
    ("evaluation", &["price", "quality", "social_value"]),
    ("links", &["title", "url"]),
];

/// Lines of the top-level keys of the front matter (before the first table header).
fn key_lines(doc: &Document) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (i, line) in doc.front.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            if let Some(name) = t.trim_start_matches('[').split(']').next() {
                out.entry(name.trim().to_string())
                    .or_insert(doc.front_line + i);
            }
            continue;
        }
        if let Some((k, _)) = t.split_once('=') {
            out.entry(k.trim().trim_matches('"').to_string())
                .or_insert(doc.front_line + i);
        }
    }
    out
}

fn origin(rel: &str, doc: &Document) -> Origin {
    Origin {
        file: rel.into(),
        location: Some(Location::Line(1)),
        keys: key_lines(doc),
    }
}

fn key_location(doc: &Document, key: &str) -> Location {
    for (i, line) in doc.front.lines().enumerate() {
        if let Some((k, _)) = line.split_once('=') {
            if k.trim() == key {
                return Location::Line(doc.front_line + i);
            }
        }
    }
    Location::Line(doc.front_line)
}

/// The line of the `n`th (0-based) `key = ...` of the front matter (a key of an array of
/// tables, such as each link's `url`), or the first one's.
fn nth_key_location(doc: &Document, key: &str, n: usize) -> Location {
    doc.front
        .lines()
        .enumerate()
        .filter(|(_, line)| line.split_once('=').is_some_and(|(k, _)| k.trim() == key))
        .nth(n)
        .map(|(i, _)| Location::Line(doc.front_line + i))
        .unwrap_or_else(|| key_location(doc, key))
}

fn checked_id(id: &str, doc: &Document, rel: &str, diags: &mut Diagnostics) -> bool {
    match check_id(id) {
        Ok(()) => true,
        Err(why) => {
            diags.push(
                Diagnostic::error(rel, key_location(doc, "id"), why)
                    .column("id")
                    .value(id.to_string())
                    .hint("ids may use letters, digits, '-', '_' and '.' only"),
            );
            false
        }
    }
}

fn negative(value: Option<f64>, key: &str, doc: &Document, rel: &str, diags: &mut Diagnostics) {
    if let Some(v) = value {
        if v < 0.0 {
            diags.push(
                Diagnostic::error(
                    rel,
                    key_location(doc, key),
                    format!("{key} must not be negative"),
                )
                .value(v.to_string()),
            );
        }
    }
}

/// Reads one specification file.
pub fn read_specification(text: &str, rel: &str, diags: &mut Diagnostics) -> Option<Specification> {
    let doc = split_front_matter(text, rel, diags)?;
    let front: SpecFront = parse_front(&doc, rel, SPEC_KEYS, SPEC_NESTED, diags)?;
    let ok = checked_id(&front.id, &doc, rel, diags);
    let status = SpecStatus::parse(&front.status);
    if status.is_none() {
        diags.push(
            Diagnostic::error(rel, key_location(&doc, "status"), "unknown status")
                .value(front.status.clone())
                .hint(format!("expected one of: {}", SpecStatus::ALL.join(", "))),
        );
        // Reported; the specification is kept (the build stops on the error) so that the
        // contracts, options and tenders that name it are not also reported as dangling.
    }
    negative(front.annual_budget, "annual_budget", &doc, rel, diags);
    negative(front.term_years, "term_years", &doc, rel, diags);
    negative(front.extension_years, "extension_years", &doc, rel, diags);
    let funding = match front.funding.as_deref().map(str::trim) {
        None | Some("contract") => Funding::Contract,
        Some("grant") | Some("grants") => Funding::Grant,
        Some(other) => {
            diags.push(
                Diagnostic::error(rel, key_location(&doc, "funding"), "unknown funding")
                    .value(other.to_string())
                    .hint("expected contract or grant"),
            );
            // Reported; the specification is kept so references to it still resolve.
            Funding::Contract
        }
    };
    let output_stock_or_flow = front.output_stock_or_flow.as_deref().and_then(|text| {
        let parsed = StockOrFlow::parse(text);
        if parsed.is_none() {
            diags.push(
                Diagnostic::error(
                    rel,
                    key_location(&doc, "output_stock_or_flow"),
                    "unknown value",
                )
                .column("output_stock_or_flow")
                .value(text.to_string())
                .hint("expected stock (a caseload, places) or flow (referrals, starts)"),
            );
        }
        parsed
    });
    let evaluation = front.evaluation.map(|e| EvaluationWeights {
        price: e.price,
        quality: e.quality,
        social_value: e.social_value,
    });
    if let Some(w) = evaluation {
        let sum = w.price + w.quality + w.social_value;
        if (sum - 100.0).abs() > 1e-9 || w.price < 0.0 || w.quality < 0.0 || w.social_value < 0.0 {
            diags.push(
                Diagnostic::error(
                    rel,
                    key_lines(&doc)
                        .get("evaluation")
                        .map(|l| Location::Line(*l))
                        .unwrap_or_else(|| key_location(&doc, "price")),
                    "evaluation weights must be non-negative and sum to 100",
                )
                .column("evaluation")
                .value(format!(
                    "{} + {} + {} = {}",
                    w.price, w.quality, w.social_value, sum
                ))
                .hint("weights are percentages of the total score"),
            );
            // Reported; the specification is kept so references to it still resolve.
        }
    }
    let mut milestones = Vec::new();
    for (n, m) in front.milestones.iter().enumerate() {
        match m.date.checked() {
            Ok(date) => milestones.push(Milestone {
                date,
                event: m.event.clone(),
            }),
            Err((message, hint)) => {
                diags.push(
                    Diagnostic::error(rel, nth_key_location(&doc, "date", n), message)
                        .column("milestones.date")
                        .value(m.date.text())
                        .hint(if hint.is_empty() {
                            "write dates as 2025-06-12"
                        } else {
                            hint
                        }),
                );
                // Reported; the specification is kept so references to it still resolve.
            }
        }
    }
    milestones.sort_by(|a, b| a.date.cmp(&b.date).then(a.event.cmp(&b.event)));
    let mut links = Vec::new();
    for (n, l) in front.links.into_iter().enumerate() {
        if safe_link(&l.url) {
            links.push(Link {
                title: l.title,
                url: l.url.trim().to_string(),
            });
        } else {
            diags.push(
                Diagnostic::error(
                    rel,
                    nth_key_location(&doc, "url", n),
                    "link is not an http, https or mailto address",
                )
                .column("links.url")
                .value(l.url)
                .hint("only web and email links are published"),
            );
            // Reported; the specification is kept so references to it still resolve.
        }
    }
    if !ok {
        return None;
    }
    Some(Specification {
        id: front.id,
        title: front.title,
        status: status.unwrap_or(SpecStatus::Planning),
        service_area: front.service_area,
        summary: front.summary,
        addresses: front.addresses,
        annual_budget: front.annual_budget,
        term_years: front.term_years,
        extension_years: front.extension_years,
        commissioners: front.commissioners,
        providers_engaged: front.providers_engaged,
        outcomes: front.outcomes,
        social_value: front
            .social_value
            .into_iter()
            .map(|s| SocialValueCommitment {
                theme: s.theme,
                measure: s.measure,
                target: s.target,
                kpi_id: s.kpi_id,
            })
            .collect(),
        milestones,
        evaluation,
        funding,
        output_kpi: front.output_kpi,
        output_unit: front.output_unit,
        output_stock_or_flow,
        links,
        body_markdown: doc.body.clone(),
        origin: origin(rel, &doc),
        body_line: doc.body_line,
    })
}

#[derive(Deserialize)]
struct EngagementFront {
    id: String,
    title: String,
    date: DateValue,
    #[serde(default)]
    audience: Vec<String>,
    participants: Option<u32>,
    #[serde(default)]
    specs: Vec<String>,
}

const ENGAGEMENT_KEYS: &[&str] = &["id", "title", "date", "audience", "participants", "specs"];

/// Reads one engagement event file.
pub fn read_engagement(text: &str, rel: &str, diags: &mut Diagnostics) -> Option<Engagement> {
    let doc = split_front_matter(text, rel, diags)?;
    let front: EngagementFront = parse_front(&doc, rel, ENGAGEMENT_KEYS, &[], diags)?;
    let id_ok = checked_id(&front.id, &doc, rel, diags);
    let date = front.date.checked();
    if let Err((message, hint)) = date {
        diags.push(
            Diagnostic::error(rel, key_location(&doc, "date"), message)
                .value(front.date.text())
                .hint(if hint.is_empty() {
                    "write dates as 2025-05-20"
                } else {
                    hint
                }),
        );
    }
    if !id_ok {
        return None;
    }
    Some(Engagement {
        id: front.id,
        title: front.title,
        date: date.ok()?,
        audience: front.audience,
        participants: front.participants,
        specs: front.specs,
        body_markdown: doc.body.clone(),
        origin: origin(rel, &doc),
    })
}

#[derive(Deserialize)]
struct PageFront {
    title: String,
}

/// Reads one free page; its address is the file stem.
pub fn read_page(stem: &str, text: &str, rel: &str, diags: &mut Diagnostics) -> Option<FreePage> {
    let doc = split_front_matter(text, rel, diags)?;
    let front: PageFront = parse_front(&doc, rel, &["title"], &[], diags)?;
    Some(FreePage {
        stem: stem.to_string(),
        title: front.title,
        body_markdown: doc.body.clone(),
        origin: origin(rel, &doc),
    })
}
