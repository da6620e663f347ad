//! Plain loops: a page template's `{% for r in page.rows %}…{% endfor %}` whose body prints only
//! its row's own values (`{{ r.period }}`, `{{ r }}`), written straight from the view as the view
//! is serialised, byte for byte as tera would write it. A KPI page's table is hundreds of cells,
//! and building tera's value for each row and interpreting the body for each cell was a tenth of
//! a large build. The theme keeps the markup: the body is read from the template's own text, so
//! a project's override of a template is read the same way, and a loop that does anything else
//! is left to tera.

mod rows;
#[cfg(test)]
mod tests;

pub use rows::LoopRun;
use std::collections::{BTreeMap, BTreeSet};

/// A loop over a field of the page's view whose body is text and its row's values.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainLoop {
    /// The view's field the loop goes over (`rows` of `page.rows`).
    field: String,
    /// The body, in order.
    parts: Vec<Part>,
    /// The row fields the body prints, each once, by their place in [`Part::Field`].
    names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    /// `{{ r }}`: the row itself, a scalar.
    Whole,
    /// `{{ r.name }}`: the row's field `names[i]`.
    Field(usize),
}

/// Templates with their plain loops replaced by `{{ page.FIELD | safe }}`, and each such
/// template's loops.
#[derive(Debug, Default)]
pub struct Rewritten {
    /// Every template: rewritten where it has plain loops, else as it was.
    pub sources: Vec<(String, String)>,
    /// Template name → its plain loops (only templates that have some).
    pub loops: BTreeMap<String, Vec<PlainLoop>>,
}

/// Finds the plain loops of `templates` (name, source). A loop is plain when it is a page
/// template's own `{% for VAR in page.FIELD %}` (no whitespace control) whose body, up to its
/// `{% endfor %}`, holds no other tag or comment and prints only `{{ VAR }}` or `{{ VAR.NAME }}`;
/// and when nothing else its template can reach names `page.FIELD` or `page` whole. A page
/// template is one no other template names; what it can reach is itself, every template some
/// template names, and every template that defines a component or macro.
pub fn find(templates: &[(String, String)]) -> Rewritten {
    let tokens: Vec<Option<Vec<Token>>> = templates.iter().map(|(_, s)| tokens(s)).collect();
    let names: BTreeSet<&str> = templates.iter().map(|(n, _)| n.as_str()).collect();
    let mut named = BTreeSet::new();
    for toks in tokens.iter().flatten() {
        for token in toks.iter().filter(|t| t.kind != Kind::Text) {
            for quoted in quoted_strings(token.inner()) {
                if names.contains(quoted) {
                    named.insert(quoted.to_string());
                }
            }
        }
    }
    let is_shared: Vec<bool> = (0..templates.len())
        .map(|i| {
            named.contains(&templates[i].0)
                || tokens[i].as_ref().is_none_or(|toks| {
                    toks.iter().any(|t| {
                        t.kind == Kind::Tag
                            && matches!(first_word(t.inner()), "component" | "macro")
                    })
                })
        })
        .collect();
    let shared: Vec<usize> = (0..templates.len()).filter(|&i| is_shared[i]).collect();
    let mut out = Rewritten::default();
    for (i, (name, source)) in templates.iter().enumerate() {
        let found = match &tokens[i] {
            Some(toks) if !is_shared[i] => {
                let reach = std::iter::once(i).chain(shared.iter().copied());
                references(reach.map(|j| tokens[j].as_deref()))
                    .map(|counts| plain_loops(toks, &counts))
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        if found.is_empty() {
            out.sources.push((name.clone(), source.clone()));
            continue;
        }
        let mut rewritten = String::with_capacity(source.len());
        let mut from = 0;
        for (range, lp) in &found {
            rewritten.push_str(&source[from..range.start]);
            rewritten.push_str(&format!("{{{{ page.{} | safe }}}}", lp.field));
            from = range.end;
        }
        rewritten.push_str(&source[from..]);
        out.sources.push((name.clone(), rewritten));
        out.loops
            .insert(name.clone(), found.into_iter().map(|(_, l)| l).collect());
    }
    out
}

/// `source` with each `{{ words(key="…") }}` that gives only its key replaced by the words it
/// prints, escaped as tera escapes a value: text that is the same on every page, which the
/// rewritten templates need not call a function for on every page (the layout has a dozen).
/// Words holding a brace are left to the call, so nothing folded is read as template syntax.
pub fn fold_words(source: &str, words: &crate::load::theme::Strings) -> String {
    let Some(toks) = tokens(source) else {
        return source.to_string();
    };
    let mut out = String::with_capacity(source.len());
    let mut from = 0;
    for token in toks.iter().filter(|t| t.kind == Kind::Expr && !t.trims()) {
        let Some(text) = words_key(token.inner()).map(|key| words.get(key)) else {
            continue;
        };
        if text.contains(['{', '}']) {
            continue;
        }
        out.push_str(&source[from..token.at]);
        crate::render::push_escaped(&mut out, text, &crate::render::TEMPLATE_HTML);
        from = token.end();
    }
    out.push_str(&source[from..]);
    out
}

/// The key of an expression that is exactly `words(key="KEY")` (any quotes, spaces around its
/// parts).
fn words_key(inner: &str) -> Option<&str> {
    let call = inner.trim().strip_prefix("words")?.trim_start();
    let arg = call.strip_prefix('(')?.trim_start().strip_prefix("key")?;
    let value = arg.trim_start().strip_prefix('=')?.trim_start();
    let quote = value
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let (key, after) = value[1..].split_once(quote)?;
    (after.trim_start().strip_prefix(')')?.trim().is_empty()).then_some(key)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Expr,
    Tag,
    Comment,
}

/// A piece of a template: text, or a `{{ }}`, `{% %}` or `{# #}` with its delimiters.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    at: usize,
    text: &'a str,
}

impl<'a> Token<'a> {
    /// Inside the delimiters.
    fn inner(&self) -> &'a str {
        match self.kind {
            Kind::Text => self.text,
            _ => &self.text[2..self.text.len() - 2],
        }
    }

    /// Whether whitespace control (`{%-`, `-}}`) trims around it.
    fn trims(&self) -> bool {
        let inner = self.inner();
        inner.starts_with('-') || inner.ends_with('-')
    }

    fn end(&self) -> usize {
        self.at + self.text.len()
    }
}

