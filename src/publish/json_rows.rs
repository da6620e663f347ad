//! The open data's JSON rows written straight to bytes, exactly as `serde_json`'s pretty printer
//! writes them: a data file holds hundreds of thousands of rows, each an object of scalars, and
//! serde_json's general machinery (a formatter called through `io::Write` for every key, colon
//! and comma) was most of the cost of writing one. A row that is anything else (a nested list, a
//! row that is not an object) is left to serde_json.

use super::float_text::{self, Memo};
use super::row_text::{
    newtype_through, no_compounds, no_row, one_scalar, unsupported, Unsupported,
};
use crate::bytes::{below, equal, plain_words};
use serde::ser::{self, Impossible, Serialize, Serializer};
use std::cell::RefCell;

/// Appends `rows` to `out` as `serde_json::to_writer_pretty` writes a sequence of them: `[`, each
/// row an object indented by two spaces, `\n]` (`[]` when there are none). False, with `out` as it
/// was, when some row is not an object of scalars or fails to serialise: serde_json then writes
/// them, or reports the failure in its words.
pub(super) fn write_rows<T: Serialize>(
    rows: impl IntoIterator<Item = T>,
    out: &mut Vec<u8>,
) -> bool {
    let start = out.len();
    out.push(b'[');
    let mut empty = true;
    let mut keys = Keys::default();
    for row in rows {
        out.extend_from_slice(if empty { b"\n  " } else { b",\n  " });
        empty = false;
        if row.serialize(Row(out, &mut keys)).is_err() {
            out.truncate(start);
            return false;
        }
    }
    out.extend_from_slice(if empty { b"]" } else { b"\n]" });
    true
}

/// A row: an object (a struct, or a map such as a flattened struct's) whose values are scalars.
struct Row<'a>(&'a mut Vec<u8>, &'a mut Keys);

/// The text before each field's value (`,`, the line's indent, the key and a colon) by the
/// field's place in its row, for the field name it was made for: rows of one table name the same
/// fields in the same order, so each is escaped once, not once a row.
#[derive(Default)]
struct Keys(Vec<(&'static str, Vec<u8>)>);

impl<'a> Serializer for Row<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    no_compounds!();
    crate::floats::serde_scalars!(unsupported);
    unsupported!(serialize_f32(f32), serialize_f64(f64));

    no_row!();
    newtype_through!();
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>, Unsupported> {
        Ok(Object::open(self.0, self.1))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a>, Unsupported> {
        Ok(Object::open(self.0, self.1))
    }
}

/// A row's object being written: `{`, then each field on its own line, indented by four spaces.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    keys: &'a mut Keys,
    /// Fields written so far.
    fields: usize,
}

impl<'a> Object<'a> {
    fn open(out: &'a mut Vec<u8>, keys: &'a mut Keys) -> Self {
        out.push(b'{');
        Object {
            out,
            keys,
            fields: 0,
        }
    }

    /// A field's key and the colon after it.
    fn key(&mut self, key: &str) {
        write_key(self.out, key, self.fields == 0);
        self.fields += 1;
    }

    /// A struct field's key and the colon after it, as made for the last row's field in its place.
    fn static_key(&mut self, key: &'static str) {
        let at = self.fields;
        self.fields += 1;
        match self.keys.0.get_mut(at) {
            Some((name, _)) if std::ptr::eq(*name, key) => {}
            Some(made) => {
                made.1.clear();
                write_key(&mut made.1, key, at == 0);
                made.0 = key;
            }
            None => {
                let mut text = Vec::new();
                write_key(&mut text, key, at == 0);
                self.keys.0.push((key, text));
            }
        }
        self.out.extend_from_slice(&self.keys.0[at].1);
    }

    fn close(self) {
        self.out
            .extend_from_slice(if self.fields == 0 { b"}" } else { b"\n  }" });
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.static_key(key);
        value.serialize(Scalar(self.out))
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        key.serialize(Key(self))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        value.serialize(Scalar(self.out))
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close();
        Ok(())
    }
}

/// A field's key after the comma and new line that end the field before it (none before the
/// first), indented, with a colon.
fn write_key(out: &mut Vec<u8>, key: &str, first: bool) {
    out.extend_from_slice(if first { b"\n    " } else { b",\n    " });
    string(out, key);
    out.extend_from_slice(b": ");
}

/// A map's key: text (a flattened struct's field names), written with its colon.
struct Key<'o, 'a>(&'o mut Object<'a>);

impl Serializer for Key<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    no_compounds!();
    one_scalar!();
    crate::floats::serde_integers!(unsupported);
    unsupported!(
        serialize_bool(bool),
        serialize_char(char),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
        serialize_f32(f32),
        serialize_f64(f64),
    );

    fn serialize_str(self, key: &str) -> Result<(), Unsupported> {
        self.0.key(key);
        Ok(())
    }
    no_row!();
}

