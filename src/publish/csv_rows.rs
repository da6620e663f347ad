//! The open data's CSV rows written straight to bytes, exactly as the csv crate's default writer
//! writes them (floats as `floats::CsvFloats` writes them): each row a struct of scalars, a
//! record of its fields, quoted only where a cell holds a comma, a quote or a line break. The csv
//! crate's serializer and its resumable writer (written for output buffers of any size) cost more
//! than the text; a row that is anything else is left to the crate.

use super::float_text::{self, Memo};
use super::row_text::{
    newtype_through, no_compounds, no_row, one_scalar, unsupported, Unsupported,
};
use crate::bytes::{equal, plain_words};
use crate::floats::CsvFloats;
use serde::ser::{self, Impossible, Serialize, Serializer};
use std::cell::RefCell;

thread_local! {
    /// The CSV text of the doubles this thread wrote last.
    static CSV_TEXT: RefCell<Memo> = const { RefCell::new(Memo::new()) };
}

/// Appends `rows` to `out` as a `csv::Writer` serialising each (with `has_headers(header)`) writes
/// them: the first row's field names first when `header`, then a record a row; with whether some
/// cell is one `data::neutralise` changes. `None`, with `out` as it was, when some row is not a
/// struct of scalars, a record's length differs from the first's, or a row fails to serialise:
/// the csv crate then writes them, or reports why not.
pub(super) fn write_rows<T: Serialize>(
    rows: &[T],
    header: bool,
    out: &mut Vec<u8>,
) -> Option<bool> {
    let start = out.len();
    let mut table = Table::default();
    for (i, row) in rows.iter().enumerate() {
        let names = i == 0 && header;
        let written =
            (!names || table.record::<_, true>(row, out)) && table.record::<_, false>(row, out);
        if !written {
            out.truncate(start);
            return None;
        }
    }
    Some(table.risky)
}

/// What is known of the records written so far.
#[derive(Default)]
struct Table {
    /// The first record's length, which every record must have.
    length: Option<usize>,
    /// Some cell is one `data::neutralise` changes.
    risky: bool,
}

impl Table {
    /// Writes `row` as one record (its field names when `NAMES`, else its values); false when it
    /// cannot be, or when its length is not the first record's.
    fn record<T: Serialize, const NAMES: bool>(&mut self, row: &T, out: &mut Vec<u8>) -> bool {
        let mut record = Record {
            start: out.len(),
            out,
            fields: 0,
            risky: false,
        };
        if row.serialize(Row::<NAMES>(&mut record)).is_err() {
            return false;
        }
        self.risky |= record.risky;
        let fields = record.end();
        *self.length.get_or_insert(fields) == fields
    }
}

/// A record being written.
struct Record<'a> {
    out: &'a mut Vec<u8>,
    /// Where the record starts in `out`.
    start: usize,
    /// Fields written so far.
    fields: usize,
    /// Some cell is one `data::neutralise` changes.
    risky: bool,
}

impl Record<'_> {
    /// A field of text, noting whether `data::neutralise` would change it.
    fn field(&mut self, text: &[u8]) {
        self.risky |= super::data::risky(text);
        self.write(text);
    }

    /// A float's field, as `CsvFloats` writes it: a finite one's text is digits, a sign, a point
    /// and perhaps an exponent, a plain number that `data::neutralise` leaves as it is.
    fn float<F: zmij::Float + ryu::Float + Into<f64>>(&mut self, v: F) {
        let finite = v.into().is_finite();
        CsvFloats::with_text(v, |text| match finite {
            true => self.write(text.as_bytes()),
            false => self.field(text.as_bytes()),
        });
    }

    /// A double's field, as [`Record::float`] writes it, its text remembered for the rows that
    /// follow ([`float_text`]).
    fn float64(&mut self, v: f64) {
        let finite = v.is_finite();
        float_text::with_text(
            &CSV_TEXT,
            v,
            |v, give| CsvFloats::with_text(v, give),
            |text| match finite {
                true => self.write(text),
                false => self.field(text),
            },
        );
    }

    /// A field after a comma unless it is the first, quoted (its quotes doubled) if it holds a
    /// comma, a quote or a line break; the caller has noted whether it needs neutralising.
    fn write(&mut self, text: &[u8]) {
        if self.fields > 0 {
            self.out.push(b',');
        }
        self.fields += 1;
        let plain = plain_words(
            text,
            |word| equal(word, b',') | equal(word, b'"') | equal(word, b'\n') | equal(word, b'\r'),
            |b| !matches!(b, b',' | b'"' | b'\n' | b'\r'),
        );
        if plain {
            self.out.extend_from_slice(text);
            return;
        }
        self.out.reserve(text.len() + 2);
        self.out.push(b'"');
        for piece in text.split_inclusive(|&b| b == b'"') {
            self.out.extend_from_slice(piece);
            if piece.ends_with(b"\"") {
                self.out.push(b'"');
            }
        }
        self.out.push(b'"');
    }

    /// Ends the record with a line break (after `""` if nothing was written, as for one empty
    /// field, which would otherwise be an empty line); the number of its fields.
    fn end(self) -> usize {
        if self.out.len() == self.start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
        self.fields
    }
}

