//! A serde adapter that hands every float of a value, at any depth, to a rule of its own: the
//! templates' data prints integral floats as integers (`render::template_value`), and the open
//! data's CSV writes floats with zmij, as its JSON already does (`publish::data`).

use serde::ser::{self, Serialize, Serializer};

/// How a float is handed on, and which struct fields may be serialised at all.
pub trait FloatRule: Copy {
    /// Serialises `v` with `serializer`, in this rule's way.
    fn float<S: Serializer>(self, v: f64, serializer: S) -> Result<S::Ok, S::Error>;

    /// Serialises a single-precision `v`: by default as the double it converts to exactly.
    fn float32<S: Serializer>(self, v: f32, serializer: S) -> Result<S::Ok, S::Error> {
        self.float(f64::from(v), serializer)
    }

    /// Whether a struct field named `name` may be serialised: an error stops serialisation.
    fn field<E: ser::Error>(self, _name: &'static str) -> Result<(), E> {
        Ok(())
    }

    /// The text struct field `name` is serialised as, made by the rule from `value`, in place of
    /// `value` itself; `None` (the default) serialises `value` as usual.
    fn replace_field<T: Serialize + ?Sized, E: ser::Error>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Option<Result<String, E>> {
        None
    }

    /// The rule for the values a compound holds: by default this rule.
    fn nested(self) -> Self {
        self
    }
}

/// `value`, serialised with its floats handed to `rule` at any depth.
pub struct WithFloats<'a, T: ?Sized, R> {
    value: &'a T,
    rule: R,
}

impl<'a, T: ?Sized, R> WithFloats<'a, T, R> {
    pub fn new(value: &'a T, rule: R) -> Self {
        WithFloats { value, rule }
    }
}

impl<T: Serialize + ?Sized, R: FloatRule> Serialize for WithFloats<'_, T, R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Floats {
            inner: serializer,
            rule: self.rule,
        })
    }
}

/// A serializer whose floats go to `rule` and whose nested values are wrapped again.
struct Floats<S, R> {
    inner: S,
    rule: R,
}

/// A compound serializer whose elements are wrapped in [`WithFloats`].
struct Each<C, R> {
    inner: C,
    rule: R,
}

impl<C, R: FloatRule> Each<C, R> {
    fn wrap<'a, T: ?Sized>(&self, value: &'a T) -> WithFloats<'a, T, R> {
        WithFloats::new(value, self.rule.nested())
    }
}

/// Calls the macro `$then` with serde's scalar serializer methods and their argument types (every
/// method but the floats, `none`, `some`, `unit` and those of variants and compounds): the
/// serializers here and in `publish::finite` treat them all alike.
macro_rules! serde_scalars {
    ($then:ident) => {
        $then!(
            serialize_bool(bool),
            serialize_char(char),
            serialize_str(&str),
            serialize_bytes(&[u8]),
            serialize_unit_struct(&'static str)
        );
        $crate::floats::serde_integers!($then);
    };
}

/// Calls the macro `$then` with serde's integer serializer methods and their argument types.
macro_rules! serde_integers {
    ($then:ident) => {
        $then!(
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_i128(i128),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_u128(u128)
        );
    };
}
pub(crate) use serde_integers;
pub(crate) use serde_scalars;

macro_rules! forward {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<S::Ok, S::Error> {
            self.inner.$method(v)
        })*
    };
}

impl<S: Serializer, R: FloatRule> Serializer for Floats<S, R> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Each<S::SerializeSeq, R>;
    type SerializeTuple = Each<S::SerializeTuple, R>;
    type SerializeTupleStruct = Each<S::SerializeTupleStruct, R>;
    type SerializeTupleVariant = Each<S::SerializeTupleVariant, R>;
    type SerializeMap = Each<S::SerializeMap, R>;
    type SerializeStruct = Each<S::SerializeStruct, R>;
    type SerializeStructVariant = Each<S::SerializeStructVariant, R>;

    serde_scalars!(forward);

    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.rule.float32(v, self.inner)
    }
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        self.rule.float(v, self.inner)
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_some(&WithFloats::new(value, self.rule))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_struct(name, &WithFloats::new(value, self.rule))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let value = WithFloats::new(value, self.rule);
        self.inner
            .serialize_newtype_variant(name, index, variant, &value)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        let rule = self.rule;
        self.inner
            .serialize_seq(len)
            .map(|inner| Each { inner, rule })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        let rule = self.rule;
        self.inner
            .serialize_tuple(len)
            .map(|inner| Each { inner, rule })
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        let rule = self.rule;
        self.inner
            .serialize_tuple_struct(name, len)
            .map(|inner| Each { inner, rule })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        let rule = self.rule;
        self.inner
            .serialize_tuple_variant(name, index, variant, len)
            .map(|inner| Each { inner, rule })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        let rule = self.rule;
        self.inner
            .serialize_map(len)
            .map(|inner| Each { inner, rule })
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let rule = self.rule;
        self.inner
            .serialize_struct(name, len)
            .map(|inner| Each { inner, rule })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        let rule = self.rule;
        self.inner
            .serialize_struct_variant(name, index, variant, len)
            .map(|inner| Each { inner, rule })
    }
}

/// Implements a compound serializer trait for [`Each`] with one element method.
macro_rules! each {
    ($trait:ident, $method:ident) => {
        impl<C: ser::$trait, R: FloatRule> ser::$trait for Each<C, R> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                let value = self.wrap(value);
                self.inner.$method(&value)
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    };
}

