//! Wording in the theme (issue 18 item 3): every sentence a reader sees comes from the theme's
//! string table or its templates, so a project rewords it in `i18n/LANG.toml`, and no key the
//! code asks for is missing from the base table (a missing key would show as itself).

use crate::common;
use commission::load::theme::{default_theme, Strings, BASE_LANGUAGE};
use std::collections::BTreeSet;
use std::path::Path;

/// The non-test source of every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("source folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("source");
            let code = match text.find("#[cfg(test)]") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            out.push((path.display().to_string(), code));
        }
    }
}

/// The string literals of `code` (without escapes: keys have none).
fn literals(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// Whether `text` matches `pattern`, where `{...}` in the pattern stands for any key segment(s).
fn matches_pattern(pattern: &str, text: &str) -> bool {
    match pattern.find('{') {
        None => pattern == text,
        Some(open) => {
            let close = pattern[open..]
                .find('}')
                .map_or(pattern.len(), |c| open + c + 1);
            let (head, tail) = (&pattern[..open], &pattern[close..]);
            text.starts_with(head)
                && (head.len()..=text.len()).any(|i| {
                    let gap = &text[head.len()..i];
                    !gap.is_empty()
                        && gap
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                        && matches_pattern(tail, &text[i..])
                })
        }
    }
}

#[test]
fn every_key_the_code_names_is_in_the_base_table() {
    let words = Strings::base();
    let keys: Vec<&str> = words.keys().collect();
    let sections: BTreeSet<&str> = keys
        .iter()
        .map(|k| k.split('.').next().unwrap_or(k))
        .collect();
    let mut files = Vec::new();
    sources(&common::manifest().join("src/site"), &mut files);
    sources(&common::manifest().join("src/load"), &mut files);
    sources(&common::manifest().join("src/render"), &mut files);
    let mut missing = Vec::new();
    let mut named = 0;
    for (file, code) in &files {
        // The chart wording ([chart]) is looked up by the chart code's own tests.
        for lit in literals(code) {
            // A key has a section and at least one more segment ("tender." is a prefix, not a key).
            let Some((section, rest)) = lit.split_once('.') else {
                continue;
            };
            if rest.is_empty() || lit.ends_with('.') {
                continue;
            }
            let file_like = [".html", ".xml", ".txt", ".csv", ".json", ".svg", ".toml"]
                .iter()
                .any(|ext| lit.ends_with(ext));
            let key_like = lit
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.{}".contains(c));
            if !sections.contains(section) || file_like || !key_like {
                continue;
            }
            named += 1;
            let found = if lit.contains('{') {
                keys.iter().any(|k| matches_pattern(lit, k))
            } else {
                words.has(lit)
            };
            if !found {
                missing.push(format!("{file}: {lit}"));
            }
        }
    }
    assert!(missing.is_empty(), "keys not in en-GB.toml: {missing:#?}");
    // The scan sees the keys (a scan that found none could not fail).
    assert!(
        named > 150,
        "only {named} keys named in src/site and src/load"
    );
}

/// The tender pages word these codes through tender_words.html's `words(key=...)` calls.
#[test]
fn every_tender_code_the_templates_word_has_words() {
    use commission::model::tender::{AwardReason, Procedure};
    let words = Strings::base();
    let lists: [(&str, &[&str]); 6] = [
        ("status", &["open", "evaluation", "awarded", "cancelled"]),
        ("procedure", &Procedure::ALL),
        (
            "date",
            &[
                "publication",
                "clarification_deadline",
                "submission_deadline",
                "award_decision",
                "standstill_end",
                "contract_signature",
            ],
        ),
        ("service", &["find_a_tender", "contracts_finder"]),
        ("award_reason", &AwardReason::ALL),
        (
            "price_method",
            &["lowest_over_bid", "linear_deviation", "ceiling"],
        ),
    ];
    let missing: Vec<String> = lists
        .iter()
        .flat_map(|(list, codes)| codes.iter().map(move |c| format!("tender.{list}.{c}")))
        .filter(|key| !words.has(key))
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

/// Templates name keys as `words(key="...")` or `words_html(key="...")`, whole or as a prefix
/// joined to a code (`key="tender.status." ~ code`): each whole key exists, each prefix begins
/// some key.
#[test]
fn every_key_the_templates_name_is_in_the_base_table() {
    let words = Strings::base();
    let dir = common::manifest().join("themes/default/templates");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("templates")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    let (mut named, mut missing) = (0, Vec::new());
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("template");
        for call in text.split("key=\"").skip(1) {
            let key = &call[..call.find('"').expect("key ends")];
            let found = if key.ends_with('.') {
                words.keys().any(|k| k.starts_with(key))
            } else {
                words.has(key)
            };
            named += 1;
            if !found {
                missing.push(format!("{}: {key}", path.display()));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    assert!(named >= 30, "only {named} keys named in templates");
}

#[test]
fn every_language_file_of_the_theme_is_a_subset_of_the_base_table() {
    let theme = default_theme();
    let base = &theme.strings[BASE_LANGUAGE];
    for (language, table) in &theme.strings {
        let extra: Vec<&String> = table.keys().filter(|k| !base.contains_key(*k)).collect();
        assert!(
            extra.is_empty(),
            "{language} has keys en-GB lacks: {extra:?}"
        );
    }
}

#[test]
fn a_project_rewords_moved_sentences_in_its_own_string_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&common::fixture("small"), dir.path());
    std::fs::create_dir_all(dir.path().join("i18n")).expect("i18n folder");
    std::fs::write(
        dir.path().join("i18n/en-GB.toml"),
        r#"[page.performance]
title = "How our contracts are doing"
[crumb]
home = "Start"
[home.needs]
lead = "What {nothing} the borough needs."
[rating]
good = "Going well"
[kpi]
concern = "KPIs to worry about"
[feed]
award_title = "New contract: {contract} ({supplier})"
[folder.needs.indicators]
title = "All the indicators"
[nav]
data = "Datasets"
[tender.status]
awarded = "Contract awarded"
[layout]
skip_link = "Skip to the <content>"
data_licence = "<b>Licence:</b> {licence}, catalogue: {catalogue}."
"#,
    )
    .expect("string table");
    let out = tempfile::tempdir().expect("out");
    let site = out.path().join("site");
    common::build_ok(dir.path(), &site);
    let read = |rel: &str| std::fs::read_to_string(site.join(rel)).expect(rel);
    let home = read("index.html");
    // A placeholder the sentence has no value for stays as written.
    assert!(
        home.contains("<p>What {nothing} the borough needs.</p>"),
        "{home}"
    );
    assert!(home.contains("KPIs to worry about"));
    assert!(!home.contains("KPIs showing concern"));
    let dashboard = read("performance/index.html");
    assert!(dashboard.contains("<h1>How our contracts are doing</h1>"));
    assert!(dashboard.contains("Going well"));
    assert!(!dashboard.contains(">Good<"));
    // One key words the headline and the dashboard's column alike.
    assert!(dashboard.contains("<th scope=\"col\">KPIs to worry about</th>"));
    assert!(!dashboard.contains("KPIs showing concern"));
    assert!(dashboard.contains(">Start</a>"));
    assert!(dashboard.contains(">Datasets</a>"));
    // The layout's words, escaped like any text a project gives; a sentence around links keeps
    // the links the template built.
    assert!(dashboard.contains(">Skip to the &lt;content&gt;</a>"));
    assert!(
        dashboard
            .contains("&lt;b&gt;Licence:&lt;/b&gt; <a href=\"https://www.nationalarchives.gov.uk"),
        "{dashboard}"
    );
    assert!(!dashboard.contains(">Open data</a>"));
    let feed = read("feed.xml");
    assert!(
        feed.contains("<title>New contract: Active lives service (Alpha Active Ltd)</title>"),
        "{feed}"
    );
    assert!(!feed.contains("Contract awarded:"));
    assert!(read("needs/indicators/index.html").contains("<h1>All the indicators</h1>"));
    // Words templates print with words(key=...).
    let tenders = read("procurement/tenders/index.html");
    assert!(tenders.contains("Contract awarded"), "{tenders}");
}

#[test]
fn a_language_is_one_file_and_falls_back_to_the_base_key_by_key() {
    // The small fixture's language is cy-GB; one file gives its words.
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&common::fixture("small"), dir.path());
    std::fs::create_dir_all(dir.path().join("i18n")).expect("i18n folder");
    std::fs::write(
        dir.path().join("i18n/cy-GB.toml"),
        "[page.performance]\ntitle = \"Rheoli perfformiad\"\n\
         description = \"Pob contract, fel ar {as_of}.\"\n\
         [month.long]\n3 = \"Mawrth\"\n\
         [month.short]\n4 = \"Ebr\"\n5 = \"Mai\"\n\
         [format]\ndate = \"{day} {month} {year}\"\n",
    )
    .expect("string table");
    let out = tempfile::tempdir().expect("out");
    let site = out.path().join("site");
    common::build_ok(dir.path(), &site);
    let dashboard = std::fs::read_to_string(site.join("performance/index.html")).expect("page");
    assert!(dashboard.contains("<html lang=\"cy-GB\""), "{dashboard}");
    assert!(dashboard.contains("<h1>Rheoli perfformiad</h1>"));
    assert!(dashboard.contains("content=\"Pob contract, fel ar 31 Mawrth 2026.\""));
    // Keys the Welsh file lacks are the base language's.
    assert!(dashboard.contains(">Open data</a>"));
    // A KPI's chart names its periods as its table does, in the site's words, at both widths.
    let kpi = std::fs::read_to_string(site.join("performance/contracts/c-act-1/k1/index.html"))
        .expect("KPI page");
    let axis_labels = |class: &str| {
        let svg = &kpi[kpi.find(class).expect("drawing")..];
        let svg = &svg[..svg.find("</svg>").expect("end")];
        svg.match_indices("class=\"tick-label\"")
            .filter_map(|(at, _)| {
                let label = &svg[at..];
                let text = &label[label.find('>')? + 1..];
                Some(text[..text.find('<')?].to_string())
            })
            .filter(|l| l.ends_with("2024"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        axis_labels("chart-svg chart-wide"),
        ["Jan 2024", "Ebr 2024", "Jul 2024", "Oct 2024"]
    );
    assert_eq!(
        axis_labels("chart-svg chart-narrow"),
        ["Jan 2024", "Mai 2024", "Sep 2024"]
    );
    assert!(kpi.contains("<th scope=\"row\">Ebr 2024</th>"), "{kpi}");
}

/// `html` without the elements opened by `open` and closed by `close` (scripts, inline SVG).
fn without(html: &str, open: &str, close: &str) -> String {
    let mut kept = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        kept.push_str(&rest[..i]);
        rest = rest[i..]
            .find(close)
            .map_or("", |j| &rest[i + j + close.len()..]);
    }
    kept.push_str(rest);
    kept
}

/// A page's text and attribute values: everything but scripts and inline SVG (drawn by the
/// charts, whose words have their own tests).
fn page_text(html: &str) -> String {
    without(&without(html, "<script", "</script>"), "<svg", "</svg>")
}

/// A key the code asked for and no table had shows as itself: the built sample shows none.
#[test]
fn no_page_of_the_sample_shows_a_key() {
    let words = Strings::base();
    let sections: BTreeSet<&str> = words
        .keys()
        .map(|k| k.split('.').next().unwrap_or(k))
        .collect();
    let site = common::Built::new(&common::sample());
    let mut shown = BTreeSet::new();
    let mut pages = 0;
    for (rel, bytes) in common::all_files(&site.root) {
        if !(rel.ends_with(".html") || rel.ends_with(".xml")) {
            continue;
        }
        pages += 1;
        let text = page_text(&String::from_utf8_lossy(&bytes));
        for token in text.split(|c: char| c.is_whitespace() || "(),;:\"'<>=/".contains(c)) {
            let token = token.trim_end_matches('.');
            let Some((section, rest)) = token.split_once('.') else {
                continue;
            };
            let key_like = !rest.is_empty()
                && token
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.".contains(c));
            let file = [
                ".csv", ".json", ".html", ".xml", ".txt", ".md", ".toml", ".geojson",
            ]
            .iter()
            .any(|ext| token.ends_with(ext));
            if sections.contains(section) && key_like && !file {
                shown.insert(format!("{rel}: {token}"));
            }
        }
    }
    assert_eq!(pages, 201, "pages and documents of the sample");
    assert!(shown.is_empty(), "keys shown as text: {shown:#?}");
}
