//! Reads the sheets of .xlsx, .ods and .xls workbooks into `Table`s, within a cell limit: .xlsx is
//! streamed cell by cell (a stray cell at XFD1048576 costs one cell, not a dense 17-billion-cell
//! range), and an .ods file's repeated rows and columns are counted before calamine expands them.

use super::table::{limit_text, Cell, Merged, Row, Table};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use calamine::{Data, Reader, Sheets};
use chrono::NaiveDate;
use std::io::Read;
use std::path::Path;

/// A sheet that would expand to more cells than this is refused with a message.
pub const MAX_SHEET_CELLS: u64 = 10_000_000;

/// An .ods `content.xml` larger than this, uncompressed, is refused before it is parsed.
const MAX_ODS_XML_BYTES: u64 = 1024 * 1024 * 1024;

/// Excel's (and calamine's) sheet size: rows and columns beyond are never read.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// The cell limit in force: `MAX_SHEET_CELLS`, or `COMMISSION_MAX_SHEET_CELLS` when set.
pub fn max_sheet_cells() -> u64 {
    std::env::var("COMMISSION_MAX_SHEET_CELLS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MAX_SHEET_CELLS)
}

fn too_many_cells(rel: &str, sheet: &str, rows: u64, cols: u64, limit: u64) -> Diagnostic {
    Diagnostic::error(
        rel,
        Location::Sheet(sheet.to_string()),
        format!(
            "sheet spans {} rows × {} columns ({} cells), more than the {}-cell limit",
            limit_text_cells(rows),
            limit_text_cells(cols),
            limit_text_cells(rows * cols),
            limit_text_cells(limit)
        ),
    )
    .hint("delete rows and columns beyond the data (a value copied down to the bottom of the sheet, or a stray cell far to the right), or split the file")
}

fn limit_text_cells(n: u64) -> String {
    crate::model::group_thousands(&n.to_string())
}

pub(crate) fn data_to_cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.clone())
            }
        }
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::Date(d.date()),
            None => Cell::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) => {
            match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                Ok(d) => Cell::Date(d),
                Err(_) => Cell::Text(s.clone()),
            }
        }
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// Builds a sheet's table from its rows (1-based sheet row number, cells from column
/// `first_column`): the first row with a value is the header, rows without one are skipped, and
/// trailing empty header columns (formatting beyond the data) are trimmed. `None` when no row has
/// a value.
fn table(
    rel: &str,
    sheet: &str,
    first_column: usize,
    merged: Vec<Merged>,
    rows: impl IntoIterator<Item = (usize, Vec<Cell>)>,
) -> Option<Table> {
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| !cells.iter().all(Cell::is_empty));
    let (header_row, mut header) = rows.next()?;
    let width = header
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |p| p + 1);
    header.truncate(width);
    Some(Table {
        file: rel.to_string(),
        sheet: Some(sheet.to_string()),
        header,
        header_row,
        first_column,
        rows: rows.map(|(number, cells)| Row { number, cells }).collect(),
        merged,
    })
}

/// The table of a dense calamine range: .ods (counted against the limit before calamine expanded
/// it) and .xls.
fn range_table(rel: &str, sheet: &str, range: &calamine::Range<Data>) -> Option<Table> {
    let (start_row, start_col) = range.start()?;
    let rows = range.rows().enumerate().map(|(i, r)| {
        (
            start_row as usize + i + 1,
            r.iter().map(data_to_cell).collect(),
        )
    });
    table(rel, sheet, start_col as usize, Vec::new(), rows)
}

