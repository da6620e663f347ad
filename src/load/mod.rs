//! Loading: the only stage that reads the project folder. Turns files into the domain model plus
//! every diagnostic found on the way; never stops at the first problem.

pub mod boundaries;
pub mod contracts;
pub mod documents;
pub mod fields;
pub mod giving;
pub mod grants;
pub mod markdown;
pub mod needs;
pub mod nesting;
pub mod ocds;
pub mod procurement;
pub mod register;
pub mod table;
pub mod tables;
pub mod tenders;
pub mod theme;
pub mod walk;
pub mod workbook;
pub mod workbook_limits;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{Config, Contract, Project};
use std::path::{Path, PathBuf};

const TABLE_EXTENSIONS: &[&str] = &["csv", "xlsx", "xlsm", "xls", "ods"];

/// The files in `root/dir` with one of `extensions` (see [`walk::files_in`] for what else is
/// reported); any other file is named in a warning as not used.
fn files_in(
    root: &Path,
    dir: &str,
    extensions: &[&str],
    diags: &mut Diagnostics,
) -> Vec<(PathBuf, String)> {
    let subfolders: &[&str] = if dir == "contracts" { &["kpis"] } else { &[] };
    walk::files_in(root, dir, subfolders, diags)
        .into_iter()
        .filter(|(_, rel)| {
            let ok = extensions.contains(&walk::extension(rel).as_str());
            if !ok {
                diags.push(
                    Diagnostic::warning(rel, Location::File, "file not used").hint(format!(
                        "commission reads {} files in {dir}/",
                        extensions
                            .iter()
                            .map(|e| format!(".{e}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
            ok
        })
        .collect()
}

/// A table file whose content `commission` does not recognise: named in a warning with what it
/// looked for, never skipped in silence.
fn not_recognised(table: &table::Table, expected: &str, diags: &mut Diagnostics) {
    let header: Vec<String> = table
        .header_text()
        .into_iter()
        .filter(|h| !h.is_empty())
        .map(|h| h.chars().take(40).collect())
        .take(8)
        .collect();
    let place = match &table.sheet {
        Some(sheet) => Location::Sheet(sheet.clone()),
        None => Location::File,
    };
    diags.push(
        Diagnostic::warning(
            &table.file,
            place,
            "file not used: its columns are not recognised",
        )
        .hint(format!(
            "expected {expected}; the header has: {}",
            header.join(", ")
        )),
    );
}

/// Reads a JSON input, with a diagnostic when it is not JSON.
fn read_json(path: &Path, rel: &str, diags: &mut Diagnostics) -> Option<serde_json::Value> {
    if !tables::within_size_limit(path, rel, diags) {
        return None;
    }
    let text = read_text(path, rel, diags)?;
    match serde_json::from_str(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.push(
                Diagnostic::error(rel, Location::Line(e.line()), "not valid JSON")
                    .hint(e.to_string()),
            );
            None
        }
    }
}

fn stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(name)
        .to_string()
}

/// The single table file `NAME.{csv,xlsx,ods}` among a folder's `files`; two of them is an error.
fn one_table(
    files: &[(PathBuf, String)],
    name: &str,
    diags: &mut Diagnostics,
) -> Option<(PathBuf, String)> {
    let found: Vec<_> = files
        .iter()
        .filter(|(_, rel)| TABLE_EXTENSIONS.contains(&walk::extension(rel).as_str()))
        .filter(|(_, rel)| stem(rel).eq_ignore_ascii_case(name))
        .cloned()
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

/// The largest Markdown file (specification, engagement event, page) read by default.
pub const MAX_MARKDOWN_BYTES: u64 = 4 * 1024 * 1024;

/// The Markdown size limit in force: `MAX_MARKDOWN_BYTES`, or `COMMISSION_MAX_MARKDOWN_BYTES`
/// when set to a number.
pub fn max_markdown_bytes() -> u64 {
    workbook_limits::limit_from_env("COMMISSION_MAX_MARKDOWN_BYTES", MAX_MARKDOWN_BYTES)
}

/// The text of a Markdown document, refused by name when it is over `max_markdown_bytes`.
fn read_markdown(path: &Path, rel: &str, diags: &mut Diagnostics) -> Option<String> {
    let limit = max_markdown_bytes();
    match std::fs::metadata(path) {
        Ok(m) if m.len() > limit => {
            diags.push(
                Diagnostic::error(
                    rel,
                    Location::File,
                    format!(
                        "Markdown file is larger than the {} limit",
                        table::limit_text(limit)
                    ),
                )
                .value(format!("{} bytes", m.len()))
                .hint("split the text into several pages; COMMISSION_MAX_MARKDOWN_BYTES raises the limit"),
            );
            None
        }
        _ => read_text(path, rel, diags),
    }
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

/// The largest `commission.toml` read: settings are a few kilobytes; a larger file is refused by
/// name before it is read.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The text of `commission.toml`: missing, not a regular file (a FIFO is never opened, so it
/// cannot block), over `MAX_CONFIG_BYTES`, and unreadable are four different errors.
fn read_config(root: &Path, diags: &mut Diagnostics) -> Option<String> {
    let path = root.join("commission.toml");
    let file = "commission.toml";
    let problem = match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let broken = std::fs::symlink_metadata(&path).is_ok();
            let d = if broken {
                Diagnostic::error(
                    file,
                    Location::File,
                    "commission.toml is a symlink to a file that does not exist",
                )
                .value(
                    std::fs::read_link(&path)
                        .map(|t| t.display().to_string())
                        .unwrap_or_default(),
                )
                .hint("point the symlink at the project's settings, or replace it with the file")
            } else {
                Diagnostic::error(file, Location::File, "no commission.toml in the project folder")
                    .value(root.display().to_string())
                    .hint("run `commission init DIR` to start a project, or point at a folder that has one")
            };
            diags.push(d);
            return None;
        }
        Err(e) => format!("cannot read commission.toml: {e}"),
        Ok(meta) if !meta.is_file() => {
            "commission.toml is not a regular file (a folder, FIFO, socket or device)".to_string()
        }
        Ok(meta) if meta.len() > MAX_CONFIG_BYTES => {
            diags.push(
                Diagnostic::error(
                    file,
                    Location::File,
                    format!(
                        "commission.toml is larger than the {} limit",
                        table::limit_text(MAX_CONFIG_BYTES)
                    ),
                )
                .value(format!("{} bytes", meta.len()))
                .hint("the settings are a few kilobytes; keep data in the project's folders, not in commission.toml"),
            );
            return None;
        }
        Ok(_) => match std::fs::read(&path) {
            Ok(bytes) => return Some(table::decode_text(&bytes, file, diags)),
            Err(e) => format!("cannot read commission.toml: {e}"),
        },
    };
    diags.push(
        Diagnostic::error(file, Location::File, problem)
            .value(path.display().to_string())
            .hint("the settings must be a readable file; check its type and permissions"),
    );
    None
}

/// Loads a whole project. Returns `None` for the project only when `commission.toml` cannot be
/// read; every other problem is a diagnostic and loading carries on.
pub fn load_project(root: &Path) -> (Option<Project>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let Some(config_text) = read_config(root, &mut diags) else {
        return (None, diags);
    };
    let (config, config_diags) = Config::parse(&config_text, "commission.toml");
    diags.extend(config_diags);
    let mut project = Project {
        config: config.clone().unwrap_or_default(),
        ..Project::default()
    };
    let mut inputs = vec!["commission.toml".to_string()];
    load_needs(root, &mut project, &mut inputs, &mut diags);
    load_maps(root, &mut project, &mut inputs, &mut diags);
    load_documents(root, &mut project, &mut inputs, &mut diags);
    load_procurement(root, &mut project, &mut inputs, &mut diags);
    load_contracts(root, &mut project, &mut inputs, &mut diags);
    load_grants(root, &mut project, &mut inputs, &mut diags);
    inputs.sort();
    project.inputs = inputs;
    crate::model::validate::validate(&project, &mut diags);
    (config.map(|_| project), diags)
}

/// `needs/`: every table file, recognised by its columns: indicator metadata, a Fingertips export
/// in any form, or values in the project's own layout.
fn load_needs(
    root: &Path,
    project: &mut Project,
    inputs: &mut Vec<String>,
    diags: &mut Diagnostics,
) {
    let mut values = needs::NeedsValues::default();
    for (path, rel) in files_in(root, "needs", TABLE_EXTENSIONS, diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, diags) {
            if needs::is_indicators(&t) || stem(&rel).eq_ignore_ascii_case("indicators") {
                for (id, ind) in needs::read_indicators(&t, diags) {
                    project.indicators.insert(id, ind);
                }
            } else if needs::is_fingertips(&t) || needs::is_own_values(&t) {
                needs::read_values(&t, &mut values, diags);
            } else {
                not_recognised(&t, "indicator metadata (indicator_id, name, value_type, polarity), a Fingertips export (Indicator ID, Area Code, Time period, Value) or values (indicator_id, area_code, period, value)", diags);
            }
        }
    }
    needs::settle_indicators(&mut project.indicators, &values, diags);
    needs::check_duplicates(&values.observations, diags);
    needs::sort_observations(&mut values.observations);
    project.observations = values.observations;
    project.areas = values.areas;
}

/// `maps/`: boundary files, one layer each.
fn load_maps(
    root: &Path,
    project: &mut Project,
    inputs: &mut Vec<String>,
    diags: &mut Diagnostics,
) {
    for (path, rel) in files_in(root, "maps", &["geojson", "json"], diags) {
        inputs.push(rel.clone());
        if !tables::within_size_limit(&path, &rel, diags) {
            continue;
        }
        if let Some(text) = read_text(&path, &rel, diags) {
            let maps = &project.config.maps;
            if let Some(layer) = boundaries::read_boundaries(&text, &rel, maps, diags) {
                project.maps.push(layer);
            }
        }
    }
}

/// `specifications/`, `engagement/` and `pages/`: Markdown with front matter.
fn load_documents(
    root: &Path,
    project: &mut Project,
    inputs: &mut Vec<String>,
    diags: &mut Diagnostics,
) {
    for (path, rel) in files_in(root, "specifications", &["md"], diags) {
        inputs.push(rel.clone());
        let Some(text) = read_markdown(&path, &rel, diags) else {
            continue;
        };
        let Some(spec) = documents::read_specification(&text, &rel, diags) else {
            continue;
        };
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
    let engagement = files_in(
        root,
        "engagement",
        &["md", "csv", "xlsx", "xlsm", "xls", "ods"],
        diags,
    );
    for (path, rel) in engagement
        .iter()
        .filter(|(_, r)| walk::extension(r) == "md")
    {
        inputs.push(rel.clone());
        let Some(text) = read_markdown(path, rel, diags) else {
            continue;
        };
        let Some(e) = documents::read_engagement(&text, rel, diags) else {
            continue;
        };
        if project.engagements.contains_key(&e.id) {
            diags.push(
                Diagnostic::error(rel, Location::Line(2), "duplicate engagement id")
                    .column("id")
                    .value(e.id.clone()),
            );
        } else {
            project.engagements.insert(e.id.clone(), e);
        }
    }
    if let Some((path, rel)) = one_table(&engagement, "you-said-we-did", diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, diags) {
            project.responses.extend(grants::read_responses(&t, diags));
        }
    }
    for (path, rel) in files_in(root, "pages", &["md"], diags) {
        inputs.push(rel.clone());
        let Some(text) = read_markdown(&path, &rel, diags) else {
            continue;
        };
        let stem = stem(&rel);
        if let Some(page) = documents::read_page(&stem, &text, &rel, diags) {
            project.pages.insert(stem, page);
        }
    }
}

/// `procurement/options` and `procurement/bids`.
fn load_procurement(
    root: &Path,
    project: &mut Project,
    inputs: &mut Vec<String>,
    diags: &mut Diagnostics,
) {
    let files = files_in(root, "procurement", TABLE_EXTENSIONS, diags);
    if let Some((path, rel)) = one_table(&files, "options", diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, diags) {
            project.options.extend(procurement::read_options(&t, diags));
        }
    }
    if let Some((path, rel)) = one_table(&files, "tenders", diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, diags) {
            for id in fields::column_values(&t, "tender_id") {
                project.mentioned.insert(("tender".into(), id));
            }
            for tender in tenders::read_tenders(&t, diags) {
                project.tenders.insert(tender.tender_id.clone(), tender);
            }
        }
    }
    if let Some((path, rel)) = one_table(&files, "bids", diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, diags) {
            for id in fields::column_values(&t, "tender_id") {
                project.mentioned.insert(("tender".into(), id));
            }
            project.bids.extend(procurement::read_bids(&t, diags));
        }
    }
}

