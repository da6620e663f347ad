//! Reads the theme: the default theme embedded in the binary, overridden file by file by the
//! project's `templates/` and `static/` folders, and its string tables (`i18n/LANG.toml`),
//! overridden key by key by the project's `i18n/LANG.toml`.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use include_dir::{include_dir, Dir};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates and static files, with the project's overrides applied.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (e.g. `base.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Names of templates that came from the project (for error messages).
    pub overridden: Vec<String>,
    /// The embedded theme's static files: path under `assets/` (e.g. `style.css`) → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// The project's `static/` files: path under `assets/` → the file, copied into the site as
    /// it is written (never read whole); each replaces the embedded file of the same path.
    pub static_sources: BTreeMap<String, PathBuf>,
    /// Language tag (e.g. `en-GB`) → its string table, the project's keys over the theme's.
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
}

/// The language whose table every other language falls back to, key by key.
pub const BASE_LANGUAGE: &str = "en-GB";

/// The words of one language: dotted key (`flag.too_few_kpis`) → text. A key the language's
/// table lacks comes from the base language's.
#[derive(Clone, Default)]
pub struct Strings {
    /// By hash: pages look words up hundreds of thousands of times a build, and a search of an
    /// ordered table compared a dozen keys sharing their first letters (`spc.`, `format.`) where
    /// a hash compares one. Never iterated in the hash's order ([`Strings::keys`] sorts).
    words: HashMap<String, String, foldhash::fast::FixedState>,
    /// A hash of every key and text, standing for the table in render keys.
    fingerprint: u64,
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({:016x})", self.fingerprint)
    }
}

impl Strings {
    /// The text of `key`; the key itself when no table has it (so a missing string shows).
    pub fn get<'s>(&'s self, key: &'s str) -> &'s str {
        self.words.get(key).map_or(key, String::as_str)
    }

    /// The text of `key` with each `{name}` placeholder replaced by the value given for `name`
    /// (`"{count} KPIs showing concern"`). Placeholders are read in one pass over the table's
    /// text, so braces inside a value (a title from the project) are never read as placeholders;
    /// a placeholder with no value given stays as written, so it shows.
    pub fn fill(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill_in(self.get(key), args)
    }

    /// A hash of every key and text: changes whenever any word does (render keys).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Whether the table has `key` (a key missing from every table shows as itself).
    pub fn has(&self, key: &str) -> bool {
        self.words.contains_key(key)
    }

    /// Every key of the table, in order (sorted here: the table is by hash).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let mut keys: Vec<&str> = self.words.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys.into_iter()
    }

    /// The embedded theme's base-language words.
    pub fn base() -> &'static Strings {
        static BASE: std::sync::OnceLock<Strings> = std::sync::OnceLock::new();
        BASE.get_or_init(|| default_theme().strings_for(BASE_LANGUAGE))
    }
}