/// Reads an .xlsx sheet cell by cell, so only cells holding a value cost memory, and lays them out
/// as rows spanning the used columns once the span is known to be within the limit. `Ok(None)` for
/// a chart sheet or an empty one.
fn xlsx_table<RS: std::io::Read + std::io::Seek>(
    x: &mut calamine::Xlsx<RS>,
    rel: &str,
    sheet: &str,
) -> Result<Option<Table>, Box<Diagnostic>> {
    let unreadable = |e: calamine::XlsxError| Box::new(cannot_read(rel, sheet, e));
    let mut reader = match x.worksheet_cells_reader(sheet) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    let mut cells: Vec<(u32, u32, Data)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let value: Data = cell.get_value().clone().into();
        if !matches!(value, Data::Empty) {
            cells.push((row + 1, col, value));
        }
    }
    drop(reader);
    let (Some(first_col), Some(last_col)) = (
        cells.iter().map(|c| c.1).min(),
        cells.iter().map(|c| c.1).max(),
    ) else {
        return Ok(None);
    };
    let width = (last_col - first_col + 1) as usize;
    let mut rows: std::collections::BTreeMap<u32, Vec<Cell>> =
        cells.iter().map(|(row, _, _)| (*row, Vec::new())).collect();
    let limit = max_sheet_cells();
    if rows.len() as u64 * width as u64 > limit {
        return Err(Box::new(too_many_cells(
            rel,
            sheet,
            rows.len() as u64,
            width as u64,
            limit,
        )));
    }
    for row in rows.values_mut() {
        *row = vec![Cell::Empty; width];
    }
    for (row, col, value) in cells {
        if let Some(row) = rows.get_mut(&row) {
            row[(col - first_col) as usize] = data_to_cell(&value);
        }
    }
    let merged = x
        .merge_cells_by_sheet_name(sheet)
        .unwrap_or_default()
        .iter()
        .map(|d| Merged {
            first_row: d.start.0 as usize + 1,
            last_row: d.end.0 as usize + 1,
            first_col: d.start.1 as usize,
            last_col: d.end.1 as usize,
        })
        .collect();
    let rows = rows.into_iter().map(|(n, cells)| (n as usize, cells));
    Ok(table(rel, sheet, first_col as usize, merged, rows))
}

fn cannot_read(rel: &str, sheet: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        rel,
        Location::Sheet(sheet.to_string()),
        format!("cannot read the sheet: {e}"),
    )
}

pub fn read_workbook(path: &Path, rel: &str, diags: &mut Diagnostics) -> Vec<Table> {
    let is_ods = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ods"));
    if is_ods && !ods_within_limit(path, rel, diags) {
        return Vec::new();
    }
    let mut workbook = match calamine::open_workbook_auto(path) {
        Ok(w) => w,
        Err(e) => {
            diags.push(
                Diagnostic::error(rel, Location::File, "cannot open the workbook").hint(format!(
                    "{e}; save it again from Excel or LibreOffice as .xlsx or .ods"
                )),
            );
            return Vec::new();
        }
    };
    let mut tables = Vec::new();
    // A sheet already reported (unreadable or over the limit) is not also "no data".
    let mut reported = false;
    for name in workbook.sheet_names().to_vec() {
        let sheet = match &mut workbook {
            Sheets::Xlsx(x) => xlsx_table(x, rel, &name),
            other => other
                .worksheet_range(&name)
                .map(|r| range_table(rel, &name, &r))
                .map_err(|e| Box::new(cannot_read(rel, &name, e))),
        };
        match sheet {
            Ok(Some(t)) => tables.push(t),
            Ok(None) => {}
            Err(d) => {
                diags.push(*d);
                reported = true;
            }
        }
    }
    if tables.is_empty() && !reported {
        diags.push(
            Diagnostic::error(rel, Location::File, "workbook has no data")
                .hint("a sheet needs a header row naming its columns"),
        );
    }
    tables
}

