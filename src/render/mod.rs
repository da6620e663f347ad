//! Rendering: turns page views into HTML with tera (the theme's templates) and the views' charts
//! into SVG. Knows nothing of files on disk.

pub mod charts;
pub mod map;
pub mod pages;
pub mod plain_loops;
pub mod template_value;

use crate::load::theme::{Strings, Theme};
use crate::output::OutputFile;
use anyhow::Result;
use template_value::to_template_value;
use tera::Tera;

/// Escapes text for HTML content and double-quoted attributes (inline SVG, the dev server's pages).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped_html(&mut out, text);
    out
}

/// [`escape_html`] written onto the end of `out`, in one pass over `text`.
pub fn push_escaped_html(out: &mut String, text: &str) {
    push_escaped(out, text, &HTML);
}

/// Writes `text` onto `out` with each of `special` (some of `& < > " '`) replaced by its entity,
/// the runs between them copied whole.
fn push_escaped(out: &mut String, text: &str, special: &Specials) {
    escaped_runs(text, special, |run| out.push_str(run));
}

/// Hands `emit` the runs of `text` between characters of `special`, and each such character's
/// entity, in order. The characters are ASCII, so text is read a word, then a byte, at a time,
/// not decoded char by char: templates escape every value a page prints.
fn escaped_runs(text: &str, special: &Specials, mut emit: impl FnMut(&str)) {
    if special.none_in(text.as_bytes()) {
        emit(text);
        return;
    }
    let mut start = 0;
    for (at, &b) in text.as_bytes().iter().enumerate() {
        if !special.has(b) {
            continue;
        }
        // `at` holds an ASCII byte, so both slices end on character boundaries.
        emit(&text[start..at]);
        emit(match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#x27;",
        });
        start = at + 1;
    }
    emit(&text[start..]);
}

/// Which bytes are escaped: `& < > "`, and `'` too when `apostrophe`.
struct Specials {
    apostrophe: bool,
}

impl Specials {
    fn has(&self, b: u8) -> bool {
        matches!(b, b'&' | b'<' | b'>' | b'"') || b == b'\'' && self.apostrophe
    }

    /// Whether no byte of `bytes` is escaped: tested eight at a time (a value a template prints
    /// is mostly a code or a number, with nothing to escape).
    fn none_in(&self, bytes: &[u8]) -> bool {
        use crate::bytes::{equal, plain_words};
        let special_in = |word| {
            let apostrophe = if self.apostrophe {
                equal(word, b'\'')
            } else {
                0
            };
            equal(word, b'&')
                | equal(word, b'<')
                | equal(word, b'>')
                | equal(word, b'"')
                | apostrophe
        };
        plain_words(bytes, special_in, |b| !self.has(b))
    }
}

/// What HTML content and double-quoted attributes escape.
const HTML: Specials = Specials { apostrophe: false };

/// What templates escape in HTML.
const TEMPLATE_HTML: Specials = Specials { apostrophe: true };

/// Escapes what templates print into HTML: `&`, `<`, `>`, `"` and `'`, as tera does, but with `'`
/// as `&#x27;` (tera 2 writes `&#39;`), the entity the site's pages have always had. A theme's
/// single-quoted attribute stays closed either way. The text between escapes is copied whole: a
/// KPI page prints hundreds of values.
pub fn escape_template_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text, &TEMPLATE_HTML);
    out
}

/// Escapes text for XML content and attributes, and drops the characters XML 1.0 does not allow
/// at all (control characters other than tab, line feed and carriage return; U+FFFE, U+FFFF),
/// which no escape can carry: every XML document the site publishes goes through here.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A template that does not compile, recurses, or fails to render a page: a problem of the
/// project's theme (reported like any other project error), not of the machine.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// The template being rendered, when one was.
    pub template: Option<String>,
    pub message: String,
}

impl TemplateError {
    fn new(message: String) -> TemplateError {
        TemplateError {
            template: None,
            message,
        }
    }

    fn rendering(template: &str, e: &tera::Error) -> anyhow::Error {
        TemplateError {
            template: Some(template.to_string()),
            message: format!("rendering {template}: {}", describe(e)),
        }
        .into()
    }
}

