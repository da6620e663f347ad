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

/// CSV bytes for rows of a serialisable struct; the header is the struct's field order.
pub fn to_csv<T: Serialize>(rows: &[T], header: &[&str]) -> Result<Vec<u8>> {
    let mut raw = csv::WriterBuilder::new()
        .has_headers(true)
        .from_writer(Vec::new());
    for row in rows {
        raw.serialize(row).context("serialising a data row")?;
    }
    let raw = raw.into_inner().context("finishing CSV")?;
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    if rows.is_empty() {
        out.write_record(header)?;
    }
    copy_neutralised(&raw, rows, true, &mut out)?;
    out.into_inner().context("finishing CSV")
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
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    out.write_record(header)?;
    copy_neutralised(&raw, rows, false, &mut out)?;
    out.into_inner().context("finishing CSV")
}

/// Copies the CSV records of `raw` (written from `rows`, after a header row when `has_header`)
/// into `out`, each cell neutralised ([`neutralise`]). A number that is not finite (an
/// overflowing sum, a ratio to zero) is written empty, as its JSON twin writes null: the same
/// rule in both encodings. A text that reads `NaN` stays, since JSON keeps it as a string. A row
/// that serialises as a map is matched to JSON by column name, one that serialises as a
/// sequence by position.
fn copy_neutralised<T: Serialize>(
    raw: &[u8],
    rows: &[T],
    has_header: bool,
    out: &mut csv::Writer<Vec<u8>>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw);
    let mut record = csv::StringRecord::new();
    let mut names = csv::StringRecord::new();
    let mut index: usize = 0;
    while reader.read_record(&mut record)? {
        let row = if has_header {
            index.checked_sub(1)
        } else {
            Some(index)
        };
        let json = row
            .filter(|_| record.iter().any(|c| matches!(c, "NaN" | "inf" | "-inf")))
            .and_then(|r| rows.get(r))
            .and_then(|r| serde_json::to_value(r).ok());
        for (i, cell) in record.iter().enumerate() {
            let value = json.as_ref().and_then(|j| match j {
                serde_json::Value::Array(cells) => cells.get(i),
                _ => j.get(names.get(i).unwrap_or("")),
            });
            let null = value.is_some_and(serde_json::Value::is_null);
            out.write_field(if null { "".into() } else { neutralise(cell) }.as_bytes())?;
        }
        out.write_record(None::<&[u8]>)?;
        if has_header && index == 0 {
            names = record.clone();
        }
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
        let csv = String::from_utf8(to_csv(&rows, &["name", "value"]).unwrap()).unwrap();
        assert_eq!(csv, "name,value\nNaN,\ninf,\nb,\n");
        let json: serde_json::Value = serde_json::from_slice(&to_json(&rows).unwrap()).unwrap();
        assert_eq!(json[0]["value"], serde_json::Value::Null);
        assert_eq!(json[1]["name"], "inf");
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
        assert_eq!(csv, "name,value\nNaN,\n'=cmd,2.5\n");
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
