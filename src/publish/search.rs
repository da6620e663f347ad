//! The static search index: every page's search record cut into words ([`super::search_words`]),
//! scored (BM25) and written as a chunked index under `search/` that the search page fetches
//! piece by piece — the chunks of the words a query has, then the text of the results it shows —
//! so a national site's search loads a few kilobytes per query. Pure: records in, files out. The
//! files' layout is in docs/FORMATS.md, "Search index".

use crate::output::OutputFile;
use anyhow::Result;
use rayon::prelude::*;
use std::borrow::Cow;

use super::search_text::{search_record, SharedRecord};
use super::search_words::{for_each_word, Stems};

/// Indexes every HTML page that marks its content with `data-pagefind-body` and returns the index
/// files to publish under [`FOLDER`].
pub fn search_index(pages: &[OutputFile], language: &str) -> Result<Vec<OutputFile>> {
    search_index_of(search_records(pages), language, &crate::stages::Silent)
}

/// The address a page's search record is filed under: site-absolute (the search page makes it
/// relative to the site's base, so the site works under any path).
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

/// The folder, under the site root, that holds the index.
pub const FOLDER: &str = "search/";
/// The version of the index's layout, in `meta.json`: the search page refuses another.
pub const VERSION: u32 = 1;
/// Pages whose text shares one file of `pages/`: a result list of ten fetches a few of them.
pub const PAGES_PER_FILE: usize = 32;
/// About this many bytes of JSON per chunk of `words/`: a query fetches one or two per word.
pub const CHUNK_BYTES: usize = 24 * 1024;
/// BM25's term-frequency saturation and length normalisation (METHODS.md is silent on search;
/// these are the values of Robertson and Zaragoza's "The Probabilistic Relevance Framework", §3.5,
/// and of Lucene).
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// What a stem in a page's title adds to its weight there (BM25F-style: the title as a field of
/// its own, worth a little more than three quarters of the most a word in the text can be, K1 + 1),
/// so a page comes first for its own name.
const TITLE_WEIGHT: f64 = 1.5;

