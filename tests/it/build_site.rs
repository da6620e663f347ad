//! Building the `small` fixture end to end: every page of FORMATS.md section 3 at its address,
//! the links along the commissioning cycle, a whole-site link check (also for the sample
//! council), escaping, Markdown rendering, the page language and breadcrumbs.

use crate::common;

use common::{all_files, fixture, internal_links, sample, Built};
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn small() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| Built::new(&fixture("small")))
}

/// Every page type in FORMATS.md section 3, at the address the ids of `small` give it.
const PAGES: &[&str] = &[
    "index.html",
    "needs/index.html",
    "needs/indicators/10001/index.html",
    "needs/indicators/10002/index.html",
    "needs/indicators/10003/index.html",
    "needs/areas/e07000001/index.html",
    "needs/areas/e05000001/index.html",
    "needs/areas/e05000002/index.html",
    "needs/areas/e92000001/index.html",
    "needs/priorities/index.html",
    "planning/index.html",
    "planning/spec-act/index.html",
    "planning/spec-falls/index.html",
    "planning/resources/index.html",
    "planning/engagement/index.html",
    "planning/engagement/eng-act-2023/index.html",
    "procurement/index.html",
    "procurement/options/spec-act/index.html",
    "procurement/tenders/t-act-2023/index.html",
    "procurement/grants/index.html",
    "procurement/grants/g-1/index.html",
    "procurement/grants/g-2/index.html",
    "performance/index.html",
    "performance/contracts/c-act-1/index.html",
    "performance/contracts/c-falls-1/index.html",
    "performance/contracts/c-act-1/k1/index.html",
    "performance/contracts/c-act-1/k2/index.html",
    "performance/compliance/index.html",
    "performance/pipeline/index.html",
    "data/index.html",
    "about/index.html",
    "search/index.html",
    "404.html",
    "sitemap.xml",
    "feed.xml",
];

#[test]
fn every_page_type_exists_at_its_address() {
    let files = all_files(&small().root);
    let missing: Vec<&&str> = PAGES.iter().filter(|p| !files.contains_key(**p)).collect();
    assert!(missing.is_empty(), "missing pages: {missing:?}");
    // Each table of FORMATS.md section 2 is published as CSV and JSON.
    for name in [
        "needs",
        "priorities",
        "options",
        "evaluation",
        "contracts",
        "kpis",
        "kpi_summary",
        "grants",
        "engagement",
    ] {
        for ext in ["csv", "json"] {
            let path = format!("data/{name}.{ext}");
            assert!(files.contains_key(&path), "missing {path}");
        }
    }
    for path in [
        "data/ocds.json",
        "data/grants-360giving.json",
        "data/contracts-register.csv",
    ] {
        assert!(files.contains_key(path), "missing {path}");
    }
}

/// The internal links of a page, as site paths.
fn links_of(page: &str) -> BTreeSet<String> {
    internal_links(page, &small().text(page))
        .into_iter()
        .collect()
}

fn assert_links(page: &str, targets: &[&str]) {
    let links = links_of(page);
    let missing: Vec<&&str> = targets.iter().filter(|t| !links.contains(**t)).collect();
    assert!(
        missing.is_empty(),
        "{page} does not link to {missing:?}; it links to {links:#?}"
    );
}

#[test]
fn indicator_page_links_to_the_specification_and_contract() {
    assert_links(
        "needs/indicators/10001/index.html",
        &[
            "planning/spec-act/index.html",
            "performance/contracts/c-act-1/index.html",
        ],
    );
    assert_links(
        "needs/indicators/10002/index.html",
        &[
            "planning/spec-falls/index.html",
            "performance/contracts/c-falls-1/index.html",
        ],
    );
}

#[test]
fn specification_page_links_back_to_need_and_on_to_tender_and_contract() {
    assert_links(
        "planning/spec-act/index.html",
        &[
            "needs/indicators/10001/index.html",
            "needs/indicators/10003/index.html",
            "procurement/tenders/t-act-2023/index.html",
            "procurement/options/spec-act/index.html",
            "performance/contracts/c-act-1/index.html",
            "planning/engagement/eng-act-2023/index.html",
        ],
    );
}

#[test]
fn contract_page_links_to_tender_kpis_and_needs() {
    assert_links(
        "performance/contracts/c-act-1/index.html",
        &[
            "procurement/tenders/t-act-2023/index.html",
            "performance/contracts/c-act-1/k1/index.html",
            "performance/contracts/c-act-1/k2/index.html",
            "needs/indicators/10001/index.html",
            "planning/spec-act/index.html",
        ],
    );
}