/// `text` with each `{name}` placeholder replaced by the value given for `name`, in one pass
/// (see [`Strings::fill`]); for a text that is not a key's, such as one already escaped.
pub fn fill_in(text: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(text.len() + 16 * args.len());
    let mut rest = text;
    // Braces are ASCII, never part of another character's bytes: found by memchr, where
    // `str::find` with a char cost twice as much (a KPI page fills a few dozen texts).
    while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = memchr::memchr(b'}', after.as_bytes()).and_then(|close| {
            let name = &after[..close];
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (v, close))
        });
        match value {
            Some((v, close)) => {
                std::fmt::Write::write_fmt(&mut out, format_args!("{v}"))
                    .expect("writing to a String");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Theme {
    /// The words of `language`, falling back key by key to the base language.
    pub fn strings_for(&self, language: &str) -> Strings {
        let mut words = self.strings.get(BASE_LANGUAGE).cloned().unwrap_or_default();
        if let Some(table) = self.strings.get(language) {
            words.extend(table.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&words, &mut hasher);
        Strings {
            fingerprint: std::hash::Hasher::finish(&hasher),
            words: words.into_iter().collect(),
        }
    }
}

/// Flattens a string table (`[flag] too_few_kpis = "..."` → `flag.too_few_kpis`); a value that
/// is not text is returned as the key in error.
fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(text) => {
                out.insert(key, text.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out)?,
            _ => return Err(key),
        }
    }
    Ok(())
}

/// Reads a string table's source.
fn parse_strings(source: &str) -> Result<BTreeMap<String, String>, String> {
    let table: toml::Table = source
        .parse()
        .map_err(|e: toml::de::Error| e.message().to_string())?;
    let mut out = BTreeMap::new();
    flatten("", &table, &mut out).map_err(|key| format!("{key} is not text"))?;
    Ok(out)
}

fn collect(dir: &Dir<'_>, out: &mut Vec<(String, Vec<u8>)>) {
    for f in dir.files() {
        out.push((
            f.path().to_string_lossy().replace('\\', "/"),
            f.contents().to_vec(),
        ));
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The embedded default theme: read once per process (its string tables are TOML to parse, a few
/// milliseconds that `serve` would otherwise spend on every save) and copied for each build.
pub fn default_theme() -> Theme {
    static DEFAULT: std::sync::OnceLock<Theme> = std::sync::OnceLock::new();
    DEFAULT.get_or_init(read_default_theme).clone()
}

fn read_default_theme() -> Theme {
    let mut files = Vec::new();
    collect(&DEFAULT_THEME, &mut files);
    let mut theme = Theme::default();
    for (path, bytes) in files {
        if let Some(name) = path.strip_prefix("templates/") {
            theme.templates.insert(
                name.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        } else if let Some(name) = path.strip_prefix("static/") {
            theme.static_files.insert(name.to_string(), bytes);
        } else if let Some(name) = path.strip_prefix("i18n/") {
            if let (Some(language), Ok(table)) = (
                name.strip_suffix(".toml"),
                parse_strings(&String::from_utf8_lossy(&bytes)),
            ) {
                theme.strings.insert(language.to_string(), table);
            }
        }
    }
    theme
}

/// The largest template a project may override (`COMMISSION_MAX_TEMPLATE_BYTES` raises it): a
/// theme's templates are a few KiB each.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// A file of the project's `templates/` or `static/` folder that may be read: a regular file
/// inside the project (a symlink is followed only to a target inside the project folder).
struct Found {
    /// `/`-separated path under the folder.
    rel: String,
    /// The file's real path.
    path: PathBuf,
    len: u64,
}

/// Every readable file under `root/folder`, in name order; a symlink whose target is outside
/// the project, a special file (FIFO, socket, device) or an unreadable folder is an error naming
/// it, and is not read.
fn walk_folder(root: &Path, folder: &str, diags: &mut Diagnostics) -> Vec<Found> {
    let top = root.join(folder);
    if std::fs::symlink_metadata(&top).is_err() {
        return Vec::new();
    }
    let project = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut found = Vec::new();
    let mut walk = walkdir::WalkDir::new(&top)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let shown = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_else(|| format!("{folder}/"));
                diags.push(
                    Diagnostic::error(shown, Location::File, format!("cannot read: {e}"))
                        .hint("every file of the theme folders must be readable; a folder that contains itself is refused"),
                );
                continue;
            }
        };
        let shown = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if entry.path_is_symlink() {
            let target = entry.path().canonicalize();
            let inside = target.as_ref().is_ok_and(|t| t.starts_with(&project));
            if !inside {
                let to = target
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|e| e.to_string());
                diags.push(
                    Diagnostic::error(&shown, Location::File, "symlink to a place outside the project; not read")
                        .value(to)
                        .hint("copy the files into the project folder; a symlink is followed only within it"),
                );
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            diags.push(
                Diagnostic::error(&shown, Location::File, "not a regular file; not read")
                    .hint("a FIFO, socket or device cannot be part of a theme; remove it"),
            );
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&top)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let path = entry
            .path()
            .canonicalize()
            .unwrap_or_else(|_| entry.path().to_path_buf());
        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
        found.push(Found { rel, path, len });
    }
    found
}

/// The template size limit in force: `MAX_TEMPLATE_BYTES`, or `COMMISSION_MAX_TEMPLATE_BYTES`.
fn max_template_bytes() -> u64 {
    super::workbook_limits::limit_from_env("COMMISSION_MAX_TEMPLATE_BYTES", MAX_TEMPLATE_BYTES)
}

/// The default theme with the project's `templates/` and `static/` applied over it. Templates
/// are read; static files are only listed (`Theme::static_sources`), to be copied into the site
/// as it is written, so a large file is never held in memory.
pub fn load_theme(root: &Path, diags: &mut Diagnostics) -> Theme {
    let mut theme = default_theme();
    let limit = max_template_bytes();
    for file in walk_folder(root, "templates", diags) {
        let shown = format!("templates/{}", file.rel);
        if file.len > limit {
            diags.push(
                Diagnostic::error(
                    &shown,
                    Location::File,
                    format!(
                        "template is larger than the {} limit",
                        super::table::limit_text(limit)
                    ),
                )
                .value(format!("{} bytes", file.len))
                .hint("a template holds markup, not data; COMMISSION_MAX_TEMPLATE_BYTES raises the limit"),
            );
            continue;
        }
        match std::fs::read_to_string(&file.path) {
            Ok(text) => {
                let rel = file.rel;
                if !theme.templates.contains_key(&rel) {
                    diags.push(
                        Diagnostic::warning(&shown, Location::File, "template does not replace a theme template and can only be included by other templates")
                            .hint(format!("theme templates are: {}", theme.templates.keys().cloned().collect::<Vec<_>>().join(", "))),
                    );
                }
                theme.templates.insert(rel.clone(), text);
                theme.overridden.push(rel);
            }
            Err(e) => diags.push(Diagnostic::error(
                &shown,
                Location::File,
                format!("cannot read the template: {e}"),
            )),
        }
    }
    read_string_overrides(root, &mut theme, diags);
    for file in walk_folder(root, "static", diags) {
        theme.static_files.remove(&file.rel);
        theme.static_sources.insert(file.rel, file.path);
    }
    theme
}

/// Applies the project's `i18n/LANG.toml` files over the theme's tables, key by key. A key the
/// base language's table does not have is a warning (it would never be shown); a file that is not
/// a table of text is an error.
fn read_string_overrides(root: &Path, theme: &mut Theme, diags: &mut Diagnostics) {
    let Ok(entries) = std::fs::read_dir(root.join("i18n")) else {
        return;
    };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let Some(language) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".toml"))
            .map(str::to_string)
        else {
            continue;
        };
        let shown = format!("i18n/{language}.toml");
        let table = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the string table: {e}"))
            .and_then(|text| parse_strings(&text).map_err(|e| format!("not a string table: {e}")));
        match table {
            Ok(table) => {
                let known = theme
                    .strings
                    .get(BASE_LANGUAGE)
                    .cloned()
                    .unwrap_or_default();
                for key in table.keys().filter(|k| !known.contains_key(*k)) {
                    diags.push(
                        Diagnostic::warning(
                            &shown,
                            Location::File,
                            "not a key of the theme's string table",
                        )
                        .value(key.clone())
                        .hint("see themes/default/i18n/en-GB.toml for the keys"),
                    );
                }
                theme.strings.entry(language).or_default().extend(table);
            }
            Err(message) => diags.push(Diagnostic::error(&shown, Location::File, message)),
        }
    }
}