/// `contracts/` and `contracts/kpis/`: every file recognised by its content — a contract register
/// in any accepted layout, KPI returns, or OCDS release and record packages.
fn load_contracts(
    root: &Path,
    project: &mut Project,
    inputs: &mut Vec<String>,
    diags: &mut Diagnostics,
) {
    let mut extensions = TABLE_EXTENSIONS.to_vec();
    extensions.push("json");
    let mut returns = Vec::new();
    let mut releases = Vec::new();
    let mut registered = Vec::new();
    for (path, rel) in files_in(root, "contracts", &extensions, diags) {
        inputs.push(rel.clone());
        if walk::extension(&rel) == "json" {
            let Some(v) = read_json(&path, &rel, diags) else {
                continue;
            };
            if ocds::is_ocds(&v) {
                releases.extend(ocds::releases(v, &rel));
            } else {
                diags.push(
                    Diagnostic::warning(&rel, Location::File, "file not used: not an OCDS release or record package")
                        .hint("contracts/ reads OCDS 1.1 packages ({\"releases\": [...]} or {\"records\": [...]})"),
                );
            }
            continue;
        }
        for t in tables::read_tables(&path, &rel, diags) {
            let register = register::is_register(&t)
                || (!contracts::is_kpi_return(&t) && register::looks_like_register(&t));
            if register {
                for id in fields::column_values(&t, "contract_id") {
                    project.mentioned.insert(("contract".into(), id));
                }
                let (contracts, extra) = register::read_register(&t, diags);
                registered.push((contracts, extra));
            } else if contracts::is_kpi_return(&t) {
                returns.extend(contracts::read_kpis(&t, diags));
            } else {
                not_recognised(&t, "a contract register (a reference, title and supplier column, e.g. Reference number, Title of agreement, Supplier name) or KPI returns (contract_id, kpi_id)", diags);
            }
        }
    }
    for (contracts, extra) in registered {
        add_register(project, contracts, &extra, diags);
    }
    for c in ocds::read_contracts(releases, diags) {
        add_contract(project, c, diags);
    }
    for (path, rel) in files_in(root, "contracts/kpis", TABLE_EXTENSIONS, diags) {
        inputs.push(rel.clone());
        for t in tables::read_tables(&path, &rel, diags) {
            returns.extend(contracts::read_kpis(&t, diags));
        }
    }
    project.kpis = contracts::group_kpis(returns, diags);
}

