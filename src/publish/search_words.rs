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
    let bytes = text.as_bytes();
    let mut buf = String::new();
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                at += 1;
                continue;
            }
            // Most words are ASCII letters and digits ending at ASCII other than an apostrophe:
            // such a word is its bytes, lower-cased (borrowed when it is lower case already).
            let end = bytes[at..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len(), |n| at + n);
            if bytes.get(end).is_none_or(|&a| a.is_ascii() && a != b'\'') {
                if end - at <= MAX_WORD_CHARS {
                    let w = &text[at..end];
                    if w.bytes().any(|b| b.is_ascii_uppercase()) {
                        buf.clear();
                        buf.push_str(w);
                        buf.make_ascii_lowercase();
                        word(&buf);
                    } else {
                        word(w);
                    }
                }
                at = end;
                continue;
            }
        } else if let Some(c) = text[at..].chars().next().filter(|c| !c.is_alphanumeric()) {
            at += c.len_utf8();
            continue;
        }
        at = word_by_characters(text, at, &mut buf, &mut word);
    }
}

/// Reads the word starting with the letter or digit at `from` character by character (an
/// apostrophe inside it, letters outside ASCII), hands it to `word` unless it is too long, and
/// returns where the text after it starts. The word is lower-cased whole, as the query reader's
/// `toLowerCase` does: a capital sigma is `ς` where it ends the letters of a word ("ΟΔΟΣ2" is
/// `οδος2`), `σ` elsewhere.
fn word_by_characters(
    text: &str,
    from: usize,
    buf: &mut String,
    word: &mut impl FnMut(&str),
) -> usize {
    let mut chars = text[from..]
        .char_indices()
        .map(|(i, c)| (from + i, c))
        .peekable();
    buf.clear();
    let mut count = 0;
    let end = loop {
        match chars.peek().copied() {
            Some((_, next)) if next.is_alphanumeric() => {
                buf.push(next);
                count += 1;
                chars.next();
            }
            Some((i, '\'' | '\u{2019}')) => {
                let after = text[i..].chars().nth(1);
                if after.is_some_and(char::is_alphanumeric) {
                    chars.next();
                } else {
                    break i;
                }
            }
            Some((i, _)) => break i,
            None => break text.len(),
        }
    };
    if count <= MAX_WORD_CHARS {
        if buf.is_ascii() {
            buf.make_ascii_lowercase();
            word(buf);
        } else {
            word(&buf.to_lowercase());
        }
    }
    end
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

    /// The words as the search page's query reader finds them, read one character at a time:
    /// `[\p{Alphabetic}\p{N}]+(?:['’][\p{Alphabetic}\p{N}]+)*`, apostrophes dropped, lower-cased
    /// as a whole word, too long ones skipped.
    fn words_by_characters(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_alphanumeric() {
                i += 1;
                continue;
            }
            let mut word = String::new();
            while i < chars.len() {
                if chars[i].is_alphanumeric() {
                    word.push(chars[i]);
                    i += 1;
                } else if matches!(chars[i], '\'' | '\u{2019}')
                    && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric())
                {
                    i += 1;
                } else {
                    break;
                }
            }
            if word.chars().count() <= MAX_WORD_CHARS {
                out.push(word.to_lowercase());
            }
        }
        out
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Words read as bytes (ASCII) and as characters (the rest) are the words the query
        /// reader finds, for text mixing both, apostrophes of both kinds, capitals whose lower
        /// case is longer, and words either side of the length limit.
        #[test]
        fn words_read_as_bytes_are_the_words_read_by_characters(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "a", "Z", "q", "7", "0", " ", "-", "'", "\u{2019}", ",", ".", "é", "É",
                        "Σ", "σ", "İ", "ǅ", "٣", "—", "\n", "<", "&",
                    ])
                    .prop_map(str::to_string),
                    (0usize..3, 38usize..43).prop_map(|(letter, n)| ["x", "Y", "ü"][letter].repeat(n)),
                ],
                0..40,
            )
        ) {
            let text = parts.concat();
            let mut found = Vec::new();
            for_each_word(&text, |w| found.push(w.to_string()));
            proptest::prop_assert_eq!(found, words_by_characters(&text), "{:?}", text);
        }
    }

    #[test]
    fn words_lower_case_as_the_whole_word_would() {
        for text in [
            "ΟΔΟΣ",
            "Σ",
            "οδοσ",
            "ΣΑΣ",
            "ΟΔΟΣ2",
            "İstanbul",
            "ǅemal",
            "STRASSE",
        ] {
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
