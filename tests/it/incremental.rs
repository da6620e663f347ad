//! Incremental output: after one KPI return changes, only the pages and data files that depend on
//! it get new bytes and new modification times; everything else keeps its old mtime.

use crate::common;

use commission::build::{build, BuildOptions};
use std::time::{Duration, SystemTime};

/// A copy of the sample council in a temporary folder, built into `site/` beside it.
struct Fixture {
    _dir: tempfile::TempDir,
    dir: std::path::PathBuf,
    project: std::path::PathBuf,
    out: std::path::PathBuf,
    options: BuildOptions,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    common::copy_project(&common::sample(), &project);
    let out = dir.path().join("site");
    let options = BuildOptions {
        project: project.clone(),
        output: Some(out.clone()),
        base_url: None,
    };
    Fixture {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        project,
        out,
        options,
    }
}

/// Replaces the first `from` in the project's file `rel` with `to`.
fn edit(project: &std::path::Path, rel: &str, from: &str, to: &str) {
    let path = project.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen(from, to, 1);
    assert_ne!(text, changed, "the fixture row moved: {rel}");
    std::fs::write(&path, changed).unwrap();
}

/// Changes one actual value of one KPI of contract C-2023-001.
fn change_one_kpi_value(project: &std::path::Path) {
    edit(
        project,
        "contracts/kpis/drug-and-alcohol.csv",
        "C-2023-001,DA-01,People in structured treatment,2024-05,1507,",
        "C-2023-001,DA-01,People in structured treatment,2024-05,1300,",
    );
}

/// A cache as `serve` keeps one (the search index and data tables deferred), after the
/// fixture's first build and its index have been published.
fn served(f: &Fixture) -> commission::cache::BuildCache {
    let mut cache = commission::cache::BuildCache::default();
    cache.defer_search = true;
    commission::build::build_cached(&f.options, &commission::stages::Silent, Some(&mut cache))
        .unwrap();
    commission::build::finish_search(&f.out, &mut cache).unwrap();
    cache
}

/// Each file's content hash, by path.
fn hashes(m: std::collections::BTreeMap<String, (u64, SystemTime)>) -> Vec<(String, u64)> {
    m.into_iter().map(|(k, (h, _))| (k, h)).collect()
}

/// The site a build without a cache writes for the project now, as [`hashes`].
fn fresh_build(f: &Fixture) -> Vec<(String, u64)> {
    let fresh = f.dir.join("fresh");
    let report = build(&BuildOptions {
        output: Some(fresh.clone()),
        ..f.options.clone()
    })
    .unwrap();
    assert!(report.output.is_some());
    hashes(common::snapshot(&fresh))
}

#[test]
fn changing_one_kpi_file_changes_only_dependent_files() {
    let f = fixture();
    let (project, out, options) = (&f.project, &f.out, &f.options);
    let report = build(options).unwrap();
    assert!(report.output.is_some(), "{:?}", report.diagnostics);

    // Age every file, so a file rewritten by the second build is easy to tell apart.
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
    }
    // The search index names its chunks by content, so a changed page renames a few of them: it
    // is checked as a whole below, not file by file.
    let without_search = |mut m: std::collections::BTreeMap<String, (u64, SystemTime)>| {
        m.retain(|k, _| !common::is_search_index(k));
        m
    };
    let before = without_search(common::snapshot(out));

    change_one_kpi_value(project);
    let report = build(options).unwrap();
    assert!(report.output.is_some(), "{:?}", report.diagnostics);
    let after = without_search(common::snapshot(out));
    assert!(out.join("search/meta.json").exists());

    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut new_bytes = Vec::new();
    for (path, (hash, mtime)) in &after {
        let (old_hash, _) = before[path];
        if *hash == old_hash {
            assert_eq!(*mtime, long_ago, "{path} is unchanged but was touched");
        } else {
            assert_ne!(*mtime, long_ago, "{path} changed but kept its old mtime");
            new_bytes.push(path.as_str());
        }
    }
    assert!(new_bytes.contains(&"performance/contracts/c-2023-001/da-01/index.html"));
    assert!(new_bytes.contains(&"data/kpis.csv"));
    assert!(new_bytes.contains(&"data/kpis.json"));
    assert!(
        new_bytes.iter().all(|p| !p.starts_with("needs/")
            && !p.starts_with("planning/")
            && !p.starts_with("assets/")
            && !p.starts_with("performance/contracts/c-2022")),
        "unrelated files changed: {new_bytes:#?}"
    );
    assert!(
        new_bytes.len() <= 15,
        "too many files changed for one KPI value: {new_bytes:#?}"
    );
}