#[cfg(test)]
mod string_tests {
    use super::*;

    #[test]
    fn a_project_rewords_a_string_and_a_language_falls_back_key_by_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("i18n")).unwrap();
        std::fs::write(
            dir.path().join("i18n/en-GB.toml"),
            "[flag]\nexpiring_soon = \"Ends soon\"\nunknown_key = \"x\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("i18n/cy-GB.toml"),
            "[rag]\ngreen = \"Wedi cyrraedd y targed\"\n",
        )
        .unwrap();
        let mut diags = Diagnostics::default();
        let theme = load_theme(dir.path(), &mut diags);
        let english = theme.strings_for("en-GB");
        assert_eq!(english.get("flag.expiring_soon"), "Ends soon");
        assert_eq!(english.get("rag.green"), "Met target");
        let welsh = theme.strings_for("cy-GB");
        assert_eq!(welsh.get("rag.green"), "Wedi cyrraedd y targed");
        // Not in the Welsh table: the base language's words.
        assert_eq!(welsh.get("rag.red"), "Missed target");
        let warnings: Vec<_> = diags
            .iter()
            .map(|d| (d.file.as_str(), d.value.as_deref()))
            .collect();
        assert_eq!(warnings, [("i18n/en-GB.toml", Some("flag.unknown_key"))]);
        assert_eq!(
            Strings::base().get("flag.expiring_soon"),
            "Ends within 18 months"
        );
    }

    fn table(pairs: &[(&str, &str)]) -> Strings {
        let mut theme = Theme::default();
        theme.strings.insert(
            BASE_LANGUAGE.into(),
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        theme.strings_for(BASE_LANGUAGE)
    }

    #[test]
    fn fill_replaces_named_placeholders_once_and_leaves_unknown_ones_showing() {
        let w = table(&[
            ("kpi.concern", "{count} KPIs showing concern in {place}"),
            ("odd", "{ {missing} {count}} {unclosed"),
        ]);
        assert_eq!(
            w.fill("kpi.concern", &[("count", &3), ("place", &"{count}")]),
            "3 KPIs showing concern in {count}"
        );
        assert_eq!(w.fill("odd", &[("count", &7)]), "{ {missing} 7} {unclosed");
        // A key no table has shows as itself, so the page says which one is missing.
        assert_eq!(w.fill("no.such", &[("count", &1)]), "no.such");
        assert!(w.has("odd") && !w.has("no.such"));
    }

    #[test]
    fn a_table_that_is_not_text_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("i18n")).unwrap();
        std::fs::write(
            dir.path().join("i18n/en-GB.toml"),
            "[flag]\nexpiring_soon = 3\n",
        )
        .unwrap();
        let mut diags = Diagnostics::default();
        load_theme(dir.path(), &mut diags);
        assert!(diags.has_errors());
        let d = diags.iter().next().unwrap();
        assert_eq!(
            d.message,
            "not a string table: flag.expiring_soon is not text"
        );
    }
}
