//! A plain loop written from the view's field it goes over: each row's printed values escaped
//! into the loop's body, as tera prints them; anything tera would print otherwise (a fraction,
//! `none`, a field the row lacks) leaves the page to tera.

use super::{Part, PlainLoop};
use crate::publish::row_text::{
    no_compounds, no_compounds_but_seq, one_scalar, unsupported, Unsupported,
};
use crate::render::{push_escaped, TEMPLATE_HTML};
use serde::ser::{self, Impossible, Serialize, Serializer};
use std::cell::Cell;

/// The plain loops of one page's render: each written as its field is serialised.
pub struct LoopRun<'a> {
    loops: &'a [PlainLoop],
    /// How many loops were written.
    written: Cell<usize>,
}

impl<'a> LoopRun<'a> {
    pub fn new(loops: &'a [PlainLoop]) -> Self {
        LoopRun {
            loops,
            written: Cell::new(0),
        }
    }

    /// Whether every loop was written: else the page is rendered by tera with the template as
    /// it was (a field the view did not have, or a value not plain text).
    pub fn complete(&self) -> bool {
        self.written.get() == self.loops.len()
    }

    /// The HTML of the loop over the view's field `name` with `value`, when there is one; an
    /// error when `value` is not a list of rows the loop can print.
    pub(crate) fn write<T: Serialize + ?Sized>(
        &self,
        name: &str,
        value: &T,
    ) -> Option<Result<String, Unsupported>> {
        let lp = self.loops.iter().find(|l| l.field == name)?;
        let mut out = String::new();
        let mut row = RowText::new(lp.names.len());
        let written = value.serialize(Rows {
            lp,
            out: &mut out,
            row: &mut row,
        });
        Some(written.map(|()| {
            self.written.set(self.written.get() + 1);
            out
        }))
    }
}

/// One row's printed values: its text, and where each named field's value lies in it.
struct RowText {
    text: String,
    fields: Vec<Option<std::ops::Range<usize>>>,
    whole: Option<std::ops::Range<usize>>,
    /// How many fields of this row were serialised so far.
    seen: usize,
    /// By its place in a row, each field's name and slot as the last row had them: rows of one
    /// list name the same fields in the same order, so each row's names are not searched for.
    order: Vec<(&'static str, Option<usize>)>,
}

impl RowText {
    fn new(fields: usize) -> Self {
        RowText {
            text: String::new(),
            fields: vec![None; fields],
            whole: None,
            seen: 0,
            order: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.fields.iter_mut().for_each(|f| *f = None);
        self.whole = None;
        self.seen = 0;
    }

    /// The slot of the row's next field, `name`, among the loop's printed `names`: `None` when
    /// the body does not print it.
    fn slot(&mut self, name: &'static str, names: &[String]) -> Option<usize> {
        let place = self.seen;
        self.seen += 1;
        match self.order.get(place) {
            // The same name as the last row's: a struct's field names are one `&'static str`.
            Some(&(known, slot)) if std::ptr::eq(known, name) => return slot,
            _ => {}
        }
        let slot = names.iter().position(|n| n == name);
        self.order.truncate(place);
        self.order.push((name, slot));
        slot
    }
}

/// The list a loop goes over.
struct Rows<'a> {
    lp: &'a PlainLoop,
    out: &'a mut String,
    row: &'a mut RowText,
}

/// A value that is `none` or `()` is left to tera; an `Option`'s value is what it holds.
macro_rules! optional_through {
    () => {
        fn serialize_none(self) -> Result<(), Unsupported> {
            Err(Unsupported)
        }
        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
            value.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), Unsupported> {
            Err(Unsupported)
        }
    };
}

impl<'a> Serializer for Rows<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Self;
    no_compounds_but_seq!();
    one_scalar!();
    crate::floats::serde_scalars!(unsupported);
    unsupported!(serialize_f32(f32), serialize_f64(f64));
    optional_through!();
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Unsupported> {
        Ok(self)
    }
}

