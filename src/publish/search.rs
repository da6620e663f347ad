//! The static search index: the rendered pages indexed with Pagefind's library API into a chunked
//! index that the search page loads lazily, fragment by fragment, so a large site's search stays
//! fast. Pure: pages in, files out.

use crate::output::OutputFile;
use anyhow::{anyhow, Context, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use super::search_text::{search_record, SharedRecord};

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
pub fn search_records(pages: &[OutputFile]) -> Vec<(String, SharedRecord)> {
    pages
        .par_iter()
        .filter(|p| p.path.ends_with(".html"))
        .filter_map(|page| {
            let html = std::str::from_utf8(&page.bytes).ok()?;
            search_record(html).map(|r| (record_url(&page.path), std::sync::Arc::new(r)))
        })
        .collect()
}

/// Records per shard of the search index: a site with more records is indexed as several
/// Pagefind bundles built in parallel and merged by the search page (`pagefind/shards.js`).
pub const RECORDS_PER_SHARD: usize = 3_000;
/// At most this many shards: each search fetches a little of every shard's index. Pagefind holds
/// about 40 KB per page while it indexes one, so a national site (36,638 pages) in eight shards of
/// 4,600, two at a time, needs under 400 MB for it where four shards of 9,200 needed 700.
pub const MAX_SHARDS: usize = 8;

/// How many shards `records` records are indexed in: a function of the count alone (never of
/// the machine), so the same site gives the same files everywhere; a power of two, so shards
/// divide evenly between two or four cores.
pub fn shard_count(records: usize) -> usize {
    records
        .div_ceil(RECORDS_PER_SHARD)
        .clamp(1, MAX_SHARDS)
        .next_power_of_two()
        .min(MAX_SHARDS)
}

/// The folder (under the site root) of shard `k`'s bundle: `pagefind/` for the first, whose
/// bundle also carries the search UI, `pagefind/shard-K/` for the others.
fn shard_folder(k: usize) -> String {
    if k == 0 {
        "pagefind/".to_string()
    } else {
        format!("pagefind/shard-{k}/")
    }
}

/// Builds the index from pages' records, ticking `observer` once per record.
///
/// Records reach Pagefind as custom records, so Pagefind parses no HTML: on a national site its
/// one-thread parser was two thirds of the build. Taking records rather than pages lets the build
/// write and free the pages' HTML before Pagefind, the largest user of memory, starts.
///
/// Pagefind indexes on one thread, so a large site is cut into [`shard_count`] runs of records
/// in page order (neighbouring pages share words, which keeps each shard's index small), each
/// indexed on its own thread into its own bundle. `pagefind/shards.js` lists the other bundles
/// for the search page, which merges them into one result list (Pagefind's `mergeIndex`).
pub fn search_index_of(
    records: Vec<(String, SharedRecord)>,
    language: &str,
    observer: &dyn crate::stages::Observer,
) -> Result<Vec<OutputFile>> {
    search_index_unless(records, language, observer, &|| false)
}

/// Why [`search_index_unless`] gave up: its `stop` said so.
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stopped: a newer build supersedes this search index")
    }
}

impl std::error::Error for Stopped {}