/// Checks, before calamine expands them, that no sheet of an .ods file spans more cells than the
/// limit once its repeated rows and columns are counted; reports each sheet that does.
fn ods_within_limit(path: &Path, rel: &str, diags: &mut Diagnostics) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return true; // calamine reports it
    };
    let Ok(mut archive) = zip::ZipArchive::new(file) else {
        return true;
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return true;
    };
    if content.size() > MAX_ODS_XML_BYTES {
        diags.push(
            Diagnostic::error(
                rel,
                Location::File,
                format!(
                    "the spreadsheet's content is larger than the {} limit once uncompressed",
                    limit_text(MAX_ODS_XML_BYTES)
                ),
            )
            .value(format!("{} bytes", content.size()))
            .hint("split the file, or save it as .csv"),
        );
        return false;
    }
    let mut xml = Vec::new();
    if content
        .take(MAX_ODS_XML_BYTES)
        .read_to_end(&mut xml)
        .is_err()
    {
        return true;
    }
    let scan = ods_sheet_spans(&xml);
    if let Some(element) = scan.unclosed {
        diags.push(
            Diagnostic::error(
                rel,
                Location::File,
                format!("the spreadsheet is damaged: a <{element}> element is never closed"),
            )
            .hint("open it in LibreOffice or Excel and save it again, or save it as .csv"),
        );
        return false;
    }
    let limit = max_sheet_cells();
    let mut ok = true;
    for sheet in scan.spans {
        if sheet.rows * sheet.cols > limit {
            diags.push(too_many_cells(
                rel,
                &sheet.name,
                sheet.rows,
                sheet.cols,
                limit,
            ));
            ok = false;
        }
    }
    ok
}

/// The rows and columns an .ods sheet's used range spans once repeats are expanded, counted the
/// way calamine builds its range: from the first to the last row with a value, as wide as the
/// widest such row.
#[derive(Debug, PartialEq)]
struct OdsSpan {
    name: String,
    rows: u64,
    cols: u64,
}

/// The next tag at or after `at`: its name, its attributes text, whether it closes itself, and
/// the position after it. Comments and CDATA sections are skipped whole, as an XML parser does.
fn next_tag(xml: &[u8], mut at: usize) -> Option<(&[u8], &[u8], bool, usize)> {
    let start = loop {
        let start = at + xml.get(at..)?.iter().position(|b| *b == b'<')?;
        let rest = &xml[start..];
        let skip_to = if rest.starts_with(b"<!--") {
            Some(&b"-->"[..])
        } else if rest.starts_with(b"<![CDATA[") {
            Some(&b"]]>"[..])
        } else {
            None
        };
        match skip_to {
            Some(end) => {
                let i = rest.windows(end.len()).position(|w| w == end)?;
                at = start + i + end.len();
            }
            None => break start,
        }
    };
    let end = start + xml[start..].iter().position(|b| *b == b'>')?;
    let inner = &xml[start + 1..end];
    let self_closing = inner.last() == Some(&b'/');
    let inner = if self_closing {
        &inner[..inner.len() - 1]
    } else {
        inner
    };
    let name_end = inner
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(inner.len());
    Some((
        &inner[..name_end],
        &inner[name_end..],
        self_closing,
        end + 1,
    ))
}

fn attribute<'a>(attrs: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let key = format!("{name}=\"");
    let i = attrs.windows(key.len()).position(|w| w == key.as_bytes())?;
    let rest = &attrs[i + key.len()..];
    Some(&rest[..rest.iter().position(|b| *b == b'"')?])
}

fn repeats(attrs: &[u8], name: &str, max: u64) -> u64 {
    attribute(attrs, name)
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, max)
}

/// What the scan of an .ods `content.xml` found: each sheet's span, and the first element that
/// is opened but never closed (calamine 0.38 loops for ever on a sheet or a cell comment cut short).
#[derive(Debug, PartialEq)]
struct OdsScan {
    spans: Vec<OdsSpan>,
    unclosed: Option<&'static str>,
}

