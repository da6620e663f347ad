//! Helpers shared by the integration tests: fixture paths, building a project into a temporary
//! folder, reading every output file, parsing CSV data files and the links of a page.

pub mod alloc;
pub mod golden;
pub mod schemas;

use commission::build::{build, BuildOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root (the crate's manifest folder).
pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    manifest().join("tests/fixtures").join(name)
}

/// The sample council shipped with the crate.
pub fn sample() -> PathBuf {
    manifest().join("sample-data")
}

/// Builds `project` into `out` through the library and panics, listing the diagnostics, unless
/// the build published a site.
pub fn build_ok(project: &Path, out: &Path) {
    let report = build(&BuildOptions {
        project: project.to_path_buf(),
        output: Some(out.to_path_buf()),
        base_url: None,
    })
    .unwrap_or_else(|e| panic!("build of {} failed: {e:#}", project.display()));
    let listed: Vec<String> = report
        .diagnostics
        .sorted()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(
        report.output.is_some(),
        "{} was not built:\n{}",
        project.display(),
        listed.join("\n")
    );
}

/// Runs `commission check PROJECT` with the environment variables `env` set: its exit code and
/// what it printed on stderr.
pub fn check_cli(project: &Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_commission"))
        .arg("check")
        .arg(project)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A site built once (each test module keeps its own in a `OnceLock`) into a temporary folder that lives as long as the process.
pub struct Built {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Built {
    pub fn new(project: &Path) -> Built {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("site");
        build_ok(project, &root);
        Built { _dir: dir, root }
    }

    /// The text of the file at a `/`-separated path under the site root.
    pub fn text(&self, rel: &str) -> String {
        let path = self.root.join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The rows of `data/NAME.csv`, each a map from header to cell.
    pub fn csv(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        read_csv(&self.root.join("data").join(format!("{name}.csv")))
    }
}

/// Every row of a CSV file as a map from header to cell.
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("header row").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("CSV record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Every file under `root` (relative `/`-separated path → bytes), in path order.
pub fn all_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.expect("walk the site"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Decodes the character references tera writes into attributes.
pub fn unescape(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The values of every `href="..."` and `src="..."` attribute in a page, unescaped.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let end = after.find('"').expect("closing quote");
            out.push(unescape(&after[..end]));
            rest = &after[end..];
        }
    }
    out
}

/// Resolves an internal link relative to the page file at `page` (a `/`-separated path under
/// the site root), dropping any `#fragment` or `?query`; `None` for external and fragment-only
/// links and for links that climb above the root.
pub fn resolve(page: &str, link: &str) -> Option<Option<String>> {
    if link.contains("://") || link.starts_with("mailto:") || link.starts_with('#') {
        return None;
    }
    let link = link.split(['#', '?']).next().unwrap_or("");
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(None);
                }
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if link.ends_with('/') || link.is_empty() {
        path = if path.is_empty() {
            "index.html".into()
        } else {
            format!("{path}/index.html")
        };
    }
    Some(Some(path))
}

/// Internal links of a page, resolved to site paths (links above the root become `..`).
pub fn internal_links(page: &str, html: &str) -> Vec<String> {
    links(html)
        .iter()
        .filter_map(|l| resolve(page, l))
        .map(|p| p.unwrap_or_else(|| "..".into()))
        .collect()
}

/// Asserts `actual` is within 1e-9 relative of `expected` (absolute near zero).
pub fn assert_close(what: &str, actual: f64, expected: f64) {
    let tol = 1e-9 * expected.abs().max(1e-12);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} is not within 1e-9 relative of {expected}"
    );
}

/// A numeric cell of a CSV row.
pub fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    let cell = row
        .get(column)
        .unwrap_or_else(|| panic!("no column {column} in {row:?}"));
    cell.parse()
        .unwrap_or_else(|e| panic!("column {column}: {cell:?}: {e}"))
}

/// Copies a folder tree (a fixture project) into `to`.
#[allow(dead_code)]
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Copies a project folder into `to` (same as `copy_tree`).
#[allow(dead_code)]
pub fn copy_project(from: &Path, to: &Path) {
    copy_tree(from, to);
}

/// Whether a site file (`/`-separated, relative to the site root) is one of the search index's
/// files under `search/` (docs/FORMATS.md, "Search index"), not the search page.
#[allow(dead_code)]
pub fn is_search_index(path: &str) -> bool {
    path.starts_with("search/") && path.ends_with(".json")
}

/// Every file of a folder: `/`-separated relative path → (hash of bytes, modification time).
#[allow(dead_code)]
pub fn snapshot(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::hash::{Hash, Hasher};
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::fs::read(entry.path()).unwrap().hash(&mut hasher);
        let mtime = entry.metadata().unwrap().modified().unwrap();
        out.insert(rel, (hasher.finish(), mtime));
    }
    out
}