/// A template's tokens; `None` when it cannot be read this simply (an unclosed delimiter, a
/// `{% raw %}` block), and then none of its loops is plain.
fn tokens(source: &str) -> Option<Vec<Token<'_>>> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let (mut pos, mut text_from) = (0, 0);
    while let Some(offset) = memchr::memchr(b'{', &bytes[pos..]) {
        let at = pos + offset;
        let (kind, close) = match bytes.get(at + 1) {
            Some(b'{') => (Kind::Expr, b"}}"),
            Some(b'%') => (Kind::Tag, b"%}"),
            Some(b'#') => (Kind::Comment, b"#}"),
            _ => {
                pos = at + 1;
                continue;
            }
        };
        let end = if kind == Kind::Comment {
            at + 2 + memchr::memmem::find(&bytes[at + 2..], close)? + 2
        } else {
            closing(bytes, at + 2, close)?
        };
        if text_from < at {
            out.push(Token {
                kind: Kind::Text,
                at: text_from,
                text: &source[text_from..at],
            });
        }
        let token = Token {
            kind,
            at,
            text: &source[at..end],
        };
        if kind == Kind::Tag && first_word(token.inner()) == "raw" {
            return None;
        }
        out.push(token);
        (pos, text_from) = (end, end);
    }
    if text_from < source.len() {
        out.push(Token {
            kind: Kind::Text,
            at: text_from,
            text: &source[text_from..],
        });
    }
    Some(out)
}

/// The end of a `{{ }}` or `{% %}` whose inside starts at `from`: past its closing delimiter,
/// skipping string literals.
fn closing(bytes: &[u8], from: usize, close: &[u8; 2]) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'' | b'`') => {
                i += 1 + memchr::memchr(quote, bytes.get(i + 1..)?)? + 1;
            }
            _ if bytes[i..].starts_with(close) => return Some(i + 2),
            _ => i += 1,
        }
    }
    None
}

/// The first word of a tag's inside, after any `-`.
fn first_word(inner: &str) -> &str {
    inner
        .trim_start_matches('-')
        .split_whitespace()
        .next()
        .unwrap_or("")
}

