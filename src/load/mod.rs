//! Loading: the only stage that reads the project folder. Turns files into the domain model plus
//! every diagnostic found on the way; never stops at the first problem.

pub mod boundaries;
pub mod cache;
pub mod contracts;
mod csv_file;
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
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use cache::LoadCache;

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
                        dotted(extensions)
                    )),
                );
            }
            ok
        })
        .collect()
}

/// Extensions as a reader is told them: `.csv, .xlsx, .ods`.
fn dotted(extensions: &[&str]) -> String {
    let dotted: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
    dotted.join(", ")
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

/// The table files of a folder read by name (`procurement/options.csv`,
/// `engagement/you-said-we-did.csv`) whose name is none of `names`: each named in a warning, never
/// skipped in silence.
fn not_named(files: &[(PathBuf, String)], dir: &str, names: &[&str], diags: &mut Diagnostics) {
    for (_, rel) in files {
        let table = TABLE_EXTENSIONS.contains(&walk::extension(rel).as_str());
        if table && !names.iter().any(|n| stem(rel).eq_ignore_ascii_case(n)) {
            diags.push(
                Diagnostic::warning(
                    rel,
                    Location::File,
                    "file not used: not a name this folder reads",
                )
                .hint(format!(
                    "{dir}/ reads {} (each {}); rename the file if it is one of them",
                    names.join(", "),
                    dotted(TABLE_EXTENSIONS)
                )),
            );
        }
    }
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
    load_project_cached(root, &mut LoadCache::disabled())
}

/// [`load_project`] keeping `cache` from one load to the next (as `serve` does): a file whose
/// size and modification time (or, failing those, content hash) are unchanged is not read again;
/// what it gave before, and the diagnostics reading it produced, are reused.
pub fn load_project_cached(root: &Path, cache: &mut LoadCache) -> (Option<Project>, Diagnostics) {
    cache.begin();
    let loaded = load_with(root, cache);
    cache.end();
    loaded
}

/// What the input readers depend on besides a file's bytes: the size limits in force.
fn limits() -> u64 {
    cache::params_of(&[
        tables::max_table_bytes(),
        max_markdown_bytes(),
        workbook_limits::max_sheet_cells(),
        workbook_limits::max_shared_strings(),
    ])
}

/// A table file's tables, through the cache.
fn cached_tables(
    cache: &mut LoadCache,
    path: &Path,
    rel: &str,
    diags: &mut Diagnostics,
) -> Arc<Vec<table::Table>> {
    cache.file(path, rel, limits(), tables::max_table_bytes(), diags, |d| {
        tables::read_tables(path, rel, d)
    })
}

fn load_with(root: &Path, cache: &mut LoadCache) -> (Option<Project>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let path = root.join("commission.toml");
    let config = cache.file(
        &path,
        "commission.toml",
        0,
        MAX_CONFIG_BYTES,
        &mut diags,
        |d| {
            let text = read_config(root, d)?;
            let (config, config_diags) = Config::parse(&text, "commission.toml");
            d.extend(config_diags);
            Some(config)
        },
    );
    let Some(config) = config.as_ref().clone() else {
        return (None, diags);
    };
    let mut project = Project {
        config: config.clone().unwrap_or_default(),
        ..Project::default()
    };
    let mut inputs = vec!["commission.toml".to_string()];
    // `needs/` (the largest folder, and the model's first part) is loaded on one side while
    // `maps/`, the documents, `procurement/` and `contracts/` are loaded on the other;
    // `contracts/kpis/` (the second largest) and `grants/` after both, so that the two largest
    // are never held in memory at once. `needs/` has its own diagnostics and its own part of the
    // cache, put together as if it had been loaded first.
    let mut needs_cache = cache.split_off("needs", NEEDS_SECTION);
    let (mut needs_inputs, mut needs_diags) = (Vec::new(), Diagnostics::new());
    let mut other_diags = Diagnostics::new();
    let mut load = Load {
        root,
        project: &mut project,
        inputs: &mut inputs,
        diags: &mut other_diags,
        cache,
    };
    let (needs, returns) = rayon::join(
        || {
            needs(
                root,
                &mut needs_cache.cache,
                &mut needs_inputs,
                &mut needs_diags,
            )
        },
        || {
            load.maps();
            load.documents();
            load.procurement();
            load.contracts()
        },
    );
    load.cache.rejoin(needs_cache);
    let (indicators, observations, areas) = needs;
    load.project.indicators = indicators;
    load.project.observations = observations;
    load.project.areas = areas;
    load.kpi_returns(returns);
    load.grants();
    diags.extend(needs_diags);
    diags.extend(other_diags);
    inputs.extend(needs_inputs);
    inputs.sort();
    project.inputs = inputs;
    crate::model::validate::validate(&project, &mut diags);
    (config.map(|_| project), diags)
}

/// One load under way: the project it fills, the inputs it met, its diagnostics and the cache.
struct Load<'a> {
    root: &'a Path,
    project: &'a mut Project,
    inputs: &'a mut Vec<String>,
    diags: &'a mut Diagnostics,
    cache: &'a mut LoadCache,
}

