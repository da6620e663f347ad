//! Fingerprints of values for `serve`'s caches (a page's render key from its view or its view's
//! input): the value's `Serialize` form written as tagged binary (numbers as their bits, strings
//! with their length) and fed to a hasher in one write, so a key costs no number formatting and no
//! JSON; [`Memo`], a fingerprint (or another fact) kept with the value it was taken from; and
//! [`Identity`], a key that tells one made value from every other without hashing it.
//!
//! The encoding is unambiguous: every value starts with a tag byte, strings, sequences and maps
//! carry their length (or an end tag), and struct fields their names, so two values that serialise
//! differently feed the hasher different bytes.

use serde::ser::{
    Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant, Serializer,
};
use std::hash::Hasher;

/// Feeds `value`'s serialised form to `hasher`.
pub fn fingerprint<T: Serialize + ?Sized>(value: &T, hasher: &mut dyn Hasher) {
    thread_local! {
        /// Each thread's buffer, kept between pages: a key allocates nothing once it has grown.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    /// Counts values whose own `Serialize` failed.
    static FAILED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut write = |buffer: &mut Vec<u8>| {
        buffer.clear();
        if value.serialize(Fingerprint(buffer)).is_err() {
            // What it wrote before failing could be what another value writes: it gets a key no
            // other value has, so its page is always rendered, never taken from a cache.
            let n = FAILED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            buffer.push(tag::FAILED);
            buffer.extend_from_slice(&n.to_le_bytes());
        }
        hasher.write(buffer);
    };
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => write(&mut buffer),
        // A fingerprint taken inside another (a value whose `Serialize` writes a [`Memo`]'s)
        // writes into a buffer of its own.
        Err(_) => write(&mut Vec::new()),
    });
}

/// `value`'s fingerprint on its own: [`fingerprint`] into a fresh `DefaultHasher`.
pub fn hash<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    fingerprint(value, &mut hasher);
    hasher.finish()
}

/// A fact about the value beside it, found on first use and kept inside the value, so a value
/// kept from one build to the next (a KPI's analysis that `serve` did not redo) is not examined
/// again: by default its fingerprint (`Memo`), or a yes-or-no fact such as whether every number a
/// data table publishes from it is finite (`Memo<bool>`). Only for values that are not changed
/// once made: a clone starts without one (it may be changed), and a memo is equal to every other
/// memo, since it says nothing the value beside it does not.
pub struct Memo<T = u64>(std::sync::OnceLock<T>);

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo(std::sync::OnceLock::new())
    }
}

impl<T: Copy> Memo<T> {
    /// The fact, finding it with `find` the first time.
    pub fn get_or(&self, find: impl FnOnce() -> T) -> T {
        *self.0.get_or_init(find)
    }
}

/// A key unique to the value that holds it among all values made by this process: taken from a
/// counter when the value is made, so keying a page by it costs nothing however large the value.
/// Only for values that are not changed once made, and kept by `serve`'s cache only while
/// everything they were made from is equal: a clone (which may be changed) takes a new one, and
/// an identity is equal to every other, since it says nothing the value beside it does not.
pub struct Identity(u64);

impl Identity {
    pub fn get(&self) -> u64 {
        self.0
    }
}

impl Default for Identity {
    fn default() -> Identity {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Identity(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// The traits of a key kept beside the value it describes ([`Memo`], [`Identity`]): a clone
/// starts afresh (`Default`), since the clone may be changed; every key is equal to every other,
/// since it says nothing the value beside it does not; and it prints as its type's name.
macro_rules! kept_beside_its_value {
    ($($key:ident $(<$t:ident>)?),*) => {$(
        impl$(<$t>)? Clone for $key$(<$t>)? {
            fn clone(&self) -> Self {
                Self::default()
            }
        }

        impl$(<$t>)? PartialEq for $key$(<$t>)? {
            fn eq(&self, _: &Self) -> bool {
                true
            }
        }

        impl$(<$t>)? Eq for $key$(<$t>)? {}

        impl$(<$t>)? std::fmt::Debug for $key$(<$t>)? {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($key))
            }
        }
    )*};
}

kept_beside_its_value!(Memo<T>, Identity);

/// The serializer: writes the tagged bytes into a buffer (one hasher write per key rather than
/// one per field, which made SipHash's per-call cost most of a KPI page's key).
struct Fingerprint<'h>(&'h mut Vec<u8>);

/// The error type of a `Serialize` impl's own failure (as `publish::finite` uses); the serializer
/// itself never fails.
type Error = serde_json::Error;

