//! Loading: the only stage that reads the project folder. Turns files into the domain model plus
//! every diagnostic found on the way; never stops at the first problem.

pub mod contracts;
pub mod documents;
pub mod fields;
pub mod grants;
pub mod markdown;
pub mod needs;
pub mod procurement;
pub mod table;
pub mod tables;
pub mod tenders;
pub mod theme;
pub mod workbook;
pub mod workbook_limits;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{Config, Kpi, Project};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const TABLE_EXTENSIONS: &[&str] = &["csv", "xlsx", "xlsm", "xls", "ods"];

/// Files directly in `dir` (not recursive), sorted by name, skipping hidden and lock files.
fn files_in(root: &Path, dir: &str, extensions: &[&str]) -> Vec<(PathBuf, String)> {
    let path = root.join(dir);
    if !path.is_dir() {
        return Vec::new();
    }
    let mut out: Vec<(PathBuf, String)> = walkdir::WalkDir::new(&path)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') || name.starts_with("~$") {
                return None;
            }
            let ext = e.path().extension()?.to_string_lossy().to_ascii_lowercase();
            extensions
                .contains(&ext.as_str())
                .then(|| (e.path().to_path_buf(), format!("{dir}/{name}")))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

fn stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(name)
        .to_string()
}

/// The single table file `dir/NAME.{csv,xlsx,ods}`; two of them is an error.
fn one_table(
    root: &Path,
    dir: &str,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<(PathBuf, String)> {
    let found: Vec<_> = files_in(root, dir, TABLE_EXTENSIONS)
        .into_iter()
        .filter(|(_, rel)| stem(rel).eq_ignore_ascii_case(name))
        .collect();
    if found.len() > 1 {
        let names: Vec<&str> = found.iter().map(|(_, r)| r.as_str()).collect();
        diags.push(
            Diagnostic::error(
                &found[1].1,
                Location::File,
                format!("more than one {name} file"),
            )
            .hint(format!("keep one of {}", names.join(", "))),
        );
    }
    found.into_iter().next()
}

fn read_text(path: &Path, rel: &str, diags: &mut Diagnostics) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => Some(table::decode_text(&bytes, rel, diags)),
        Err(e) => {
            diags.push(Diagnostic::error(
                rel,
                Location::File,
                format!("cannot read the file: {e}"),
            ));
            None
        }
    }
}