/// What `needs/` gives the model: indicators, observations (sorted) and areas.
type NeedsModel = (
    BTreeMap<String, crate::model::Indicator>,
    Arc<Vec<crate::model::Observation>>,
    BTreeMap<String, crate::model::Area>,
);

/// What one table of `contracts/` is, by its columns.
enum ContractsTable {
    Register {
        mentioned: Vec<String>,
        contracts: Vec<Contract>,
        extra: Vec<String>,
    },
    Returns(Vec<contracts::SharedRun>),
    NotRecognised,
}

/// What one file of `contracts/` gives.
enum ContractsFile {
    /// An OCDS package's releases, as JSON (turned into releases each load).
    Ocds(serde_json::Value),
    Tables(Vec<ContractsTable>),
    Nothing,
}

/// What one table of `procurement/` gives: the ids it names and its rows.
type ProcurementRows<T> = (Vec<String>, Vec<T>);

/// The name under which the cache keeps the model made from `needs/`.
const NEEDS_SECTION: &str = "needs";

/// `needs/`: every table file, recognised by its columns: indicator metadata, a Fingertips
/// export in any form, or values in the project's own layout. The model they give is kept as
/// long as none of them changes.
fn needs(
    root: &Path,
    cache: &mut LoadCache,
    inputs: &mut Vec<String>,
    diags: &mut Diagnostics,
) -> NeedsModel {
    let mut read = Vec::new();
    for (path, rel) in files_in(root, "needs", TABLE_EXTENSIONS, diags) {
        inputs.push(rel.clone());
        let tables = cached_tables(cache, &path, &rel, diags);
        read.push((rel, tables));
    }
    let rels: Vec<&str> = read.iter().map(|(rel, _)| rel.as_str()).collect();
    cache.section(NEEDS_SECTION, &rels, 0, diags, |d| needs_model(&read, d))
}