/// A field's value: a scalar, written as serde_json writes it.
struct Scalar<'a>(&'a mut Vec<u8>);

/// Integer serializer methods, written with itoa as serde_json writes them.
macro_rules! integers {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<(), Unsupported> {
            self.0.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        })*
    };
}

impl Serializer for Scalar<'_> {
    type Ok = ();
    type Error = Unsupported;
    no_compounds!();
    one_scalar!();
    crate::floats::serde_integers!(integers);
    unsupported!(serialize_bytes(&[u8]));

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.0.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        float(self.0, v);
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        float64(self.0, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        string(self.0, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        string(self.0, v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.0.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }
}

/// A float as serde_json writes it: a finite one by zmij, any other as `null`.
fn float<F: zmij::Float + Into<f64>>(out: &mut Vec<u8>, v: F) {
    if v.into().is_finite() {
        out.extend_from_slice(zmij::Buffer::new().format_finite(v).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

thread_local! {
    /// The JSON text of the doubles this thread wrote last.
    static JSON_TEXT: RefCell<Memo> = const { RefCell::new(Memo::new()) };
}

/// A double as [`float`] writes it, its text remembered for the rows that follow
/// ([`float_text`]).
fn float64(out: &mut Vec<u8>, v: f64) {
    if !v.is_finite() {
        return out.extend_from_slice(b"null");
    }
    float_text::with_text(
        &JSON_TEXT,
        v,
        |v, give| give(zmij::Buffer::new().format_finite(v)),
        |text| out.extend_from_slice(text),
    );
}

/// What a byte of a string becomes in JSON, as serde_json escapes it: itself (0), a two-character
/// escape (the character after the backslash), or `u` for `\u00XX`.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// `s` as a JSON string, quoted and escaped.
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if plain(bytes) {
        out.extend_from_slice(bytes);
    } else {
        escaped(out, bytes);
    }
    out.push(b'"');
}

/// Whether no byte of `bytes` needs escaping: tested eight at a time, most strings being keys
/// and codes of a few words.
fn plain(bytes: &[u8]) -> bool {
    plain_words(
        bytes,
        |word| below(word, 0x20) | equal(word, b'"') | equal(word, b'\\'),
        |b| ESCAPE[usize::from(b)] == 0,
    )
}

/// `bytes` escaped as serde_json escapes them.
fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = ESCAPE[b as usize];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::super::row_text::fixture::{kpi, Kpi};
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Flagged<'a> {
        #[serde(flatten)]
        row: &'a Kpi,
        not_finite: String,
    }

    fn ours<T: Serialize>(rows: &[T]) -> Option<Vec<u8>> {
        let mut out = b"before".to_vec();
        let written = write_rows(rows, &mut out);
        if !written {
            assert_eq!(
                out, b"before",
                "a row left to serde_json leaves nothing behind"
            );
            return None;
        }
        Some(out.split_off(6))
    }

    fn theirs<T: Serialize>(rows: &[T]) -> Vec<u8> {
        serde_json::to_vec_pretty(rows).unwrap()
    }

    #[test]
    fn rows_are_written_as_serde_json_writes_them() {
        let rows = vec![
            kpi("C-00000".into(), 1203.0, 0.1, 4),
            kpi(
                "tab\there \"quoted\" back\\slash \u{7f} é €\u{1b}".into(),
                -0.0,
                f32::NAN,
                5,
            ),
            kpi(String::new(), f64::INFINITY, 1e30, -7),
            kpi("x".into(), 1e16, f32::MIN_POSITIVE, i64::MIN),
        ];
        assert_eq!(ours(&rows).unwrap(), theirs(&rows));
        let expected = "[\n  {\n    \"contract_id\": \"C-00000\",\n    \"kpi, \\\"id\\\"\": \
                        \"KC-00000\",\n    \"actual\": 1203.0,";
        assert!(String::from_utf8(ours(&rows).unwrap())
            .unwrap()
            .starts_with(expected));
        let flagged: Vec<_> = rows
            .iter()
            .map(|row| Flagged {
                row,
                not_finite: "actual;single".into(),
            })
            .collect();
        assert_eq!(ours(&flagged).unwrap(), theirs(&flagged));
        assert_eq!(ours::<Kpi>(&[]).unwrap(), b"[]");
    }

    /// A field skipped in some rows moves the later ones up a place: their keys, kept by place,
    /// are made again.
    #[test]
    fn keys_follow_a_field_skipped_in_some_rows() {
        #[derive(Serialize)]
        struct Sometimes {
            first: u8,
            #[serde(skip_serializing_if = "Option::is_none")]
            note: Option<&'static str>,
            last: u8,
        }
        let rows = [
            Sometimes {
                first: 1,
                note: None,
                last: 2,
            },
            Sometimes {
                first: 3,
                note: Some("n"),
                last: 4,
            },
            Sometimes {
                first: 5,
                note: None,
                last: 6,
            },
        ];
        assert_eq!(ours(&rows).unwrap(), theirs(&rows));
    }

    #[test]
    fn an_empty_object_and_a_wrapped_row_are_written_too() {
        #[derive(Serialize)]
        struct Nothing {}
        #[derive(Serialize)]
        struct Outer(Nothing);
        assert_eq!(
            ours(&[Outer(Nothing {}), Outer(Nothing {})]).unwrap(),
            theirs(&[Outer(Nothing {}), Outer(Nothing {})])
        );
    }

    #[test]
    fn a_row_of_anything_but_scalars_is_left_to_serde_json() {
        #[derive(Serialize)]
        struct Listed {
            name: &'static str,
            items: Vec<u8>,
        }
        #[derive(Serialize)]
        enum Shape {
            Bar(f64),
        }
        #[derive(Serialize)]
        struct Shaped {
            shape: Shape,
        }
        struct Failing;
        impl Serialize for Failing {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("no"))
            }
        }
        assert_eq!(
            ours(&[Listed {
                name: "a",
                items: vec![1]
            }]),
            None
        );
        assert_eq!(
            ours(&[Shaped {
                shape: Shape::Bar(1.0)
            }]),
            None
        );
        assert_eq!(ours(&[vec!["a", "b"]]), None);
        assert_eq!(ours(&["plain"]), None);
        assert_eq!(ours(&[Failing]), None);
        let mut map = std::collections::BTreeMap::new();
        map.insert(1, "one");
        assert_eq!(
            ours(&[map]),
            None,
            "serde_json quotes a number key; left to it"
        );
    }

    /// Every byte, at every place of strings up to two words and a bit long, among bytes that need
    /// no escaping: [`plain`] sees it exactly when serde_json would escape it.
    #[test]
    fn a_string_is_plain_exactly_when_no_byte_needs_escaping() {
        for len in 1..=17 {
            for at in 0..len {
                for b in 0..=u8::MAX {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let expected = !matches!(b, 0..0x20 | b'"' | b'\\');
                    assert_eq!(plain(&bytes), expected, "byte {b:#04x} at {at} of {len}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_row_of_scalars_is_written_as_serde_json_writes_it(
            text in any::<String>(),
            bits in any::<u64>(),
            single in any::<u32>(),
            count in any::<i64>(),
        ) {
            let rows = [kpi(text, f64::from_bits(bits), f32::from_bits(single), count)];
            prop_assert_eq!(ours(&rows).unwrap(), theirs(&rows));
        }
    }
}
