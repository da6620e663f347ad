//! What the open data's own row writers (`json_rows`, `csv_rows`) share: the word that a row is
//! left to the general writer, and the serializer methods that say it.

use serde::ser;
use std::fmt;

/// Why a row was left to the general writer (serde_json, the csv crate): it holds something other
/// than scalars, or its own serialisation failed.
#[derive(Debug)]
pub(crate) struct Unsupported;

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
pub(crate) use unsupported;

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
pub(crate) use no_row;

/// A newtype serialized as what it wraps, as serde_json and the csv crate write it.
macro_rules! newtype_through {
    () => {
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), Unsupported> {
            value.serialize(self)
        }
    };
}
pub(crate) use newtype_through;

/// The serializer items of a cell, which holds one scalar: no map or struct in it, and a newtype
/// written as what it wraps.
macro_rules! one_scalar {
    () => {
        type SerializeMap = Impossible<(), Unsupported>;
        type SerializeStruct = Impossible<(), Unsupported>;

        $crate::publish::row_text::newtype_through!();
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
pub(crate) use one_scalar;

/// The compound serializers of a value that is never written here.
macro_rules! no_compounds {
    () => {
        $crate::publish::row_text::no_seq!();
        $crate::publish::row_text::no_compounds_but_seq!();
    };
}
pub(crate) use no_compounds;

/// No sequence: the one compound a plain loop's list is (`render::plain_loops`).
macro_rules! no_seq {
    () => {
        type SerializeSeq = Impossible<(), Unsupported>;

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
            Err(Unsupported)
        }
    };
}
pub(crate) use no_seq;

/// Every compound but a sequence (and a map or struct: [`one_scalar`]).
macro_rules! no_compounds_but_seq {
    () => {
        type SerializeTuple = Impossible<(), Unsupported>;
        type SerializeTupleStruct = Impossible<(), Unsupported>;
        type SerializeTupleVariant = Impossible<(), Unsupported>;
        type SerializeStructVariant = Impossible<(), Unsupported>;

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
pub(crate) use no_compounds_but_seq;

/// A row of every kind of scalar, for the writers' tests to hold each to its crate's bytes.
#[cfg(test)]
pub(super) mod fixture {
    use serde::Serialize;

    #[derive(Serialize, Debug, Clone, Copy)]
    #[serde(rename_all = "snake_case")]
    pub(crate) enum Rag {
        Green,
        NotStarted,
    }

    #[derive(Serialize, Debug, Clone)]
    pub(crate) struct Wrapped(pub(crate) u32);

    #[derive(Serialize, Debug, Clone)]
    pub(crate) struct Marker;

    #[derive(Serialize, Debug, Clone)]
    pub(crate) struct Kpi {
        pub(crate) contract_id: String,
        #[serde(rename = "kpi, \"id\"")]
        pub(crate) kpi_id: String,
        pub(crate) actual: f64,
        pub(crate) target: Option<f64>,
        pub(crate) single: f32,
        pub(crate) count: i64,
        pub(crate) big: u128,
        pub(crate) flag: bool,
        pub(crate) initial: char,
        pub(crate) rag: Rag,
        pub(crate) rule: Option<Rag>,
        pub(crate) wrapped: Wrapped,
        pub(crate) marker: Marker,
        pub(crate) nothing: (),
    }

    /// A row made from `text` and three numbers, its other fields varied by `count`.
    pub(crate) fn kpi(text: String, actual: f64, single: f32, count: i64) -> Kpi {
        Kpi {
            contract_id: text.clone(),
            kpi_id: format!("K{text}"),
            actual,
            target: (count % 3 != 0).then_some(actual / 3.0),
            single,
            count,
            big: u128::MAX - count.unsigned_abs() as u128,
            flag: count % 2 == 0,
            initial: text.chars().next().unwrap_or('"'),
            rag: Rag::NotStarted,
            rule: (count % 2 == 1).then_some(Rag::Green),
            wrapped: Wrapped(count as u32),
            marker: Marker,
            nothing: (),
        }
    }
}
