//! Cross-reference checks over a loaded project: every reference along the commissioning cycle
//! points at something that exists, and no two ids share a page address.

use super::{slug, Contract, Kpi, Origin, Project};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use std::collections::{BTreeMap, BTreeSet};

fn at(origin: &Origin, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(&origin.file, origin.location(), message)
}

fn known_hint(what: &str, known: &[&str]) -> String {
    if known.is_empty() {
        format!("there are no {what} in the project yet")
    } else {
        let shown: Vec<&str> = known.iter().take(6).copied().collect();
        let more = if known.len() > 6 { ", ..." } else { "" };
        format!("known {what} include {}{more}", shown.join(", "))
    }
}

fn spec_ref(
    project: &Project,
    spec_id: &str,
    origin: &Origin,
    column: &str,
    diags: &mut Diagnostics,
) {
    if !project.specifications.contains_key(spec_id) {
        let known: Vec<&str> = project.specifications.keys().map(String::as_str).collect();
        let near = super::config::nearest(spec_id, known.iter().copied());
        diags.push(
            at(origin, "unknown specification")
                .column(column)
                .value(spec_id.to_string())
                .hint(match near {
                    Some(n) => format!("did you mean {n}?"),
                    None => known_hint("specifications", &known),
                }),
        );
    }
}

/// Checks that ids which become page addresses stay distinct once slugged.
fn slug_collisions<'a>(
    what: &str,
    ids: impl Iterator<Item = (&'a str, &'a Origin)>,
    reserved: &[&str],
    diags: &mut Diagnostics,
) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (id, origin) in ids {
        let s = slug(id);
        let place = |message: String| {
            let d = Diagnostic::error(&origin.file, origin.key("id"), message);
            if origin.keys.contains_key("id") {
                d.column("id")
            } else {
                d
            }
        };
        if reserved.contains(&s.as_str()) {
            diags.push(
                place(format!("{what} id is reserved for another page"))
                    .value(id.to_string())
                    .hint(format!(
                        "ids that slug to {} are reserved; choose another id",
                        reserved.join(", ")
                    )),
            );
            continue;
        }
        if let Some(first) = seen.get(&s) {
            diags.push(
                place(format!("{what} ids collide in page addresses"))
                    .value(id.to_string())
                    .hint(format!(
                        "\"{first}\" and \"{id}\" both become /{s}/; rename one"
                    )),
            );
        } else {
            seen.insert(s, id);
        }
    }
}

/// A specification's output KPI must say whether it is a stock or a flow, since cost per unit
/// averages a stock and sums a flow (METHODS.md 4.1): a warning when it was guessed from the KPI's
/// name, and when the specification and the returns disagree (the specification wins).
fn output_stock_or_flow(project: &Project, diags: &mut Diagnostics) {
    // Each specification's contracts, in contract order, gathered in one pass (a national
    // project has 200 specifications and 5,000 contracts).
    let mut contracts_by_spec: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in project.contracts.values() {
        contracts_by_spec
            .entry(&c.spec_id)
            .or_default()
            .push(&c.contract_id);
    }
    for spec in project.specifications.values() {
        let Some(kpi_id) = &spec.output_kpi else {
            continue;
        };
        let at_key = Origin {
            location: Some(spec.origin.key("output_kpi")),
            ..spec.origin.clone()
        };
        let kpis = contracts_by_spec
            .get(spec.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|&c| project.kpis.get(&(c.to_string(), kpi_id.clone())));
        for kpi in kpis {
            let stated = kpi.stock_or_flow;
            match (spec.output_stock_or_flow, stated) {
                (None, None) => {
                    let guess = super::StockOrFlow::guess(&kpi.name);
                    diags.push(
                        Diagnostic::warning(
                            &at_key.file,
                            at_key.location(),
                            format!(
                                "output KPI is not marked stock or flow; guessed {} from its name",
                                guess.as_str()
                            ),
                        )
                        .column("output_kpi")
                        .value(format!("{} {}: {}", kpi.contract_id, kpi.kpi_id, kpi.name))
                        .hint("add output_stock_or_flow = \"stock\" (a caseload or places: averaged over a year) or \"flow\" (referrals, starts: summed over a year), or a stock_or_flow column in the KPI returns"),
                    );
                    break;
                }
                (Some(a), Some(b)) if a != b => diags.push(
                    Diagnostic::warning(
                        &at_key.file,
                        at_key.location(),
                        "the specification and the KPI returns disagree on stock or flow; the specification's is used",
                    )
                    .column("output_stock_or_flow")
                    .value(format!("{} here, {} in the returns of {}", a.as_str(), b.as_str(), kpi.contract_id)),
                ),
                _ => {}
            }
        }
    }
}

