//! Incremental rebuilds as `serve` runs them (`build_cached` with one `BuildCache`): after a change
//! to any kind of input file, the site is byte for byte what a build without a cache writes, its
//! diagnostics are the same, only the changed file was read from disk again, and only some pages
//! were rendered again.

use crate::common;

use commission::build::{build, build_cached, BuildOptions, BuildReport};
use commission::cache::BuildCache;
use commission::stages::Silent;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// A copy of the sample council, a cache kept between its builds into `site/`, and `fresh/` for
/// the builds without a cache it is compared with.
struct Rebuilds {
    _dir: tempfile::TempDir,
    project: PathBuf,
    fresh: PathBuf,
    options: BuildOptions,
    cache: BuildCache,
}

impl Rebuilds {
    /// The sample council built once with a new cache, which read every input.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        common::copy_project(&common::sample(), &project);
        let options = BuildOptions {
            project: project.clone(),
            output: Some(dir.path().join("site")),
            base_url: None,
        };
        let mut r = Rebuilds {
            fresh: dir.path().join("fresh"),
            _dir: dir,
            project,
            options,
            cache: BuildCache::default(),
        };
        let first = r.build();
        assert!(first.output.is_some(), "{:?}", first.diagnostics);
        assert!(first.reads.read.len() > 30, "{:?}", first.reads);
        assert!(first
            .reads
            .read
            .contains(&"contracts/register.xlsx".to_string()));
        assert_eq!(first.rendered.len(), first.pages);
        r
    }

    /// A build with the cache.
    fn build(&mut self) -> BuildReport {
        build_cached(&self.options, &Silent, Some(&mut self.cache)).unwrap()
    }

    /// Rebuilds with the cache after a change to `changed`, and checks the site and diagnostics
    /// against a build without a cache: only `changed` was read, fewer pages were rendered than
    /// the site has. Returns the cached build's report.
    fn rebuild_after(&mut self, changed: &str) -> BuildReport {
        let report = self.build();
        assert_eq!(report.reads.read, [changed], "files read again");
        assert!(report.output.is_some(), "{:?}", report.diagnostics);
        assert!(
            report.rendered.len() < report.pages,
            "{changed}: every page was rendered again"
        );
        self.same_as_fresh(&report);
        report
    }

    /// The cached build's site and diagnostics are those of a build without a cache.
    fn same_as_fresh(&self, cached: &BuildReport) {
        let fresh = build(&BuildOptions {
            output: Some(self.fresh.clone()),
            ..self.options.clone()
        })
        .unwrap();
        assert_eq!(texts(cached), texts(&fresh), "diagnostics");
        assert_eq!(cached.output.is_some(), fresh.output.is_some());
        if let (Some(site_path), Some(fresh_path)) = (&cached.output, &fresh.output) {
            let (site, fresh_site) = (hashes(site_path), hashes(fresh_path));
            assert_eq!(
                site.keys().collect::<Vec<_>>(),
                fresh_site.keys().collect::<Vec<_>>(),
                "the same files"
            );
            assert_eq!(folders(site_path), folders(fresh_path), "the same folders");
            let differ: Vec<&String> = site
                .iter()
                .filter(|(path, hash)| fresh_site[*path] != **hash)
                .map(|(path, _)| path)
                .collect();
            assert!(differ.is_empty(), "files that differ: {differ:#?}");
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.project.join(rel)
    }

    /// Replaces `from` by `to` (once) in the text file `rel`.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.path(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let changed = text.replacen(from, to, 1);
        assert_ne!(text, changed, "{rel} does not hold {from:?}");
        std::fs::write(&path, changed).unwrap();
    }
}

/// Each diagnostic as the CLI prints it, in its stable order.
fn texts(report: &BuildReport) -> Vec<String> {
    let diags = report.diagnostics.sorted();
    diags.iter().map(ToString::to_string).collect()
}

/// Each file of a site by path, with the hash of its bytes.
fn hashes(site: &Path) -> BTreeMap<String, u64> {
    common::snapshot(site)
        .into_iter()
        .map(|(path, (hash, _))| (path, hash))
        .collect()
}

