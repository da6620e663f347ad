//! Golden snapshots of the `small` fixture's site, under `tests/snapshots/small/`: the `<main>` of
//! one page of every page kind, the layout around it (the home page with its `<main>` left out),
//! the header of every data file (a CSV's header row; a JSON file's field paths) and the whole of
//! `feed.xml`, `sitemap.xml` and `robots.txt`. A change to any of them fails here with the first
//! differing line; `COMMISSION_BLESS=1 cargo test --test it snapshots::` rewrites them when the
//! change is meant (review the diff before committing).

use crate::common::golden::assert_golden;
use crate::common::{fixture, manifest, Built};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

fn small() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| Built::new(&fixture("small")))
}

fn snapshot(name: &str) -> PathBuf {
    manifest().join("tests/snapshots/small").join(name)
}

/// The page of each kind whose `<main>` is snapshotted, by snapshot name.
const PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("not-found", "404.html"),
    ("free-page", "about/index.html"),
    ("search", "search/index.html"),
    ("data-catalogue", "data/index.html"),
    ("needs", "needs/index.html"),
    ("indicator", "needs/indicators/10001/index.html"),
    ("area", "needs/areas/e05000001/index.html"),
    ("priorities", "needs/priorities/index.html"),
    ("planning", "planning/index.html"),
    ("specification", "planning/spec-act/index.html"),
    ("resources", "planning/resources/index.html"),
    ("engagements", "planning/engagement/index.html"),
    ("engagement", "planning/engagement/eng-act-2023/index.html"),
    ("procurement", "procurement/index.html"),
    ("options", "procurement/options/spec-act/index.html"),
    ("tender", "procurement/tenders/t-act-2023/index.html"),
    ("grants", "procurement/grants/index.html"),
    ("grant", "procurement/grants/g-1/index.html"),
    ("performance", "performance/index.html"),
    ("compliance", "performance/compliance/index.html"),
    ("pipeline", "performance/pipeline/index.html"),
    ("contract", "performance/contracts/c-act-1/index.html"),
    ("kpi", "performance/contracts/c-act-1/k1/index.html"),
];

/// Files published whole, snapshotted whole.
const WHOLE: &[&str] = &["feed.xml", "sitemap.xml", "robots.txt"];

/// The byte range of a page's `<main …>…</main>`.
fn main_range(page: &str, html: &str) -> std::ops::Range<usize> {
    let start = html
        .find("<main")
        .unwrap_or_else(|| panic!("{page} has no <main>"));
    let end = html[start..]
        .find("</main>")
        .unwrap_or_else(|| panic!("{page} has no </main>"))
        + start
        + "</main>".len();
    assert!(
        !html[end..].contains("<main"),
        "{page} has more than one <main>"
    );
    start..end
}

fn assert_main(name: &str) {
    let (_, page) = PAGES.iter().find(|(n, _)| *n == name).unwrap();
    let html = small().text(page);
    let main = &html[main_range(page, &html)];
    assert_golden(&snapshot(&format!("{name}.html")), &format!("{main}\n"));
}

macro_rules! page_kinds {
    ($($test:ident => $name:literal;)*) => {
        $(
            #[test]
            fn $test() {
                assert_main($name);
            }
        )*

        /// Every page kind in `PAGES` has its test above.
        #[test]
        fn every_page_kind_has_a_test() {
            let tested: BTreeSet<&str> = [$($name),*].into_iter().collect();
            let listed: BTreeSet<&str> = PAGES.iter().map(|(n, _)| *n).collect();
            assert_eq!(tested, listed);
        }
    };
}

page_kinds! {
    home_main => "home";
    not_found_main => "not-found";
    free_page_main => "free-page";
    search_main => "search";
    data_catalogue_main => "data-catalogue";
    needs_main => "needs";
    indicator_main => "indicator";
    area_main => "area";
    priorities_main => "priorities";
    planning_main => "planning";
    specification_main => "specification";
    resources_main => "resources";
    engagements_main => "engagements";
    engagement_main => "engagement";
    procurement_main => "procurement";
    options_main => "options";
    tender_main => "tender";
    grants_main => "grants";
    grant_main => "grant";
    performance_main => "performance";
    compliance_main => "compliance";
    pipeline_main => "pipeline";
    contract_main => "contract";
    kpi_main => "kpi";
}

/// The layout every page shares (head, header, navigation, footer), taken from the home page.
#[test]
fn layout() {
    let html = small().text("index.html");
    let main = main_range("index.html", &html);
    let layout = format!(
        "{}<main><!-- see home.html --></main>{}",
        &html[..main.start],
        &html[main.end..]
    );
    assert_golden(&snapshot("layout.html"), &layout);
}

#[test]
fn feed_sitemap_and_robots() {
    for name in WHOLE {
        assert_golden(&snapshot(name), &small().text(name));
    }
}

/// The field paths of a JSON value: `[]` for an array's items, `.` between keys.
fn json_paths(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                let sep = if prefix.is_empty() { "" } else { "." };
                json_paths(v, &format!("{prefix}{sep}{key}"), out);
            }
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            for item in items {
                json_paths(item, &format!("{prefix}[]"), out);
            }
        }
        serde_json::Value::Object(_) => {
            out.insert(format!("{prefix}{{}}"));
        }
        serde_json::Value::Array(_) => {
            out.insert(format!("{prefix}[]"));
        }
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

/// Every published data file's header: a CSV's header row as written, a JSON file's field paths
/// (every key at every depth, sorted).
#[test]
fn data_file_headers() {
    let data = small().root.join("data");
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") || n.ends_with(".json"))
        .collect();
    names.sort();
    let mut out = String::new();
    for name in names {
        let text = std::fs::read_to_string(data.join(&name)).unwrap();
        if name.ends_with(".csv") {
            let header = text.lines().next().unwrap_or("");
            out.push_str(&format!("data/{name}\n  {header}\n"));
        } else {
            let value: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut paths = BTreeSet::new();
            json_paths(&value, "", &mut paths);
            out.push_str(&format!("data/{name}\n"));
            for p in paths {
                out.push_str(&format!("  {p}\n"));
            }
        }
    }
    assert_golden(&snapshot("data-headers.txt"), &out);
}

/// Every file under `tests/snapshots/small/` is compared by a test above, so none goes stale.
#[test]
fn every_snapshot_file_is_compared() {
    let mut expected: BTreeSet<String> = PAGES.iter().map(|(n, _)| format!("{n}.html")).collect();
    expected.extend(WHOLE.iter().map(|n| n.to_string()));
    expected.insert("layout.html".into());
    expected.insert("data-headers.txt".into());
    let present: BTreeSet<String> = std::fs::read_dir(snapshot(""))
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let stale: Vec<&String> = present.difference(&expected).collect();
    assert!(stale.is_empty(), "snapshots no test compares: {stale:?}");
}
