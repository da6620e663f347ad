//! What a rendered page contributes to the search index: its title, text, metadata and filters,
//! read from the element marked `data-pagefind-body` with the same rules Pagefind applies
//! (elements marked `data-pagefind-ignore`, scripts, styles and inline SVG left out; block
//! elements joined as sentences). Reading our own well-formed output this way costs a fraction of
//! a general HTML parser, which on a national site was most of the build.

use std::collections::BTreeMap;

/// A page's entry in the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRecord {
    /// The first `<h1>` of the indexed element, as text.
    pub title: String,
    /// Every indexed word of the page, block elements ending in ". ".
    pub content: String,
    /// Metadata the page declares with `data-pagefind-meta` (the search page shows `kind` before
    /// each result's title), by name.
    pub meta: BTreeMap<String, String>,
    /// Filters the page declares with `data-pagefind-filter` (the search page narrows results by
    /// `type`), by name, each with its values in page order.
    pub filters: BTreeMap<String, Vec<String>>,
    /// The hash of title, text, metadata and filters, kept while `serve` keeps the record (see
    /// [`SearchRecord::key`]).
    key: crate::fingerprint::Memo,
}

/// A search record shared by the page that gave it, `serve`'s cache and the index's input.
pub type SharedRecord = std::sync::Arc<SearchRecord>;

impl SearchRecord {
    pub fn new(title: String, content: String) -> SearchRecord {
        SearchRecord {
            title,
            content,
            meta: BTreeMap::new(),
            filters: BTreeMap::new(),
            key: Default::default(),
        }
    }

    /// A hash of the title, text, metadata and filters, taken once per record: what `serve`
    /// compares a build's records by to tell whether the search index must be built again.
    pub fn key(&self) -> u64 {
        self.key.get_or(|| {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::hash::DefaultHasher::new();
            (&self.title, &self.content, &self.meta, &self.filters).hash(&mut hasher);
            hasher.finish()
        })
    }
}

/// The search record of one HTML page, or `None` when the page marks no `data-pagefind-body`.
pub fn search_record(html: &str) -> Option<SearchRecord> {
    let mut pos = 0;
    let (body_name, body_start) = loop {
        let tag = next_tag(html, pos)?;
        pos = tag.end;
        if let Tag::Open { name, attrs, .. } = tag.kind {
            if names_pagefind(attrs) && has_attribute(attrs, "data-pagefind-body") {
                break (name, tag.end);
            }
        }
    };
    // The body ends at the close of its element, found as the tags are read (one pass): elements
    // of the same name opened inside it count up, their closes down.
    let mut depth = 1usize;
    let mut text = Text::default();
    let mut title: Option<String> = None;
    let mut in_h1: Option<Text> = None;
    let mut markers = Markers::default();
    let mut pos = body_start;
    while pos < html.len() {
        let tag = next_tag(html, pos);
        let between = &html[pos..tag.as_ref().map_or(html.len(), |t| t.start)];
        text.push_raw(between);
        if let Some(h) = in_h1.as_mut() {
            h.push_raw(between);
        }
        let Some(tag) = tag else {
            break;
        };
        pos = tag.end;
        match tag.kind {
            Tag::Open {
                name,
                attrs,
                self_closing,
            } => {
                text.boundary(name);
                // Found once, when a marker needs its text or is stepped over.
                let end = std::cell::OnceCell::new();
                let element_end = || {
                    *end.get_or_init(|| {
                        let open =
                            self_closing || VOID.iter().any(|n| n.eq_ignore_ascii_case(name));
                        (!open)
                            .then(|| skip_element(html, tag.end, name))
                            .flatten()
                            .unwrap_or(tag.end)
                    })
                };
                if markers.read(html, attrs, tag.end, &element_end) {
                    // A marker hidden from readers is not part of what the page says.
                    pos = element_end();
                    continue;
                }
                let skipped = SKIPPED.iter().any(|n| n.eq_ignore_ascii_case(name))
                    || names_pagefind(attrs) && has_attribute(attrs, "data-pagefind-ignore");
                if skipped {
                    if !self_closing && !VOID.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                        pos = skip_element(html, tag.end, name).unwrap_or(html.len());
                    }
                } else if name.eq_ignore_ascii_case("h1") && title.is_none() && in_h1.is_none() {
                    in_h1 = Some(Text::default());
                } else if name.eq_ignore_ascii_case(body_name)
                    && !self_closing
                    && !VOID.iter().any(|n| n.eq_ignore_ascii_case(name))
                {
                    depth += 1;
                }
            }
            Tag::Close { name } => {
                if name.eq_ignore_ascii_case(body_name) {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                text.boundary(name);
                if name.eq_ignore_ascii_case("h1") {
                    if let Some(h) = in_h1.take() {
                        title = Some(h.finish());
                    }
                }
            }
            Tag::Other => {}
        }
    }
    let mut record = SearchRecord::new(title.unwrap_or_default(), text.finish());
    record.meta = markers.meta;
    record.filters = markers.filters;
    Some(record)
}

