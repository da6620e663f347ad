//! Markdown files with TOML front matter between `+++` lines: specifications, engagement events
//! and free pages. Splits the front matter, checks its keys, and maps TOML errors to file lines.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::config::nearest;
use serde::de::DeserializeOwned;

/// A document split into front matter and body.
pub struct Document {
    pub front: String,
    /// Line number (1-based) of the first front-matter line.
    pub front_line: usize,
    pub body: String,
    /// Line number (1-based) of the first body line.
    pub body_line: usize,
}

/// Splits `+++\nTOML\n+++\nbody`. Reports a missing or unterminated block, and a body nesting
/// too deep to render (`nesting::check_nesting`).
pub fn split_front_matter(text: &str, rel: &str, diags: &mut Diagnostics) -> Option<Document> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim() != "+++" {
        diags.push(
            Diagnostic::error(rel, Location::Line(1), "missing front matter")
                .hint("start the file with a line `+++`, then TOML settings such as id and title, then `+++`"),
        );
        return None;
    }
    let mut front = String::new();
    let mut consumed = first.len();
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        consumed += line.len();
        if line.trim() == "+++" {
            super::nesting::check_nesting(&text[consumed..], line_no + 1, rel, diags);
            return Some(Document {
                front,
                front_line: 2,
                body: text[consumed..].to_string(),
                body_line: line_no + 1,
            });
        }
        front.push_str(line);
    }
    diags.push(
        Diagnostic::error(rel, Location::Line(1), "front matter is not closed")
            .hint("end the settings block with a line `+++`"),
    );
    None
}

/// The line of the first `key = ...` of every key in the front matter, read once: looking each
/// unknown key up by scanning the text again was quadratic (64,000 unknown keys took minutes).
struct KeyLines {
    lines: std::collections::BTreeMap<String, usize>,
    front_line: usize,
}

impl KeyLines {
    fn new(front: &str, front_line: usize) -> KeyLines {
        let mut lines = std::collections::BTreeMap::new();
        for (i, line) in front.lines().enumerate() {
            if let Some((k, _)) = line.split_once('=') {
                lines
                    .entry(k.trim().trim_matches('"').to_string())
                    .or_insert(front_line + i);
            }
        }
        KeyLines { lines, front_line }
    }

    fn of(&self, key: &str) -> Location {
        Location::Line(self.lines.get(key).copied().unwrap_or(self.front_line))
    }
}

/// Parses front matter into `T`, first reporting every unknown key (top level and in the named
/// array-of-table sections) with the nearest known key.
pub fn parse_front<T: DeserializeOwned>(
    doc: &Document,
    rel: &str,
    known: &[&str],
    nested: &[(&str, &[&str])],
    diags: &mut Diagnostics,
) -> Option<T> {
    let table: toml::Table = match doc.front.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| {
                doc.front[..s.start.min(doc.front.len())]
                    .matches('\n')
                    .count()
                    + doc.front_line
            });
            diags.push(
                Diagnostic::error(
                    rel,
                    line.map(Location::Line).unwrap_or(Location::File),
                    "front matter is not valid TOML",
                )
                .hint(e.message().to_string()),
            );
            return None;
        }
    };
    let key_lines = KeyLines::new(&doc.front, doc.front_line);
    let key_line = |_: &str, _: usize, key: &str| key_lines.of(key);
    let mut ok = true;
    for key in table.keys() {
        if !known.contains(&key.as_str()) {
            ok = false;
            let mut d = Diagnostic::error(
                rel,
                key_line(&doc.front, doc.front_line, key),
                "unknown key",
            )
            .value(key.clone());
            d = match nearest(key, known.iter().copied()) {
                Some(n) => d.hint(format!("did you mean `{n}`?")),
                None => d.hint(format!("known keys are {}", known.join(", "))),
            };
            diags.push(d);
        }
    }
    for (section, keys) in nested {
        let items: Vec<&toml::Table> = match table.get(*section) {
            Some(toml::Value::Array(a)) => a.iter().filter_map(|v| v.as_table()).collect(),
            Some(toml::Value::Table(t)) => vec![t],
            _ => Vec::new(),
        };
        for item in items {
            for key in item.keys() {
                if !keys.contains(&key.as_str()) {
                    ok = false;
                    let mut d = Diagnostic::error(
                        rel,
                        key_line(&doc.front, doc.front_line, key),
                        "unknown key",
                    )
                    .value(format!("{section}.{key}"));
                    if let Some(n) = nearest(key, keys.iter().copied()) {
                        d = d.hint(format!("did you mean `{n}`?"));
                    }
                    diags.push(d);
                }
            }
        }
    }
    if !ok {
        return None;
    }
    match toml::Value::Table(table).try_into::<T>() {
        Ok(v) => Some(v),
        Err(e) => {
            let message = e.message().to_string();
            // serde names the field in backticks; point at its line when we can find it.
            // Parsing the text again gives the span of the offending value; otherwise serde may
            // name the field in backticks.
            let span = toml::from_str::<T>(&doc.front).err().and_then(|e| e.span());
            let location = match span {
                Some(s) => Location::Line(
                    doc.front[..s.start.min(doc.front.len())]
                        .matches('\n')
                        .count()
                        + doc.front_line,
                ),
                None => message
                    .split('`')
                    .nth(1)
                    .map(|k| key_line(&doc.front, doc.front_line, k))
                    .unwrap_or(Location::Line(doc.front_line)),
            };
            diags.push(Diagnostic::error(rel, location, "invalid front matter").hint(message));
            None
        }
    }
}

/// Only http(s) and mailto links may be published from front matter (`model::url`).
pub fn safe_link(url: &str) -> bool {
    crate::model::url::check_url(url.trim(), crate::model::url::UrlUse::Link).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let mut d = Diagnostics::new();
        let doc = split_front_matter("+++\nid = \"A\"\n+++\n# Body\n", "s.md", &mut d).unwrap();
        assert_eq!(doc.front, "id = \"A\"\n");
        assert_eq!(doc.body, "# Body\n");
        assert_eq!(doc.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let mut d = Diagnostics::new();
        assert!(split_front_matter("+++\nid = 1\n", "s.md", &mut d).is_none());
        assert_eq!(d.sorted()[0].to_string(), "error: s.md:1: front matter is not closed\n  = hint: end the settings block with a line `+++`");
    }

    #[test]
    fn sixty_four_thousand_unknown_keys_are_located_in_linear_time() {
        let front: String = (0..64_000).map(|i| format!("k{i} = 1\n")).collect();
        let doc = Document {
            front,
            front_line: 2,
            body: String::new(),
            body_line: 64_003,
        };
        let mut d = Diagnostics::new();
        let started = std::time::Instant::now();
        let parsed: Option<toml::Table> = parse_front(&doc, "s.md", &["id"], &[], &mut d);
        assert!(parsed.is_none());
        assert_eq!(d.error_count(), 64_000);
        assert!(d.sorted()[0]
            .to_string()
            .starts_with("error: s.md:2: unknown key: \"k0\""));
        // Quadratic, this took minutes.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn links_are_limited_to_http_and_mailto() {
        assert!(safe_link("https://example.org/x"));
        assert!(safe_link("mailto:a@b.org"));
        assert!(!safe_link("javascript:alert(1)"));
        assert!(!safe_link("data:text/html,x"));
        assert!(!safe_link("JaVaScRiPt:alert(1)"));
    }
}