impl ser::SerializeSeq for Rows<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.row.clear();
        value.serialize(Row {
            lp: self.lp,
            row: &mut *self.row,
        })?;
        for part in &self.lp.parts {
            let printed = match part {
                Part::Text(text) => {
                    self.out.push_str(text);
                    continue;
                }
                Part::Whole => self.row.whole.clone(),
                Part::Field(slot) => self.row.fields[*slot].clone(),
            };
            // A field the row does not have is an error in tera: left to tera to say so.
            let range = printed.ok_or(Unsupported)?;
            push_escaped(self.out, &self.row.text[range], &TEMPLATE_HTML);
        }
        Ok(())
    }
    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

/// One row: a struct whose printed fields are scalars, or (for `{{ r }}`) a scalar.
struct Row<'a> {
    lp: &'a PlainLoop,
    row: &'a mut RowText,
}

impl<'a> Row<'a> {
    fn whole(
        self,
        write: impl FnOnce(&mut String) -> Result<(), Unsupported>,
    ) -> Result<(), Unsupported> {
        let start = self.row.text.len();
        write(&mut self.row.text)?;
        self.row.whole = Some(start..self.row.text.len());
        Ok(())
    }
}

/// Implements scalar serializer methods by writing the scalar's text as the row's whole value.
macro_rules! whole_scalars {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<(), Unsupported> {
            self.whole(|text| Printed::$method(text, v))
        })*
    };
}

impl<'a> Serializer for Row<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeStruct = Self;
    type SerializeMap = Impossible<(), Unsupported>;
    no_compounds!();
    crate::floats::serde_scalars!(whole_scalars);
    whole_scalars!(serialize_f32(f32), serialize_f64(f64));
    crate::publish::row_text::newtype_through!();
    optional_through!();
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.whole(|text| Printed::serialize_str(text, variant))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unsupported> {
        Ok(self)
    }
}

impl ser::SerializeStruct for Row<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        // A field the body does not print is not serialised at all.
        let Some(slot) = self.row.slot(name, &self.lp.names) else {
            return Ok(());
        };
        let start = self.row.text.len();
        value.serialize(Printed(&mut self.row.text))?;
        self.row.fields[slot] = Some(start..self.row.text.len());
        Ok(())
    }
    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

/// A printed value, written as tera prints it: text as it is, an integer in decimal (an integral
/// float too, as the templates' data has it: [`super::template_value`]). Anything else (a
/// fraction, `none`, a list) is left to tera.
struct Printed<'a>(&'a mut String);

impl Printed<'_> {
    fn serialize_str(text: &mut String, v: &str) -> Result<(), Unsupported> {
        text.push_str(v);
        Ok(())
    }
    fn serialize_char(text: &mut String, v: char) -> Result<(), Unsupported> {
        text.push(v);
        Ok(())
    }
    fn serialize_f64(text: &mut String, v: f64) -> Result<(), Unsupported> {
        let whole = crate::render::template_value::as_integer(v).ok_or(Unsupported)?;
        Printed::serialize_i64(text, whole)
    }
    fn serialize_f32(text: &mut String, v: f32) -> Result<(), Unsupported> {
        Printed::serialize_f64(text, f64::from(v))
    }
    fn serialize_bool(_: &mut String, _: bool) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_bytes(_: &mut String, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_struct(_: &mut String, _: &'static str) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
}

/// Integer methods of [`Printed`] as associated functions writing decimal text.
macro_rules! integer_text {
    ($($method:ident($ty:ty)),* $(,)?) => {
        impl Printed<'_> {
            $(fn $method(text: &mut String, v: $ty) -> Result<(), Unsupported> {
                text.push_str(itoa::Buffer::new().format(v));
                Ok(())
            })*
        }
    };
}
crate::floats::serde_integers!(integer_text);

/// Implements serializer methods of [`Printed`] by its associated function of the same name.
macro_rules! cell_scalars {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<(), Unsupported> {
            Printed::$method(self.0, v)
        })*
    };
}

impl Serializer for Printed<'_> {
    type Ok = ();
    type Error = Unsupported;
    no_compounds!();
    one_scalar!();
    crate::floats::serde_scalars!(cell_scalars);
    cell_scalars!(serialize_f32(f32), serialize_f64(f64));
    optional_through!();
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        Printed::serialize_str(self.0, variant)
    }
}