#[test]
fn kpi_page_links_to_its_contract() {
    for kpi in ["k1", "k2"] {
        assert_links(
            &format!("performance/contracts/c-act-1/{kpi}/index.html"),
            &["performance/contracts/c-act-1/index.html"],
        );
    }
}

/// Every internal `href`/`src` of every HTML page resolves to a file of the site.
fn assert_no_broken_links(site: &Built) {
    let files = all_files(&site.root);
    let mut broken = Vec::new();
    for (page, bytes) in &files {
        if !page.ends_with(".html") || page == "404.html" {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for target in internal_links(page, &html) {
            if !files.contains_key(&target) {
                broken.push(format!("{page} -> {target}"));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn small_site_has_no_broken_internal_links() {
    assert_no_broken_links(small());
}

#[test]
fn sample_site_has_no_broken_internal_links() {
    assert_no_broken_links(&Built::new(&sample()));
}

/// The text of the first element `<TAG ...>...</TAG>` in `html`; `tag` may carry the start of
/// its attributes, e.g. `nav class="breadcrumbs`.
fn element(html: &str, tag: &str) -> String {
    let name = tag.split(' ').next().unwrap();
    let start = html
        .find(&format!("<{tag}"))
        .unwrap_or_else(|| panic!("no <{tag}>"));
    let open_end = start + html[start..].find('>').unwrap() + 1;
    let close = open_end + html[open_end..].find(&format!("</{name}>")).unwrap();
    html[open_end..close].to_string()
}

#[test]
fn markup_in_a_title_is_escaped_everywhere_it_is_shown() {
    let html = small().text("planning/spec-falls/index.html");
    assert_eq!(element(&html, "h1"), "Falls &lt;b&gt;&amp; balance service");
    assert_eq!(
        element(&html, "title"),
        "Falls &lt;b&gt;&amp; balance service – Commissioning in Smallbridge"
    );
    assert!(
        !html.contains("<b>&"),
        "raw markup from the title in the page"
    );
    let index = small().text("planning/index.html");
    assert!(!index.contains("<b>&"), "raw markup in the planning index");
}

#[test]
fn markdown_body_renders_tables_and_heading_anchors() {
    let main = element(&small().text("about/index.html"), "main");
    let ids: Vec<&str> = main
        .match_indices(" id=\"")
        .map(|(i, m)| {
            let rest = &main[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(ids, ["h-the-stages", "h-contact-us"]);
    let table = element(&main, "table");
    assert_eq!(
        table.replace('\n', ""),
        "<thead><tr><th>Stage</th><th>Page</th></tr></thead><tbody>\
         <tr><td>Needs</td><td>Needs assessment</td></tr>\
         <tr><td>Planning</td><td>Specifications</td></tr></tbody>"
    );
    // A specification's Markdown body renders its table too.
    let spec = small().text("planning/spec-act/index.html");
    assert!(spec.contains("<th>Offer</th><th>Who for</th>"));
}

#[test]
fn every_page_declares_the_configured_language() {
    for page in PAGES.iter().filter(|p| p.ends_with(".html")) {
        let html = small().text(page);
        assert!(
            html.contains("<html lang=\"cy-GB\""),
            "{page} lacks lang=\"cy-GB\""
        );
    }
}

#[test]
fn inner_pages_have_breadcrumbs_to_their_parents() {
    let html = small().text("performance/contracts/c-act-1/k1/index.html");
    let nav = element(&html, "nav class=\"breadcrumbs");
    let crumbs: Vec<String> = nav
        .split("<li")
        .skip(1)
        .map(|li| {
            let text = &li[li.find('>').unwrap() + 1..];
            let text = text.split("</li>").next().unwrap();
            // Strip an inner link, keep its text.
            match text.find("\">") {
                Some(i) if text.starts_with("<a") => {
                    text[i + 2..].trim_end_matches("</a>").to_string()
                }
                _ => text.to_string(),
            }
        })
        .collect();
    assert_eq!(
        crumbs,
        [
            "Home",
            "Performance",
            "Active lives service",
            "People attending a session — Active lives service",
        ]
    );
    let links = internal_links(
        "performance/contracts/c-act-1/k1/index.html",
        &format!("<nav>{nav}</nav>"),
    );
    assert!(links.contains(&"performance/contracts/c-act-1/index.html".to_string()));
    for page in PAGES.iter().filter(|p| p.ends_with("/index.html")) {
        if *page != "index.html" {
            assert!(
                small().text(page).contains("aria-label=\"Breadcrumb\""),
                "{page} has no breadcrumbs"
            );
        }
    }
}
