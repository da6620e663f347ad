//! Security: a project whose every text field carries script, event-handler, `javascript:` and
//! spreadsheet-formula payloads builds into a site with no executable payload in any page, every
//! risky CSV cell neutralised, and every JSON file valid; bad front-matter links are refused.

use commission::build::{build, check, BuildOptions};
use std::path::{Path, PathBuf};

fn files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// Every real tag in markup (`<name attr=value ...>`), as (name, [(attribute, value)]).
/// Escaped text (`&lt;script&gt;`) is not a tag and is not returned.
fn tags(markup: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = markup.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = markup[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>') {
                i += 1;
            }
            let attr = markup[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let v = i + 1;
                    i = v;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = markup[v..i.min(b.len())].to_string();
                    i += 1;
                } else {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = markup[v..i].to_string();
                }
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs));
    }
    out
}

/// Decodes the entities that could hide a scheme (`&#x6A;avascript:`, `&colon;`) and drops
/// whitespace and control characters, as a browser does when it reads a URL.
fn url_scheme_text(value: &str) -> String {
    let mut s = String::new();
    let mut rest = value;
    while let Some(p) = rest.find('&') {
        s.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let end = after.find(';').unwrap_or(after.len());
        let entity = &after[..end];
        let decoded = if let Some(hex) = entity.strip_prefix("#x").or(entity.strip_prefix("#X")) {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = entity.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else if entity == "colon" {
            Some(':')
        } else {
            None
        };
        match decoded {
            Some(c) => {
                s.push(c);
                rest = &after[(end + 1).min(after.len())..];
            }
            None => {
                s.push('&');
                rest = after;
            }
        }
    }
    s.push_str(rest);
    s.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

#[test]
fn hostile_project_builds_without_executable_payloads() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let report = build(&BuildOptions {
        project: fixture(),
        output: Some(site.clone()),
        base_url: None,
    })
    .unwrap();
    let errors: Vec<String> = report
        .diagnostics
        .sorted()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(report.output.is_some(), "not built: {errors:#?}");

    let mut pages = 0;
    let mut csv_cells = 0;
    let mut neutralised = 0;
    for path in files(&site) {
        let rel = path.strip_prefix(&site).unwrap().display().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "html" | "xml" | "svg" => {
                pages += 1;
                let text = String::from_utf8(bytes).unwrap();
                // A script element's body is raw text, so an input script there would run.
                for (i, _) in text.match_indices("<script") {
                    let body = &text[i..];
                    let end = body.find("</script>").unwrap_or(body.len());
                    assert!(
                        !body[..end].contains("alert(1)"),
                        "{rel}: input script in a <script> element"
                    );
                }
                for (name, attrs) in tags(&text) {
                    for (attr, value) in attrs {
                        assert!(
                            !attr.starts_with("on"),
                            "{rel}: <{name}> has an event handler {attr}={value:?}"
                        );
                        if matches!(
                            attr.as_str(),
                            "href" | "src" | "action" | "formaction" | "xlink:href" | "data"
                        ) {
                            let v = url_scheme_text(&value);
                            assert!(
                                !v.starts_with("javascript:")
                                    && !v.starts_with("data:text")
                                    && !v.starts_with("vbscript:"),
                                "{rel}: <{name} {attr}={value:?}>"
                            );
                        }
                    }
                    assert!(
                        !matches!(name.as_str(), "iframe" | "object" | "embed"),
                        "{rel}: <{name}> from input"
                    );
                }
            }
            "json" => {
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .unwrap_or_else(|e| panic!("{rel}: not JSON: {e}"));
            }
            "csv" => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(bytes.as_slice());
                for record in reader.records() {
                    for cell in record.unwrap().iter() {
                        csv_cells += 1;
                        if cell.starts_with('\'') {
                            neutralised += 1;
                        }
                        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                            assert!(
                                cell.parse::<f64>().is_ok(),
                                "{rel}: spreadsheet formula cell not neutralised: {cell:?}"
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    assert_eq!(pages, 46, "pages of the hostile project");
    assert_eq!(
        (neutralised, csv_cells),
        (14, 533),
        "CSV cells neutralised, of all CSV cells"
    );
    // Negative numbers stay numbers.
    let kpis = std::fs::read_to_string(site.join("data/kpis.csv")).unwrap();
    assert!(kpis.contains(",-12.5,"), "{kpis}");
    let contracts = std::fs::read_to_string(site.join("data/contracts.csv")).unwrap();
    assert!(
        contracts.contains("\"'=HYPERLINK(\"\"javascript:alert(1)\"\")\""),
        "{contracts}"
    );
}

#[test]
fn tag_scanner_sees_through_quotes_and_escapes() {
    let t = tags("<a href=\"x\" title='&quot; onload=&quot;y'>&lt;img onerror=1&gt;<img src=x onerror=alert(1)>");
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].1.len(), 2);
    assert_eq!(t[1].1[1].0, "onerror");
    assert_eq!(url_scheme_text("jav&#x09;ascript&colon;x"), "javascript:x");
}

#[test]
fn javascript_link_in_front_matter_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(fixture().join("specifications/s1.md")).unwrap();
    for (rel, text) in [
        (
            "commission.toml",
            "title = \"T\"\norganisation = \"O\"\n".to_string(),
        ),
        (
            "specifications/s1.md",
            spec.replace(
                "url = \"https://example.org/?q='onmouseover='alert(1)&x=1\"",
                "url = \" JavaScript:alert(1)\"",
            ),
        ),
    ] {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let (_, diags) = check(dir.path());
    let links: Vec<String> = diags
        .sorted()
        .iter()
        .filter(|d| d.column.as_deref() == Some("links.url"))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        links,
        vec!["error: specifications/s1.md:27: column \"links.url\": link is not an http, https or mailto address: \" JavaScript:alert(1)\"\n  = hint: only web and email links are published"]
    );
}