/// The metadata and filters a page declares (Pagefind's `data-pagefind-meta` and
/// `data-pagefind-filter`): `name` takes the element's text, `name:value` the value given, and
/// `name[attr]` the element's attribute; several are separated by commas.
#[derive(Default)]
struct Markers {
    meta: BTreeMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
}

impl Markers {
    /// Reads the markers of an element whose opening tag has `attrs` and whose content starts at
    /// `from` (`end` finds where the element ends). True when the element is a marker hidden from
    /// readers (`hidden`), whose text is then left out of the page's content.
    fn read(&mut self, html: &str, attrs: &str, from: usize, end: &dyn Fn() -> usize) -> bool {
        if !names_pagefind(attrs) {
            return false;
        }
        let meta = attribute(attrs, "data-pagefind-meta").flatten();
        let filter = attribute(attrs, "data-pagefind-filter").flatten();
        if meta.is_none() && filter.is_none() {
            return false;
        }
        let content = || {
            let mut text = Text::default();
            let inner = &html[from..end().max(from)];
            let inner = inner.rfind("</").map_or(inner, |close| &inner[..close]);
            let mut pos = 0;
            while let Some(tag) = next_tag(inner, pos) {
                text.push_raw(&inner[pos..tag.start]);
                pos = tag.end;
            }
            text.push_raw(&inner[pos..]);
            text.finish()
        };
        let mut pairs = Vec::new();
        for (spec, is_meta) in [(meta, true), (filter, false)] {
            for part in spec.map(decoded).unwrap_or_default().split(',') {
                let part = part.trim();
                let (name, value) = match part.split_once(':') {
                    Some((name, value)) => (name.trim(), value.trim().to_string()),
                    None => match part.split_once('[') {
                        Some((name, attr)) => {
                            let attr = attr.trim_end_matches(']').trim();
                            let value = attribute(attrs, attr).flatten().map(decoded);
                            (name.trim(), value.unwrap_or_default())
                        }
                        None => (part, content()),
                    },
                };
                if !name.is_empty() && !value.is_empty() {
                    pairs.push((is_meta, name.to_string(), value));
                }
            }
        }
        for (is_meta, name, value) in pairs {
            if is_meta {
                self.meta.entry(name).or_insert(value);
            } else {
                self.filters.entry(name).or_default().push(value);
            }
        }
        has_attribute(attrs, "hidden")
    }
}

/// An attribute value's text, its entities decoded.
fn decoded(raw: &str) -> String {
    decoded_chars(raw).collect()
}

/// The characters of HTML text (or an attribute value), its entities decoded.
fn decoded_chars(raw: &str) -> impl Iterator<Item = char> + '_ {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        let (c, len) = match c {
            '&' => decode_entity(rest).unwrap_or(('&', 1)),
            c => (c, c.len_utf8()),
        };
        rest = &rest[len..];
        Some(c)
    })
}

/// Elements whose content is never text a reader searches for.
const SKIPPED: &[&str] = &[
    "script", "style", "svg", "template", "noscript", "iframe", "object", "canvas",
];
/// Elements that have no closing tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];
/// Elements inside a line of text: no sentence break at their edges.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// Text gathered with whitespace collapsed and block edges turned into sentence ends.
#[derive(Default)]
struct Text {
    out: String,
    /// A block element ended since the last word.
    pending_break: bool,
    /// Whitespace seen since the last word.
    pending_space: bool,
}