/// Takes from templates what would let them read the environment (CI secrets) or make two
/// builds of the same project differ: tera 2 has no `get_env`, and a template calling it fails
/// with a message saying why rather than as an unknown function.
fn sandbox(tera: &mut Tera) {
    tera.register_function(
        "get_env",
        |_: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            Err(tera::Error::message(
                "get_env is not available: templates cannot read the environment",
            ))
        },
    );
}

/// The `key` and the other arguments of a `words` or `words_html` call, as text, the others in
/// name order.
fn words_arguments(args: &tera::Kwargs) -> tera::TeraResult<(String, Vec<(String, String)>)> {
    let key = args
        .get::<&str>("key")
        .ok()
        .flatten()
        .ok_or_else(|| tera::Error::message("words needs key=\"section.name\""))?;
    let mut values: Vec<(String, String)> = args
        .iter()
        .filter(|(name, _)| name.as_str() != Some("key"))
        .map(|(name, v)| {
            let text = match v.as_str() {
                Some(s) => s.to_string(),
                None => v.to_string(),
            };
            (name.to_string(), text)
        })
        .collect();
    values.sort();
    Ok((key.to_string(), values))
}

/// Gives templates the theme's string table. `{{ words(key="tender.status." ~ code) }}` prints
/// the words of a key in the site's language, any other argument filling the placeholder of its
/// name (`words(key="kpi.counts_variation", count=3, improvement=1, concern=0)`); autoescaping
/// escapes the result. `{{ words_html(key=..., link=html) | safe }}` escapes the key's words
/// for element content (`&`, `<`, `>`, `"`: never inside an attribute) and inserts the arguments
/// as they are: for a sentence around links the template built (and escaped) itself.
fn register_words(tera: &mut Tera, words: &Strings) {
    for html in [false, true] {
        let words = words.clone();
        tera.register_function(
            if html { "words_html" } else { "words" },
            move |args: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
                let (key, values) = words_arguments(&args)?;
                let args: Vec<(&str, &dyn std::fmt::Display)> = values
                    .iter()
                    .map(|(name, text)| (name.as_str(), text as &dyn std::fmt::Display))
                    .collect();
                Ok(if html {
                    crate::load::theme::fill_in(&escape_html(words.get(&key)), &args)
                } else {
                    words.fill(&key, &args)
                })
            },
        );
    }
}

/// The cycle at the end of a chain of templates that reaches one of them again (`a → b → c → b`
/// is `b → c → b`), as the template that goes round is what its author has to change.
fn the_cycle(chain: &[String]) -> &[String] {
    let start = chain
        .last()
        .and_then(|again| chain.iter().position(|t| t == again))
        .unwrap_or(0);
    &chain[start..]
}

/// Tera's escape function for `.html` templates: [`escape_template_html`], written to the page
/// run by run.
fn write_template_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut written = Ok(());
    escaped_runs(text, &TEMPLATE_HTML, |run| {
        if written.is_ok() {
            written = out.write_all(run.as_bytes());
        }
    });
    written
}

/// Tera's escape function for `.xml` templates: [`escape_xml`] written to the document.
fn write_xml(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(escape_xml(text).as_bytes())
}

/// A tera for page templates: autoescaped as HTML ([`write_template_html`]), sandboxed, with the
/// theme's `words`. Functions are registered before templates are added: tera checks every call
/// of a template as it compiles.
fn page_tera(words: &Strings) -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on([".html"]);
    tera.set_escape_fn(write_template_html);
    // `| escape` (a template escaping a value it builds HTML around) escapes the same way.
    tera.register_filter(
        "escape",
        |text: &str, _: tera::Kwargs, _: &tera::State| -> String { escape_template_html(text) },
    );
    sandbox(&mut tera);
    register_words(&mut tera, words);
    tera
}