/// Each folder of a site by path (a cached build that reuses an earlier site's folder removes
/// the folders its removed pages leave empty).
fn folders(site: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(site)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(site)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

/// Replaces `from` by `to` in the entry `entry` of the zip archive (.xlsx, .ods) at `path`.
fn edit_zip(path: &Path, entry: &str, from: &str, to: &str) {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut edited = false;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name == entry {
            let text = String::from_utf8(data).unwrap();
            let changed = text.replacen(from, to, 1);
            edited = changed != text;
            data = changed.into_bytes();
        }
        let options = zip::write::SimpleFileOptions::default();
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(edited, "{entry} of {path:?} does not hold {from:?}");
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn a_change_to_needs_settings_or_maps_is_rebuilt_as_a_fresh_build() {
    let mut r = Rebuilds::new();
    r.edit("commission.toml", "trend_points = 5", "trend_points = 4");
    r.rebuild_after("commission.toml");
    r.edit(
        "needs/values.csv",
        "E08000099,2019/20,,,,213,17850",
        "E08000099,2019/20,,,,230,17850",
    );
    r.rebuild_after("needs/values.csv");
    r.edit(
        "needs/indicators.csv",
        "93763,Admission episodes for alcohol-specific conditions,",
        "93763,Admissions for alcohol-specific conditions,",
    );
    r.rebuild_after("needs/indicators.csv");
    r.edit(
        "needs/fingertips-export.csv",
        "England,Male,All ages,,,2015 - 17,79.4,",
        "England,Male,All ages,,,2015 - 17,79.45,",
    );
    r.rebuild_after("needs/fingertips-export.csv");
    r.edit(
        "maps/northbridge-wards.geojson",
        "\"WD22NM\":\"Bridgefoot\"",
        "\"WD22NM\":\"Bridgefoot Ward\"",
    );
    r.rebuild_after("maps/northbridge-wards.geojson");
}

#[test]
fn a_change_to_documents_or_procurement_is_rebuilt_as_a_fresh_build() {
    let mut r = Rebuilds::new();
    let changes = [
        (
            "specifications/carers-support.md",
            "providers_engaged = 23",
            "providers_engaged = 24",
        ),
        (
            "engagement/2024-03-carers-forum.md",
            "participants = 41",
            "participants = 42",
        ),
        (
            "engagement/you-said-we-did.csv",
            "The hub opens until 8pm",
            "The hub opens until 9pm",
        ),
        (
            "pages/about.md",
            "The council calls this",
            "The council calls it",
        ),
        (
            "procurement/options.csv",
            ",0,80000,23000,",
            ",0,80000,24000,",
        ),
        (
            "procurement/tenders.csv",
            "Integrated sexual health service,",
            "Integrated sexual health services,",
        ),
        (
            "procurement/bids.csv",
            ",20650000,82,100,",
            ",20650000,84,100,",
        ),
    ];
    for (rel, from, to) in changes {
        r.edit(rel, from, to);
        r.rebuild_after(rel);
    }
}

#[test]
fn a_change_to_contracts_kpis_or_grants_is_rebuilt_as_a_fresh_build() {
    let mut r = Rebuilds::new();
    edit_zip(
        &r.path("contracts/register.xlsx"),
        "xl/worksheets/sheet1.xml",
        "Pennine Recovery Partnership CIC",
        "Pennine Recovery Partnership C.I.C.",
    );
    r.rebuild_after("contracts/register.xlsx");
    r.edit(
        "contracts/kpis/drug-and-alcohol.csv",
        "C-2023-001,DA-01,People in structured treatment,2024-05,1507,",
        "C-2023-001,DA-01,People in structured treatment,2024-05,1300,",
    );
    let report = r.rebuild_after("contracts/kpis/drug-and-alcohol.csv");
    assert_eq!(
        report.rendered,
        ["performance/contracts/c-2023-001/da-01/index.html"]
    );
    r.edit(
        "grants/grants.csv",
        "Northbridge Young Carers,24500,",
        "Northbridge Young Carers,25500,",
    );
    r.rebuild_after("grants/grants.csv");
    // A theme override is read each build (templates and strings are not in the load cache).
    std::fs::create_dir_all(r.path("i18n")).unwrap();
    std::fs::write(
        r.path("i18n/en-GB.toml"),
        "[crumb]\nhome = \"Northbridge home\"\n",
    )
    .unwrap();
    let report = r.build();
    assert_eq!(report.reads.read, Vec::<String>::new());
    assert_eq!(
        report.rendered.len(),
        report.pages,
        "every page has the crumb"
    );
    r.same_as_fresh(&report);
    // A template override compiles the templates again (the cache keeps them while the theme is
    // the same), and so does taking it away again.
    let theme_kpi = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/kpi.html"),
    )
    .unwrap();
    let local = theme_kpi.replacen(
        "{% block content %}",
        "{% block content %}<p id=\"local\">Northbridge's own KPI page</p>",
        1,
    );
    assert_ne!(local, theme_kpi);
    std::fs::create_dir_all(r.path("templates")).unwrap();
    std::fs::write(r.path("templates/kpi.html"), local).unwrap();
    let report = r.build();
    assert_eq!(report.rendered.len(), report.pages);
    let kpi_page = "performance/contracts/c-2023-001/da-01/index.html";
    let site = report.output.clone().expect("built");
    let html = std::fs::read_to_string(site.join(kpi_page)).unwrap();
    assert!(html.contains("<p id=\"local\">Northbridge's own KPI page</p>"));
    r.same_as_fresh(&report);
    std::fs::remove_file(r.path("templates/kpi.html")).unwrap();
    let report = r.build();
    let html = std::fs::read_to_string(site.join(kpi_page)).unwrap();
    assert!(!html.contains("own KPI page"), "the theme's template again");
    r.same_as_fresh(&report);
}

#[test]
fn errors_deleted_added_and_touched_files_are_rebuilt_as_a_fresh_build() {
    let mut r = Rebuilds::new();
    let values = "needs/values.csv";
    // An error, then its fix: the cache keeps no stale diagnostic.
    r.edit(values, "2020/21,,,,216,17939", "2020/21,,,,many,17939");
    let broken = r.build();
    assert_eq!(broken.reads.read, [values]);
    assert!(broken.output.is_none(), "the bad count is an error");
    assert!(
        texts(&broken).iter().any(|d| d.contains("many")),
        "{:?}",
        texts(&broken)
    );
    r.same_as_fresh(&broken);
    r.edit(values, "2020/21,,,,many,17939", "2020/21,,,,216,17939");
    let fixed = r.rebuild_after(values);
    assert!(!texts(&fixed).iter().any(|d| d.contains("many")));

    // A file deleted: nothing is read, and its page is gone.
    std::fs::remove_file(r.path("pages/methodology.md")).unwrap();
    let deleted = r.build();
    assert_eq!(deleted.reads.read, Vec::<String>::new());
    let site = deleted.output.clone().expect("built");
    assert!(!site.join("methodology/index.html").exists());
    r.same_as_fresh(&deleted);

    // A file added is read, and only it (a free page is in every page's navigation).
    std::fs::write(
        r.path("pages/contact.md"),
        "+++\ntitle = \"Contact us\"\n+++\nWrite to the commissioning team.\n",
    )
    .unwrap();
    let added = r.build();
    assert_eq!(added.reads.read, ["pages/contact.md"]);
    assert!(added.rendered.contains(&"contact/index.html".to_string()));
    r.same_as_fresh(&added);

    // A file touched without a change is hashed, not read, and nothing is rendered.
    let grants = r.path("grants/grants.csv");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(&grants)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let touched = r.build();
    assert_eq!(touched.reads.read, Vec::<String>::new());
    assert_eq!(touched.reads.hashed, ["grants/grants.csv"]);
    assert_eq!(touched.rendered, Vec::<String>::new());
    r.same_as_fresh(&touched);
    // Then unchanged: not even hashed.
    let again = r.build();
    assert_eq!(again.reads, Default::default());
}

/// The cache keeps each page's HTML packed, and links an unchanged page from the published site.
/// A page that site has lost, or holds at another length (edited by hand), is written again from
/// the cache's packed copy: the site is still byte for byte a fresh build's.
#[test]
fn a_page_the_published_site_lost_or_changed_is_written_from_the_cache() {
    let mut r = Rebuilds::new();
    let site = r.options.output.clone().unwrap();
    let lost = site.join("performance/index.html");
    let changed = site.join("needs/index.html");
    std::fs::remove_file(&lost).unwrap();
    let mut text = std::fs::read(&changed).unwrap();
    text.extend_from_slice(b"<!-- edited by hand -->");
    std::fs::write(&changed, text).unwrap();
    let report = r.build();
    assert!(report.reads.read.is_empty(), "{:?}", report.reads);
    assert!(report.rendered.is_empty(), "{:?}", report.rendered);
    r.same_as_fresh(&report);
}