impl Text {
    fn boundary(&mut self, name: &str) {
        if INLINE.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return;
        }
        if name.eq_ignore_ascii_case("br") {
            self.pending_space = true;
        } else {
            self.pending_break = true;
        }
    }

    /// Appends HTML text (entities still encoded). A run of ASCII characters other than white
    /// space and `&` (most of a page's text) is appended at once: after its first character,
    /// which settles any pending space or break, each would only be pushed.
    fn push_raw(&mut self, raw: &str) {
        let bytes = raw.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let run = bytes[at..]
                .iter()
                .position(|&b| !b.is_ascii() || b == b'&' || matches!(b, b' ' | b'\t'..=b'\r'))
                .unwrap_or(bytes.len() - at);
            if run > 0 {
                self.push_char(char::from(bytes[at]));
                self.out.push_str(&raw[at + 1..at + run]);
                at += run;
                continue;
            }
            let rest = &raw[at..];
            let (c, len) = match rest.chars().next() {
                Some('&') => decode_entity(rest).unwrap_or(('&', 1)),
                Some(c) => (c, c.len_utf8()),
                None => break,
            };
            self.push_char(c);
            at += len;
        }
    }

    fn push_char(&mut self, c: char) {
        if c.is_whitespace() {
            self.pending_space = true;
            return;
        }
        if !self.out.is_empty() {
            if self.pending_break {
                if !self.out.ends_with(['.', '!', '?', ':', ';', ',']) {
                    self.out.push('.');
                }
                self.out.push(' ');
            } else if self.pending_space {
                self.out.push(' ');
            }
        }
        self.pending_break = false;
        self.pending_space = false;
        self.out.push(c);
    }

    fn finish(mut self) -> String {
        if !self.out.is_empty() && self.pending_break && !self.out.ends_with(['.', '!', '?']) {
            self.out.push('.');
        }
        self.out
    }
}

/// The character an entity at the start of `s` stands for, and the entity's length.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    // `;` is ASCII, so its byte index is a char boundary even among multi-byte characters.
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                name.strip_prefix('#')?.parse().ok()?
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

struct TagAt<'a> {
    start: usize,
    end: usize,
    kind: Tag<'a>,
}

enum Tag<'a> {
    Open {
        name: &'a str,
        attrs: &'a str,
        self_closing: bool,
    },
    Close {
        name: &'a str,
    },
    /// A comment, doctype or processing instruction.
    Other,
}

/// The next tag at or after `from`.
fn next_tag(html: &str, from: usize) -> Option<TagAt<'_>> {
    let mut search = from;
    loop {
        let start = search + memchr::memchr(b'<', html.get(search..)?.as_bytes())?;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(html.len(), |e| start + e + 3);
            return Some(TagAt {
                start,
                end,
                kind: Tag::Other,
            });
        }
        let after = rest.as_bytes().get(1).copied();
        let (closing, name_from) = match after {
            Some(b'/') => (true, 2),
            Some(b'!') | Some(b'?') => {
                let end = rest.find('>').map_or(html.len(), |e| start + e + 1);
                return Some(TagAt {
                    start,
                    end,
                    kind: Tag::Other,
                });
            }
            Some(c) if c.is_ascii_alphabetic() => (false, 1),
            _ => {
                // A lone `<` in text (never in escaped output, but harmless).
                search = start + 1;
                continue;
            }
        };
        let end = start + tag_end(rest)?;
        let inner = &html[start + name_from..end - 1];
        let name_len = inner
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(inner.len());
        let name = &inner[..name_len];
        let kind = if closing {
            Tag::Close { name }
        } else {
            Tag::Open {
                name,
                attrs: &inner[name_len..],
                self_closing: inner.ends_with('/'),
            }
        };
        return Some(TagAt { start, end, kind });
    }
}

