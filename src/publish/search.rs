//! The static search index: the rendered pages indexed with Pagefind's library API into a chunked
//! index that the search page loads lazily, fragment by fragment, so a large site's search stays
//! fast. Pure: pages in, files out.

use crate::write::OutputFile;
use anyhow::{anyhow, Context, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// Indexes every HTML page that marks its content with `data-pagefind-body` and returns the index
/// files to publish under `pagefind/`.
pub fn search_index(pages: &[OutputFile], language: &str) -> Result<Vec<OutputFile>> {
    search_index_observed(pages, language, &crate::stages::Silent)
}

/// [`search_index`], ticking `observer` once per page looked at.
pub fn search_index_observed(
    pages: &[OutputFile],
    language: &str,
    observer: &dyn crate::stages::Observer,
) -> Result<Vec<OutputFile>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the search indexer")?;
    let lang = language
        .split('-')
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase();
    runtime.block_on(async move {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(lang)
            .build();
        let mut index =
            PagefindIndex::new(Some(options)).map_err(|e| anyhow!("search index options: {e}"))?;
        for page in pages.iter().filter(|p| p.path.ends_with(".html")) {
            observer.tick(1);
            let html = String::from_utf8_lossy(&page.bytes);
            if !html.contains("data-pagefind-body") {
                continue;
            }
            index
                .add_html_file(Some(page.path.clone()), None, without_charts(&html))
                .await
                .map_err(|e| anyhow!("indexing {} for search: {e}", page.path))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| anyhow!("building the search index: {e}"))?;
        let mut out: Vec<OutputFile> = files
            .into_iter()
            .map(|f| OutputFile {
                path: format!(
                    "pagefind/{}",
                    f.filename.to_string_lossy().replace('\\', "/")
                ),
                bytes: f.contents,
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    })
}

/// The page without its inline SVG charts: three quarters of a large site's HTML, and nothing a
/// reader searches for (every chart's title and data are also in the page's text and tables).
/// Input text reaches pages escaped, so `<svg` only ever starts a chart of our own.
fn without_charts(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</svg>") {
            Some(end) => rest = &rest[start + end + "</svg>".len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn charts_are_left_out_of_the_index() {
        assert_eq!(
            super::without_charts(
                "<p>a</p><svg role=\"img\"><title>t</title></svg><p>b</p><svg>x</svg>"
            ),
            "<p>a</p><p>b</p>"
        );
        assert_eq!(super::without_charts("<p>a</p><svg>unclosed"), "<p>a</p>");
        assert_eq!(super::without_charts("no charts"), "no charts");
    }

    use super::*;

    #[test]
    fn indexes_marked_pages_into_chunked_files() {
        let pages = vec![
            OutputFile { path: "a/index.html".into(), bytes: b"<html lang=\"en\"><body><main data-pagefind-body><h1>Brightwater Care</h1><p>Domiciliary care contract</p></main></body></html>".to_vec() },
            OutputFile { path: "404.html".into(), bytes: b"<html><body><h1>Not found</h1></body></html>".to_vec() },
        ];
        let files = search_index(&pages, "en-GB").unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"), "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("pagefind/fragment/")),
            "{names:?}"
        );
        assert!(
            names.iter().any(|n| n.starts_with("pagefind/index/")),
            "{names:?}"
        );
        let entry = files
            .iter()
            .find(|f| f.path == "pagefind/pagefind-entry.json")
            .unwrap();
        assert!(
            String::from_utf8_lossy(&entry.bytes).contains("\"page_count\":1"),
            "{}",
            String::from_utf8_lossy(&entry.bytes)
        );
    }
}
