//! Markdown to safe HTML: CommonMark with tables, footnotes and heading anchors, headings demoted
//! one level below the page's own h1, then sanitised with an allow-list (no script, no event
//! handlers, no `javascript:` or `data:` URLs).

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeSet, HashSet};

fn heading_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        format!("h-{trimmed}")
    }
}

/// Shifts a heading so the document's highest heading becomes h2 (the page has its own h1) and
/// no level is skipped from the page's h1.
fn shift(level: HeadingLevel, top: usize) -> HeadingLevel {
    let n = (level as usize + 2).saturating_sub(top).clamp(2, 6);
    match n {
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Renders Markdown to sanitised HTML fit to place inside a page's `<main>`.
pub(crate) fn render_markdown(source: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event> = Parser::new_ext(source, options).collect();
    let top = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut used = BTreeSet::new();
    // The next suffix to try for each base id, so 20,000 headings alike cost 20,000 tries, not
    // 200 million.
    let mut next: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        text.push_str(t);
                    }
                    j += 1;
                }
                let base = heading_slug(&text);
                let mut id = base.clone();
                let n = next.entry(base.clone()).or_insert(1);
                while !used.insert(id.clone()) {
                    *n += 1;
                    id = format!("{base}-{n}");
                }
                out.push(Event::Start(Tag::Heading {
                    level: shift(*level, top),
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(shift(*level, top))))
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut html_out = String::new();
    html::push_html(&mut html_out, out.into_iter());
    sanitise(&html_out)
}

/// Cleans HTML with an allow-list.
pub(crate) fn sanitise(html: &str) -> String {
    let mut builder = ammonia::Builder::default();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    builder
        .url_schemes(schemes)
        .add_tags(["details", "summary", "abbr", "figure", "figcaption"])
        .add_tag_attributes("abbr", ["title"])
        .add_generic_attributes(["id"])
        .add_tag_attributes("th", ["scope", "align"])
        .add_tag_attributes("td", ["align"])
        .add_tag_attributes("div", ["class"])
        .add_tag_attributes("sup", ["class"])
        .link_rel(Some("noopener noreferrer"))
        .id_prefix(None);
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_demoted_and_anchored() {
        let html = render_markdown("# Service model\n\n## Who it is for\n");
        assert_eq!(html, "<h2 id=\"h-service-model\">Service model</h2>\n<h3 id=\"h-who-it-is-for\">Who it is for</h3>\n");
    }

    #[test]
    fn a_document_starting_at_h2_still_starts_at_h2() {
        let html = render_markdown("## The stages\n\n### Needs\n");
        assert_eq!(
            html,
            "<h2 id=\"h-the-stages\">The stages</h2>\n<h3 id=\"h-needs\">Needs</h3>\n"
        );
    }

    #[test]
    fn many_headings_alike_get_numbered_anchors_in_linear_time() {
        let source = "## Same\n\n".repeat(20_000);
        let started = std::time::Instant::now();
        let html = render_markdown(&source);
        assert!(
            html.starts_with("<h2 id=\"h-same\">Same</h2>\n<h2 id=\"h-same-2\">"),
            "{}",
            &html[..80]
        );
        assert!(html.contains("<h2 id=\"h-same-20000\">Same</h2>"));
        // Quadratic, this took over a minute in a debug build.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn tables_and_footnotes_render() {
        let html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note.\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<th>a</th>"), "{html}");
        assert!(html.contains("class=\"footnote-definition\""), "{html}");
    }

    #[test]
    fn scripts_handlers_and_bad_urls_are_removed() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](data:text/html,hi) <abbr title=\"Key performance indicator\">KPI</abbr>\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(
            html.contains("<abbr title=\"Key performance indicator\">KPI</abbr>"),
            "{html}"
        );
    }
}
