//! The static search index: the rendered pages indexed with Pagefind's library API into a chunked
//! index that the search page loads lazily, fragment by fragment, so a large site's search stays
//! fast. Pure: pages in, files out.

use crate::write::OutputFile;
use anyhow::{anyhow, Context, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;
use std::collections::BTreeMap;

use super::search_text::{search_record, SearchRecord};

/// Indexes every HTML page that marks its content with `data-pagefind-body` and returns the index
/// files to publish under `pagefind/`.
pub fn search_index(pages: &[OutputFile], language: &str) -> Result<Vec<OutputFile>> {
    search_index_of(search_records(pages), language, &crate::stages::Silent)
}

/// The address a page's search record is filed under: site-absolute, as Pagefind's UI expects
/// (the search page makes it relative to the site's base).
pub fn record_url(path: &str) -> String {
    format!("/{path}")
}

/// The search record of every HTML page that has one, with its [`record_url`], read in
/// parallel ([`search_record`]).
pub fn search_records(pages: &[OutputFile]) -> Vec<(String, SearchRecord)> {
    pages
        .par_iter()
        .filter(|p| p.path.ends_with(".html"))
        .filter_map(|page| {
            let html = std::str::from_utf8(&page.bytes).ok()?;
            search_record(html).map(|r| (record_url(&page.path), r))
        })
        .collect()
}

/// Builds the index from pages' records, ticking `observer` once per record.
///
/// Records reach Pagefind as custom records, so Pagefind parses no HTML: on a national site its
/// one-thread parser was two thirds of the build. Taking records rather than pages lets the build
/// write and free the pages' HTML before Pagefind, the largest user of memory, starts.
pub fn search_index_of(
    records: Vec<(String, SearchRecord)>,
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
            .force_language(lang.clone())
            .build();
        let mut index =
            PagefindIndex::new(Some(options)).map_err(|e| anyhow!("search index options: {e}"))?;
        for (url, record) in records {
            observer.tick(1);
            let mut meta = BTreeMap::new();
            if !record.title.is_empty() {
                meta.insert("title".to_string(), record.title);
            }
            index
                .add_custom_record(
                    url.clone(),
                    record.content,
                    lang.clone(),
                    Some(meta),
                    None,
                    None,
                )
                .await
                .map_err(|e| anyhow!("indexing {url} for search: {e}"))?;
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

#[cfg(test)]
mod tests {
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
