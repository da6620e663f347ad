//! Tests of text eight bytes at a time: whether any byte of a cell or a template's value is one
//! that must be escaped or quoted. Most such text is a code or a number of a few words, and
//! reading it a byte at a time was most of the cost of writing it.

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