/// [`search_index_of`], giving up with [`Stopped`] as soon as `stop` returns true (asked before
/// each record is indexed): a server stops building an index the next save makes stale.
pub fn search_index_unless(
    records: Vec<(String, SharedRecord)>,
    language: &str,
    observer: &dyn crate::stages::Observer,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<OutputFile>> {
    let lang = language
        .split('-')
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase();
    let shards = shard_count(records.len());
    let per_shard = records.len().div_ceil(shards).max(1);
    let mut runs: Vec<Vec<(String, SharedRecord)>> = Vec::with_capacity(shards);
    let mut rest = records.into_iter();
    for _ in 0..shards {
        runs.push(rest.by_ref().take(per_shard).collect());
    }
    let bundles: Vec<Vec<OutputFile>> = runs
        .into_par_iter()
        .enumerate()
        .map(|(k, run)| {
            let folder = shard_folder(k);
            let files = index_shard(run, &lang, observer, stop)?;
            Ok(files
                .into_iter()
                .filter(|(name, _)| k == 0 || shard_keeps(name))
                .map(|(name, bytes)| OutputFile {
                    path: format!("{folder}{name}"),
                    bytes,
                })
                .collect())
        })
        .collect::<Result<_>>()?;
    let mut out: Vec<OutputFile> = bundles.into_iter().flatten().collect();
    let others: Vec<String> = (1..shards)
        .map(|k| format!("\"{}\"", &shard_folder(k)["pagefind/".len()..]))
        .collect();
    out.push(OutputFile {
        path: "pagefind/shards.js".to_string(),
        bytes: format!(
            "// The search index's other bundles, relative to pagefind/ (written by commission).\nwindow.commissionSearchShards = [{}];\n",
            others.join(", ")
        )
        .into_bytes(),
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Whether a file of a shard other than the first is needed to search it: its index, fragments,
/// filters, entry, metadata and search engine — not the UI, which the first bundle carries.
fn shard_keeps(name: &str) -> bool {
    !(name.contains("-ui.") || name == "pagefind-highlight.js")
}

/// One Pagefind bundle from `records`, on a one-thread runtime of its own: (file name, bytes).
fn index_shard(
    records: Vec<(String, SharedRecord)>,
    lang: &str,
    observer: &dyn crate::stages::Observer,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<(String, Vec<u8>)>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the search indexer")?;
    runtime.block_on(async move {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(lang.to_string())
            .build();
        let mut index =
            PagefindIndex::new(Some(options)).map_err(|e| anyhow!("search index options: {e}"))?;
        for (url, record) in records {
            if stop() {
                return Err(Stopped.into());
            }
            observer.tick(1);
            // Owned, as Pagefind takes it: a copy only while a cache still holds the record.
            let record = std::sync::Arc::try_unwrap(record).unwrap_or_else(|r| (*r).clone());
            let mut meta = record.meta;
            if !record.title.is_empty() {
                meta.insert("title".to_string(), record.title);
            }
            index
                .add_custom_record(
                    url.clone(),
                    record.content,
                    lang.to_string(),
                    Some(meta),
                    Some(record.filters),
                    None,
                )
                .await
                .map_err(|e| anyhow!("indexing {url} for search: {e}"))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| anyhow!("building the search index: {e}"))?;
        Ok(files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .collect())
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

    fn record(n: usize) -> (String, SharedRecord) {
        (
            format!("/p/{n}/index.html"),
            std::sync::Arc::new(super::super::search_text::SearchRecord::new(
                format!("Page {n}"),
                format!("Contract {n} for domiciliary care in ward {n}"),
            )),
        )
    }

    #[test]
    fn shard_count_depends_on_the_record_count_alone() {
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(192), 1);
        assert_eq!(shard_count(3_000), 1);
        assert_eq!(shard_count(3_001), 2);
        assert_eq!(shard_count(3_788), 2);
        assert_eq!(shard_count(9_001), 4);
        assert_eq!(shard_count(11_128), 4);
        assert_eq!(shard_count(36_638), 8);
    }

    #[test]
    fn a_large_site_is_indexed_in_shards_that_the_search_page_merges() {
        let records: Vec<_> = (0..3_001).map(record).collect();
        let files = search_index_of(records, "en-GB", &crate::stages::Silent).unwrap();
        let entry = |path: &str| {
            let f = files
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{path}"));
            String::from_utf8_lossy(&f.bytes).into_owned()
        };
        // 3,001 records in two runs of 1,501 and 1,500 pages.
        assert!(entry("pagefind/pagefind-entry.json").contains("\"page_count\":1501"));
        assert!(entry("pagefind/shard-1/pagefind-entry.json").contains("\"page_count\":1500"));
        assert_eq!(
            entry("pagefind/shards.js"),
            "// The search index's other bundles, relative to pagefind/ (written by commission).\nwindow.commissionSearchShards = [\"shard-1/\"];\n"
        );
        // The UI comes once, with the first bundle; each bundle has its own engine.
        assert!(files.iter().any(|f| f.path == "pagefind/pagefind-ui.js"));
        assert!(!files
            .iter()
            .any(|f| f.path.starts_with("pagefind/shard-1/") && f.path.contains("-ui.")));
        assert!(files
            .iter()
            .any(|f| f.path == "pagefind/shard-1/pagefind.js"));
        assert!(files
            .iter()
            .any(|f| f.path.starts_with("pagefind/shard-1/fragment/")));
    }

    #[test]
    fn a_small_site_has_one_bundle_and_no_other_shards() {
        let files = search_index_of(
            (0..10).map(record).collect(),
            "en-GB",
            &crate::stages::Silent,
        )
        .unwrap();
        assert!(!files.iter().any(|f| f.path.starts_with("pagefind/shard-")));
        let shards = files
            .iter()
            .find(|f| f.path == "pagefind/shards.js")
            .unwrap();
        assert!(
            String::from_utf8_lossy(&shards.bytes).contains("window.commissionSearchShards = [];")
        );
    }
}