/// Runs every cross-reference check, appending to `diags`, in the order the diagnostics are
/// reported.
pub fn validate(project: &Project, diags: &mut Diagnostics) {
    let config_origin = Origin {
        file: "commission.toml".into(),
        location: None,
        keys: Default::default(),
    };
    indicator_refs(project, diags);
    let tender_spec = tender_and_bid_refs(project, diags);
    evaluation_weights(project, diags);
    option_refs(project, diags);
    contract_refs(project, &tender_spec, diags);
    kpi_return_refs(project, diags);
    spec_kpi_refs(project, diags);
    output_stock_or_flow(project, diags);
    grant_refs(project, diags);
    engagement_refs(project, diags);
    settings_areas(project, &config_origin, diags);
    page_addresses(project, &config_origin, diags);
    map_refs(project, diags);
}

/// A boundary file none of whose areas has needs data colours no map: named, never dropped in
/// silence.
fn map_refs(project: &Project, diags: &mut Diagnostics) {
    for layer in &project.maps {
        if layer
            .areas
            .iter()
            .any(|a| project.areas.contains_key(&a.code))
        {
            continue;
        }
        let example = layer
            .areas
            .first()
            .map(|a| a.code.clone())
            .unwrap_or_default();
        diags.push(
            Diagnostic::warning(
                &layer.file,
                Location::File,
                format!(
                    "map not used: none of its {} areas has values in needs/",
                    layer.areas.len()
                ),
            )
            .value(example)
            .hint(format!(
                "a map colours the areas whose codes (its {} property) have needs values; add values for these areas, or remove the file",
                layer.code_property
            )),
        );
    }
}

/// Indicators addressed by specifications.
fn indicator_refs(project: &Project, diags: &mut Diagnostics) {
    let indicator_ids: Vec<&str> = project.indicators.keys().map(String::as_str).collect();
    for spec in project.specifications.values() {
        for id in &spec.addresses {
            if !project.indicators.contains_key(id) {
                diags.push(
                    Diagnostic::error(
                        &spec.origin.file,
                        spec.origin.key("addresses"),
                        "unknown indicator in addresses",
                    )
                    .column("addresses")
                    .value(id.clone())
                    .hint(known_hint("indicators", &indicator_ids)),
                );
            }
        }
    }
}

/// Tender notices → specifications; lots of one procurement; bids → specifications, one
/// specification per tender. Returns each tender's specification, as the tender notices give it
/// or, for a tender known only from its bids, as its first bid gives it.
fn tender_and_bid_refs<'a>(
    project: &'a Project,
    diags: &mut Diagnostics,
) -> BTreeMap<&'a str, &'a str> {
    let mut tender_spec: BTreeMap<&str, &str> = BTreeMap::new();
    for t in project.tenders.values() {
        spec_ref(project, &t.spec_id, &t.origin, "spec_id", diags);
        tender_spec.insert(&t.tender_id, &t.spec_id);
    }
    check_lots(project, diags);
    for bid in &project.bids {
        spec_ref(project, &bid.spec_id, &bid.origin, "spec_id", diags);
        match tender_spec.get(bid.tender_id.as_str()) {
            Some(s) if *s != bid.spec_id && project.tenders.contains_key(&bid.tender_id) => diags
                .push(
                    at(
                        &bid.origin,
                        "bid is for a different specification from its tender",
                    )
                    .column("spec_id")
                    .value(bid.spec_id.clone())
                    .hint(format!(
                        "tenders.csv gives tender {} for {s}",
                        bid.tender_id
                    )),
                ),
            Some(s) if *s != bid.spec_id => diags.push(
                at(&bid.origin, "tender has bids for two specifications")
                    .column("spec_id")
                    .value(bid.spec_id.clone())
                    .hint(format!("tender {} is for {s}", bid.tender_id)),
            ),
            Some(_) => {}
            None => {
                tender_spec.insert(&bid.tender_id, &bid.spec_id);
            }
        }
    }
    tender_spec
}