/// The length of the tag at the start of `rest` up to and including its `>`, skipping quoted
/// attribute values.
fn tag_end(rest: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, b) in rest.bytes().enumerate() {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"') | (None, b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Whether an opening tag's attribute text may hold a `data-pagefind-*` attribute: it has
/// `pagefind`, in any case, somewhere. Most tags have no such attribute, and this is cheaper than
/// reading their attributes for each name.
fn names_pagefind(attrs: &str) -> bool {
    let bytes = attrs.as_bytes();
    memchr::memchr2_iter(b'p', b'P', bytes).any(|at| {
        bytes
            .get(at..at + 8)
            .is_some_and(|word| word.eq_ignore_ascii_case(b"pagefind"))
    })
}

/// Whether an opening tag's attribute text has the attribute `wanted` (with or without a value).
fn has_attribute(attrs: &str, wanted: &str) -> bool {
    attribute(attrs, wanted).is_some()
}

/// The attribute `wanted` of an opening tag's attribute text: `None` when absent, `Some(None)`
/// when given without a value, else its value as written (entities encoded).
fn attribute<'a>(attrs: &'a str, wanted: &str) -> Option<Option<&'a str>> {
    let bytes = attrs.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=/>".contains(&bytes[i]) {
            i += 1;
        }
        let named = attrs[name_start..i].eq_ignore_ascii_case(wanted);
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = None;
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let start;
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    i += 1;
                    start = i;
                    while i < bytes.len() && bytes[i] != q {
                        i += 1;
                    }
                    value = Some(&attrs[start..i.min(bytes.len())]);
                    i += 1;
                }
                _ => {
                    start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    value = Some(&attrs[start..i]);
                }
            }
        }
        if named && name_start < i {
            return Some(value);
        }
        if i == name_start {
            i += 1;
        }
    }
    None
}

/// Where the element named `name`, whose content starts at `from`, ends (after its closing tag).
/// Raw-text elements and inline SVG end at the first closing tag of their name, as in HTML.
fn skip_element(html: &str, from: usize, name: &str) -> Option<usize> {
    if RAW.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        let close = format!("</{name}");
        let at = from + memchr::memmem::find(&html.as_bytes()[from..], close.as_bytes())?;
        return tag_end(&html[at..]).map(|len| at + len);
    }
    let close = matching_close(html, from, name)?;
    next_tag(html, close).map(|t| t.end)
}

/// Elements whose content is not parsed for tags here.
const RAW: [&str; 4] = ["script", "style", "svg", "template"];