/// `serve` keeps a cache between builds: a second build with nothing changed renders no page and
/// keeps the search index; after one KPI value changes, exactly the pages whose bytes changed are
/// rendered again, and the site is byte for byte what a build without a cache writes.
#[test]
fn with_a_cache_only_pages_whose_data_changed_are_rendered_again() {
    use commission::build::{build_cached, SearchIndex};
    use commission::cache::BuildCache;
    use commission::stages::Silent;
    let f = fixture();
    let (project, out, options) = (&f.project, &f.out, &f.options);
    let mut cache = BuildCache::default();
    let first = build_cached(options, &Silent, Some(&mut cache)).unwrap();
    assert!(first.output.is_some(), "{:?}", first.diagnostics);
    assert_eq!(first.rendered.len(), first.pages);
    assert_eq!(first.search, SearchIndex::Built);

    let again = build_cached(options, &Silent, Some(&mut cache)).unwrap();
    assert_eq!(again.rendered, Vec::<String>::new());
    assert_eq!(again.search, SearchIndex::Unchanged);
    let before = common::snapshot(out);

    change_one_kpi_value(project);
    let third = build_cached(options, &Silent, Some(&mut cache)).unwrap();
    assert!(third.output.is_some(), "{:?}", third.diagnostics);
    let after = common::snapshot(out);
    let changed_pages: Vec<&String> = after
        .iter()
        .filter(|(path, (hash, _))| {
            path.ends_with(".html") && before.get(*path).map(|b| b.0) != Some(*hash)
        })
        .map(|(path, _)| path)
        .collect();
    let mut rendered = third.rendered.clone();
    rendered.sort();
    assert_eq!(rendered.iter().collect::<Vec<_>>(), changed_pages);
    // Only the KPI page whose value changed: its contract's page, the dashboard and the
    // needs pages show counts of judgements, not this value.
    assert_eq!(
        rendered,
        ["performance/contracts/c-2023-001/da-01/index.html"],
        "pages rendered again"
    );
    assert_eq!(
        third.search,
        SearchIndex::Built,
        "the KPI page's text changed"
    );

    assert_eq!(fresh_build(&f), hashes(after));
}

/// `serve` publishes pages before their search index: with `defer_search`, a build whose pages'
/// text changed publishes the previous index and data tables, and `finish_search` then publishes
/// the site with the new ones, byte for byte what a build without a cache writes.
#[test]
fn a_deferred_search_index_follows_the_pages() {
    use commission::build::{build_cached, finish_search, SearchIndex};
    use commission::cache::BuildCache;
    use commission::stages::Silent;
    let f = fixture();
    let (project, out, options) = (&f.project, &f.out, &f.options);
    let mut cache = BuildCache::default();
    cache.defer_search = true;
    let first = build_cached(options, &Silent, Some(&mut cache)).unwrap();
    assert_eq!(first.search, SearchIndex::Built, "no index to defer to yet");
    assert!(finish_search(out, &mut cache).unwrap().is_none());
    let index = |m: &std::collections::BTreeMap<String, (u64, SystemTime)>| {
        m.iter()
            .filter(|(k, _)| common::is_search_index(k))
            .map(|(k, (h, _))| (k.clone(), *h))
            .collect::<Vec<_>>()
    };
    let before = common::snapshot(out);

    change_one_kpi_value(project);
    let second = build_cached(options, &Silent, Some(&mut cache)).unwrap();
    assert_eq!(second.search, SearchIndex::Pending);
    let published = common::snapshot(out);
    assert_eq!(
        index(&published),
        index(&before),
        "the previous index is published"
    );
    let page = "performance/contracts/c-2023-001/da-01/index.html";
    assert_ne!(published[page].0, before[page].0, "the page is already new");
    // The data tables follow the pages, as the index does: the previous ones are published first.
    let table = "data/kpis.csv";
    assert_eq!(
        published[table].0, before[table].0,
        "the previous tables first"
    );

    // The previous sites are kept beside the output, each to be the next build's starting
    // folder: nothing for the caller to remove.
    assert!(second.previous_site.is_none(), "kept as the cache's spare");
    assert!(finish_search(out, &mut cache).unwrap().is_none());
    let spare = cache
        .take_spare()
        .expect("the site before the index was published");
    assert_eq!(spare.path().parent(), out.parent());
    assert_eq!(
        common::snapshot(spare.path())[page].0,
        published[page].0,
        "the site published with the previous index, whole"
    );
    commission::write::remove_site(spare.path()).unwrap();
    let settled = common::snapshot(out);
    assert!(
        finish_search(out, &mut cache).unwrap().is_none(),
        "nothing left to do"
    );
    assert_eq!(common::snapshot(out), settled, "nothing published again");
    let after = common::snapshot(out);
    assert_ne!(index(&after), index(&before));
    assert_ne!(after[table].0, before[table].0, "then this build's tables");

    assert_eq!(fresh_build(&f), hashes(after));
}