/// A specification with bids but no evaluation weights gets the default weights, with a warning.
fn evaluation_weights(project: &Project, diags: &mut Diagnostics) {
    for spec in project.specifications.values() {
        if project.bids.iter().any(|b| b.spec_id == spec.id) && spec.evaluation.is_none() {
            diags.push(
                Diagnostic::warning(&spec.origin.file, Location::Line(1), "specification has bids but no [evaluation] weights; using price 40, quality 50, social value 10")
                    .hint("add an [evaluation] table with price, quality and social_value summing to 100"),
            );
        }
    }
}

/// Options → specifications.
fn option_refs(project: &Project, diags: &mut Diagnostics) {
    for option in &project.options {
        spec_ref(project, &option.spec_id, &option.origin, "spec_id", diags);
    }
}

/// Contracts → specifications and tenders (`tender_spec`: each tender's specification).
fn contract_refs(project: &Project, tender_spec: &BTreeMap<&str, &str>, diags: &mut Diagnostics) {
    let tenders: Vec<&str> = tender_spec.keys().copied().collect();
    for c in project.contracts.values() {
        // A contract need not be linked to a specification (a council's own register).
        if !c.spec_id.is_empty() {
            spec_ref(project, &c.spec_id, &c.origin, "spec_id", diags);
        }
        if let Some(t) = &c.tender_id {
            match tender_spec.get(t.as_str()) {
                None if project
                    .mentioned
                    .contains(&("tender".to_string(), t.clone())) => {}
                None => diags.push(
                    at(&c.origin, "unknown tender")
                        .column("tender_id")
                        .value(t.clone())
                        .hint(known_hint("tenders", &tenders)),
                ),
                Some(s) if *s != c.spec_id && !c.spec_id.is_empty() => diags.push(
                    at(
                        &c.origin,
                        "contract and its tender are for different specifications",
                    )
                    .column("tender_id")
                    .value(t.clone())
                    .hint(format!(
                        "tender {t} is for {s}, the contract for {}",
                        c.spec_id
                    )),
                ),
                _ => {}
            }
        }
    }
}

/// Every KPI, in order, with its contract if there is one. KPIs are keyed by contract first, so
/// each contract is looked up once for all its KPIs (a national project has 30,000 KPIs).
fn kpis_with_contracts(project: &Project) -> impl Iterator<Item = (&Kpi, Option<&Contract>)> {
    let mut last: Option<(&str, Option<&Contract>)> = None;
    project.kpis.values().map(move |kpi| match last {
        Some((id, contract)) if id == kpi.contract_id => (kpi, contract),
        _ => {
            let contract = project.contracts.get(&kpi.contract_id);
            last = Some((&kpi.contract_id, contract));
            (kpi, contract)
        }
    })
}

