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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(raw.as_slice());
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        for cell in record.iter() {
            out.write_field(neutralise(cell).as_bytes())?;
        }
        out.write_record(None::<&[u8]>)?;
    }
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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw.as_slice());
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        for cell in record.iter() {
            out.write_field(neutralise(cell).as_bytes())?;
        }
        out.write_record(None::<&[u8]>)?;
    }
    out.into_inner().context("finishing CSV")
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
