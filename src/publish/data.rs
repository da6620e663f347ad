//! Open-data tables: every computed table as CSV and JSON with the same fields. CSV text cells that
//! a spreadsheet would run as a formula are neutralised the OWASP way.

use crate::floats::{CsvFloats, WithFloats};
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;

/// Prefixes a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return with `'`, unless it
/// is a plain number (a negative value must stay a number).
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if risky(cell.as_bytes()) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Whether [`neutralise`] prefixes the cell `cell`: it starts as a formula would, and is not a
/// plain number.
pub(super) fn risky(cell: &[u8]) -> bool {
    matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && !std::str::from_utf8(cell).is_ok_and(is_plain_number)
}

/// A number written plainly (`-12.5`, `-1e3`), which [`neutralise`] leaves as it is.
fn is_plain_number(cell: &str) -> bool {
    cell.parse::<f64>().is_ok()
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
}

/// The field added to a data file in which some number could not be written: for each row, the
/// names of its fields whose number is not finite (an overflowing sum, a ratio to zero), written
/// empty in CSV and null in JSON, `;`-separated; empty for the other rows. A file where every
/// number is finite has no such field.
pub const NOT_FINITE: &str = "not_finite";

/// The cells of each data row (by row, then cell position) that hold a number that is not
/// finite, with the row's field names for them.
type Flags = std::collections::BTreeMap<usize, Vec<(usize, String)>>;

/// Whether every number of `rows` is finite, as [`DataTable::new`] would find (a row it could not
/// walk counts as not, so that [`DataTable::known`] walks it again and reports why).
pub fn all_finite<T: Serialize>(rows: impl IntoIterator<Item = T>) -> bool {
    rows.into_iter()
        .all(|row| super::finite::not_finite_fields(&row).is_ok_and(|found| found.is_empty()))
}

/// Rows are serialised, neutralised and written this many at a time, so a data file of any size
/// is written without being held whole.
const CHUNK_ROWS: usize = 1024;

/// Chunks encoded side by side before they are written.
const CHUNKS_PER_WINDOW: usize = 16;

/// A data table ready to be written: its rows, its header, and which of its numbers are not
/// finite (found before anything is written, so the [`NOT_FINITE`] field is in the header of a
/// file that needs it). Writing streams: a national table is never in memory as text.
pub struct DataTable<T> {
    rows: Vec<T>,
    header: Vec<String>,
    /// The rows serialise as structs, whose field names are the header; otherwise as sequences
    /// under `header`.
    named: bool,
    flags: Flags,
}

impl<T: Serialize> DataTable<T> {
    /// Rows of a serialisable struct; `header` (the struct's field order) is written only when
    /// there are no rows to take it from.
    pub fn new(rows: Vec<T>, header: &[&str]) -> Result<Self> {
        Self::known(rows, header, false)
    }

    /// [`DataTable::new`] for rows whose numbers the caller may already know to be finite: when
    /// `finite` (found by [`all_finite`], perhaps in an earlier build of `serve`) the rows are not
    /// walked again.
    pub fn known(rows: Vec<T>, header: &[&str], finite: bool) -> Result<Self> {
        let header = header.iter().map(|h| h.to_string()).collect();
        if !finite {
            return Self::flagged(rows, header, true);
        }
        Ok(DataTable {
            rows,
            header,
            named: true,
            flags: Flags::new(),
        })
    }

    /// Rows that serialise as sequences under a header known only at run time (a register's own
    /// extra columns).
    pub fn sequences(rows: Vec<T>, header: &[String]) -> Result<Self> {
        Self::flagged(rows, header.to_vec(), false)
    }

    fn flagged(rows: Vec<T>, header: Vec<String>, named: bool) -> Result<Self> {
        let mut flags = Flags::new();
        for (i, row) in rows.iter().enumerate() {
            let found = super::finite::not_finite_fields(row).context("checking a data row")?;
            if found.is_empty() {
                continue;
            }
            let cells = found
                .into_iter()
                .map(|(at, name)| {
                    let name = match name {
                        Some(n) => n.to_string(),
                        None => header.get(at).cloned().unwrap_or_default(),
                    };
                    (at, name)
                })
                .collect();
            flags.insert(i, cells);
        }
        Ok(DataTable {
            rows,
            header,
            named,
            flags,
        })
    }