/// KPI returns → contracts; periods within contract dates.
fn kpi_return_refs(project: &Project, diags: &mut Diagnostics) {
    let contract_ids: Vec<&str> = project.contracts.keys().map(String::as_str).collect();
    for (kpi, contract) in kpis_with_contracts(project) {
        match contract {
            None if project
                .mentioned
                .contains(&("contract".to_string(), kpi.contract_id.clone())) => {}
            None => diags.push(
                at(&kpi.origin, "KPI return for an unknown contract")
                    .column("contract_id")
                    .value(kpi.contract_id.clone())
                    .hint(known_hint("contracts", &contract_ids)),
            ),
            Some(c) => {
                for p in kpi.points.iter() {
                    if p.period.end < c.start_date || p.period.start > c.final_end_date() {
                        diags.push(
                            Diagnostic::warning(
                                &p.origin.file,
                                p.origin.location(),
                                "KPI period is outside the contract's dates",
                            )
                            .column("period")
                            .value(format!("{} {} {}", c.contract_id, kpi.kpi_id, p.period))
                            .hint(format!(
                                "the contract runs {} to {}",
                                c.start_date,
                                c.final_end_date()
                            )),
                        );
                    }
                }
            }
        }
    }
}

/// Specification KPI references (output and social value) → the KPIs of its contracts.
fn spec_kpi_refs(project: &Project, diags: &mut Diagnostics) {
    // Each specification's contracts' KPIs, gathered in one pass (a national project has 200
    // specifications and 30,000 KPIs: one pass over the KPIs per specification took 0.6 s).
    let with_contract: BTreeSet<&str> = project
        .contracts
        .values()
        .map(|c| c.spec_id.as_str())
        .collect();
    let mut kpis_by_spec: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (k, contract) in kpis_with_contracts(project) {
        if let Some(c) = contract {
            kpis_by_spec
                .entry(c.spec_id.as_str())
                .or_default()
                .insert(k.kpi_id.as_str());
        }
    }
    let none = BTreeSet::new();
    for spec in project.specifications.values() {
        let kpis = kpis_by_spec.get(spec.id.as_str()).unwrap_or(&none);
        let has_contract = with_contract.contains(spec.id.as_str());
        let refs = spec.output_kpi.iter().map(|k| ("output_kpi", k)).chain(
            spec.social_value
                .iter()
                .filter_map(|s| s.kpi_id.as_ref().map(|k| ("social_value.kpi_id", k))),
        );
        for (column, kpi) in refs {
            if has_contract && !kpis.contains(kpi.as_str()) {
                let known: Vec<&str> = kpis.iter().copied().collect();
                diags.push(
                    at(&spec.origin, "unknown KPI")
                        .column(column)
                        .value(kpi.clone())
                        .hint(known_hint("KPIs of this specification's contracts", &known)),
                );
            }
        }
    }
}

/// Grants → specifications and areas.
fn grant_refs(project: &Project, diags: &mut Diagnostics) {
    for g in project.grants.values() {
        if let Some(s) = &g.spec_id {
            spec_ref(project, s, &g.origin, "spec_id", diags);
        }
        if let Some(a) = &g.area_code {
            if !project.areas.is_empty() && !project.areas.contains_key(a) {
                diags.push(
                    Diagnostic::warning(
                        &g.origin.file,
                        g.origin.location(),
                        "area code not found in the needs data",
                    )
                    .column("area_code")
                    .value(a.clone()),
                );
            }
        }
    }
}

/// Engagement → specifications; you-said-we-did → engagement and specifications.
fn engagement_refs(project: &Project, diags: &mut Diagnostics) {
    for e in project.engagements.values() {
        let at_specs = Origin {
            location: Some(e.origin.key("specs")),
            ..e.origin.clone()
        };
        for s in &e.specs {
            spec_ref(project, s, &at_specs, "specs", diags);
        }
    }
    let engagement_ids: Vec<&str> = project.engagements.keys().map(String::as_str).collect();
    for r in &project.responses {
        if !project.engagements.contains_key(&r.engagement_id) {
            diags.push(
                at(&r.origin, "unknown engagement")
                    .column("engagement_id")
                    .value(r.engagement_id.clone())
                    .hint(known_hint("engagement events", &engagement_ids)),
            );
        }
        spec_ref(project, &r.spec_id, &r.origin, "spec_id", diags);
    }
}