/// The start of the tag closing the element named `name` whose content starts at `from`. Only
/// tags of that name are parsed; everything between is skipped by searching for `<` (our output
/// escapes `<` in text and attribute values, and comments are stepped over whole), and a raw-text
/// element or inline SVG (an SPC chart is hundreds of tags) is stepped over to its closing tag,
/// as HTML ends it (`skip_element`).
fn matching_close(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let is_named = |at: usize, name: &str| {
        let after = at + name.len();
        bytes
            .get(at..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && bytes
                .get(after)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
    };
    // Most tags (a table's cells) can be neither `name` nor a raw-text element: the first two
    // letters of their name say so, compared in lower case.
    let prefix = |n: &[u8]| -> [u8; 2] {
        [
            n[0].to_ascii_lowercase(),
            n.get(1).map_or(0, u8::to_ascii_lowercase),
        ]
    };
    let wanted = prefix(name.as_bytes());
    let raw: [[u8; 2]; RAW.len()] = RAW.map(|r| prefix(r.as_bytes()));
    let could_be = |name_at: usize, closing: bool| {
        let letters = [
            bytes.get(name_at).map_or(0, u8::to_ascii_lowercase),
            bytes.get(name_at + 1).map_or(0, u8::to_ascii_lowercase),
        ];
        let matches = |p: &[u8; 2]| letters[0] == p[0] && (p[1] == 0 || letters[1] == p[1]);
        matches(&wanted) || (!closing && raw.iter().any(matches))
    };
    let mut depth = 1usize;
    let mut pos = from;
    // Each `<` from `pos` in turn, found in one pass; a step past an element or comment starts
    // the pass again from where it ends.
    'pass: loop {
        for offset in crate::bytes::places(html.get(pos..)?.as_bytes(), b'<') {
            let at = pos + offset;
            let closing = bytes.get(at + 1) == Some(&b'/');
            let name_at = at + 1 + usize::from(closing);
            if !could_be(name_at, closing) {
                if bytes[at + 1..].starts_with(b"!--") {
                    let comment = at + 4;
                    pos = comment + memchr::memmem::find(&bytes[comment..], b"-->")? + 3;
                    continue 'pass;
                }
                continue;
            }
            if !is_named(name_at, name) {
                if let Some(raw) = RAW.iter().find(|raw| !closing && is_named(name_at, raw)) {
                    let open_end = at + tag_end(&html[at..])?;
                    pos = if html[..open_end].ends_with("/>") {
                        open_end
                    } else {
                        skip_element(html, open_end, raw).unwrap_or(open_end)
                    };
                    continue 'pass;
                }
                continue;
            }
            let end = at + tag_end(&html[at..])?;
            if closing {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            } else if !html[..end].ends_with("/>") {
                depth += 1;
            }
            pos = end;
            continue 'pass;
        }
        return None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(html: &str) -> (String, String) {
        let r = search_record(html).expect("a record");
        (r.title, r.content)
    }

    /// Attribute names are read in any case: a tag is passed over only when no case of
    /// `pagefind` is in it.
    #[test]
    fn pagefind_attributes_are_read_in_any_case() {
        let page = |body: &str, ignore: &str, meta: &str| {
            format!(
                "<html><body><p>Menu</p><main {body}><h1>Title</h1><p {meta}=\"kind:KPI\">Kept</p>\
                 <div class=\"pagefind-like x-y\" {ignore}>Hidden</div><p>After</p></main></body></html>"
            )
        };
        let lower = search_record(&page(
            "data-pagefind-body",
            "data-pagefind-ignore",
            "data-pagefind-meta",
        ))
        .unwrap();
        assert_eq!(lower.content, "Title. Kept. After.");
        assert_eq!(lower.meta.get("kind").map(String::as_str), Some("KPI"));
        let mixed = search_record(&page(
            "DATA-PAGEFIND-BODY",
            "Data-PageFind-Ignore",
            "data-PAGEfind-meta",
        ))
        .unwrap();
        assert_eq!(mixed, lower);
        assert!(search_record(&page("data-pagefinds", "", "")).is_none());
    }

    #[test]
    fn reads_the_marked_element_as_sentences() {
        let html = "<html><body><nav>Menu</nav><main id=\"main\" data-pagefind-body>\
            <h1>Brightwater &amp; Co</h1><p>Domiciliary   care <strong>contract</strong></p>\
            <ul><li>Lower is better;</li><li>unit: people</li></ul></main><footer>Foot</footer>";
        assert_eq!(
            record(html),
            (
                "Brightwater & Co".to_string(),
                "Brightwater & Co. Domiciliary care contract. Lower is better; unit: people."
                    .to_string()
            )
        );
    }

    #[test]
    fn leaves_out_ignored_elements_scripts_and_charts() {
        let html = "<main data-pagefind-body><h1>T</h1>\
            <figure data-pagefind-ignore><div><div>chart words</div></div><p>more</p></figure>\
            <svg role=\"img\"><title>svg title</title><text>42</text></svg>\
            <script>var x = \"<p>\";</script><p title=\"a > b\">kept &#x27;quoted&#39; &lt;tag&gt;</p>\
            <!-- <p>comment</p> --><table data-pagefind-ignore=\"all\"><tr><td>cell</td></tr></table>\
            <p>end<br>line</p></main>";
        assert_eq!(
            record(html),
            (
                "T".to_string(),
                "T. kept 'quoted' <tag>. end line.".to_string()
            )
        );
    }

    #[test]
    fn reads_the_metadata_and_filters_a_page_declares() {
        // As the theme's base template marks each page, and Pagefind's other attribute forms.
        let html = "<main data-pagefind-body>\
            <span hidden data-pagefind-filter=\"type\">Contract</span>\
            <span hidden data-pagefind-meta=\"kind\">Contract &amp; KPI</span>\
            <h1>Brightwater</h1><p data-pagefind-filter=\"area:North, type\">Shown <b>text</b></p>\
            <img data-pagefind-meta=\"image[src], alt[alt]\" src=\"/a.png\" alt=\"A &lt;b&gt;\">\
            </main>";
        let r = search_record(html).expect("a record");
        assert_eq!(
            (r.title.as_str(), r.content.as_str()),
            ("Brightwater", "Brightwater. Shown text.")
        );
        let meta: Vec<(&str, &str)> = r
            .meta
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            meta,
            [
                ("alt", "A <b>"),
                ("image", "/a.png"),
                ("kind", "Contract & KPI")
            ]
        );
        let filters: Vec<(&str, Vec<&str>)> = r
            .filters
            .iter()
            .map(|(k, v)| (k.as_str(), v.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            filters,
            [
                ("area", vec!["North"]),
                ("type", vec!["Contract", "Shown text"])
            ]
        );
        assert_ne!(
            r.key(),
            SearchRecord::new(r.title.clone(), r.content.clone()).key()
        );
    }

    #[test]
    fn the_body_ends_at_its_own_closing_tag_past_scripts_and_charts() {
        // A tag of the body's name in a script's text or inside a chart does not nest.
        let html = "<html><body><div data-pagefind-body><h1>T</h1><p>inside</p>\
            <script>var s = \"<div>\";</script><svg><div></div><div><g/></svg>\
            <svg/><p>after</p></div><p>outside</p></body></html>";
        assert_eq!(
            record(html),
            ("T".to_string(), "T. inside. after.".to_string())
        );
        // Tags sharing the body's first letters, or a raw element's, in either case: only the
        // body's own closing tag ends it, and a template's text never does.
        let html = "<main data-pagefind-body><p>a</p><mark>b</mark><table><tr><td>c</td></tr>\
            </table><TEMPLATE><main></main></TEMPLATE><Main>d</MAIN><p>e</p></main><p>out</p>";
        assert_eq!(record(html).1, "a. b. c. d. e.");
    }

    #[test]
    fn ignored_elements_end_at_their_own_closing_tag() {
        let html = "<main data-pagefind-body><div data-pagefind-ignore><div>a</div><divx>b</divx>\
            <!-- </div> --><DIV>c</DIV></div><p>kept</p><section>s<section>t</section></section></main>";
        assert_eq!(record(html).1, "kept. s. t.");
        // A one-letter name: tags it begins (`<pre>`, `<P>`) are told from it by what follows.
        let html = "<main data-pagefind-body><p data-pagefind-ignore>a<pre>b</pre><P>c</P>d</p>\
            <p>kept</p></main>";
        assert_eq!(record(html).1, "kept.");
    }

    #[test]
    fn an_attribute_value_is_not_an_attribute() {
        let html =
            "<main data-pagefind-body><p aria-label=\"x data-pagefind-ignore\">shown</p></main>";
        assert_eq!(record(html).1, "shown.");
        assert!(search_record("<main title=\"data-pagefind-body\">x</main>").is_none());
        assert!(search_record("<html><body><h1>No body</h1></body></html>").is_none());
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Text appended a run at a time is the text appended a decoded character at a time,
        /// across white space of every kind, entities, text beyond ASCII, and a block's edge
        /// between two pieces.
        #[test]
        fn text_appended_in_runs_is_text_appended_by_characters(
            pieces in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "a", "Z", "7", "x y", "xy ", ".", "!", ";", " ", "  ", "\t", "\n", "\u{b}", "\u{c}",
                        "\r", "&amp;", "&lt;", "&", "&#39;", "&nbsp;", "&bogus", "é", "\u{a0}",
                        "\u{2003}", "€",
                    ]),
                    0..12,
                )
                .prop_map(|parts| parts.concat()),
                1..4,
            ),
            edge in proptest::sample::select(vec!["p", "br", "span"]),
        ) {
            let (mut runs, mut characters) = (Text::default(), Text::default());
            for piece in &pieces {
                runs.push_raw(piece);
                runs.boundary(edge);
                for c in decoded_chars(piece) {
                    characters.push_char(c);
                }
                characters.boundary(edge);
            }
            proptest::prop_assert_eq!(runs.finish(), characters.finish(), "{:?}", pieces);
        }
    }

    #[test]
    fn malformed_input_does_not_panic() {
        for html in [
            "<main data-pagefind-body><p>unclosed",
            "<main data-pagefind-body>&#xZZ; &#99999999; &",
            "<main data-pagefind-body><div data-pagefind-ignore><p>never closed",
            "<main data-pagefind-body><p title=\"unterminated>text",
            "<main data-pagefind-body>a < b <",
            "<main data-pagefind-body>&lt;\u{fffd}&gt; &\u{fffd}\u{fffd}\u{fffd}\u{fffd};",
        ] {
            let _ = search_record(html);
        }
        assert_eq!(
            record("<main data-pagefind-body>a < b &bogus; c").1,
            "a < b &bogus; c"
        );
    }
}