/// Tag bytes: one per kind of value, so a string never hashes like a number of the same bytes.
mod tag {
    pub(super) const BOOL: u8 = 1;
    pub(super) const INT: u8 = 2;
    pub(super) const UINT: u8 = 3;
    pub(super) const FLOAT: u8 = 4;
    pub(super) const CHAR: u8 = 5;
    pub(super) const STR: u8 = 6;
    pub(super) const BYTES: u8 = 7;
    pub(super) const NONE: u8 = 8;
    pub(super) const SOME: u8 = 9;
    pub(super) const UNIT: u8 = 10;
    pub(super) const VARIANT: u8 = 11;
    pub(super) const SEQ: u8 = 12;
    pub(super) const MAP: u8 = 13;
    pub(super) const STRUCT: u8 = 14;
    pub(super) const END: u8 = 15;
    pub(super) const NEWTYPE: u8 = 16;
    pub(super) const SKIPPED: u8 = 17;
    pub(super) const FAILED: u8 = 18;
}

impl Fingerprint<'_> {
    /// A tag and the bytes that follow it.
    fn put(&mut self, tag: u8, bytes: &[u8]) -> Result<(), Error> {
        self.0.push(tag);
        self.0.extend_from_slice(bytes);
        Ok(())
    }

    /// Bytes of any length, after their length.
    fn sized(&mut self, bytes: &[u8]) {
        self.0
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.0.extend_from_slice(bytes);
    }

    /// An enum variant's tag and index, then `then`'s tag (a variant's payload or fields follow).
    fn variant(&mut self, index: u32, then: Option<u8>) {
        self.0.push(tag::VARIANT);
        self.0.extend_from_slice(&index.to_le_bytes());
        self.0.extend(then);
    }
}

/// Integers and floats narrower than 64 bits are written as the 64-bit (or 128-bit) value they
/// widen to, so a field's key does not depend on its integer width.
macro_rules! widened {
    ($($method:ident($ty:ty) => $wide:ident($as:ty)),*) => {$(
        fn $method(self, v: $ty) -> Result<(), Error> {
            self.$wide(<$as>::from(v))
        }
    )*};
}

impl<'h> Serializer for Fingerprint<'h> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    widened!(
        serialize_i8(i8) => serialize_i64(i64),
        serialize_i16(i16) => serialize_i64(i64),
        serialize_i32(i32) => serialize_i64(i64),
        serialize_i64(i64) => serialize_i128(i128),
        serialize_u8(u8) => serialize_u64(u64),
        serialize_u16(u16) => serialize_u64(u64),
        serialize_u32(u32) => serialize_u64(u64),
        serialize_u64(u64) => serialize_u128(u128),
        serialize_f32(f32) => serialize_f64(f64)
    );

    fn serialize_bool(mut self, v: bool) -> Result<(), Error> {
        self.put(tag::BOOL, &[u8::from(v)])
    }
    fn serialize_i128(mut self, v: i128) -> Result<(), Error> {
        self.put(tag::INT, &v.to_le_bytes())
    }
    fn serialize_u128(mut self, v: u128) -> Result<(), Error> {
        self.put(tag::UINT, &v.to_le_bytes())
    }
    fn serialize_f64(mut self, v: f64) -> Result<(), Error> {
        self.put(tag::FLOAT, &v.to_bits().to_le_bytes())
    }
    fn serialize_char(mut self, v: char) -> Result<(), Error> {
        self.put(tag::CHAR, &u32::from(v).to_le_bytes())
    }
    fn serialize_str(mut self, v: &str) -> Result<(), Error> {
        self.0.push(tag::STR);
        self.sized(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(mut self, v: &[u8]) -> Result<(), Error> {
        self.0.push(tag::BYTES);
        self.sized(v);
        Ok(())
    }
    fn serialize_none(mut self) -> Result<(), Error> {
        self.put(tag::NONE, &[])
    }
    fn serialize_some<T: Serialize + ?Sized>(mut self, value: &T) -> Result<(), Error> {
        self.put(tag::SOME, &[])?;
        value.serialize(self)
    }
    fn serialize_unit(mut self) -> Result<(), Error> {
        self.put(tag::UNIT, &[])
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        mut self,
        _: &'static str,
        index: u32,
        _: &'static str,
    ) -> Result<(), Error> {
        self.variant(index, None);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.put(tag::NEWTYPE, &[])?;
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant(index, None);
        value.serialize(self)
    }
    fn serialize_seq(mut self, _: Option<usize>) -> Result<Self, Error> {
        self.put(tag::SEQ, &[])?;
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        mut self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.variant(index, Some(tag::SEQ));
        Ok(self)
    }
    fn serialize_map(mut self, _: Option<usize>) -> Result<Self, Error> {
        self.put(tag::MAP, &[])?;
        Ok(self)
    }
    fn serialize_struct(mut self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.put(tag::STRUCT, &[])?;
        Ok(self)
    }
    fn serialize_struct_variant(
        mut self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.variant(index, Some(tag::STRUCT));
        Ok(self)
    }
}

impl Fingerprint<'_> {
    /// The same hasher, for one element of a compound value.
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Fingerprint(&mut *self.0))
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        self.sized(key.as_bytes());
        self.element(value)
    }

    fn end_compound(mut self) -> Result<(), Error> {
        self.put(tag::END, &[])
    }
}