    /// How many rows the table has.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Both encodings have the [`NOT_FINITE`] field: some row has a number that is not finite.
    pub fn not_finite(&self) -> bool {
        !self.flags.is_empty()
    }

    /// Writes the table as CSV: a number that is not finite empty, named in [`NOT_FINITE`], and
    /// every text cell neutralised ([`neutralise`]).
    pub fn write_csv(&self, out: &mut dyn Write) -> Result<()>
    where
        T: Sync,
    {
        if !self.named || self.rows.is_empty() {
            let mut head = self.csv_writer(Vec::new());
            if !self.named && !self.flags.is_empty() {
                head.write_record(self.header.iter().map(String::as_str).chain([NOT_FINITE]))?;
            } else {
                head.write_record(&self.header)?;
            }
            out.write_all(&head.into_inner().context("writing CSV")?)
                .context("writing CSV")?;
        }
        self.write_chunks(out, |n, chunk, capacity| self.csv_chunk(n, chunk, capacity))
            .context("writing CSV")?;
        out.flush().context("writing CSV")?;
        Ok(())
    }

    /// A writer of whole records into `buffer` (the header row is written as a record).
    fn csv_writer(&self, buffer: Vec<u8>) -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .flexible(!self.named)
            .from_writer(buffer)
    }

    /// The CSV of the `n`th chunk of rows, the first with the header of a table of structs.
    fn csv_chunk(&self, n: usize, chunk: &[T], capacity: usize) -> Result<Vec<u8>> {
        let header_first = self.named && n == 0;
        let mut raw = Vec::with_capacity(capacity);
        // Rows of scalars (every table's, so far) are written by `csv_rows`, which tells whether
        // some cell needs neutralising; anything else by the csv crate, as they would be in any
        // case, and then searched for such a cell.
        let risky = match super::csv_rows::write_rows(chunk, header_first, &mut raw) {
            Some(risky) => risky,
            None => {
                let mut writer = csv::WriterBuilder::new()
                    .has_headers(header_first)
                    .from_writer(raw);
                for row in chunk {
                    writer
                        .serialize(WithFloats::new(row, CsvFloats))
                        .context("serialising a data row")?;
                }
                raw = writer.into_inner().context("serialising a data row")?;
                may_need_neutralising(&raw)
            }
        };
        if self.flags.is_empty() && !risky {
            // Nothing to neutralise or blank: copying would write these very bytes again.
            return Ok(raw);
        }
        let mut copy = self.csv_writer(Vec::with_capacity(raw.len()));
        copy_neutralised(&raw, &self.flags, header_first, n * CHUNK_ROWS, &mut copy)?;
        copy.into_inner().context("writing CSV")
    }

    /// Writes the rows [`CHUNK_ROWS`] at a time, each chunk's bytes made by `encode` (given the
    /// chunk's number and the capacity to give its buffer): a window of chunks is encoded on every
    /// core, then written in order, so a large table is neither held whole nor written on one core
    /// while the others wait.
    fn write_chunks(
        &self,
        out: &mut dyn Write,
        encode: impl Fn(usize, &[T], usize) -> Result<Vec<u8>> + Sync,
    ) -> Result<()>
    where
        T: Sync,
    {
        use rayon::prelude::*;
        // Bytes a row took in the last window: each chunk's buffer is made large enough at once
        // (an eighth more), not grown, copying, from a guess.
        let mut per_row = 256;
        for (w, window) in self.rows.chunks(CHUNK_ROWS * CHUNKS_PER_WINDOW).enumerate() {
            let encoded: Vec<Vec<u8>> = window
                .par_chunks(CHUNK_ROWS)
                .enumerate()
                .map(|(i, chunk)| {
                    let capacity = chunk.len() * (per_row + per_row / 8);
                    encode(w * CHUNKS_PER_WINDOW + i, chunk, capacity)
                })
                .collect::<Result<_>>()?;
            let bytes: usize = encoded.iter().map(Vec::len).sum();
            per_row = bytes.div_ceil(window.len());
            for bytes in encoded {
                out.write_all(&bytes)?;
            }
        }
        Ok(())
    }

    /// Writes the table as JSON: an array of objects, pretty-printed with a final newline, each
    /// object given the [`NOT_FINITE`] field, last, when some row is flagged.
    pub fn write_json(&self, out: &mut dyn Write) -> Result<()>
    where
        T: Sync,
    {
        if self.rows.is_empty() {
            out.write_all(b"[]\n").context("writing JSON")?;
            return out.flush().context("writing JSON");
        }
        // Each chunk is written as a pretty array of its own, its rows indented as the whole
        // array's are; the chunks' rows are then joined as one array's.
        self.write_chunks(out, |n, chunk, capacity| {
            let mut bytes = Vec::with_capacity(capacity);
            let flagged = FlaggedRows {
                table: self,
                first: n * CHUNK_ROWS,
                rows: chunk,
            };
            // Rows of scalars (every table's, so far) are written by `json_rows`; anything else
            // by serde_json, as they would be in any case.
            let written = if self.flags.is_empty() {
                super::json_rows::write_rows(chunk, &mut bytes)
            } else {
                super::json_rows::write_rows(flagged.rows(), &mut bytes)
            };
            if !written {
                let mut json = serde_json::Serializer::pretty(&mut bytes);
                if self.flags.is_empty() {
                    chunk.serialize(&mut json)?;
                } else {
                    flagged.serialize(&mut json)?;
                }
            }
            // `[\n` … `\n]` around the rows: the first chunk's `[\n` opens the whole array, and
            // a later chunk's becomes `,\n` after the last one's row, in place.
            bytes.truncate(bytes.len() - 2);
            if n > 0 {
                bytes[..2].copy_from_slice(b",\n");
            }
            Ok(bytes)
        })
        .context("writing JSON")?;
        out.write_all(b"\n]\n").context("writing JSON")?;
        out.flush().context("writing JSON")
    }
}