/// Adds a register's contracts, aligning each supplier's extra columns with the project's list of
/// register columns.
fn add_register(
    project: &mut Project,
    contracts: Vec<Contract>,
    extra: &[String],
    diags: &mut Diagnostics,
) {
    let positions: Vec<usize> = extra
        .iter()
        .map(
            |h| match project.register_columns.iter().position(|c| c == h) {
                Some(i) => i,
                None => {
                    project.register_columns.push(h.clone());
                    project.register_columns.len() - 1
                }
            },
        )
        .collect();
    for mut c in contracts {
        for s in &mut c.details.suppliers {
            let mut aligned = vec![None; project.register_columns.len()];
            for (value, &at) in s.extra.drain(..).zip(&positions) {
                aligned[at] = value;
            }
            s.extra = aligned;
        }
        add_contract(project, c, diags);
    }
}

/// Adds a contract; a further row of the same reference is another supplier of the same award (a
/// framework) when every contract column agrees, and otherwise a duplicate-id error.
fn add_contract(project: &mut Project, c: Contract, diags: &mut Diagnostics) {
    let Some(first) = project.contracts.get_mut(&c.contract_id) else {
        project.contracts.insert(c.contract_id.clone(), c);
        return;
    };
    let first_place = Diagnostic::error(&first.origin.file, first.origin.location(), "").place();
    let (file, location, id) = (
        c.origin.file.clone(),
        c.origin.location(),
        c.contract_id.clone(),
    );
    if let Err(why) = register::join_supplier(first, c) {
        diags.push(
            Diagnostic::error(&file, location, "duplicate contract id")
                .column("contract_id")
                .value(id)
                .hint(format!("first given at {first_place}; {why}")),
        );
    }
}

