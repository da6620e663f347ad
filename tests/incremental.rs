//! Incremental output: after one KPI return changes, only the pages and data files that depend on
//! it get new bytes and new modification times; everything else keeps its old mtime.

mod common;

use commission::build::{build, BuildOptions};
use std::time::{Duration, SystemTime};

#[test]
fn changing_one_kpi_file_changes_only_dependent_files() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    common::copy_project(&common::sample(), &project);
    let out = dir.path().join("site");
    let options = BuildOptions {
        project: project.clone(),
        output: Some(out.clone()),
        base_url: None,
    };
    let report = build(&options).unwrap();
    assert!(report.output.is_some(), "{:?}", report.diagnostics);

    // Age every file, so a file rewritten by the second build is easy to tell apart.
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for entry in walkdir::WalkDir::new(&out) {
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
        m.retain(|k, _| !k.starts_with("pagefind/"));
        m
    };
    let before = without_search(common::snapshot(&out));

    // One actual value of one KPI of contract C-2023-001.
    let kpis = project.join("contracts/kpis/drug-and-alcohol.csv");
    let text = std::fs::read_to_string(&kpis).unwrap();
    let changed = text.replacen(
        "C-2023-001,DA-01,People in structured treatment,2024-05,1507,",
        "C-2023-001,DA-01,People in structured treatment,2024-05,1300,",
        1,
    );
    assert_ne!(text, changed, "the fixture row moved");
    std::fs::write(&kpis, changed).unwrap();
    let report = build(&options).unwrap();
    assert!(report.output.is_some(), "{:?}", report.diagnostics);
    let after = without_search(common::snapshot(&out));
    assert!(out.join("pagefind/pagefind-entry.json").exists());

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