impl Load<'_> {
    /// `maps/`: boundary files, one layer each.
    fn maps(&mut self) {
        let maps = &self.project.config.maps;
        let params = cache::params_of(&(limits(), maps));
        for (path, rel) in files_in(self.root, "maps", &["geojson", "json"], self.diags) {
            self.inputs.push(rel.clone());
            let layer = self.cache.file(
                &path,
                &rel,
                params,
                tables::max_table_bytes(),
                self.diags,
                |d| {
                    if !tables::within_size_limit(&path, &rel, d) {
                        return None;
                    }
                    let text = read_text(&path, &rel, d)?;
                    boundaries::read_boundaries(&text, &rel, maps, d)
                },
            );
            if let Some(layer) = layer.as_ref() {
                self.project.maps.push(layer.clone());
            }
        }
    }

    /// A Markdown document read by `read` from its text, through the cache.
    fn markdown<T: Clone + Send + Sync + 'static>(
        &mut self,
        path: &Path,
        rel: &str,
        read: impl FnOnce(&str, &mut Diagnostics) -> Option<T>,
    ) -> Option<T> {
        self.inputs.push(rel.to_string());
        let limit = max_markdown_bytes();
        let read = self
            .cache
            .file(path, rel, limits(), limit, self.diags, |d| {
                let text = read_markdown(path, rel, d)?;
                read(&text, d)
            });
        read.as_ref().clone()
    }

    /// `specifications/`, `engagement/` and `pages/`: Markdown with front matter.
    fn documents(&mut self) {
        for (path, rel) in files_in(self.root, "specifications", &["md"], self.diags) {
            let read =
                |text: &str, d: &mut Diagnostics| documents::read_specification(text, &rel, d);
            let Some(spec) = self.markdown(&path, &rel, read) else {
                continue;
            };
            if let Some(first) = self.project.specifications.get(&spec.id) {
                self.diags.push(
                    Diagnostic::error(&rel, Location::Line(2), "duplicate specification id")
                        .column("id")
                        .value(spec.id.clone())
                        .hint(format!("also used by {}", first.origin.file)),
                );
            } else {
                self.project.specifications.insert(spec.id.clone(), spec);
            }
        }
        let engagement = files_in(
            self.root,
            "engagement",
            &["md", "csv", "xlsx", "xlsm", "xls", "ods"],
            self.diags,
        );
        for (path, rel) in engagement
            .iter()
            .filter(|(_, r)| walk::extension(r) == "md")
        {
            let read = |text: &str, d: &mut Diagnostics| documents::read_engagement(text, rel, d);
            let Some(e) = self.markdown(path, rel, read) else {
                continue;
            };
            if self.project.engagements.contains_key(&e.id) {
                self.diags.push(
                    Diagnostic::error(rel, Location::Line(2), "duplicate engagement id")
                        .column("id")
                        .value(e.id.clone()),
                );
            } else {
                self.project.engagements.insert(e.id.clone(), e);
            }
        }
        not_named(&engagement, "engagement", &["you-said-we-did"], self.diags);
        if let Some((path, rel)) = one_table(&engagement, "you-said-we-did", self.diags) {
            let responses = self.table_rows(&path, &rel, |t, d| {
                (Vec::new(), grants::read_responses(t, d))
            });
            self.project.responses.extend(responses.1);
        }
        for (path, rel) in files_in(self.root, "pages", &["md"], self.diags) {
            let stem = stem(&rel);
            let read = |text: &str, d: &mut Diagnostics| documents::read_page(&stem, text, &rel, d);
            if let Some(page) = self.markdown(&path, &rel, read) {
                self.project.pages.insert(stem, page);
            }
        }
    }

    /// The rows `read` takes from each table of a table file (with the ids they name), through
    /// the cache.
    fn table_rows<T: Clone + Send + Sync + 'static>(
        &mut self,
        path: &Path,
        rel: &str,
        read: impl Fn(&table::Table, &mut Diagnostics) -> ProcurementRows<T>,
    ) -> ProcurementRows<T> {
        self.inputs.push(rel.to_string());
        let limit = tables::max_table_bytes();
        let rows = self
            .cache
            .file(path, rel, limits(), limit, self.diags, |d| {
                let mut all = (Vec::new(), Vec::new());
                for t in tables::read_tables(path, rel, d) {
                    let (ids, rows) = read(&t, d);
                    all.0.extend(ids);
                    all.1.extend(rows);
                }
                all
            });
        rows.as_ref().clone()
    }

    /// `procurement/options`, `procurement/tenders` and `procurement/bids`.
    fn procurement(&mut self) {
        let files = files_in(self.root, "procurement", TABLE_EXTENSIONS, self.diags);
        not_named(
            &files,
            "procurement",
            &["options", "tenders", "bids"],
            self.diags,
        );
        if let Some((path, rel)) = one_table(&files, "options", self.diags) {
            let (_, options) = self.table_rows(&path, &rel, |t, d| {
                (Vec::new(), procurement::read_options(t, d))
            });
            self.project.options.extend(options);
        }
        if let Some((path, rel)) = one_table(&files, "tenders", self.diags) {
            let (ids, tenders) = self.table_rows(&path, &rel, |t, d| {
                let ids = fields::column_values(t, "tender_id");
                (ids, tenders::read_tenders(t, d))
            });
            self.mention("tender", ids);
            for tender in tenders {
                self.project
                    .tenders
                    .insert(tender.tender_id.clone(), tender);
            }
        }
        if let Some((path, rel)) = one_table(&files, "bids", self.diags) {
            let (ids, bids) = self.table_rows(&path, &rel, |t, d| {
                let ids = fields::column_values(t, "tender_id");
                (ids, procurement::read_bids(t, d))
            });
            self.mention("tender", ids);
            self.project.bids.extend(bids);
        }
    }

    /// Notes ids named in input rows (see `Project::mentioned`).
    fn mention(&mut self, kind: &str, ids: impl IntoIterator<Item = String>) {
        for id in ids {
            self.project.mentioned.insert((kind.to_string(), id));
        }
    }

    /// `contracts/`: every file recognised by its content — a contract register in any accepted
    /// layout, KPI returns, or OCDS release and record packages. Each file's reading is kept; the
    /// contracts are put together again each load. Gives the KPI returns it found, for
    /// [`Load::kpi_returns`].
    fn contracts(&mut self) -> Vec<contracts::SharedRun> {
        let mut extensions = TABLE_EXTENSIONS.to_vec();
        extensions.push("json");
        let mut returns = Vec::new();
        let mut releases = Vec::new();
        let mut registered = Vec::new();
        for (path, rel) in files_in(self.root, "contracts", &extensions, self.diags) {
            self.inputs.push(rel.clone());
            let limit = tables::max_table_bytes();
            let read = self
                .cache
                .file(&path, &rel, limits(), limit, self.diags, |d| {
                    read_contracts_file(&path, &rel, d)
                });
            match read.as_ref() {
                ContractsFile::Ocds(v) => releases.extend(ocds::releases(v.clone(), &rel)),
                ContractsFile::Nothing => {}
                ContractsFile::Tables(tables) => {
                    for t in tables {
                        match t {
                            ContractsTable::Register {
                                mentioned,
                                contracts,
                                extra,
                            } => {
                                self.mention("contract", mentioned.iter().cloned());
                                registered.push((contracts.clone(), extra.clone()));
                            }
                            ContractsTable::Returns(r) => returns.extend(r.iter().cloned()),
                            ContractsTable::NotRecognised => {}
                        }
                    }
                }
            }
        }
        for (contracts, extra) in registered {
            add_register(self.project, contracts, &extra, self.diags);
        }
        for c in ocds::read_contracts(releases, self.diags) {
            add_contract(self.project, c, self.diags);
        }
        returns
    }

    /// `contracts/kpis/`: KPI returns, put together with those `contracts/` itself held
    /// (`returns`) into each KPI's series.
    fn kpi_returns(&mut self, mut returns: Vec<contracts::SharedRun>) {
        // KPI returns come as many files (a month or a provider each): read in parallel.
        let kpi_files = files_in(self.root, "contracts/kpis", TABLE_EXTENSIONS, self.diags);
        self.inputs
            .extend(kpi_files.iter().map(|(_, rel)| rel.clone()));
        let limit = tables::max_table_bytes();
        let read = self
            .cache
            .files(&kpi_files, limits(), limit, self.diags, |path, rel, d| {
                let mut returns = Vec::new();
                for t in tables::read_tables(path, rel, d) {
                    let runs = contracts::read_kpis(&t, d);
                    returns.extend(runs.into_iter().map(contracts::KpiRun::shared));
                }
                returns
            });
        for file in read {
            returns.extend(file.iter().cloned());
        }
        self.project.kpis = contracts::group_kpis(returns, self.diags);
    }

    /// `grants/`: a grants register in the project's own layout, the 360Giving CSV layout, or a
    /// 360Giving JSON package.
    fn grants(&mut self) {
        let mut extensions = TABLE_EXTENSIONS.to_vec();
        extensions.push("json");
        let mut found = Vec::new();
        for (path, rel) in files_in(self.root, "grants", &extensions, self.diags) {
            self.inputs.push(rel.clone());
            let limit = tables::max_table_bytes();
            let grants = self
                .cache
                .file(&path, &rel, limits(), limit, self.diags, |d| {
                    read_grants_file(&path, &rel, d)
                });
            found.extend(grants.iter().cloned());
        }
        for g in found {
            if self.project.grants.contains_key(&g.grant_id) {
                self.diags.push(
                    Diagnostic::error(&g.origin.file, g.origin.location(), "duplicate grant id")
                        .column("grant_id")
                        .value(g.grant_id.clone()),
                );
            } else {
                self.project.grants.insert(g.grant_id.clone(), g);
            }
        }
    }
}