/// Builds the index from pages' records, ticking `observer` once per record.
///
/// Records, not pages, so the build can write and free the pages' HTML first.
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
/// each record is read and between the steps after): a server stops building an index the next
/// save makes stale.
pub fn search_index_unless(
    records: Vec<(String, SharedRecord)>,
    language: &str,
    observer: &dyn crate::stages::Observer,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<OutputFile>> {
    let stems = Stems::for_language(language);
    let counted: Vec<PageWords> = records
        .par_iter()
        .map(|(_, record)| {
            if stop() {
                return Err(Stopped);
            }
            observer.tick(1);
            Ok(PageWords::of(record))
        })
        .collect::<Result<_, Stopped>>()?;
    let lexicon = Lexicon::of(&counted, &stems);
    if stop() {
        return Err(Stopped.into());
    }
    let postings = lexicon.postings(&counted);
    drop(counted);
    if stop() {
        return Err(Stopped.into());
    }
    let mut out = Vec::new();
    let chunks = write_chunks(&lexicon, &postings, CHUNK_BYTES, &mut out);
    if stop() {
        return Err(Stopped.into());
    }
    let page_files = write_pages(&records, &mut out);
    out.push(OutputFile {
        path: format!("{FOLDER}meta.json"),
        bytes: meta_json(language, &records, &chunks, &page_files).into_bytes(),
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// One page's words: each distinct word with how often its text has it and whether its title does,
/// and the length of its text in words.
struct PageWords<'r> {
    /// (word, times in the text, whether it is in the title), in no order: the lexicon gathers
    /// them into a set and sorts that, and the postings sort each page's by stem, so sorting each
    /// page's words (a hundred on a KPI page, compared as text) would be time spent for nothing.
    /// A word the record's text or title has as it is (most are lower case already) is borrowed
    /// from it: a site's pages hold a million distinct words between them, each otherwise
    /// allocated and freed again.
    words: Vec<(Cow<'r, str>, u32, bool)>,
    length: u32,
}

impl<'r> PageWords<'r> {
    fn of(record: &'r super::search_text::SearchRecord) -> PageWords<'r> {
        let mut counts: foldhash::HashMap<Cow<'r, str>, (u32, bool)> = Default::default();
        let mut length = 0u32;
        for_each_word(&record.content, |w| {
            match counts.get_mut(w) {
                Some(c) => c.0 += 1,
                None => {
                    counts.insert(borrowed_from(&record.content, w), (1, false));
                }
            }
            length += 1;
        });
        for_each_word(&record.title, |w| match counts.get_mut(w) {
            Some(c) => c.1 = true,
            None => {
                counts.insert(borrowed_from(&record.title, w), (0, true));
            }
        });
        let words = counts
            .into_iter()
            .map(|(w, (tf, title))| (w, tf, title))
            .collect();
        PageWords { words, length }
    }
}

/// `word` borrowed from `text` when it is a part of it (as `for_each_word` hands a word already
/// lower case), else a copy (a word it lower-cased into a buffer of its own).
fn borrowed_from<'r>(text: &'r str, word: &str) -> Cow<'r, str> {
    // Where `word` starts in `text`, when it is in it: then the part there is `word` itself.
    let start = (word.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    match text.get(start..start.wrapping_add(word.len())) {
        Some(part) => Cow::Borrowed(part),
        None => Cow::Owned(word.to_owned()),
    }
}

/// Every word of the site with its stem, and every stem, each numbered in sorted order.
struct Lexicon {
    /// (word, its stem's number), sorted by word.
    words: Vec<(Box<str>, u32)>,
    /// The stems, sorted.
    stems: Vec<Box<str>>,
}

impl Lexicon {
    fn of(pages: &[PageWords<'_>], stems: &Stems) -> Lexicon {
        // Distinct words first, then sorted: a site's pages repeat the same words, and sorting
        // every page's words (millions at national scale) to drop the repeats was most of the
        // index's time. The set is only gathered; the order comes from the sort.
        let distinct: foldhash::HashSet<&str> = pages
            .par_iter()
            .fold(foldhash::HashSet::default, |mut set, page| {
                set.extend(page.words.iter().map(|(w, _, _)| &**w));
                set
            })
            .reduce(foldhash::HashSet::default, |mut a, mut b| {
                if a.len() < b.len() {
                    std::mem::swap(&mut a, &mut b);
                }
                a.extend(b);
                a
            });
        let mut all: Vec<&str> = distinct.into_iter().collect();
        all.par_sort_unstable();
        let stemmed: Vec<Box<str>> = all.par_iter().map(|w| stems.stem(w).into()).collect();
        let mut stem_list: Vec<Box<str>> = stemmed.clone();
        stem_list.par_sort_unstable();
        stem_list.dedup();
        let words = all
            .iter()
            .zip(&stemmed)
            .map(|(w, s)| {
                let n = stem_list.binary_search(s).unwrap_or_default();
                (Box::<str>::from(*w), n as u32)
            })
            .collect();
        Lexicon {
            words,
            stems: stem_list,
        }
    }

    /// Every key of the index in order, once each: (key, the stem of the word it is, the number
    /// of the stem it is), a key being a word, a stem or both (`care` is its own stem).
    fn keys(&self) -> impl Iterator<Item = (&str, Option<&str>, Option<usize>)> {
        let mut words = self.words.iter().peekable();
        let mut stems = self.stems.iter().enumerate().peekable();
        std::iter::from_fn(move || {
            let word = words.peek().map(|(w, _)| &**w);
            let stem = stems.peek().map(|(_, s)| &***s);
            let key = match (word, stem) {
                (Some(w), Some(s)) => w.min(s),
                (Some(w), None) => w,
                (None, Some(s)) => s,
                (None, None) => return None,
            };
            let as_word = words
                .next_if(|(w, _)| &**w == key)
                .map(|(_, s)| &*self.stems[*s as usize]);
            let as_stem = stems.next_if(|(_, s)| &***s == key).map(|(i, _)| i);
            Some((key, as_word, as_stem))
        })
    }

    /// Each stem's postings: (page number, weight), in page order. The weight is BM25's
    /// term-frequency part, plus [`TITLE_WEIGHT`] when the stem is in the page's title, times 100,
    /// rounded and at least 1; the search page multiplies it by the stem's inverse document
    /// frequency, which it computes from the postings' length.
    fn postings(&self, pages: &[PageWords<'_>]) -> Vec<Vec<(u32, u32)>> {
        let total: u64 = pages.iter().map(|p| u64::from(p.length)).sum();
        let average = (total as f64 / pages.len().max(1) as f64).max(1.0);
        let stem_of: foldhash::HashMap<&str, u32> =
            self.words.iter().map(|(w, s)| (&**w, *s)).collect();
        // Each page's (stem, weight), worked out in parallel, then filed by stem in page order.
        let weighted: Vec<Vec<(u32, u32)>> = pages
            .par_iter()
            .map(|words| {
                let mut by_stem: Vec<(u32, u32, bool)> = words
                    .words
                    .iter()
                    .map(|(w, tf, title)| (stem_of.get(&**w).copied().unwrap_or(0), *tf, *title))
                    .collect();
                by_stem.sort_unstable();
                let norm = K1 * (1.0 - B + B * f64::from(words.length) / average);
                let mut out = Vec::with_capacity(by_stem.len());
                for group in by_stem.chunk_by(|a, b| a.0 == b.0) {
                    let tf = f64::from(group.iter().map(|g| g.1).sum::<u32>());
                    let title = if group.iter().any(|g| g.2) {
                        TITLE_WEIGHT
                    } else {
                        0.0
                    };
                    let weight = (100.0 * (tf * (K1 + 1.0) / (tf + norm) + title))
                        .round()
                        .max(1.0);
                    out.push((group[0].0, weight as u32));
                }
                out
            })
            .collect();
        let mut postings: Vec<Vec<(u32, u32)>> = vec![Vec::new(); self.stems.len()];
        for (page, stems) in weighted.into_iter().enumerate() {
            for (stem, weight) in stems {
                postings[stem as usize].push((page as u32, weight));
            }
        }
        postings
    }
}

/// Writes the chunks of `words/`: the lexicon's words (each with its stem) and stems (each with
/// its postings) in one sorted run of keys, cut after the key that brings a chunk to
/// `chunk_bytes` ([`CHUNK_BYTES`]), so a key is in one chunk only. Returns each chunk's first key
/// and file name, for `meta.json`.
fn write_chunks(
    lexicon: &Lexicon,
    postings: &[Vec<(u32, u32)>],
    chunk_bytes: usize,
    out: &mut Vec<OutputFile>,
) -> Vec<(String, String)> {
    let mut chunks = Vec::new();
    let (mut words, mut stems) = (String::new(), String::new());
    let mut first: Option<&str> = None;
    let mut flush = |first: &mut Option<&str>, words: &mut String, stems: &mut String| {
        let Some(key) = first.take() else {
            return;
        };
        let json = format!("{{\"w\":{{{words}}},\"s\":{{{stems}}}}}");
        let name = format!("words/{:016x}.json", fnv1a(json.as_bytes()));
        out.push(OutputFile {
            path: format!("{FOLDER}{name}"),
            bytes: json.into_bytes(),
        });
        chunks.push((key.to_string(), name));
        words.clear();
        stems.clear();
    };
    // Each key's entries are written on whichever core is free; the chunks are cut in key order.
    let keys: Vec<(&str, Option<&str>, Option<usize>)> = lexicon.keys().collect();
    let entries: Vec<(&str, Option<String>, Option<String>)> = keys
        .par_iter()
        .map(|&(key, stem, posting)| {
            (
                key,
                stem.map(|stem| word_entry(key, stem)),
                posting.map(|p| stem_entry(key, &postings[p])),
            )
        })
        .collect();
    for (key, word, stem) in entries {
        first.get_or_insert(key);
        for (list, entry) in [(&mut words, word), (&mut stems, stem)] {
            if let Some(entry) = entry {
                if !list.is_empty() {
                    list.push(',');
                }
                list.push_str(&entry);
            }
        }
        if words.len() + stems.len() >= chunk_bytes {
            flush(&mut first, &mut words, &mut stems);
        }
    }
    flush(&mut first, &mut words, &mut stems);
    chunks
}

/// A word's entry in a chunk: the word and its stem, or 1 for a word that is its own stem.
fn word_entry(key: &str, stem: &str) -> String {
    if stem == key {
        format!("{}:1", json_str(key))
    } else {
        format!("{}:{}", json_str(key), json_str(stem))
    }
}

/// A stem's entry in a chunk: the stem and its postings, each page number given as its
/// difference from the one before, followed by its weight.
fn stem_entry(key: &str, postings: &[(u32, u32)]) -> String {
    let mut entry = String::with_capacity(key.len() + 4 + 8 * postings.len());
    entry.push_str(&json_str(key));
    entry.push_str(":[");
    let mut number = itoa::Buffer::new();
    let pages = differences(postings.iter().map(|(page, _)| *page));
    for (k, (step, (_, weight))) in pages.zip(postings).enumerate() {
        if k > 0 {
            entry.push(',');
        }
        entry.push_str(number.format(step));
        entry.push(',');
        entry.push_str(number.format(*weight));
    }
    entry.push(']');
    entry
}

/// Writes the files of `pages/`, [`PAGES_PER_FILE`] pages' address, title, metadata and text in
/// each (the search page shows a result's title and a passage of its text around the words
/// found). Returns the file names in page order.
fn write_pages(records: &[(String, SharedRecord)], out: &mut Vec<OutputFile>) -> Vec<String> {
    #[derive(serde::Serialize)]
    struct Page<'a> {
        url: &'a str,
        title: &'a str,
        meta: &'a std::collections::BTreeMap<String, String>,
        content: &'a str,
    }
    let files: Vec<(String, Vec<u8>)> = records
        .par_chunks(PAGES_PER_FILE)
        .map(|group| {
            let pages: Vec<Page> = group
                .iter()
                .map(|(url, r)| Page {
                    url,
                    title: &r.title,
                    meta: &r.meta,
                    content: &r.content,
                })
                .collect();
            let bytes = serde_json::to_vec(&pages).unwrap_or_default();
            (format!("pages/{:016x}.json", fnv1a(&bytes)), bytes)
        })
        .collect();
    files
        .into_iter()
        .map(|(name, bytes)| {
            out.push(OutputFile {
                path: format!("{FOLDER}{name}"),
                bytes,
            });
            name
        })
        .collect()
}

/// `meta.json`: the version, the page count, the chunks' first keys and files, the page files,
/// and each filter's values with their pages (page numbers as differences from the previous).
fn meta_json(
    language: &str,
    records: &[(String, SharedRecord)],
    chunks: &[(String, String)],
    page_files: &[String],
) -> String {
    use std::collections::BTreeMap;
    let mut filters: BTreeMap<&str, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
    for (page, (_, record)) in records.iter().enumerate() {
        for (name, values) in &record.filters {
            let by_value = filters.entry(name).or_default();
            for value in values {
                let pages = by_value.entry(value).or_default();
                if pages.last() != Some(&(page as u32)) {
                    pages.push(page as u32);
                }
            }
        }
    }
    for pages in filters.values_mut().flat_map(|values| values.values_mut()) {
        *pages = differences(pages.iter().copied()).collect();
    }
    serde_json::json!({
        "version": VERSION,
        "language": language,
        "pages": records.len(),
        "pages_per_file": PAGES_PER_FILE,
        "page_files": page_files,
        "chunks": chunks.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        "chunk_files": chunks.iter().map(|(_, f)| f).collect::<Vec<_>>(),
        "filters": filters,
    })
    .to_string()
}

/// Sorted numbers as the first and then each one's difference from the one before: how
/// `meta.json` and the chunks write page numbers.
fn differences(sorted: impl IntoIterator<Item = u32>) -> impl Iterator<Item = u32> {
    let mut previous = 0;
    sorted.into_iter().map(move |n| {
        let d = n - previous;
        previous = n;
        d
    })
}

/// A string as a JSON string literal.
fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The 64-bit FNV-1a hash of `bytes`: names each index file by its content, the same on every
/// machine and in every version, so a browser never pairs a new `meta.json` with a stale chunk.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::super::search_text::SearchRecord;
    use super::*;
    use std::sync::Arc;

    fn record(url: &str, title: &str, content: &str) -> (String, SharedRecord) {
        (
            url.to_string(),
            Arc::new(SearchRecord::new(title.into(), content.into())),
        )
    }

    fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
        let f = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} not in {:?}", names(files)));
        std::str::from_utf8(&f.bytes).unwrap()
    }

    /// The index of `records`, built without a stop.
    fn index(records: Vec<(String, SharedRecord)>, language: &str) -> Vec<OutputFile> {
        search_index_of(records, language, &crate::stages::Silent).unwrap()
    }

    fn names(files: &[OutputFile]) -> Vec<&str> {
        files.iter().map(|f| f.path.as_str()).collect()
    }

    fn meta(files: &[OutputFile]) -> serde_json::Value {
        serde_json::from_str(file(files, "search/meta.json")).unwrap()
    }

    /// The text of the file `meta.json` lists `n`th under `list` (`chunk_files`, `page_files`).
    fn listed<'a>(files: &'a [OutputFile], list: &str, n: usize) -> &'a str {
        let name = meta(files)[list][n].as_str().unwrap().to_string();
        file(files, &format!("search/{name}"))
    }

    /// The `n`th chunk of `words/`, parsed.
    fn chunk(files: &[OutputFile], n: usize) -> serde_json::Value {
        serde_json::from_str(listed(files, "chunk_files", n)).unwrap()
    }

    #[test]
    fn indexes_marked_pages_only() {
        let pages = vec![
            OutputFile { path: "a/index.html".into(), bytes: b"<html lang=\"en\"><body><main data-pagefind-body><h1>Brightwater Care</h1><p>Domiciliary care contract</p></main></body></html>".to_vec() },
            OutputFile { path: "404.html".into(), bytes: b"<html><body><h1>Not found</h1></body></html>".to_vec() },
        ];
        let files = search_index(&pages, "en-GB").unwrap();
        let meta = meta(&files);
        assert_eq!(meta["version"], 1);
        assert_eq!(meta["pages"], 1);
        let page: serde_json::Value =
            serde_json::from_str(listed(&files, "page_files", 0)).unwrap();
        assert_eq!(page[0]["url"], "/a/index.html");
        assert_eq!(page[0]["title"], "Brightwater Care");
        assert_eq!(
            page[0]["content"],
            "Brightwater Care. Domiciliary care contract."
        );
        // One chunk: every word with its stem (1 when the word is its own stem), every stem
        // with its pages.
        let chunk = chunk(&files, 0);
        assert_eq!(chunk["w"]["domiciliary"], "domiciliari");
        assert_eq!(chunk["w"]["care"], 1);
        assert!(chunk["s"]["domiciliari"].is_array());
        assert!(chunk["s"].get("domiciliary").is_none());
    }

    #[test]
    fn weights_are_bm25_term_frequency_parts() {
        // Lengths 3 and 1, average 2. "care" twice on the first page: 100 × 2 × 2.2 /
        // (2 + 1.2 × (0.25 + 0.75 × 3/2)) = 440 / 3.65 = 120.5 → 121. "home" once on it:
        // 220 / 2.65 = 83.0 → 83; once on the second: 220 / (1 + 1.2 × (0.25 + 0.75 / 2)) =
        // 220 / 1.75 = 125.7 → 126. Page numbers as differences: 0, then 1.
        let files = index(
            vec![
                record("/a/", "", "care care home"),
                record("/b/", "", "home"),
            ],
            "en",
        );
        assert_eq!(meta(&files)["chunks"], serde_json::json!(["care"]));
        assert_eq!(
            listed(&files, "chunk_files", 0),
            r#"{"w":{"care":1,"home":1},"s":{"care":[0,121],"home":[0,83,1,126]}}"#
        );
    }

    #[test]
    fn title_words_count_more_and_inflections_share_a_stem() {
        let files = index(
            vec![
                record("/a/", "Services", "Services for carers"),
                record("/b/", "", "A service"),
            ],
            "en-GB",
        );
        let words = chunk(&files, 0);
        assert_eq!(words["w"]["services"], "servic");
        assert_eq!(words["w"]["service"], "servic");
        // "services" once in the text of a page of 3 words (average 2.5), and in its title:
        // 100 × (2.2 / (1 + 1.2 × (0.25 + 0.75 × 1.2)) + 1.5) = 100 × (2.2 / 2.38 + 1.5) =
        // 242.4 → 242; "service" once on a page of 2: 220 / (1 + 1.2 × 0.85) = 108.9 → 109.
        assert_eq!(words["s"]["servic"], serde_json::json!([0, 242, 1, 109]));
        // A title word the text lacks has the title's weight alone.
        let files = index(vec![record("/a/", "Brightwater", "care")], "en");
        assert_eq!(
            chunk(&files, 0)["s"]["brightwat"],
            serde_json::json!([0, 150])
        );
    }

    #[test]
    fn a_word_of_the_text_is_borrowed_and_a_lower_cased_one_copied() {
        let text = "Care at home";
        let mut seen = Vec::new();
        for_each_word(text, |w| seen.push(borrowed_from(text, w)));
        assert_eq!(seen, ["care", "at", "home"]);
        assert!(
            matches!(seen[0], Cow::Owned(_)),
            "lower-cased into a buffer"
        );
        assert!(matches!(seen[1], Cow::Borrowed(_)));
        assert!(matches!(seen[2], Cow::Borrowed(_)));
        // A word equal to a part of the text but held elsewhere is copied.
        let elsewhere = String::from("home");
        assert!(matches!(borrowed_from(text, &elsewhere), Cow::Owned(_)));
        assert_eq!(borrowed_from("", "home"), "home");
    }

    #[test]
    fn a_key_that_is_a_word_and_a_stem_is_in_one_chunk() {
        let records = [record("/a/", "", "care caring cares home")];
        let counted: Vec<PageWords> = records.iter().map(|(_, r)| PageWords::of(r)).collect();
        let lexicon = Lexicon::of(&counted, &Stems::for_language("en"));
        let postings = lexicon.postings(&counted);
        // A chunk ends after every key: "care" (a word and the stem of three) and "home" (its
        // own stem) each come once, their word and their postings in one chunk.
        let mut out = Vec::new();
        let chunks = write_chunks(&lexicon, &postings, 1, &mut out);
        let firsts: Vec<&str> = chunks.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(firsts, ["care", "cares", "caring", "home"]);
        // 4 words, average 4: "care" three times, 100 × 3 × 2.2 / (3 + 1.2) = 157.1 → 157.
        let text = |n: usize| std::str::from_utf8(&out[n].bytes).unwrap();
        assert_eq!(text(0), r#"{"w":{"care":1},"s":{"care":[0,157]}}"#);
        assert_eq!(text(1), r#"{"w":{"cares":"care"},"s":{}}"#);
        assert_eq!(text(3), r#"{"w":{"home":1},"s":{"home":[0,100]}}"#);
    }

    #[test]
    fn filters_list_their_pages_as_differences() {
        let mut records = Vec::new();
        for (n, kind) in ["Contract", "KPI", "KPI", "Contract", "KPI"]
            .iter()
            .enumerate()
        {
            let mut r = SearchRecord::new(format!("Page {n}"), "text".into());
            r.filters.insert("Type".into(), vec![kind.to_string()]);
            r.meta.insert("kind".into(), kind.to_string());
            records.push((format!("/{n}/"), Arc::new(r)));
        }
        let files = index(records, "en");
        let meta = meta(&files);
        assert_eq!(
            meta["filters"],
            serde_json::json!({"Type": {"Contract": [0, 3], "KPI": [1, 1, 2]}})
        );
    }

    #[test]
    fn chunks_cut_the_sorted_keys_and_pages_fill_files_in_order() {
        let records: Vec<_> = (0..500)
            .map(|n| {
                record(
                    &format!("/p/{n}/"),
                    &format!("Contract {n}"),
                    &format!("Contract {n} for domiciliary care in ward w{n}x"),
                )
            })
            .collect();
        let files = index(records, "en-GB");
        let meta = meta(&files);
        let firsts: Vec<&str> = meta["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert!(firsts.len() > 1, "{firsts:?}");
        assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
        for i in 0..firsts.len() {
            let chunk = chunk(&files, i);
            let keys = chunk["w"]
                .as_object()
                .unwrap()
                .keys()
                .chain(chunk["s"].as_object().unwrap().keys());
            for key in keys {
                assert!(key.as_str() >= firsts[i], "{key} before chunk {i}");
                if let Some(next) = firsts.get(i + 1) {
                    assert!(key.as_str() < *next, "{key} after chunk {i}");
                }
            }
        }
        let page_files = 500usize.div_ceil(PAGES_PER_FILE);
        assert_eq!(meta["page_files"].as_array().unwrap().len(), page_files);
        let last: serde_json::Value =
            serde_json::from_str(listed(&files, "page_files", page_files - 1)).unwrap();
        assert_eq!(last.as_array().unwrap().len(), 500 % PAGES_PER_FILE);
        assert_eq!(
            last[0]["url"],
            format!("/p/{}/", 500 / PAGES_PER_FILE * PAGES_PER_FILE)
        );
    }

    #[test]
    fn the_same_records_give_the_same_files_named_by_content() {
        let records = || {
            (0..50)
                .map(|n| record(&format!("/{n}/"), "T", &format!("word{n} shared")))
                .collect::<Vec<_>>()
        };
        let a = index(records(), "en");
        let b = index(records(), "en");
        assert_eq!(names(&a), names(&b));
        assert!(a.iter().zip(&b).all(|(x, y)| x.bytes == y.bytes));
        for f in a.iter().filter(|f| f.path != "search/meta.json") {
            let stem = f.path.rsplit('/').next().unwrap().trim_end_matches(".json");
            assert_eq!(stem, format!("{:016x}", fnv1a(&f.bytes)), "{}", f.path);
        }
    }

    #[test]
    fn a_stop_gives_up_with_stopped() {
        let err = search_index_unless(
            vec![record("/a/", "A", "a")],
            "en",
            &crate::stages::Silent,
            &|| true,
        )
        .unwrap_err();
        assert!(err.is::<Stopped>(), "{err}");
    }
}