/// Loads a whole project. Returns `None` for the project only when `commission.toml` cannot be
/// read; every other problem is a diagnostic and loading carries on.
pub fn load_project(root: &Path) -> (Option<Project>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let config_path = root.join("commission.toml");
    let config_text = match std::fs::read(&config_path) {
        Ok(bytes) => table::decode_text(&bytes, "commission.toml", &mut diags),
        Err(_) => {
            diags.push(
                Diagnostic::error("commission.toml", Location::File, "no commission.toml in the project folder")
                    .value(root.display().to_string())
                    .hint("run `commission init DIR` to start a project, or point at a folder that has one"),
            );
            return (None, diags);
        }
    };
    let (config, config_diags) = Config::parse(&config_text, "commission.toml");
    diags.extend(config_diags);
    let mut project = Project {
        config: config.clone().unwrap_or_default(),
        ..Project::default()
    };
    let mut inputs = vec!["commission.toml".to_string()];

    // needs/
    let mut values = needs::NeedsValues::default();
    for (path, rel) in files_in(root, "needs", TABLE_EXTENSIONS) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, &mut diags) {
            if stem(&rel).eq_ignore_ascii_case("indicators") {
                for (id, ind) in needs::read_indicators(&t, &mut diags) {
                    project.indicators.insert(id, ind);
                }
            } else {
                needs::read_values(&t, &mut values, &mut diags);
            }
        }
    }
    needs::settle_indicators(&mut project.indicators, &values, &mut diags);
    needs::settle_headlines(&mut values.observations);
    needs::check_duplicates(&values.observations, &mut diags);
    values.observations.sort_by(|a, b| {
        (
            &a.indicator_id,
            &a.area_code,
            &a.category_type,
            &a.category,
            &a.period,
        )
            .cmp(&(
                &b.indicator_id,
                &b.area_code,
                &b.category_type,
                &b.category,
                &b.period,
            ))
    });
    project.observations = values.observations;
    project.areas = values.areas;

    // specifications/
    for (path, rel) in files_in(root, "specifications", &["md"]) {
        inputs.push(rel.clone());
        if let Some(text) = read_text(&path, &rel, &mut diags) {
            if let Some(spec) = documents::read_specification(&text, &rel, &mut diags) {
                if let Some(first) = project.specifications.get(&spec.id) {
                    diags.push(
                        Diagnostic::error(&rel, Location::Line(2), "duplicate specification id")
                            .column("id")
                            .value(spec.id.clone())
                            .hint(format!("also used by {}", first.origin.file)),
                    );
                } else {
                    project.specifications.insert(spec.id.clone(), spec);
                }
            }
        }
    }

    // procurement/
    if let Some((path, rel)) = one_table(root, "procurement", "options", &mut diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, &mut diags) {
            project
                .options
                .extend(procurement::read_options(&t, &mut diags));
        }
    }
    if let Some((path, rel)) = one_table(root, "procurement", "tenders", &mut diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, &mut diags) {
            for id in fields::column_values(&t, "tender_id") {
                project.mentioned.insert(("tender".into(), id));
            }
            for tender in tenders::read_tenders(&t, &mut diags) {
                project.tenders.insert(tender.tender_id.clone(), tender);
            }
        }
    }
    if let Some((path, rel)) = one_table(root, "procurement", "bids", &mut diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, &mut diags) {
            for id in fields::column_values(&t, "tender_id") {
                project.mentioned.insert(("tender".into(), id));
            }
            project.bids.extend(procurement::read_bids(&t, &mut diags));
        }
    }

    // contracts/
    if let Some((path, rel)) = one_table(root, "contracts", "register", &mut diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, &mut diags) {
            for id in fields::column_values(&t, "contract_id") {
                project.mentioned.insert(("contract".into(), id));
            }
            for c in contracts::read_register(&t, &mut diags) {
                if let Some(first) = project.contracts.get(&c.contract_id) {
                    diags.push(
                        Diagnostic::error(
                            &c.origin.file,
                            c.origin.location(),
                            "duplicate contract id",
                        )
                        .column("contract_id")
                        .value(c.contract_id.clone())
                        .hint(format!(
                            "first given at {}",
                            Diagnostic::error(&first.origin.file, first.origin.location(), "")
                                .place()
                        )),
                    );
                } else {
                    project.contracts.insert(c.contract_id.clone(), c);
                }
            }
        }
    }
    let mut returns = Vec::new();
    for (path, rel) in files_in(root, "contracts/kpis", TABLE_EXTENSIONS) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, &mut diags) {
            returns.extend(contracts::read_kpis(&t, &mut diags));
        }
    }
    project.kpis = group_kpis(returns, &mut diags);

    // grants/
    if let Some((path, rel)) = one_table(root, "grants", "grants", &mut diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, &mut diags) {
            for g in grants::read_grants(&t, &mut diags) {
                if project.grants.contains_key(&g.grant_id) {
                    diags.push(
                        Diagnostic::error(
                            &g.origin.file,
                            g.origin.location(),
                            "duplicate grant id",
                        )
                        .column("grant_id")
                        .value(g.grant_id.clone()),
                    );
                } else {
                    project.grants.insert(g.grant_id.clone(), g);
                }
            }
        }
    }

    // engagement/
    for (path, rel) in files_in(root, "engagement", &["md"]) {
        inputs.push(rel.clone());
        if let Some(text) = read_text(&path, &rel, &mut diags) {
            if let Some(e) = documents::read_engagement(&text, &rel, &mut diags) {
                if project.engagements.contains_key(&e.id) {
                    diags.push(
                        Diagnostic::error(&rel, Location::Line(2), "duplicate engagement id")
                            .column("id")
                            .value(e.id.clone()),
                    );
                } else {
                    project.engagements.insert(e.id.clone(), e);
                }
            }
        }
    }
    if let Some((path, rel)) = one_table(root, "engagement", "you-said-we-did", &mut diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, &mut diags) {
            project
                .responses
                .extend(grants::read_responses(&t, &mut diags));
        }
    }

    // pages/
    for (path, rel) in files_in(root, "pages", &["md"]) {
        inputs.push(rel.clone());
        if let Some(text) = read_text(&path, &rel, &mut diags) {
            let stem = stem(&rel);
            if let Some(page) = documents::read_page(&stem, &text, &rel, &mut diags) {
                project.pages.insert(stem, page);
            }
        }
    }

    inputs.sort();
    project.inputs = inputs;
    crate::model::validate::validate(&project, &mut diags);
    (config.map(|_| project), diags)
}

/// Groups KPI returns into series per contract and KPI, in period order; two values for the same
/// period are an error.
fn group_kpis(
    returns: Vec<contracts::KpiReturn>,
    diags: &mut Diagnostics,
) -> BTreeMap<(String, String), Kpi> {
    let mut out: BTreeMap<(String, String), Kpi> = BTreeMap::new();
    for r in returns {
        let key = (r.contract_id.clone(), r.kpi_id.clone());
        let kpi = out.entry(key).or_insert_with(|| Kpi {
            contract_id: r.contract_id.clone(),
            kpi_id: r.kpi_id.clone(),
            name: r.kpi_name.clone(),
            unit: r.unit.clone(),
            polarity: r.polarity.unwrap_or_default(),
            stock_or_flow: r.stock_or_flow,
            points: Vec::new(),
            origin: r.origin.clone(),
        });
        if kpi.unit.is_none() {
            kpi.unit = r.unit.clone();
        }
        if let Some(p) = r.polarity {
            kpi.polarity = p;
        }
        if kpi.stock_or_flow.is_none() {
            kpi.stock_or_flow = r.stock_or_flow;
        }
        if let Some(first) = kpi.points.iter().find(|p| p.period == r.point.period) {
            diags.push(
                Diagnostic::error(
                    &r.point.origin.file,
                    r.point.origin.location(),
                    "two values for the same KPI and period",
                )
                .value(format!("{} {} {}", r.contract_id, r.kpi_id, r.point.period))
                .hint(format!(
                    "first given at {}",
                    Diagnostic::error(&first.origin.file, first.origin.location(), "").place()
                )),
            );
            continue;
        }
        kpi.points.push(r.point);
    }
    for kpi in out.values_mut() {
        kpi.points.sort_by(|a, b| a.period.cmp(&b.period));
    }
    out
}