/// The model `needs/`'s tables give: indicators from metadata tables, observations and areas
/// from values tables (the project's own layout or a Fingertips export).
fn needs_model(read: &[(String, Arc<Vec<table::Table>>)], diags: &mut Diagnostics) -> NeedsModel {
    let mut indicators = BTreeMap::new();
    let mut values = needs::NeedsValues::default();
    for (rel, tables) in read {
        for t in tables.iter() {
            if needs::is_indicators(t) || stem(rel).eq_ignore_ascii_case("indicators") {
                for (id, ind) in needs::read_indicators(t, diags) {
                    indicators.insert(id, ind);
                }
            } else if needs::is_fingertips(t) || needs::is_own_values(t) {
                needs::read_values(t, &mut values, diags);
            } else {
                not_recognised(t, "indicator metadata (indicator_id, name, value_type, polarity), a Fingertips export (Indicator ID, Area Code, Time period, Value) or values (indicator_id, area_code, period, value)", diags);
            }
        }
    }
    // The checks and the sort's order only read the observations: they run side by side, each
    // with its own diagnostics, added in the order the checks would have made them one by one.
    let (mut settled, mut duplicates) = (Diagnostics::new(), Diagnostics::new());
    let ((), ((), order)) = rayon::join(
        || needs::settle_indicators(&mut indicators, &values, &mut settled),
        || {
            rayon::join(
                || needs::check_duplicates(&values.observations, &mut duplicates),
                || needs::series_order(&values.observations),
            )
        },
    );
    diags.extend(settled);
    diags.extend(duplicates);
    if let Some(order) = order {
        needs::put_in_order(&mut values.observations, order);
    }
    (indicators, Arc::new(values.observations), values.areas)
}