/// Rows of a table as JSON objects each ending in its [`NOT_FINITE`] field; `first` is the
/// table's number for the first of `rows`.
struct FlaggedRows<'t, T> {
    table: &'t DataTable<T>,
    first: usize,
    rows: &'t [T],
}

/// A row as a JSON object ending in its [`NOT_FINITE`] field.
#[derive(Serialize)]
struct Flagged<'a, T> {
    #[serde(flatten)]
    row: &'a T,
    not_finite: String,
}

impl<'t, T> FlaggedRows<'t, T> {
    /// Each row with its [`NOT_FINITE`] field: the names of its fields that are not finite,
    /// `;`-separated, or empty.
    fn rows(&self) -> impl Iterator<Item = Flagged<'t, T>> + '_ {
        self.rows.iter().enumerate().map(|(i, row)| Flagged {
            row,
            not_finite: self
                .table
                .flags
                .get(&(self.first + i))
                .map(|cells| {
                    cells
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(";")
                })
                .unwrap_or_default(),
        })
    }
}

impl<T: Serialize> Serialize for FlaggedRows<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.rows())
    }
}

/// CSV bytes for rows of a serialisable struct; the header is the struct's field order.
pub fn to_csv<T: Serialize + Sync>(rows: &[T], header: &[&str]) -> Result<Vec<u8>> {
    Ok(to_csv_and_json(rows, header)?.csv)
}

/// A table encoded as CSV and JSON.
pub struct Encoded {
    pub csv: Vec<u8>,
    pub json: Vec<u8>,
    /// Both encodings have the [`NOT_FINITE`] field (some row has a number that is not finite).
    pub not_finite: bool,
}

/// CSV and JSON bytes for the same rows, with the same rule for a number that is not finite:
/// empty in CSV, null in JSON, and the row's fields named in [`NOT_FINITE`] in both.
pub fn to_csv_and_json<T: Serialize + Sync>(rows: &[T], header: &[&str]) -> Result<Encoded> {
    let table = DataTable::new(rows.iter().collect(), header)?;
    let (mut csv, mut json) = (Vec::new(), Vec::new());
    table.write_csv(&mut csv)?;
    table.write_json(&mut json)?;
    Ok(Encoded {
        csv,
        json,
        not_finite: table.not_finite(),
    })
}