/// Areas named in the settings (home and benchmark) have values in needs/.
fn settings_areas(project: &Project, config_origin: &Origin, diags: &mut Diagnostics) {
    if !project.observations.is_empty() {
        for (key, code) in [
            ("home_area", project.config.home_area.as_deref()),
            (
                "benchmark_area",
                Some(project.config.benchmark_area.as_str()),
            ),
        ] {
            if let Some(code) = code {
                if !project.areas.contains_key(code) {
                    diags.push(
                        Diagnostic::warning(
                            &config_origin.file,
                            Location::Key(key.into()),
                            "area has no values in needs/",
                        )
                        .value(code.to_string())
                        .hint("comparisons and priorities need values for this area"),
                    );
                }
            }
        }
    }
}

/// Page addresses: ids that slug alike are an error, not a silent overwrite.
fn page_addresses(project: &Project, config_origin: &Origin, diags: &mut Diagnostics) {
    slug_collisions(
        "indicator",
        project
            .indicators
            .keys()
            .map(|k| (k.as_str(), config_origin)),
        &[],
        diags,
    );
    let area_origin = Origin {
        file: "needs".into(),
        location: None,
        keys: Default::default(),
    };
    slug_collisions(
        "area",
        project.areas.keys().map(|k| (k.as_str(), &area_origin)),
        &[],
        diags,
    );
    slug_collisions(
        "specification",
        project
            .specifications
            .values()
            .map(|s| (s.id.as_str(), &s.origin)),
        &["resources", "engagement"],
        diags,
    );
    slug_collisions(
        "contract",
        project
            .contracts
            .values()
            .map(|c| (c.contract_id.as_str(), &c.origin)),
        &[],
        diags,
    );
    let mut tender_origins: BTreeMap<&str, &Origin> = BTreeMap::new();
    for t in project.tenders.values() {
        tender_origins.insert(&t.tender_id, &t.origin);
    }
    for b in &project.bids {
        tender_origins.entry(&b.tender_id).or_insert(&b.origin);
    }
    slug_collisions("tender", tender_origins.into_iter(), &[], diags);
    slug_collisions(
        "grant",
        project
            .grants
            .values()
            .map(|g| (g.grant_id.as_str(), &g.origin)),
        &[],
        diags,
    );
    slug_collisions(
        "engagement",
        project
            .engagements
            .values()
            .map(|e| (e.id.as_str(), &e.origin)),
        &[],
        diags,
    );
    slug_collisions(
        "page",
        project.pages.values().map(|p| (p.stem.as_str(), &p.origin)),
        &[
            "needs",
            "planning",
            "procurement",
            "performance",
            "data",
            "search",
            "assets",
            "404",
            "sitemap",
            "feed",
        ],
        diags,
    );
    let mut by_contract: BTreeMap<&str, Vec<(&str, &Origin)>> = BTreeMap::new();
    for k in project.kpis.values() {
        by_contract
            .entry(&k.contract_id)
            .or_default()
            .push((&k.kpi_id, &k.origin));
    }
    for list in by_contract.into_values() {
        slug_collisions("KPI", list.into_iter(), &[], diags);
    }
}