/// `grants/`: a grants register in the project's own layout, the 360Giving CSV layout, or a
/// 360Giving JSON package.
fn load_grants(
    root: &Path,
    project: &mut Project,
    inputs: &mut Vec<String>,
    diags: &mut Diagnostics,
) {
    let mut extensions = TABLE_EXTENSIONS.to_vec();
    extensions.push("json");
    let mut found = Vec::new();
    for (path, rel) in files_in(root, "grants", &extensions, diags) {
        inputs.push(rel.clone());
        if walk::extension(&rel) == "json" {
            let Some(v) = read_json(&path, &rel, diags) else {
                continue;
            };
            if giving::is_360giving_json(&v) {
                found.extend(giving::read_package(v, &rel, diags));
            } else {
                diags.push(
                    Diagnostic::warning(
                        &rel,
                        Location::File,
                        "file not used: not a 360Giving package",
                    )
                    .hint("grants/ reads 360Giving JSON packages ({\"grants\": [...]})"),
                );
            }
            continue;
        }
        for t in tables::read_tables(&path, &rel, diags) {
            if giving::is_360giving_csv(&t) {
                found.extend(giving::read_csv(&t, diags));
            } else if grants::is_own_grants(&t) {
                found.extend(grants::read_grants(&t, diags));
            } else {
                not_recognised(&t, "grants (grant_id, title, recipient_name, amount_awarded, award_date) or the 360Giving CSV headings (Identifier, Title, Amount Awarded, Award Date, Recipient Org:Name)", diags);
            }
        }
    }
    for g in found {
        if project.grants.contains_key(&g.grant_id) {
            diags.push(
                Diagnostic::error(&g.origin.file, g.origin.location(), "duplicate grant id")
                    .column("grant_id")
                    .value(g.grant_id.clone()),
            );
        } else {
            project.grants.insert(g.grant_id.clone(), g);
        }
    }
}