/// Reads one file of `contracts/`: an OCDS package, or tables each recognised by its columns.
fn read_contracts_file(path: &Path, rel: &str, diags: &mut Diagnostics) -> ContractsFile {
    if walk::extension(rel) == "json" {
        let Some(v) = read_json(path, rel, diags) else {
            return ContractsFile::Nothing;
        };
        if ocds::is_ocds(&v) {
            return ContractsFile::Ocds(v);
        }
        diags.push(
            Diagnostic::warning(rel, Location::File, "file not used: not an OCDS release or record package")
                .hint("contracts/ reads OCDS 1.1 packages ({\"releases\": [...]} or {\"records\": [...]})"),
        );
        return ContractsFile::Nothing;
    }
    let mut read = Vec::new();
    for t in tables::read_tables(path, rel, diags) {
        let register = register::is_register(&t)
            || (!contracts::is_kpi_return(&t) && register::looks_like_register(&t));
        read.push(if register {
            let mentioned = fields::column_values(&t, "contract_id").into_iter().collect();
            let (contracts, extra) = register::read_register(&t, diags);
            ContractsTable::Register {
                mentioned,
                contracts,
                extra,
            }
        } else if contracts::is_kpi_return(&t) {
            let runs = contracts::read_kpis(&t, diags);
            ContractsTable::Returns(runs.into_iter().map(contracts::KpiRun::shared).collect())
        } else {
            not_recognised(&t, "a contract register (a reference, title and supplier column, e.g. Reference number, Title of agreement, Supplier name) or KPI returns (contract_id, kpi_id)", diags);
            ContractsTable::NotRecognised
        });
    }
    ContractsFile::Tables(read)
}

/// Reads one file of `grants/`: a 360Giving JSON package, or grants tables in either layout.
fn read_grants_file(path: &Path, rel: &str, diags: &mut Diagnostics) -> Vec<crate::model::Grant> {
    if walk::extension(rel) == "json" {
        let Some(v) = read_json(path, rel, diags) else {
            return Vec::new();
        };
        if giving::is_360giving_json(&v) {
            return giving::read_package(v, rel, diags);
        }
        diags.push(
            Diagnostic::warning(
                rel,
                Location::File,
                "file not used: not a 360Giving package",
            )
            .hint("grants/ reads 360Giving JSON packages ({\"grants\": [...]})"),
        );
        return Vec::new();
    }
    let mut found = Vec::new();
    for t in tables::read_tables(path, rel, diags) {
        if giving::is_360giving_csv(&t) {
            found.extend(giving::read_csv(&t, diags));
        } else if grants::is_own_grants(&t) {
            found.extend(grants::read_grants(&t, diags));
        } else {
            not_recognised(&t, "grants (grant_id, title, recipient_name, amount_awarded, award_date) or the 360Giving CSV headings (Identifier, Title, Amount Awarded, Award Date, Recipient Org:Name)", diags);
        }
    }
    found
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
