//! What the open data's own row writers (`json_rows`, `csv_rows`) share: the word that a row is
//! left to the general writer, the serializer methods that say it, and the test, eight bytes at a
//! time, of whether a cell's text needs escaping or quoting.

use serde::ser;
use std::fmt;

/// Why a row was left to the general writer (serde_json, the csv crate): it holds something other
/// than scalars, or its own serialisation failed.
#[derive(Debug)]
pub(super) struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a row of scalars")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Unsupported
    }
}

/// Serializer methods (taking one argument of the given type) that leave the row to the general
/// writer.
macro_rules! unsupported {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<(), Unsupported> {
            Err(Unsupported)
        })*
    };
}
pub(super) use unsupported;

/// The serializer methods of what is no row: `none`, `some`, `unit` and a unit variant.
macro_rules! no_row {
    () => {
        fn serialize_none(self) -> Result<(), Unsupported> {
            Err(Unsupported)
        }
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Unsupported> {
            Err(Unsupported)
        }
        fn serialize_unit(self) -> Result<(), Unsupported> {
            Err(Unsupported)
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<(), Unsupported> {
            Err(Unsupported)
        }
    };
}
pub(super) use no_row;

/// The serializer items of a cell, which holds one scalar: no map or struct in it, and a newtype
/// written as what it wraps.
macro_rules! one_scalar {
    () => {
        type SerializeMap = Impossible<(), Unsupported>;
        type SerializeStruct = Impossible<(), Unsupported>;

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), Unsupported> {
            value.serialize(self)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
            Err(Unsupported)
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Unsupported> {
            Err(Unsupported)
        }
    };
}
pub(super) use one_scalar;

/// The compound serializers of a value that is never written here.
macro_rules! no_compounds {
    () => {
        type SerializeSeq = Impossible<(), Unsupported>;
        type SerializeTuple = Impossible<(), Unsupported>;
        type SerializeTupleStruct = Impossible<(), Unsupported>;
        type SerializeTupleVariant = Impossible<(), Unsupported>;
        type SerializeStructVariant = Impossible<(), Unsupported>;

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
            Err(Unsupported)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
            Err(Unsupported)
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Unsupported> {
            Err(Unsupported)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Unsupported> {
            Err(Unsupported)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Unsupported> {
            Err(Unsupported)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), Unsupported> {
            Err(Unsupported)
        }
    };
}
pub(super) use no_compounds;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of some byte of `word` is set if a byte is below `n` (exact for n <= 128: Sean
/// Anderson's "Bit Twiddling Hacks", "Determine if a word has a byte less than n"): zero if none.
pub(super) fn below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH
}

/// Nonzero if some byte of `word` is `b`.
pub(super) fn equal(word: u64, b: u8) -> u64 {
    below(word ^ (ONES * u64::from(b)), 1)
}

/// Whether no byte of `bytes` is special: `special_in` is nonzero for a word (eight bytes, little
/// end first) holding a special byte, `plain_byte` says it of one byte (for text shorter than a
/// word). Cells are mostly codes and numbers of a few words, so a word at a time is the most
/// of the cost of writing them that can be saved.
pub(super) fn plain_words(
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
