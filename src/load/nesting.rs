//! How deeply a Markdown body nests, and the bound on it. The HTML sanitiser's tree builder walks
//! the stack of open elements at each new element, so its time grows with the square of the
//! depth (100,000 nested blockquotes, `>>>>…`, took minutes); a body nesting deeper than
//! `MAX_NESTING` (Markdown blocks and raw HTML elements together) is refused, with its line,
//! before anything renders it. The count is one pass over the parser's events.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use pulldown_cmark::{Event, Options, Parser};

/// The deepest nesting of Markdown blocks and inline elements with raw HTML elements a page may
/// have: far beyond any real document (a list in a quote in a table is 6).
pub const MAX_NESTING: usize = 100;

/// Elements HTML closes by itself, or that never hold content: not counted as nesting.
const UNCOUNTED: &[&str] = &[
    "area", "base", "br", "col", "colgroup", "dd", "dt", "embed", "hr", "img", "input", "li",
    "link", "meta", "option", "p", "param", "rp", "rt", "source", "tbody", "td", "tfoot", "th",
    "thead", "tr", "track", "wbr",
];

/// Follows the depth of raw HTML elements across a body's HTML fragments: opening tags that HTML
/// does not close by itself count one deeper, closing tags one shallower.
#[derive(Default)]
struct HtmlDepth {
    depth: usize,
}

impl HtmlDepth {
    /// Follows `html`, stopping as soon as the depth goes beyond `stop_beyond`.
    fn feed(&mut self, html: &str, stop_beyond: usize) {
        let bytes = html.as_bytes();
        let mut i = 0;
        while let Some(found) = html[i..].find('<') {
            let start = i + found + 1;
            let closing = bytes.get(start) == Some(&b'/');
            let name_start = start + usize::from(closing);
            let name_len = bytes[name_start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            i = name_start + name_len;
            if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
                continue;
            }
            let name = html[name_start..i].to_ascii_lowercase();
            if UNCOUNTED.contains(&name.as_str()) {
                continue;
            }
            let self_closing = html[i..]
                .find('>')
                .is_some_and(|end| html[..i + end].ends_with('/'));
            if closing {
                self.depth = self.depth.saturating_sub(1);
            } else if !self_closing {
                self.depth += 1;
                if self.depth > stop_beyond {
                    return;
                }
            }
        }
    }
}

/// The byte offset in `body` where its nesting first goes beyond `limit`, with that depth.
pub fn too_deep(body: &str, limit: usize) -> Option<(usize, usize)> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut blocks: usize = 0;
    let mut html = HtmlDepth::default();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(_) => blocks += 1,
            Event::End(_) => blocks = blocks.saturating_sub(1),
            Event::Html(text) | Event::InlineHtml(text) => {
                html.feed(&text, limit.saturating_sub(blocks));
            }
            _ => {}
        }
        if blocks + html.depth > limit {
            return Some((range.start, blocks + html.depth));
        }
    }
    None
}

/// Reports a body that nests deeper than `MAX_NESTING`, at the line where it does.
pub fn check_nesting(body: &str, body_line: usize, rel: &str, diags: &mut Diagnostics) {
    if let Some((offset, depth)) = too_deep(body, MAX_NESTING) {
        let line = body_line + body[..offset].matches('\n').count();
        diags.push(
            Diagnostic::error(
                rel,
                Location::Line(line),
                format!("Markdown nests more than {MAX_NESTING} levels deep"),
            )
            .value(format!("{depth} levels"))
            .hint(
                "flatten the quotes, lists or HTML elements: no page needs more than a few levels",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_document_is_shallow() {
        let body = "# Title\n\n> A quote with a list:\n> - one\n>   - two **bold**\n\n<details><summary>More</summary><p>Text<br>more</details>\n";
        assert_eq!(too_deep(body, 6), None);
        assert!(too_deep(body, 4).is_some());
    }

    #[test]
    fn nested_quotes_lists_and_html_are_counted() {
        let quotes = format!("intro\n\n{} x\n", ">".repeat(150));
        assert_eq!(too_deep(&quotes, 100).map(|(_, d)| d), Some(101));
        let lists = format!("{}x\n", "- ".repeat(150));
        assert_eq!(too_deep(&lists, 100).map(|(_, d)| d), Some(101));
        let divs = format!("<div>\n{}\n</div>\n", "<div><span/>".repeat(150));
        assert!(too_deep(&divs, 100).is_some());
        let closed = "<div></div>\n".repeat(500);
        assert_eq!(too_deep(&closed, 100), None);
        let unclosed_paragraphs = "<p>one<p>two<br><img src=x>\n".repeat(500);
        assert_eq!(too_deep(&unclosed_paragraphs, 100), None);
    }

    #[test]
    fn the_diagnostic_names_the_line_where_the_body_gets_too_deep() {
        let mut diags = Diagnostics::default();
        let body = format!("Fine.\n\nStill fine.\n\n{} x\n", ">".repeat(100_000));
        check_nesting(&body, 4, "pages/deep.md", &mut diags);
        let shown: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            ["error: pages/deep.md:8: Markdown nests more than 100 levels deep: \"101 levels\"\n  = hint: flatten the quotes, lists or HTML elements: no page needs more than a few levels"]
        );
    }
}
