//! The words of the search index: how text is cut into words, and each word's stem. The search
//! page (`themes/default/static/search.js`) cuts a query into words by the same rules, so these
//! rules are part of the index's format (docs/FORMATS.md, "Search index"); the stems never reach
//! the browser, which looks a word's stem up in the index instead.

use rust_stemmers::{Algorithm, Stemmer};

/// Words longer than this many characters (a pasted address, a hash) are not indexed.
pub const MAX_WORD_CHARS: usize = 40;

/// Calls `word` with every word of `text`, lower-cased: a word is a run of letters and digits
/// (Unicode alphabetic or numeric characters), an apostrophe (`'` or `’`) between two of them
/// joining the parts ("Children's" is `childrens`), anything else separating words ("C-0003" is
/// `c` and `0003`). Words of more than [`MAX_WORD_CHARS`] characters are skipped.
///
/// The search page's query reader matches `/[\p{Alphabetic}\p{N}]+(?:['’][\p{Alphabetic}\p{N}]+)*/u`,
/// drops the apostrophes and lower-cases: the same words.
pub fn for_each_word(text: &str, mut word: impl FnMut(&str)) {
    let mut buf = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        buf.clear();
        push_lower(&mut buf, c);
        let mut count = 1;
        let mut last = c;
        loop {
            match chars.peek().copied() {
                Some((_, next)) if next.is_alphanumeric() => {
                    push_lower(&mut buf, next);
                    count += 1;
                    last = next;
                    chars.next();
                }
                Some((i, '\'' | '\u{2019}')) => {
                    let after = text[i..].chars().nth(1);
                    if after.is_some_and(char::is_alphanumeric) {
                        chars.next();
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        if count <= MAX_WORD_CHARS {
            if last == 'Σ' && count > 1 {
                final_sigma(&mut buf);
            }
            word(&buf);
        }
    }
}

/// Lower-cases one character as `str::to_lowercase` would, outside the final-sigma rule
/// ([`final_sigma`] applies it per word).
fn push_lower(buf: &mut String, c: char) {
    if c.is_ascii() {
        buf.push(c.to_ascii_lowercase());
    } else {
        buf.extend(c.to_lowercase());
    }
}

/// A word ending in a capital sigma after other letters ends in `ς`, as `str::to_lowercase` and
/// JavaScript's `toLowerCase` lower-case it in a whole word (`σ` elsewhere).
fn final_sigma(buf: &mut String) {
    buf.truncate(buf.len() - 'σ'.len_utf8());
    buf.push('ς');
}

/// Reduces words to their stems with the Snowball stemmer for the site's language, so a search
/// for "services" finds "service"; a language without one keeps words whole.
pub struct Stems(Option<Stemmer>);

impl Stems {
    /// The stemmer for a BCP 47 language tag (`en-GB` → English).
    pub fn for_language(language: &str) -> Stems {
        Stems(algorithm(language).map(Stemmer::create))
    }

    /// The stem of a lower-cased word.
    pub fn stem<'a>(&self, word: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.0 {
            Some(stemmer) => stemmer.stem(word),
            None => std::borrow::Cow::Borrowed(word),
        }
    }
}

/// The Snowball algorithm for a language tag's primary language, if there is one.
fn algorithm(language: &str) -> Option<Algorithm> {
    let primary = language
        .split('-')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Some(match primary.as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_lower_cased() {
        assert_eq!(
            words("Children's Centre (C-0003): £591,910 — 12.5% ΟΔΟΣ"),
            [
                "childrens",
                "centre",
                "c",
                "0003",
                "591",
                "910",
                "12",
                "5",
                "οδος"
            ]
        );
        assert_eq!(
            words("residents’ views, 'quoted' it's"),
            ["residents", "views", "quoted", "its"]
        );
        assert_eq!(words("Café naïve Ünïcode"), ["café", "naïve", "ünïcode"]);
        assert_eq!(words(" — … '' "), Vec::<String>::new());
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(words(&format!("short {long} end")), ["short", "end"]);
        assert_eq!(words(&"b".repeat(MAX_WORD_CHARS)).len(), 1);
    }

    #[test]
    fn words_lower_case_as_the_whole_word_would() {
        for text in ["ΟΔΟΣ", "Σ", "οδοσ", "ΣΑΣ", "İstanbul", "ǅemal", "STRASSE"] {
            assert_eq!(words(text), [text.to_lowercase()], "{text}");
        }
    }

    #[test]
    fn stems_follow_the_site_language() {
        let en = Stems::for_language("en-GB");
        assert_eq!(en.stem("services"), "servic");
        assert_eq!(en.stem("service"), "servic");
        assert_eq!(en.stem("priorities"), "prioriti");
        let fr = Stems::for_language("fr");
        assert_eq!(fr.stem("services"), "servic");
        let cy = Stems::for_language("cy");
        assert_eq!(cy.stem("gwasanaethau"), "gwasanaethau");
    }
}