fn ods_sheet_spans(xml: &[u8]) -> OdsScan {
    let mut spans = Vec::new();
    // Open and not yet closed: sheets, and cell comments.
    let (mut tables, mut annotations) = (0i64, 0i64);
    let mut at = 0;
    // The sheet being read: name, rows so far, first and end row with a value, widest such row.
    let mut sheet: Option<(String, u64, Option<u64>, u64, u64)> = None;
    // The row being read: repeats, columns so far, columns up to the last value.
    let mut row: Option<(u64, u64, u64)> = None;
    // The cell being read: whether it has a value, its repeats.
    let mut cell: Option<(bool, u64)> = None;
    while let Some((name, attrs, closes, next)) = next_tag(xml, at) {
        at = next;
        match name {
            b"office:annotation" if !closes => annotations += 1,
            b"/office:annotation" => annotations -= 1,
            b"table:table" if !closes => tables += 1,
            b"/table:table" => tables -= 1,
            _ => {}
        }
        match name {
            b"table:table" => {
                sheet = Some((
                    attribute(attrs, "table:name")
                        .map(|n| String::from_utf8_lossy(n).into_owned())
                        .unwrap_or_default(),
                    0,
                    None,
                    0,
                    0,
                ))
            }
            b"/table:table" => {
                if let Some((name, _, first, end, cols)) = sheet.take() {
                    let rows = first.map_or(0, |f| end - f);
                    spans.push(OdsSpan { name, rows, cols });
                }
            }
            b"table:table-row" => {
                let n = repeats(attrs, "table:number-rows-repeated", MAX_ROWS);
                if closes {
                    if let Some(s) = sheet.as_mut() {
                        s.1 = (s.1 + n).min(MAX_ROWS);
                    }
                } else {
                    row = Some((n, 0, 0));
                }
            }
            b"/table:table-row" => {
                if let (Some((n, _, width)), Some(s)) = (row.take(), sheet.as_mut()) {
                    let n = n.min(MAX_ROWS - s.1.min(MAX_ROWS));
                    if width > 0 {
                        s.2.get_or_insert(s.1);
                        s.3 = s.1 + n;
                        s.4 = s.4.max(width);
                    }
                    s.1 += n;
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                let m = repeats(attrs, "table:number-columns-repeated", MAX_COLUMNS);
                let valued = attribute(attrs, "office:value-type").is_some();
                if closes {
                    if let Some(r) = row.as_mut() {
                        r.1 = (r.1 + m).min(MAX_COLUMNS);
                        if valued {
                            r.2 = r.1;
                        }
                    }
                } else {
                    cell = Some((valued, m));
                }
            }
            b"text:p" if cell.is_some() => {
                if let Some(c) = cell.as_mut() {
                    c.0 = true;
                }
            }
            b"/table:table-cell" | b"/table:covered-table-cell" => {
                if let (Some((valued, m)), Some(r)) = (cell.take(), row.as_mut()) {
                    r.1 = (r.1 + m).min(MAX_COLUMNS);
                    if valued {
                        r.2 = r.1;
                    }
                }
            }
            _ => {}
        }
    }
    let unclosed = if tables > 0 {
        Some("table:table")
    } else if annotations > 0 {
        Some("office:annotation")
    } else {
        None
    };
    OdsScan { spans, unclosed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ods_spans_count_repeated_rows_and_columns_with_values_only() {
        let xml = br#"<office:body><table:table table:name="Returns">
<table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="1"/></table:table-row>
<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
<table:table-row table:number-rows-repeated="5"><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table><table:table table:name="Empty"><table:table-row table:number-rows-repeated="9"/></table:table></office:body>"#;
        assert_eq!(
            ods_sheet_spans(xml),
            OdsScan {
                spans: vec![
                    OdsSpan {
                        name: "Returns".into(),
                        rows: 1006,
                        cols: 4
                    },
                    OdsSpan {
                        name: "Empty".into(),
                        rows: 0,
                        cols: 0
                    },
                ],
                unclosed: None
            }
        );
    }

    #[test]
    fn ods_elements_cut_short_are_found_and_comments_skipped() {
        let unclosed = |xml: &[u8]| ods_sheet_spans(xml).unclosed;
        assert_eq!(
            unclosed(b"<table:table table:name=\"S\"><table:table-row>"),
            Some("table:table")
        );
        assert_eq!(
            unclosed(b"<table:table><office:annotation><text:p>x</table:table>"),
            Some("office:annotation")
        );
        // A closing tag inside a comment or CDATA closes nothing.
        assert_eq!(
            unclosed(b"<table:table><!-- </table:table> --><![CDATA[</table:table>]]>"),
            Some("table:table")
        );
        assert_eq!(unclosed(b"<table:table/><table:table></table:table>"), None);
    }

    #[test]
    fn cell_limits_read_with_separators() {
        assert_eq!(limit_text_cells(10_000_000), "10,000,000");
        assert_eq!(limit_text_cells(999), "999");
        assert_eq!(limit_text_cells(1000), "1,000");
    }
}
