//! Which fields of a data row hold a number that is not finite: a serde serializer that walks one
//! row without writing it, so a data file can be flagged before a byte of it is written.

use crate::floats::serde_scalars;
use serde::ser::{self, Impossible, Serialize};

type Error = serde_json::Error;

/// The positions (0-based, in field order) and, for a struct row, names of the fields of `row`
/// whose number is not finite (`NaN`, `inf`, `-inf`, which CSV cannot hold and JSON writes as
/// null). A row that serialises as a sequence (a register row with a run-time header) has no
/// names; the caller names its cells from the header.
pub(crate) fn not_finite_fields<T: Serialize>(
    row: &T,
) -> Result<Vec<(usize, Option<&'static str>)>, Error> {
    let mut found = Vec::new();
    row.serialize(RowProbe { found: &mut found })?;
    Ok(found)
}

/// Walks a row: a struct, tuple or sequence of fields.
struct RowProbe<'f> {
    found: &'f mut Vec<(usize, Option<&'static str>)>,
}

/// The fields of a row, counted as they are visited.
struct Fields<'f> {
    found: &'f mut Vec<(usize, Option<&'static str>)>,
    next: usize,
}

impl Fields<'_> {
    fn visit<V: ?Sized + Serialize>(
        &mut self,
        name: Option<&'static str>,
        value: &V,
    ) -> Result<(), Error> {
        if value.serialize(FieldProbe)? {
            self.found.push((self.next, name));
        }
        self.next += 1;
        Ok(())
    }
}

fn nested() -> Error {
    ser::Error::custom("a data row's field holds a nested table")
}

/// Whether one field is a number that is not finite (an `Option` is looked through).
struct FieldProbe;

macro_rules! finite_scalars {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method(self, _: $ty) -> Result<bool, Error> { Ok(false) })*
    };
}

impl ser::Serializer for FieldProbe {
    type Ok = bool;
    type Error = Error;
    type SerializeSeq = Impossible<bool, Error>;
    type SerializeTuple = Impossible<bool, Error>;
    type SerializeTupleStruct = Impossible<bool, Error>;
    type SerializeTupleVariant = Impossible<bool, Error>;
    type SerializeMap = Impossible<bool, Error>;
    type SerializeStruct = Impossible<bool, Error>;
    type SerializeStructVariant = Impossible<bool, Error>;

    serde_scalars!(finite_scalars);

    fn serialize_f32(self, v: f32) -> Result<bool, Error> {
        Ok(!v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result<bool, Error> {
        Ok(!v.is_finite())
    }
    fn serialize_none(self) -> Result<bool, Error> {
        Ok(false)
    }
    fn serialize_some<V: ?Sized + Serialize>(self, value: &V) -> Result<bool, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<bool, Error> {
        Ok(false)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<bool, Error> {
        Ok(false)
    }
    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &V,
    ) -> Result<bool, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &V,
    ) -> Result<bool, Error> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(nested())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(nested())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(nested())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(nested())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(nested())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(nested())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(nested())
    }
}

/// A row that serialises as a single value: one field.
macro_rules! single_fields {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method(self, v: $ty) -> Result<(), Error> { self.single(&v) })*
    };
}

impl<'f> ser::Serializer for RowProbe<'f> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Fields<'f>;
    type SerializeTuple = Fields<'f>;
    type SerializeTupleStruct = Fields<'f>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Fields<'f>;
    type SerializeStructVariant = Impossible<(), Error>;

    // A row that is one value is one field.
    single_fields!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char)
    );
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.single(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.single(v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<V: ?Sized + Serialize>(self, value: &V) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &V,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &V,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Fields<'f>, Error> {
        Ok(self.fields())
    }
    fn serialize_tuple(self, _: usize) -> Result<Fields<'f>, Error> {
        Ok(self.fields())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Fields<'f>, Error> {
        Ok(self.fields())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(nested())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(ser::Error::custom("a data row cannot be a map"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'f>, Error> {
        Ok(self.fields())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(nested())
    }
}

impl<'f> RowProbe<'f> {
    fn fields(self) -> Fields<'f> {
        Fields {
            found: self.found,
            next: 0,
        }
    }

    fn single<V: ?Sized + Serialize>(self, value: &V) -> Result<(), Error> {
        self.fields().visit(None, value)
    }
}

/// A row's sequence, tuple or tuple-struct fields, visited in order without names.
macro_rules! unnamed_fields {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Fields<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<V: ?Sized + Serialize>(&mut self, value: &V) -> Result<(), Error> {
                self.visit(None, value)
            }
            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        }
    )*};
}

unnamed_fields!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), Error> {
        self.visit(Some(key), value)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        value: Option<f64>,
        count: u32,
        ratio: f64,
    }

    #[test]
    fn a_struct_row_names_each_field_whose_number_is_not_finite() {
        let row = Row {
            name: "NaN",
            value: Some(f64::NAN),
            count: 3,
            ratio: f64::NEG_INFINITY,
        };
        assert_eq!(
            not_finite_fields(&row).unwrap(),
            vec![(1, Some("value")), (3, Some("ratio"))]
        );
        let fine = Row {
            name: "a",
            value: None,
            count: 0,
            ratio: 1.5,
        };
        assert!(not_finite_fields(&&fine).unwrap().is_empty());
    }

    #[test]
    fn a_sequence_row_is_counted_by_position() {
        let row = (String::from("NaN"), Some(f64::INFINITY), 2.0_f64);
        assert_eq!(not_finite_fields(&row).unwrap(), vec![(1, None)]);
        let cells: Vec<Option<f64>> = vec![None, Some(f64::NAN)];
        assert_eq!(not_finite_fields(&cells).unwrap(), vec![(1, None)]);
    }
}