each!(SerializeSeq, serialize_element);
each!(SerializeTuple, serialize_element);
each!(SerializeTupleStruct, serialize_field);
each!(SerializeTupleVariant, serialize_field);

impl<C: ser::SerializeMap, R: FloatRule> ser::SerializeMap for Each<C, R> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        self.inner.serialize_key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        let value = self.wrap(value);
        self.inner.serialize_value(&value)
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

/// Implements a struct serializer trait for [`Each`], asking the rule about each field.
macro_rules! fields {
    ($trait:ident) => {
        impl<C: ser::$trait, R: FloatRule> ser::$trait for Each<C, R> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), C::Error> {
                self.rule.field(name)?;
                if let Some(text) = self.rule.replace_field(name, value) {
                    return self.inner.serialize_field(name, text?.as_str());
                }
                let value = self.wrap(value);
                self.inner.serialize_field(name, &value)
            }
            fn skip_field(&mut self, name: &'static str) -> Result<(), C::Error> {
                self.inner.skip_field(name)
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    };
}

fields!(SerializeStruct);
fields!(SerializeStructVariant);

/// Floats written as text as the csv crate writes them (with `ryu`): the shortest decimal that
/// reads back as the same float, `1.0` for a whole number, `NaN`, `inf` and `-inf` when not
/// finite. Written by zmij, in about half ryu's time, unless zmij's form has an exponent, where
/// the two differ (`1e+16` against ryu's `1e16`): those few are written by ryu.
#[derive(Clone, Copy)]
pub struct CsvFloats;

impl CsvFloats {
    fn text<F: zmij::Float + ryu::Float, S: Serializer>(
        v: F,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        CsvFloats::with_text(v, |text| serializer.serialize_str(text))
    }

    /// `then` given `v`'s text as the csv crate writes it.
    pub fn with_text<F: zmij::Float + ryu::Float, R>(v: F, then: impl FnOnce(&str) -> R) -> R {
        let mut buffer = zmij::Buffer::new();
        let text = buffer.format(v);
        if text.contains('e') {
            then(ryu::Buffer::new().format(v))
        } else {
            then(text)
        }
    }
}

impl FloatRule for CsvFloats {
    fn float<S: Serializer>(self, v: f64, serializer: S) -> Result<S::Ok, S::Error> {
        CsvFloats::text(v, serializer)
    }

    fn float32<S: Serializer>(self, v: f32, serializer: S) -> Result<S::Ok, S::Error> {
        CsvFloats::text(v, serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;

    /// A record of `v` as the csv crate writes it, and as it is written with [`CsvFloats`].
    fn both<V: Serialize + Copy>(v: V) -> (String, String) {
        let write = |ours: bool| {
            let mut w = csv::Writer::from_writer(Vec::new());
            if ours {
                w.serialize(WithFloats::new(&(v,), CsvFloats)).unwrap();
            } else {
                w.serialize((v,)).unwrap();
            }
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        };
        (write(true), write(false))
    }

    proptest! {
        #[test]
        fn every_double_is_written_as_the_csv_crate_writes_it(bits in any::<u64>()) {
            let (ours, theirs) = both(f64::from_bits(bits));
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn every_single_is_written_as_the_csv_crate_writes_it(bits in any::<u32>()) {
            let (ours, theirs) = both(f32::from_bits(bits));
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn figures_as_tables_hold_them_are_written_as_the_csv_crate_writes_them(
            whole in -10_000_000_000_000_000i64..10_000_000_000_000_000,
            places in 0i32..12,
        ) {
            let (ours, theirs) = both(whole as f64 / 10f64.powi(places));
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn the_forms_at_the_edges_are_the_csv_crate_s() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            24.0,
            32.6,
            1e15,
            9.999999999999998e15,
            1e16,
            1e17,
            1.5e-7,
            1e-5,
            0.0001,
            0.00001,
            123456.789,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let (ours, theirs) = both(v);
            assert_eq!(ours, theirs, "{v:e}");
        }
        assert_eq!(both(1e16).0, "1e16\n");
        assert_eq!(both(1e15).0, "1000000000000000.0\n");
        assert_eq!(both(0.1f32).0, "0.1\n");
    }

    #[test]
    fn csv_rows_with_zmij_floats_are_the_csv_crate_s_bytes() {
        #[derive(Serialize)]
        struct Row {
            id: &'static str,
            value: f64,
            lower: Option<f64>,
            upper: Option<f64>,
            count: u32,
            small: f32,
        }
        let rows = [
            Row {
                id: "a",
                value: 32.6,
                lower: Some(1e16),
                upper: None,
                count: 3,
                small: 2.5,
            },
            Row {
                id: "b,c",
                value: -0.0,
                lower: Some(1.5e-7),
                upper: Some(f64::NAN),
                count: 0,
                small: 0.1,
            },
        ];
        let write = |zmij: bool| {
            let mut w = csv::Writer::from_writer(Vec::new());
            for row in &rows {
                if zmij {
                    w.serialize(WithFloats::new(row, CsvFloats)).unwrap();
                } else {
                    w.serialize(row).unwrap();
                }
            }
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        };
        assert_eq!(write(true), write(false));
        assert_eq!(
            write(true),
            "id,value,lower,upper,count,small\na,32.6,1e16,,3,2.5\n\"b,c\",-0.0,1.5e-7,NaN,0,0.1\n"
        );
    }
}