/// CSV bytes for rows that serialise as sequences (a header known only at run time, such as a
/// register's own extra columns): `header` first, then each row, cells neutralised as in [`to_csv`].
pub fn to_csv_rows<T: Serialize + Sync>(header: &[String], rows: &[T]) -> Result<Vec<u8>> {
    let mut csv = Vec::new();
    DataTable::sequences(rows.iter().collect(), header)?.write_csv(&mut csv)?;
    Ok(csv)
}

/// Whether a cell of the CSV `raw` (as a default `csv::Writer` writes it: `,` between fields,
/// `\n` after records) may start with a character [`neutralise`] looks at. Every byte that starts
/// a record or follows a `,`, and the byte after it when that is a field's opening quote, is
/// checked: `false` is certain, while `true` may come from a quoted line break or comma.
fn may_need_neutralising(raw: &[u8]) -> bool {
    let risky = |b: &u8| matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r');
    std::iter::once(0)
        .chain(memchr::memchr2_iter(b',', b'\n', raw).map(|at| at + 1))
        .any(|at| match raw.get(at) {
            Some(b'"') => raw.get(at + 1).is_some_and(risky),
            // A signed number (a lower process limit below zero) is left as it is.
            Some(b'-' | b'+') => {
                let cell = &raw[at..];
                let cell = &cell[..memchr::memchr2(b',', b'\n', cell).unwrap_or(cell.len())];
                !std::str::from_utf8(cell).is_ok_and(is_plain_number)
            }
            other => other.is_some_and(risky),
        })
}

/// Copies the CSV records of `raw` (after a header row when `has_header`; the first data record
/// is row `first_row` of the table) into `out`, each cell neutralised ([`neutralise`]) and each
/// cell in `flags` written empty. When some row is flagged, every record gains a last cell:
/// [`NOT_FINITE`] in the header, the flagged fields' names (`;`-separated) in each row.
fn copy_neutralised<W: Write>(
    raw: &[u8],
    flags: &Flags,
    has_header: bool,
    first_row: usize,
    out: &mut csv::Writer<W>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw);
    let mut record = csv::ByteRecord::new();
    let mut index: usize = 0;
    let none = Vec::new();
    while reader.read_byte_record(&mut record)? {
        let row = if has_header {
            index.checked_sub(1)
        } else {
            Some(index)
        }
        .map(|r| r + first_row);
        let flagged = row.and_then(|r| flags.get(&r)).unwrap_or(&none);
        for (i, cell) in record.iter().enumerate() {
            let blank = flagged.iter().any(|(at, _)| *at == i);
            if blank {
                out.write_field(b"")?;
            } else if risky(cell) {
                out.write_field(neutralise(&String::from_utf8_lossy(cell)).as_bytes())?;
            } else {
                out.write_field(cell)?;
            }
        }
        if !flags.is_empty() {
            let last = match row {
                None => NOT_FINITE.to_string(),
                Some(_) => flagged
                    .iter()
                    .map(|(_, name)| name.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
            };
            out.write_field(last.as_bytes())?;
        }
        out.write_record(None::<&[u8]>)?;
        index += 1;
    }
    Ok(())
}