/// Sequences, tuples and their variants: the elements in order, then an end tag.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl $trait for Fingerprint<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                self.end_compound()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Structs and struct variants: each field's name and value, a skipped field's name, an end tag.
macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl $trait for Fingerprint<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }
            fn skip_field(&mut self, key: &'static str) -> Result<(), Error> {
                self.0.push(tag::SKIPPED);
                self.sized(key.as_bytes());
                Ok(())
            }
            fn end(self) -> Result<(), Error> {
                self.end_compound()
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

impl SerializeMap for Fingerprint<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.element(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.end_compound()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::hash::DefaultHasher;

    fn key<T: Serialize>(value: &T) -> u64 {
        let mut h = DefaultHasher::new();
        fingerprint(value, &mut h);
        h.finish()
    }

    #[derive(Serialize)]
    struct Row {
        label: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        first: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        second: Option<f64>,
        values: Vec<f64>,
    }

    fn row(label: &str, first: Option<f64>, second: Option<f64>, values: &[f64]) -> Row {
        Row {
            label: label.into(),
            first,
            second,
            values: values.to_vec(),
        }
    }

    #[test]
    fn equal_values_give_equal_keys_and_any_difference_a_different_one() {
        let base = row("2024-04", Some(1.0), None, &[1.0, 2.0]);
        assert_eq!(
            key(&base),
            key(&row("2024-04", Some(1.0), None, &[1.0, 2.0]))
        );
        let others = [
            row("2024-05", Some(1.0), None, &[1.0, 2.0]),
            // The same number in the other optional field: told apart by the field's name.
            row("2024-04", None, Some(1.0), &[1.0, 2.0]),
            row("2024-04", Some(1.0), None, &[1.0, 2.5]),
            row("2024-04", Some(1.0), None, &[1.0]),
            row("2024-04", Some(1.0), None, &[1.0, 2.0, 0.0]),
            // A value one bit away.
            row(
                "2024-04",
                Some(f64::from_bits(1.0f64.to_bits() + 1)),
                None,
                &[1.0, 2.0],
            ),
            row("2024-04", Some(-0.0), None, &[1.0, 2.0]),
        ];
        let mut keys: Vec<u64> = others.iter().map(key).collect();
        keys.push(key(&base));
        let count = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), count, "every value has its own key");
    }

    #[test]
    fn a_memo_keeps_its_fingerprint_and_a_clone_takes_its_own() {
        let memo = Memo::default();
        assert_eq!(memo.get_or(|| 7), 7);
        assert_eq!(memo.get_or(|| 8), 7, "taken once");
        let clone = memo.clone();
        assert_eq!(
            clone.get_or(|| 9),
            9,
            "a clone may be changed: it takes its own"
        );
        assert_eq!(memo, clone);
    }

    /// Serialises as the fingerprint of its row, as a KPI's page input serialises its analysis.
    struct Nested(Row);

    impl Serialize for Nested {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_u64(hash(&self.0))
        }
    }

    #[test]
    fn a_fingerprint_taken_inside_another_uses_its_own_buffer() {
        let outer = |label| key(&(label, Nested(row(label, Some(1.0), None, &[2.0]))));
        assert_eq!(outer("2024-04"), outer("2024-04"));
        assert_ne!(outer("2024-04"), outer("2024-05"));
    }

    /// Writes a field, then fails, as a `Serialize` impl may.
    struct Failing;

    impl Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct;
            let mut fields = s.serialize_struct("Failing", 2)?;
            fields.serialize_field("label", "2024-04")?;
            Err(serde::ser::Error::custom("cannot serialise"))
        }
    }

    #[test]
    fn a_value_that_fails_to_serialise_never_has_the_same_key_twice() {
        assert_ne!(key(&Failing), key(&Failing));
    }

    #[test]
    fn integers_key_by_value_and_sign_whatever_their_width() {
        assert_eq!(key(&7u8), key(&7u64));
        assert_eq!(key(&-7i32), key(&-7i128));
        assert_eq!(key(&1.5f32), key(&1.5f64));
        assert_ne!(key(&u128::MAX), key(&(u128::MAX - 1)));
    }

    #[test]
    fn strings_and_sequences_carry_their_lengths() {
        // Concatenations that would collide without lengths and end tags.
        assert_ne!(key(&("ab", "c")), key(&("a", "bc")));
        assert_ne!(
            key(&(vec!["a"], vec!["b", "c"])),
            key(&(vec!["a", "b"], vec!["c"]))
        );
        assert_ne!(key(&Some("")), key(&None::<&str>));
        assert_ne!(key(&"1"), key(&1u64));
        assert_ne!(key(&"ab"), key(&b"ab".as_slice()));
        assert_ne!(key(&1u64), key(&1i64));
    }
}