/// A row as a record (its field names when `NAMES`, else its values): a struct, perhaps wrapped
/// in a newtype.
struct Row<'r, 'a, const NAMES: bool>(&'r mut Record<'a>);

impl<'r, 'a, const NAMES: bool> Serializer for Row<'r, 'a, NAMES> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Self;
    no_compounds!();
    crate::floats::serde_scalars!(unsupported);
    unsupported!(serialize_f32(f32), serialize_f64(f64));

    no_row!();
    newtype_through!();
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unsupported> {
        Ok(self)
    }
}

impl<const NAMES: bool> ser::SerializeStruct for Row<'_, '_, NAMES> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        if NAMES {
            self.0.field(key.as_bytes());
            Ok(())
        } else {
            value.serialize(Cell(self.0))
        }
    }
    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

/// A field's value: a scalar, written as the csv crate writes it.
struct Cell<'r, 'a>(&'r mut Record<'a>);

/// Integer serializer methods, written with itoa as the csv crate writes them.
macro_rules! integers {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<(), Unsupported> {
            // Digits and perhaps a sign: a plain number.
            self.0.write(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        })*
    };
}

impl Serializer for Cell<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    no_compounds!();
    one_scalar!();
    crate::floats::serde_integers!(integers);

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.0.field(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        self.0.float(v);
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        self.0.float64(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.0.field(v.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.0.field(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unsupported> {
        self.0.field(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.0.field(b"");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), Unsupported> {
        self.serialize_str(name)
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

#[cfg(test)]
mod tests {
    use super::super::row_text::fixture::{kpi, Kpi};
    use super::*;
    use crate::floats::WithFloats;
    use proptest::prelude::*;
    use serde::Serialize;

    /// The bytes `csv_rows` writes, checking that a row left to the csv crate leaves nothing.
    fn ours<T: Serialize>(rows: &[T], header: bool) -> Option<Vec<u8>> {
        let mut out = b"before".to_vec();
        if write_rows(rows, header, &mut out).is_none() {
            assert_eq!(
                out, b"before",
                "a row left to the csv crate leaves nothing behind"
            );
            return None;
        }
        Some(out.split_off(6))
    }

    /// The bytes the csv crate writes, or its error.
    fn theirs<T: Serialize>(rows: &[T], header: bool) -> Result<Vec<u8>, String> {
        let mut writer = csv::WriterBuilder::new()
            .has_headers(header)
            .from_writer(Vec::new());
        for row in rows {
            writer
                .serialize(WithFloats::new(row, CsvFloats))
                .map_err(|e| e.to_string())?;
        }
        writer.into_inner().map_err(|e| e.to_string())
    }

    #[test]
    fn rows_are_written_as_the_csv_crate_writes_them() {
        let rows = vec![
            kpi("C-00000".into(), 1203.0, 0.1, 4),
            kpi("a, \"quoted\"\r\nline \u{7f} é €".into(), -0.0, f32::NAN, 5),
            kpi(String::new(), f64::INFINITY, 1e30, -7),
            kpi("\"".into(), 1e16, f32::MIN_POSITIVE, i64::MIN),
        ];
        for header in [true, false] {
            assert_eq!(ours(&rows, header).unwrap(), theirs(&rows, header).unwrap());
        }
        let text = String::from_utf8(ours(&rows, true).unwrap()).unwrap();
        assert!(text.starts_with("contract_id,\"kpi, \"\"id\"\"\",actual,target,single,"));
        assert!(
            text.contains("\nC-00000,KC-00000,1203.0,401.0,0.1,4,"),
            "{text}"
        );
        assert_eq!(ours::<Kpi>(&[], true).unwrap(), b"");
    }

    #[test]
    fn a_record_with_nothing_in_it_is_two_quotes() {
        #[derive(Serialize)]
        struct One {
            only: Option<u8>,
        }
        #[derive(Serialize)]
        struct Nothing {}
        let one = [One { only: None }, One { only: Some(1) }];
        assert_eq!(ours(&one, true).unwrap(), b"only\n\"\"\n1\n");
        assert_eq!(ours(&one, false).unwrap(), theirs(&one, false).unwrap());
        let nothing = [Nothing {}];
        assert_eq!(
            ours(&nothing, false).unwrap(),
            theirs(&nothing, false).unwrap()
        );
    }

    #[test]
    fn a_row_of_anything_but_scalars_is_left_to_the_csv_crate() {
        #[derive(Serialize)]
        struct Listed {
            name: &'static str,
            items: Vec<u16>,
        }
        #[derive(Serialize)]
        struct Inner {
            a: u8,
        }
        #[derive(Serialize)]
        struct Nested {
            inner: Inner,
        }
        #[derive(Serialize)]
        struct Sometimes {
            always: u8,
            #[serde(skip_serializing_if = "Option::is_none")]
            maybe: Option<u8>,
        }
        let listed = [Listed {
            name: "a",
            items: vec![1, 2],
        }];
        assert_eq!(ours(&listed, true), None);
        assert_eq!(
            ours(
                &[Nested {
                    inner: Inner { a: 1 }
                }],
                false
            ),
            None
        );
        assert_eq!(ours(&[vec!["a", "b"]], false), None);
        assert_eq!(ours(&["plain"], false), None);
        let uneven = [
            Sometimes {
                always: 1,
                maybe: Some(2),
            },
            Sometimes {
                always: 1,
                maybe: None,
            },
        ];
        assert_eq!(ours(&uneven, false), None);
        assert!(
            theirs(&uneven, false)
                .unwrap_err()
                .contains("found record with 1 fields"),
            "the csv crate reports the uneven record"
        );
    }

    /// Whether some cell needs neutralising is told exactly: any text cell `data::neutralise`
    /// changes, and a float's only when it is not finite (`-inf` is no plain number).
    #[test]
    fn a_cell_that_would_run_as_a_formula_is_told() {
        #[derive(Serialize)]
        struct Cell {
            text: &'static str,
            value: f64,
            count: i32,
        }
        let risky = |text, value| {
            let row = [Cell {
                text,
                value,
                count: -3,
            }];
            let risky = write_rows(&row, true, &mut Vec::new()).unwrap();
            let cells = theirs(&row, true).unwrap();
            let mut reader = csv::Reader::from_reader(cells.as_slice());
            let record = reader.records().next().unwrap().unwrap();
            let changed = record
                .iter()
                .any(|c| super::super::data::neutralise(c) != c);
            assert_eq!(risky, changed, "{text:?} {value}");
            risky
        };
        for text in ["=SUM(A1)", "+44 20", "-x", "@a", "\tx", "\rx", "-inf"] {
            assert!(risky(text, 1.5));
        }
        for text in ["plain", "-5", "+2e3", "", "a,=b", "'=x"] {
            assert!(!risky(text, -1379947.8477777778));
        }
        assert!(!risky("plain", f64::NAN));
        assert!(!risky("plain", f64::INFINITY));
        assert!(risky("plain", f64::NEG_INFINITY));
    }

    /// Every byte at every place of cells up to two words and a bit long: a cell is quoted
    /// exactly when the csv crate quotes it.
    #[test]
    fn a_cell_is_quoted_exactly_when_the_csv_crate_quotes_it() {
        for len in 1..=17 {
            for at in 0..len {
                for b in 0..=u8::MAX {
                    let mut cell = vec![b'a'; len];
                    cell[at] = b;
                    let mut ours = Vec::new();
                    let mut record = Record {
                        start: 0,
                        out: &mut ours,
                        fields: 0,
                        risky: false,
                    };
                    record.field(&cell);
                    record.end();
                    let mut writer = csv::Writer::from_writer(Vec::new());
                    writer.write_record([&cell]).unwrap();
                    assert_eq!(ours, writer.into_inner().unwrap(), "byte {b:#04x} at {at}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_row_of_scalars_is_written_as_the_csv_crate_writes_it(
            text in any::<String>(),
            bits in any::<u64>(),
            single in any::<u32>(),
            count in any::<i64>(),
        ) {
            let rows = [kpi(text, f64::from_bits(bits), f32::from_bits(single), count)];
            prop_assert_eq!(ours(&rows, true).unwrap(), theirs(&rows, true).unwrap());
        }
    }
}