/// Lots of one procurement: every tender sharing a `procurement_id` with another is a lot, with a
/// lot id of its own, for the same specification; an award reason of `lot_rules` needs lots.
fn check_lots(project: &Project, diags: &mut Diagnostics) {
    let mut groups: BTreeMap<&str, Vec<&super::Tender>> = BTreeMap::new();
    for t in project.tenders.values() {
        groups.entry(&t.procurement_id).or_default().push(t);
    }
    for lots in groups.values() {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for t in lots {
            if lots.len() > 1 && t.lot.is_none() {
                diags.push(
                    at(&t.origin, "tender shares its procurement_id with another but has no lot")
                        .column("lot")
                        .value(t.procurement_id.clone())
                        .hint("give each lot of a procurement its lot number, or give the tenders different procurement ids"),
                );
            }
            if let Some(lot) = &t.lot {
                if let Some(first) = seen.insert(lot.to_lowercase(), &t.tender_id) {
                    diags.push(
                        at(
                            &t.origin,
                            "two lots of one procurement have the same lot id",
                        )
                        .column("lot")
                        .value(lot.clone())
                        .hint(format!("tender {first} is already lot {lot}")),
                    );
                }
            }
            if t.spec_id != lots[0].spec_id {
                diags.push(
                    at(
                        &t.origin,
                        "lots of one procurement are for different specifications",
                    )
                    .column("spec_id")
                    .value(t.spec_id.clone())
                    .hint(format!(
                        "tender {} is for {}",
                        lots[0].tender_id, lots[0].spec_id
                    )),
                );
            }
            if t.award_reason == Some(super::AwardReason::LotRules) && lots.len() < 2 {
                diags.push(
                    at(&t.origin, "award reason lot_rules, but the tender is not one of several lots")
                        .column("award_reason")
                        .value("lot_rules")
                        .hint("give the lots of the procurement the same procurement_id, or record another reason"),
                );
            }
        }
    }
}

#[cfg(test)]
mod map_tests {
    use super::*;
    use crate::model::{Area, Boundary, BoundaryLayer, Crs};

    #[test]
    fn a_map_none_of_whose_areas_has_needs_data_is_named_in_a_warning() {
        let layer = BoundaryLayer {
            file: "maps/wards.geojson".into(),
            crs: Crs::Wgs84,
            code_property: "WD22CD".into(),
            areas: vec![Boundary {
                code: "E05011118".into(),
                name: None,
                polygons: Vec::new(),
            }],
        };
        let mut project = Project {
            maps: vec![layer],
            ..Project::default()
        };
        let mut diags = Diagnostics::new();
        map_refs(&project, &mut diags);
        assert_eq!(
            diags.sorted().iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["warning: maps/wards.geojson: map not used: none of its 1 areas has values in needs/: \"E05011118\"\n  = hint: a map colours the areas whose codes (its WD22CD property) have needs values; add values for these areas, or remove the file"]
        );
        // One area with data is enough for the map to be drawn.
        project.areas.insert(
            "E05011118".into(),
            Area {
                code: "E05011118".into(),
                name: "Ward".into(),
                area_type: None,
                parent_code: None,
            },
        );
        let mut diags = Diagnostics::new();
        map_refs(&project, &mut diags);
        assert!(diags.is_empty());
    }
}

#[cfg(test)]
mod kpi_ref_tests {
    use super::*;

    #[test]
    fn a_specification_names_only_kpis_of_its_own_contracts() {
        let mut project = crate::site::fixture::project();
        let mut diags = Diagnostics::new();
        spec_kpi_refs(&project, &mut diags);
        assert!(diags.is_empty(), "{:?}", diags.sorted());
        // A specification with a contract, naming a KPI its contracts do not report.
        let spec_id = project
            .contracts
            .values()
            .map(|c| c.spec_id.clone())
            .find(|s| project.specifications.contains_key(s))
            .expect("a specification with a contract");
        let own: Vec<String> = project
            .kpis
            .values()
            .filter(|k| project.contracts[&k.contract_id].spec_id == spec_id)
            .map(|k| k.kpi_id.clone())
            .collect();
        let spec = project.specifications.get_mut(&spec_id).unwrap();
        spec.output_kpi = Some("NOT-A-KPI".into());
        let file = spec.origin.file.to_string();
        let mut diags = Diagnostics::new();
        spec_kpi_refs(&project, &mut diags);
        let found: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(&format!("error: {file}")) && found[0].contains("unknown KPI"),
            "{found:?}"
        );
        assert!(
            found[0].contains(&format!(
                "hint: known KPIs of this specification's contracts include {}",
                own.join(", ")
            )),
            "{found:?}"
        );
    }
}