/// The compiled templates of a theme.
pub struct Renderer {
    tera: Tera,
    /// The templates of documents that are not HTML (`sitemap.xml`, `feed.xml`, `robots.txt`):
    /// `.xml` templates are autoescaped with [`escape_xml`].
    documents: Tera,
    /// The page templates with their plain loops ([`plain_loops`]) rewritten, and each such
    /// template's loops.
    plain: Option<(
        Tera,
        std::collections::BTreeMap<String, Vec<plain_loops::PlainLoop>>,
    )>,
    /// A hash of every template's name and source, so a cache of rendered pages knows when the
    /// theme changed.
    fingerprint: u64,
}

/// Describes a tera error on one line: tera's report of a template problem (the message, then
/// `--> template:line:column` and the line itself, underlined) becomes `template:line:column:
/// message`, and any cause is added after a colon.
pub fn describe(err: &tera::Error) -> String {
    let mut parts = vec![one_line(&err.to_string())];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        parts.push(one_line(&s.to_string()));
        source = s.source();
    }
    parts.join(": ")
}

/// A tera report (`error: message` / `--> where` / the source line underlined / notes) as
/// `where: message`; a message that is not a report is kept as it is.
fn one_line(report: &str) -> String {
    let mut lines = report.lines();
    let Some(message) = lines.next().and_then(|l| l.strip_prefix("error: ")) else {
        return report.to_string();
    };
    let mut text = match lines
        .next()
        .map(str::trim_start)
        .and_then(|l| l.strip_prefix("--> "))
    {
        Some(place) => format!("{place}: {message}"),
        None => message.to_string(),
    };
    for note in lines.filter_map(|l| l.strip_prefix("note: ")) {
        text.push_str(" (");
        text.push_str(note);
        text.push(')');
    }
    text
}

impl Renderer {
    /// Compiles every template, with the string table of `language` as their `words` function;
    /// a broken template (theme or project override) is an error naming it.
    pub fn new(theme: &Theme, language: &str) -> Result<Renderer> {
        Renderer::with_words(theme, &theme.strings_for(language))
    }

    /// [`Renderer::new`] with the string table of the site's language already made.
    pub fn with_words(theme: &Theme, words: &Strings) -> Result<Renderer> {
        let mut tera = page_tera(words);
        let mut documents = Tera::new();
        documents.autoescape_on([".xml"]);
        documents.set_escape_fn(write_xml);
        // Functions are registered first: tera checks every call of a template as it compiles.
        sandbox(&mut documents);
        register_words(&mut documents, words);
        type Sources = Vec<(String, String)>;
        let (pages, others): (Sources, Sources) = theme
            .templates
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .partition(|(k, _)| k.ends_with(".html"));
        let overridden = if theme.overridden.is_empty() {
            String::new()
        } else {
            format!(
                " (project overrides: templates/{})",
                theme.overridden.join(", templates/")
            )
        };
        let plain = plain_loops::find(&pages);
        tera.add_raw_templates(pages)
            .and_then(|()| documents.add_raw_templates(others))
            .map_err(|e| {
                let cycle = match e.kind() {
                    tera::ErrorKind::CircularInclude { include_chain, .. } => Some(include_chain),
                    tera::ErrorKind::CircularExtend {
                        inheritance_chain, ..
                    } => Some(inheritance_chain),
                    _ => None,
                };
                if let Some(chain) = cycle {
                    return TemplateError::new(format!(
                        "a template calls itself for ever{overridden}: {}; an include or extends may not reach itself again",
                        the_cycle(chain).join(" → ")
                    ));
                }
                let what = describe(&e);
                TemplateError::new(format!("a template does not compile{overridden}: {what}"))
            })?;
        // The templates with their plain loops rewritten and their constant words folded in: they
        // compile whenever the templates as written do, and if ever they did not, pages are
        // rendered by tera as written.
        let plain = (!plain.loops.is_empty())
            .then(|| {
                let mut fast = page_tera(words);
                let sources = plain.sources.into_iter().map(|(name, source)| {
                    let folded = plain_loops::fold_words(&source, words);
                    (name, folded)
                });
                fast.add_raw_templates(sources).ok()?;
                Some((fast, plain.loops))
            })
            .flatten();
        Ok(Renderer {
            tera,
            documents,
            plain,
            fingerprint: Renderer::key(theme, words),
        })
    }

