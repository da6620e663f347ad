//! Tests of text that spare reading it a character at a time: whether any byte of a cell or a
//! template's value is one that must be escaped or quoted, and where a byte is (eight bytes at a
//! time), and whether a cell needs trimming (by its end bytes). Most such text is a code or a
//! number of a few words, and reading it a character at a time was most of the cost of writing it.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of some byte of `word` is set if a byte is below `n` (exact for n <= 128: Sean
/// Anderson's "Bit Twiddling Hacks", "Determine if a word has a byte less than n"): zero if none.
pub(crate) fn below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH
}

/// Nonzero if some byte of `word` is `b`.
pub(crate) fn equal(word: u64, b: u8) -> u64 {
    below(word ^ (ONES * u64::from(b)), 1)
}

/// Whether no byte of `bytes` is special: `special_in` is nonzero for a word (eight bytes, little
/// end first) holding a special byte, `plain_byte` says it of one byte (for text shorter than a
/// word: filling a word from a few bytes, by a copy or by shifts, cost a scale-0.1 build 1-2% more
/// instructions than testing them one by one). Cells are mostly codes and numbers of a few words, so a word at a time is the most
/// of the cost of writing them that can be saved.
pub(crate) fn plain_words(
    bytes: &[u8],
    special_in: impl Fn(u64) -> u64,
    plain_byte: impl Fn(u8) -> bool,
) -> bool {
    if bytes.len() < 8 {
        return bytes.iter().all(|&b| plain_byte(b));
    }
    let word = |eight: &[u8]| u64::from_le_bytes(eight.try_into().expect("eight bytes"));
    // Every whole word, then the last eight bytes (overlapping the last word read, if need be).
    bytes
        .chunks_exact(8)
        .all(|eight| special_in(word(eight)) == 0)
        && special_in(word(&bytes[bytes.len() - 8..])) == 0
}

/// Each place of the byte `b` in `bytes`, in order, found eight bytes at a time. Where the byte
/// is dense (every dozen bytes, as `<` is in a table's markup), this is several times cheaper
/// than `memchr_iter`, which starts a search of its own after each match; where it is sparse,
/// `memchr` is the faster.
pub(crate) fn places(bytes: &[u8], b: u8) -> Places<'_> {
    Places {
        bytes,
        b,
        word: 0,
        mask: 0,
        next: 0,
    }
}

/// The iterator of [`places`].
pub(crate) struct Places<'a> {
    bytes: &'a [u8],
    b: u8,
    /// Where the word `mask` was made from starts.
    word: usize,
    /// The high bit of each byte of that word that may be `b` ([`equal`] can also mark a byte
    /// above a match that is one more than `b`: each is checked).
    mask: u64,
    /// The first byte not yet read into a word.
    next: usize,
}

impl Iterator for Places<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        loop {
            if self.mask != 0 {
                let at = self.word + (self.mask.trailing_zeros() / 8) as usize;
                self.mask &= self.mask - 1;
                if self.bytes[at] == self.b {
                    return Some(at);
                }
                continue;
            }
            let rest = &self.bytes[self.next..];
            match rest.first_chunk::<8>() {
                Some(eight) => {
                    self.word = self.next;
                    self.mask = equal(u64::from_le_bytes(*eight), self.b);
                    self.next += 8;
                }
                None => {
                    let at = self.next + rest.iter().position(|&c| c == self.b)?;
                    self.next = at + 1;
                    return Some(at);
                }
            }
        }
    }
}

/// `text.trim()`, without reading text that starts and ends with an ASCII byte other than white
/// space (almost every cell of a table) character by character: `str::trim` steps through
/// characters, and a cell's text is trimmed each time a field reads it.
pub(crate) fn trim(text: &str) -> &str {
    let plain = |b: &u8| b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r');
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if plain(first) && plain(last) => text,
        _ => text.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::{places, trim};

    #[test]
    fn trim_is_str_trim() {
        // Every ASCII byte and some characters beyond at either end, alone and around text.
        let mut ends: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        ends.extend(
            [
                "\u{a0}", "\u{85}", "\u{2003}", "\u{3000}", "\u{feff}", "é", "£", "",
            ]
            .map(String::from),
        );
        for a in &ends {
            for b in &ends {
                for middle in ["", "x", " 12.5 ", "a b"] {
                    let text = format!("{a}{middle}{b}");
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn places_are_every_match_in_order_whatever_lies_around_them() {
        // Matches at word edges, side by side, in the tail, and bytes one more than the byte
        // sought just above a match (which the word test also marks).
        let mut text = b"<<a=<".to_vec();
        text.extend_from_slice(b"xxxxxx<=<=======<");
        text.extend_from_slice(&[b'<', b'=', b'=', 0, 1, b'<']);
        for len in 0..=text.len() {
            let bytes = &text[..len];
            let expected: Vec<usize> = memchr::memchr_iter(b'<', bytes).collect();
            assert_eq!(places(bytes, b'<').collect::<Vec<_>>(), expected, "{len}");
            let zeros: Vec<usize> = memchr::memchr_iter(0, bytes).collect();
            assert_eq!(places(bytes, 0).collect::<Vec<_>>(), zeros, "{len}");
        }
    }
}