/// The string literals of a tag's or expression's inside.
fn quoted_strings(inner: &str) -> impl Iterator<Item = &str> {
    let bytes = inner.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let quote = bytes[i];
            i += 1;
            if matches!(quote, b'"' | b'\'' | b'`') {
                let start = i;
                let len = memchr::memchr(quote, &bytes[start..])?;
                i = start + len + 1;
                return Some(&inner[start..start + len]);
            }
        }
        None
    })
}

/// How many times each field of `page` is named (`page.FIELD`) in the tags and expressions of
/// `templates`; `None` when one of them cannot be read simply, or names `page` whole (passes it
/// on, indexes it, sets or loops a variable of that name) or the whole context.
fn references<'a>(
    templates: impl Iterator<Item = Option<&'a [Token<'a>]>>,
) -> Option<BTreeMap<&'a str, usize>> {
    let mut counts = BTreeMap::new();
    for toks in templates {
        for token in toks?
            .iter()
            .filter(|t| matches!(t.kind, Kind::Expr | Kind::Tag))
        {
            let inner = token.inner();
            let bytes = inner.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if matches!(b, b'"' | b'\'' | b'`') {
                    i += 1 + memchr::memchr(b, &bytes[i + 1..]).map_or(bytes.len(), |n| n + 1);
                    continue;
                }
                if !is_ident_start(b) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < bytes.len() && is_ident(bytes[i]) {
                    i += 1;
                }
                let after_dot = start > 0 && bytes[start - 1] == b'.';
                match &inner[start..i] {
                    "__tera_context" => return None,
                    "page" if !after_dot => {
                        let field = ident_at(inner, i + 1).filter(|_| bytes.get(i) == Some(&b'.'));
                        *counts.entry(field?).or_insert(0) += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    Some(counts)
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The identifier starting at `at`, if one does.
fn ident_at(text: &str, at: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    if !bytes.get(at).copied().is_some_and(is_ident_start) {
        return None;
    }
    let len = bytes[at..].iter().take_while(|&&b| is_ident(b)).count();
    Some(&text[at..at + len])
}

/// A whole inside that is one identifier (spaces around it allowed).
fn sole_ident(inner: &str) -> Option<&str> {
    let trimmed = inner.trim();
    ident_at(trimmed, 0).filter(|i| i.len() == trimmed.len())
}

/// The plain loops among a page template's tokens, each with the span of source it replaces.
fn plain_loops(
    tokens: &[Token],
    counts: &BTreeMap<&str, usize>,
) -> Vec<(std::ops::Range<usize>, PlainLoop)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match plain_loop(&tokens[i..], counts) {
            Some((used, lp)) => {
                found.push((tokens[i].at..tokens[i + used - 1].end(), lp));
                i += used;
            }
            None => i += 1,
        }
    }
    found
}

/// The plain loop starting at `tokens[0]`, with how many tokens it spans.
fn plain_loop(tokens: &[Token], counts: &BTreeMap<&str, usize>) -> Option<(usize, PlainLoop)> {
    let head = tokens
        .first()
        .filter(|t| t.kind == Kind::Tag && !t.trims())?;
    let words: Vec<&str> = head.inner().split_whitespace().collect();
    let ["for", var, "in", path] = words.as_slice() else {
        return None;
    };
    let var = sole_ident(var)?;
    let field = path.strip_prefix("page.").and_then(sole_ident)?;
    if counts.get(field) != Some(&1) {
        return None;
    }
    let mut lp = PlainLoop {
        field: field.to_string(),
        parts: Vec::new(),
        names: Vec::new(),
    };
    for (n, token) in tokens.iter().enumerate().skip(1) {
        match token.kind {
            Kind::Text => lp.parts.push(Part::Text(token.text.to_string())),
            Kind::Expr if !token.trims() => {
                let inner = token.inner().trim();
                let part = match inner.split_once('.') {
                    None if sole_ident(inner) == Some(var) => Part::Whole,
                    Some((v, name)) if v == var => {
                        let name = sole_ident(name).filter(|n| *n == name)?;
                        let slot = match lp.names.iter().position(|n| n == name) {
                            Some(slot) => slot,
                            None => {
                                lp.names.push(name.to_string());
                                lp.names.len() - 1
                            }
                        };
                        Part::Field(slot)
                    }
                    _ => return None,
                };
                lp.parts.push(part);
            }
            Kind::Tag if !token.trims() && token.inner().trim() == "endfor" => {
                return Some((n + 1, lp));
            }
            _ => return None,
        }
    }
    None
}
