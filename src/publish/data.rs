//! Open-data tables: every computed table as CSV and JSON with the same fields. CSV text cells that
//! a spreadsheet would run as a formula are neutralised the OWASP way.

use anyhow::{Context, Result};
use serde::Serialize;

/// Prefixes a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return with `'`, unless it
/// is a plain number (a negative value must stay a number).
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky
        && !(cell.parse::<f64>().is_ok()
            && cell
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')))
    {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The field added to a data file in which some number could not be written: for each row, the
/// names of its fields whose number is not finite (an overflowing sum, a ratio to zero), written
/// empty in CSV and null in JSON, `;`-separated; empty for the other rows. A file where every
/// number is finite has no such field.
pub const NOT_FINITE: &str = "not_finite";

/// The cells of each data row (by row, then cell position) that hold a number that is not
/// finite, with the row's field names for them.
type Flags = std::collections::BTreeMap<usize, Vec<(usize, String)>>;

/// CSV bytes for rows of a serialisable struct; the header is the struct's field order.
pub fn to_csv<T: Serialize>(rows: &[T], header: &[&str]) -> Result<Vec<u8>> {
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
pub fn to_csv_and_json<T: Serialize>(rows: &[T], header: &[&str]) -> Result<Encoded> {
    let mut raw = csv::WriterBuilder::new()
        .has_headers(true)
        .from_writer(Vec::new());
    for row in rows {
        raw.serialize(row).context("serialising a data row")?;
    }
    let raw = raw.into_inner().context("finishing CSV")?;
    let flags = not_finite_cells(&raw, rows, None)?;
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    if rows.is_empty() {
        out.write_record(header)?;
    }
    copy_neutralised(&raw, &flags, true, &mut out)?;
    let csv = out.into_inner().context("finishing CSV")?;
    Ok(Encoded {
        csv,
        json: json_with_flags(rows, &flags)?,
        not_finite: !flags.is_empty(),
    })
}

/// CSV bytes for rows that serialise as sequences (a header known only at run time, such as a
/// register's own extra columns): `header` first, then each row, cells neutralised as in [`to_csv`].
pub fn to_csv_rows<T: Serialize>(header: &[String], rows: &[T]) -> Result<Vec<u8>> {
    let mut raw = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for row in rows {
        raw.serialize(row).context("serialising a data row")?;
    }
    let raw = raw.into_inner().context("finishing CSV")?;
    let flags = not_finite_cells(&raw, rows, Some(header))?;
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    if flags.is_empty() {
        out.write_record(header)?;
    } else {
        out.write_record(header.iter().map(String::as_str).chain([NOT_FINITE]))?;
    }
    copy_neutralised(&raw, &flags, false, &mut out)?;
    out.into_inner().context("finishing CSV")
}

/// Finds the cells of `raw` (written from `rows`, after a header row unless `header` is given)
/// that hold a number that is not finite. The CSV writer spells such a number `NaN`, `inf` or
/// `-inf`; a cell is one when the row's JSON has null there (JSON writes a non-finite number as
/// null), so a text that reads `NaN` is not. A row that serialises as a map is matched to JSON by
/// column name, one that serialises as a sequence by position.
fn not_finite_cells<T: Serialize>(
    raw: &[u8],
    rows: &[T],
    header: Option<&[String]>,
) -> Result<Flags> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw);
    let mut record = csv::StringRecord::new();
    let mut names: Vec<String> = header.map(<[String]>::to_vec).unwrap_or_default();
    let mut flags = Flags::new();
    let mut index: usize = 0;
    while reader.read_record(&mut record)? {
        if header.is_none() && index == 0 {
            names = record.iter().map(str::to_string).collect();
            index += 1;
            continue;
        }
        let row = index - usize::from(header.is_none());
        index += 1;
        if !record.iter().any(|c| matches!(c, "NaN" | "inf" | "-inf")) {
            continue;
        }
        let Some(json) = rows.get(row).and_then(|r| serde_json::to_value(r).ok()) else {
            continue;
        };
        let name = |i: usize| names.get(i).cloned().unwrap_or_default();
        let cells: Vec<(usize, String)> = record
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(*c, "NaN" | "inf" | "-inf"))
            .filter(|(i, _)| {
                let value = match &json {
                    serde_json::Value::Array(cells) => cells.get(*i),
                    j => j.get(name(*i)),
                };
                value.is_some_and(serde_json::Value::is_null)
            })
            .map(|(i, _)| (i, name(i)))
            .collect();
        if !cells.is_empty() {
            flags.insert(row, cells);
        }
    }
    Ok(flags)
}

/// Copies the CSV records of `raw` (after a header row when `has_header`) into `out`, each cell
/// neutralised ([`neutralise`]) and each cell in `flags` written empty. When some row is flagged,
/// every record gains a last cell: [`NOT_FINITE`] in the header, the flagged fields' names
/// (`;`-separated) in each row.
fn copy_neutralised(
    raw: &[u8],
    flags: &Flags,
    has_header: bool,
    out: &mut csv::Writer<Vec<u8>>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw);
    let mut record = csv::StringRecord::new();
    let mut index: usize = 0;
    let none = Vec::new();
    while reader.read_record(&mut record)? {
        let row = if has_header {
            index.checked_sub(1)
        } else {
            Some(index)
        };
        let flagged = row.and_then(|r| flags.get(&r)).unwrap_or(&none);
        for (i, cell) in record.iter().enumerate() {
            let blank = flagged.iter().any(|(at, _)| *at == i);
            out.write_field(if blank { "".into() } else { neutralise(cell) }.as_bytes())?;
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

/// [`to_json`], with every object given the [`NOT_FINITE`] field, last, when some row is flagged.
fn json_with_flags<T: Serialize>(rows: &[T], flags: &Flags) -> Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Flagged<'a, T> {
        #[serde(flatten)]
        row: &'a T,
        not_finite: String,
    }
    if flags.is_empty() {
        return to_json(rows);
    }
    let flagged: Vec<Flagged<T>> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| Flagged {
            row,
            not_finite: flags
                .get(&i)
                .map(|cells| {
                    cells
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(";")
                })
                .unwrap_or_default(),
        })
        .collect();
    to_json(&flagged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: String,
        value: Option<f64>,
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