    /// What a renderer is compiled from, hashed: every template's name and source, which of them
    /// the project overrides, and the words of the site's language. Two themes with the same key
    /// compile to the same renderer, so `serve` keeps its renderer while the key stays the same.
    pub fn key(theme: &Theme, words: &Strings) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        for (name, source) in &theme.templates {
            (name, source).hash(&mut hasher);
        }
        theme.overridden.hash(&mut hasher);
        words.fingerprint().hash(&mut hasher);
        hasher.finish()
    }

    /// Changes whenever any template, or any word of the string table, changes.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Renders a document (the sitemap, feed, robots.txt) from its template; its view is `page`.
    pub fn render_document(&self, document: crate::site::feeds::Document) -> Result<OutputFile> {
        let mut context = tera::Context::new();
        let view = document.view.build();
        context.insert_value("page", to_template_value(view.as_serialize())?);
        let text = self
            .documents
            .render(document.template, &context)
            .map_err(|e| TemplateError::rendering(document.template, &e))?;
        Ok(OutputFile {
            path: document.path,
            bytes: text.into_bytes(),
        })
    }

    /// Renders `template` with a serialisable context, into a buffer sized from the last page of
    /// the same template this thread rendered: tera would size it from the template's own text,
    /// and grow it, copying, several times for a page that is mostly data (a 29 KB KPI page).
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String> {
        self.render_with(&self.tera, template, context)
    }

    /// The plain loops of page template `template`, when it has some: its data is then made with
    /// them written ([`template_value::to_template_data_with_loops`]), and rendered with
    /// [`Renderer::render_plain`].
    pub fn plain_loops(&self, template: &str) -> Option<&[plain_loops::PlainLoop]> {
        let (_, loops) = self.plain.as_ref()?;
        loops.get(template).map(Vec::as_slice)
    }

    /// Renders `template` as rewritten for its plain loops, with data whose loop fields hold the
    /// loops' HTML. On an error, the caller renders the page again as written, so that the error
    /// is tera's for the template the theme's author wrote. Without rewritten templates (no
    /// template has plain loops) it is an error: data whose loops were written is not data for
    /// the templates as written.
    pub fn render_plain(&self, template: &str, context: &tera::Context) -> Result<String> {
        let (fast, _) = self
            .plain
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("{template} has no plain loops"))?;
        self.render_with(fast, template, context)
    }

    fn render_with(&self, tera: &Tera, template: &str, context: &tera::Context) -> Result<String> {
        thread_local! {
            /// The size of the last page of each template rendered on this thread.
            static LAST_SIZE: std::cell::RefCell<foldhash::HashMap<String, usize>> =
                std::cell::RefCell::default();
        }
        let last = LAST_SIZE.with_borrow(|sizes| sizes.get(template).copied());
        // An eighth more than the last page, for a page a little longer than the last.
        let mut html = Vec::with_capacity(last.map_or(8192, |n| n + n / 8));
        tera.render_to(template, context, &mut html)
            .map_err(|e| TemplateError::rendering(template, &e))?;
        // The template's name is copied once per thread, not each time a page's size changes.
        LAST_SIZE.with_borrow_mut(|sizes| match sizes.get_mut(template) {
            Some(size) => *size = html.len(),
            None => {
                sizes.insert(template.to_string(), html.len());
            }
        });
        String::from_utf8(html).map_err(|e| {
            TemplateError {
                template: Some(template.to_string()),
                message: format!("rendering {template}: {e}"),
            }
            .into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::feeds::{Document, FeedEntry, FeedView, SitemapView};
    use crate::site::view;

    /// Reads `xml` to the end with a conforming parser: panics unless it is well-formed.
    fn well_formed(xml: &str) {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut depth = 0usize;
        loop {
            match reader.read_event().expect("well-formed XML") {
                quick_xml::events::Event::Eof => break,
                quick_xml::events::Event::Start(_) => depth += 1,
                quick_xml::events::Event::End(_) => depth -= 1,
                _ => {}
            }
        }
        assert_eq!(depth, 0, "every element closed");
    }

    #[test]
    fn templates_print_the_string_table_with_placeholders_filled() {
        let mut theme = crate::load::theme::default_theme();
        theme.templates.insert(
            "words.txt".into(),
            "{{ words(key=\"kpi.counts_variation\", count=3, improvement=1, concern=0) }}|\
             {{ words(key=\"tender.status.\" ~ page.status) }}|{{ words(key=\"no.such\") }}|\
             {{ words_html(key=\"odd\", link=\"<a href='x'>A & B</a>\") | safe }}"
                .into(),
        );
        // A project's words are escaped; the arguments of words_html are the template's HTML.
        theme
            .strings
            .get_mut("en-GB")
            .unwrap()
            .insert("odd".into(), "Fish & <chips> {link}".into());
        let mut welsh = std::collections::BTreeMap::new();
        welsh.insert("tender.status.awarded".to_string(), "Dyfarnwyd".to_string());
        theme.strings.insert("cy-GB".into(), welsh);
        let render = |language: &str| {
            let renderer = Renderer::new(&theme, language).unwrap();
            let out = renderer
                .render_document(Document {
                    path: "words.txt".into(),
                    template: "words.txt",
                    view: crate::site::view(serde_json::json!({"status": "awarded"})),
                })
                .unwrap();
            (
                String::from_utf8(out.bytes).unwrap(),
                renderer.fingerprint(),
            )
        };
        let (english, english_key) = render("en-GB");
        assert_eq!(
            english,
            "3 KPIs: 1 improving, 0 of concern|Awarded|no.such|\
             Fish &amp; &lt;chips&gt; <a href='x'>A & B</a>"
        );
        // Another language's words, and another render key: cached pages are rendered again.
        let (welsh, welsh_key) = render("cy-GB");
        assert!(welsh.starts_with("3 KPIs: 1 improving, 0 of concern|Dyfarnwyd|no.such|"));
        assert_ne!(english_key, welsh_key);
    }

    #[test]
    fn xml_documents_stay_well_formed_with_control_characters() {
        let renderer = Renderer::new(&crate::load::theme::default_theme(), "en-GB").unwrap();
        let title = "Hart\u{0B}side & <Co> \"council's\"\u{1}";
        let feed = renderer
            .render_document(Document {
                path: "feed.xml".into(),
                template: "feed.xml",
                view: view(FeedView {
                    title: title.into(),
                    id: "https://example.org/feed.xml".into(),
                    link: "https://example.org/".into(),
                    updated: "2025-04-01".into(),
                    author: "Hart\u{0B}side".into(),
                    entries: vec![FeedEntry {
                        title: format!("Contract awarded: {title}"),
                        url: "https://example.org/a\u{0B}b/".into(),
                        updated: "2025-04-01".into(),
                        day: "20250401".into(),
                        summary: "Summary\u{0C}.".into(),
                    }],
                }),
            })
            .unwrap();
        let text = String::from_utf8(feed.bytes).unwrap();
        assert!(!text.contains(['\u{0B}', '\u{0C}', '\u{1}']), "{text}");
        assert!(
            text.contains("<title>Hartside &amp; &lt;Co&gt; &quot;council&apos;s&quot;</title>")
        );
        assert!(text.contains("<link href=\"https://example.org/ab/\"/>"));
        well_formed(&text);
        let sitemap = renderer
            .render_document(Document {
                path: "sitemap.xml".into(),
                template: "sitemap.xml",
                view: view(SitemapView {
                    urls: vec!["https://example.org/a\u{0B}&b/".into()],
                }),
            })
            .unwrap();
        let text = String::from_utf8(sitemap.bytes).unwrap();
        assert_eq!(
            text,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <url><loc>https://example.org/a&amp;b/</loc></url>\n</urlset>\n"
        );
        well_formed(&text);
    }

    #[test]
    fn escape_html_escapes_markup_and_quotes_in_one_pass() {
        assert_eq!(
            escape_html("Tom & Jerry's <b>\"best\"</b> £5 – é"),
            "Tom &amp; Jerry's &lt;b&gt;&quot;best&quot;&lt;/b&gt; £5 – é"
        );
        // An escape already in the text is escaped again: the text is text.
        assert_eq!(escape_html("&amp;"), "&amp;amp;");
        assert_eq!(escape_html(""), "");
        let mut out = String::from("<p>");
        push_escaped_html(&mut out, "a<b");
        assert_eq!(out, "<p>a&lt;b");
    }

    proptest::proptest! {
        #[test]
        fn template_escaping_is_tera_s_but_for_the_apostrophe_s_entity(text in "(\\PC|[&<>\"'/])*") {
            let mut tera_s = Vec::new();
            tera::escape_html(&text, &mut tera_s).unwrap();
            proptest::prop_assert_eq!(
                escape_template_html(&text),
                String::from_utf8(tera_s).unwrap().replace("&#39;", "&#x27;")
            );
        }
    }

    #[test]
    fn pages_and_the_escape_filter_escape_alike_and_leave_slashes() {
        let mut theme = crate::load::theme::default_theme();
        theme.templates.insert(
            "t.html".into(),
            "{{ a }}|{% set b = a | escape %}{{ b | safe }}|<a href='{{ root }}x'>".into(),
        );
        theme
            .templates
            .insert("n.html".into(), "{{ n | escape }}".into());
        let renderer = Renderer::new(&theme, "en-GB").unwrap();
        let mut context = tera::Context::new();
        context.insert("a", "1/2 & <b> 'q' \"");
        context.insert("root", "../../");
        context.insert("n", &3);
        assert_eq!(
            renderer.render("t.html", &context).unwrap(),
            "1/2 &amp; &lt;b&gt; &#x27;q&#x27; &quot;|1/2 &amp; &lt;b&gt; &#x27;q&#x27; &quot;|<a href='../../x'>"
        );
        let wrong = renderer.render("n.html", &context).unwrap_err().to_string();
        assert!(
            wrong.ends_with("rendering n.html: n.html:1:4: Invalid type for the value, expected `&str` but got `i64`"),
            "{wrong}"
        );
    }

    #[test]
    fn template_escaping_escapes_markup_and_both_quotes() {
        assert_eq!(
            escape_template_html("../a/b & 'c' <d> \"é\""),
            "../a/b &amp; &#x27;c&#x27; &lt;d&gt; &quot;é&quot;"
        );
        assert_eq!(escape_template_html(""), "");
    }

    /// Every byte at every place of values up to two words and a bit long: a value is passed
    /// whole exactly when none of its bytes is escaped.
    #[test]
    fn a_value_is_plain_exactly_when_no_byte_is_escaped() {
        for special in [&HTML, &TEMPLATE_HTML] {
            for len in 1..=17 {
                for at in 0..len {
                    for b in 0..=u8::MAX {
                        let mut bytes = vec![b'a'; len];
                        bytes[at] = b;
                        let escaped = matches!(b, b'&' | b'<' | b'>' | b'"')
                            || b == b'\'' && special.apostrophe;
                        assert_eq!(special.none_in(&bytes), !escaped, "{b:#04x} at {at}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Any text, multi-byte characters and all, escapes as replacing each special character
        /// in turn would.
        #[test]
        fn escaping_replaces_each_special_character_and_nothing_else(text in ".*[&<>\"'é€].*") {
            let replaced = |quote: bool| -> String {
                text.chars()
                    .map(|c| match c {
                        '&' => "&amp;".to_string(),
                        '<' => "&lt;".to_string(),
                        '>' => "&gt;".to_string(),
                        '"' => "&quot;".to_string(),
                        '\'' if quote => "&#x27;".to_string(),
                        c => c.to_string(),
                    })
                    .collect()
            };
            proptest::prop_assert_eq!(escape_template_html(&text), replaced(true));
            proptest::prop_assert_eq!(escape_html(&text), replaced(false));
        }
    }

    #[test]
    fn escape_xml_keeps_whitespace_and_drops_what_xml_forbids() {
        assert_eq!(escape_xml("a\tb\nc\rd"), "a\tb\nc\rd");
        assert_eq!(escape_xml("\u{0}\u{8}\u{B}\u{1F}x\u{FFFE}\u{FFFF}é"), "xé");
    }
}