/// A save that arrives while `serve` builds the search index stops it: nothing is published, the
/// index and tables stay pending, and the next build's index, once finished, gives the site a
/// build without a cache writes.
#[test]
fn a_deferred_search_index_stops_for_a_newer_change() {
    use commission::build::{build_cached, finish_search_unless, Finished};
    use commission::stages::Silent;
    let f = fixture();
    let (project, out, options) = (&f.project, &f.out, &f.options);
    let mut cache = served(&f);

    change_one_kpi_value(project);
    build_cached(options, &Silent, Some(&mut cache)).unwrap();
    let published = common::snapshot(out);
    let asked = std::sync::atomic::AtomicUsize::new(0);
    let stop = || asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 3;
    assert_eq!(
        finish_search_unless(out, &mut cache, &stop).unwrap(),
        Finished::Stopped
    );
    assert!(
        asked.load(std::sync::atomic::Ordering::SeqCst) >= 4,
        "asked before each record"
    );
    assert!(cache.search_pending(), "the index is still to build");
    assert!(cache.tables_pending(), "and the tables");
    assert_eq!(common::snapshot(out), published, "nothing published");

    // The next save: the same value changed again.
    edit(
        project,
        "contracts/kpis/drug-and-alcohol.csv",
        "2024-05,1300,",
        "2024-05,1250,",
    );
    build_cached(options, &Silent, Some(&mut cache)).unwrap();
    assert_eq!(
        finish_search_unless(out, &mut cache, &|| false).unwrap(),
        Finished::Published(None)
    );
    assert!(!cache.search_pending() && !cache.tables_pending());
    assert_eq!(fresh_build(&f), hashes(common::snapshot(out)));
}

/// A data table whose key is unchanged (the needs tables, while the needs side is) is linked
/// from the site it replaces rather than written again: after a KPI change the needs table is the
/// published site's file, mark and all; after a needs change it is written afresh.
#[test]
fn needs_tables_are_linked_while_the_needs_side_is_unchanged() {
    use commission::build::{build_cached, finish_search};
    use commission::stages::Silent;
    let f = fixture();
    let (project, out, options) = (&f.project, &f.out, &f.options);
    let mut cache = served(&f);
    // A mark that only a table written again would lose.
    let mark = |rel: &str| {
        let path = out.join(rel);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"marked\n");
        std::fs::write(&path, bytes).unwrap();
    };
    let marked = |rel: &str| std::fs::read(out.join(rel)).unwrap().ends_with(b"marked\n");
    mark("data/needs.csv");
    mark("data/kpis.csv");

    change_one_kpi_value(project);
    build_cached(options, &Silent, Some(&mut cache)).unwrap();
    finish_search(out, &mut cache).unwrap();
    assert!(marked("data/needs.csv"), "linked, not written again");
    assert!(!marked("data/kpis.csv"), "the KPI table is written again");

    edit(
        project,
        "needs/values.csv",
        "E08000099,2019/20,,,,213,17850",
        "E08000099,2019/20,,,,230,17850",
    );
    build_cached(options, &Silent, Some(&mut cache)).unwrap();
    finish_search(out, &mut cache).unwrap();
    assert!(!marked("data/needs.csv"), "a needs change writes it again");
    assert_eq!(fresh_build(&f), hashes(common::snapshot(out)));
}