/// JSON bytes: an array of objects, pretty-printed with a final newline.
pub fn to_json<T: Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(rows)?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Clone)]
    struct Row {
        name: String,
        value: Option<f64>,
    }

    /// A table of more rows than one window of chunks is written as one table: the JSON is one
    /// pretty array, byte for byte, and each flag and neutralised cell is on its own row however
    /// far into the table it is.
    #[test]
    fn a_table_of_several_windows_is_written_as_one_with_each_rows_flags() {
        #[derive(Serialize)]
        struct Kpi {
            n: usize,
            value: f64,
            note: String,
        }
        /// The same rows as a one-pass serialiser sees them once flagged.
        #[derive(Serialize)]
        struct Flagged {
            n: usize,
            value: Option<f64>,
            note: String,
            not_finite: &'static str,
        }
        let count = CHUNK_ROWS * CHUNKS_PER_WINDOW * 2 + 7;
        let (nan_at, formula_at) = (CHUNK_ROWS * CHUNKS_PER_WINDOW + 3, count - 2);
        let note = |n: usize| {
            if n == formula_at {
                "=1+1".to_string()
            } else {
                format!("row {n}")
            }
        };
        let value = |n: usize| {
            if n == nan_at {
                f64::NAN
            } else {
                n as f64 / 4.0
            }
        };
        let rows: Vec<Kpi> = (0..count)
            .map(|n| Kpi {
                n,
                value: value(n),
                note: note(n),
            })
            .collect();
        let table = DataTable::new(rows, &["n", "value", "note"]).unwrap();
        let expected: Vec<Flagged> = (0..count)
            .map(|n| Flagged {
                n,
                value: Some(value(n)).filter(|v| v.is_finite()),
                note: note(n),
                not_finite: if n == nan_at { "value" } else { "" },
            })
            .collect();
        let mut json = Vec::new();
        table.write_json(&mut json).unwrap();
        let one_pass = serde_json::to_string_pretty(&expected).unwrap() + "\n";
        assert!(
            json == one_pass.as_bytes(),
            "the JSON differs from one pass's"
        );
        let mut csv = Vec::new();
        table.write_csv(&mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), count + 1);
        assert_eq!(lines[0], "n,value,note,not_finite");
        assert_eq!(lines[1], "0,0.0,row 0,");
        assert_eq!(lines[nan_at + 1], format!("{nan_at},,row {nan_at},value"));
        assert_eq!(
            lines[formula_at + 1],
            format!("{formula_at},{},'=1+1,", formula_at as f64 / 4.0)
        );
        assert_eq!(
            lines[count],
            format!(
                "{},{},row {},",
                count - 1,
                (count - 1) as f64 / 4.0,
                count - 1
            )
        );
    }

    #[test]
    fn numbers_that_are_not_finite_are_empty_as_json_writes_null() {
        let rows = vec![
            Row {
                name: "NaN".into(),
                value: Some(f64::INFINITY),
            },
            Row {
                name: "inf".into(),
                value: Some(f64::NAN),
            },
            Row {
                name: "b".into(),
                value: Some(f64::NEG_INFINITY),
            },
        ];
        let Encoded { csv, json, .. } = to_csv_and_json(&rows, &["name", "value"]).unwrap();
        // Each row is flagged with the field written empty; a text `NaN` or `inf` stays.
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "name,value,not_finite\nNaN,,value\ninf,,value\nb,,value\n"
        );
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json[0]["value"], serde_json::Value::Null);
        assert_eq!(json[1]["name"], "inf");
        assert_eq!(json[1]["not_finite"], "value");
    }

    #[test]
    fn rows_of_a_run_time_header_follow_the_same_rule_by_position() {
        // A register row serialises as a sequence: its cells are matched to JSON by position,
        // so the first data row is read as data (not as the header) and `NaN` as text stays.
        let rows = vec![
            (String::from("NaN"), Some(f64::INFINITY)),
            (String::from("=cmd"), Some(2.5)),
        ];
        let header = vec!["name".to_string(), "value".to_string()];
        let csv = String::from_utf8(to_csv_rows(&header, &rows).unwrap()).unwrap();
        assert_eq!(csv, "name,value,not_finite\nNaN,,value\n'=cmd,2.5,\n");
    }

    #[test]
    fn only_the_rows_with_a_number_that_is_not_finite_are_flagged_and_json_keeps_field_order() {
        #[derive(Serialize)]
        struct Option3 {
            option_id: String,
            npsv: Option<f64>,
            bcr: Option<f64>,
        }
        let rows = vec![
            Option3 {
                option_id: "A".into(),
                npsv: Some(f64::INFINITY),
                bcr: Some(f64::NAN),
            },
            Option3 {
                option_id: "B".into(),
                npsv: Some(12.5),
                bcr: None,
            },
        ];
        let Encoded {
            csv,
            json,
            not_finite,
        } = to_csv_and_json(&rows, &["option_id", "npsv", "bcr"]).unwrap();
        assert!(not_finite);
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "option_id,npsv,bcr,not_finite\nA,,,npsv;bcr\nB,12.5,,\n"
        );
        assert_eq!(
            String::from_utf8(json).unwrap(),
            "[\n  {\n    \"option_id\": \"A\",\n    \"npsv\": null,\n    \"bcr\": null,\n    \"not_finite\": \"npsv;bcr\"\n  },\n  {\n    \"option_id\": \"B\",\n    \"npsv\": 12.5,\n    \"bcr\": null,\n    \"not_finite\": \"\"\n  }\n]\n"
        );
        // Every number finite: no flag field in either file.
        let finite = &rows[1..];
        let Encoded {
            csv,
            json,
            not_finite,
        } = to_csv_and_json(finite, &["option_id", "npsv", "bcr"]).unwrap();
        assert!(!not_finite);
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "option_id,npsv,bcr\nB,12.5,\n"
        );
        assert_eq!(json, to_json(finite).unwrap());
    }

    #[test]
    fn rows_known_to_be_finite_are_not_walked_and_rows_not_known_are_checked() {
        let rows = || {
            vec![
                Row {
                    name: "a".into(),
                    value: Some(1.5),
                },
                Row {
                    name: "b".into(),
                    value: Some(f64::NAN),
                },
            ]
        };
        assert!(!all_finite(rows()));
        assert!(all_finite(&rows()[..1]));
        // Not known: checked as `new` checks, so the NaN row is flagged.
        let checked = DataTable::known(rows(), &["name", "value"], false).unwrap();
        assert!(checked.not_finite());
        let mut csv = Vec::new();
        checked.write_csv(&mut csv).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "name,value,not_finite\na,1.5,\nb,,value\n"
        );
        // Known finite: taken at the caller's word, with no flag field.
        let trusted = DataTable::known(rows()[..1].to_vec(), &["name", "value"], true).unwrap();
        assert!(!trusted.not_finite());
        let mut csv = Vec::new();
        trusted.write_csv(&mut csv).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "name,value\na,1.5\n");
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("+44 1234"), "'+44 1234");
        assert_eq!(neutralise("@cmd"), "'@cmd");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("-12.5"), "-12.5");
        assert_eq!(neutralise("-1e3"), "-1e3");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("plain"), "plain");
    }

    #[test]
    fn a_chunk_with_no_cell_starting_like_a_formula_is_copied_as_written() {
        assert!(!may_need_neutralising(b"name,value\nb,0.5\n\"a, b\",\n"));
        assert!(!may_need_neutralising(b""));
        assert!(!may_need_neutralising(b"a,-1379947.84,+2e3\n-0.5,b\n"));
        // A risky first character: of the chunk, after a comma, after a record, after a quote.
        for risky in [
            &b"=x,1\n"[..],
            b"a,+44 x\n",
            b"a,1\n@b,2\n",
            b"a,\"-2+3\"\n",
            b"a,\"\tb\"\n",
            b"a,-2+3\n",
            b"-x,1\n",
            b"a,+44 1234",
        ] {
            assert!(
                may_need_neutralising(risky),
                "{}",
                String::from_utf8_lossy(risky)
            );
        }
        // Either way the file is what the cell-by-cell copy writes.
        let rows = vec![
            Row {
                name: "plain, with a comma".into(),
                value: Some(2.0),
            },
            Row {
                name: "quoted \"words\"".into(),
                value: None,
            },
        ];
        let csv = String::from_utf8(to_csv(&rows, &["name", "value"]).unwrap()).unwrap();
        assert_eq!(
            csv,
            "name,value\n\"plain, with a comma\",2.0\n\"quoted \"\"words\"\"\",\n"
        );
    }

    #[test]
    fn csv_keeps_field_order_and_empty_options() {
        let rows = vec![
            Row {
                name: "=HYPERLINK(\"x\")".into(),
                value: None,
            },
            Row {
                name: "b".into(),
                value: Some(-0.5),
            },
        ];
        let csv = String::from_utf8(to_csv(&rows, &["name", "value"]).unwrap()).unwrap();
        assert_eq!(csv, "name,value\n\"'=HYPERLINK(\"\"x\"\")\",\nb,-0.5\n");
        let empty: Vec<Row> = Vec::new();
        assert_eq!(
            String::from_utf8(to_csv(&empty, &["name", "value"]).unwrap()).unwrap(),
            "name,value\n"
        );
    }
}
