//! Reads the sheets of .xlsx, .ods and .xls workbooks into `Table`s, within a cell limit: .xlsx is
//! streamed cell by cell (a stray cell at XFD1048576 costs one cell, not a dense 17-billion-cell
//! range), its cells counted before any is kept and its shared strings counted before calamine
//! opens it, and an .ods file's repeated rows and columns are counted before calamine expands them
//! (`workbook_limits`).

use super::table::{limit_text, Cell, Merged, Row, Table};
use super::workbook_limits::{
    count_shared_strings, max_shared_strings, max_sheet_cells, ods_sheet_spans,
    reference_beyond_excel, MAX_ROWS,
};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use calamine::{Data, Reader, Sheets};
use chrono::NaiveDate;
use std::io::Read;
use std::path::Path;

/// An .ods `content.xml` larger than this, uncompressed, is refused before it is parsed.
const MAX_ODS_XML_BYTES: u64 = 1024 * 1024 * 1024;

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
                Cell::Text(s.as_str().into())
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
                Err(_) => Cell::Text(s.as_str().into()),
            }
        }
        Data::DurationIso(s) => Cell::Text(s.as_str().into()),
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
        file: rel.into(),
        sheet: Some(sheet.to_string()),
        header,
        header_row,
        first_column,
        rows: rows.map(|(number, cells)| Row { number, cells }).collect(),
        merged,
        // A workbook's text cell has no separator to tell a decimal comma from a thousands one.
        decimal_comma: false,
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

/// The limits a workbook is read within.
#[derive(Debug, Clone, Copy)]
pub struct WorkbookLimits {
    /// The most cells a sheet may span (rows × columns from its first to its last value).
    pub sheet_cells: u64,
    /// The most shared strings an .xlsx file may hold (or claim to hold).
    pub shared_strings: u64,
}

impl WorkbookLimits {
    /// The limits in force: the defaults, or `COMMISSION_MAX_SHEET_CELLS` and
    /// `COMMISSION_MAX_SHARED_STRINGS` when set.
    pub fn from_env() -> WorkbookLimits {
        WorkbookLimits {
            sheet_cells: max_sheet_cells(),
            shared_strings: max_shared_strings(),
        }
    }
}

/// Rows present (as a bitset over Excel's 1,048,576 rows) and the columns used, counted in a first
/// pass over an .xlsx sheet so that nothing is kept for a sheet over the limit.
struct XlsxSpan {
    rows: Vec<u64>,
    row_count: u64,
    columns: Option<(u32, u32)>,
}

impl XlsxSpan {
    fn add(&mut self, row: u32, col: u32) {
        let row = row.min(MAX_ROWS as u32 - 1) as usize;
        let (word, bit) = (row / 64, 1u64 << (row % 64));
        if self.rows[word] & bit == 0 {
            self.rows[word] |= bit;
            self.row_count += 1;
        }
        self.columns = Some(match self.columns {
            Some((first, last)) => (first.min(col), last.max(col)),
            None => (col, col),
        });
    }
}

/// Reads an .xlsx sheet cell by cell, twice: first counting the rows and columns its values span
/// (nothing kept), then, once the span is known to be within the limit, laying the values out as
/// rows spanning the used columns. `Ok(None)` for a chart sheet or an empty one.
fn xlsx_table<RS: std::io::Read + std::io::Seek>(
    x: &mut calamine::Xlsx<RS>,
    rel: &str,
    sheet: &str,
    limit: u64,
) -> Result<Option<Table>, Box<Diagnostic>> {
    let unreadable = |e: calamine::XlsxError| Box::new(cannot_read(rel, sheet, e));
    let mut reader = match x.worksheet_cells_reader(sheet) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    let mut span = XlsxSpan {
        rows: vec![0; MAX_ROWS as usize / 64],
        row_count: 0,
        columns: None,
    };
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        if !matches!(cell.get_value(), calamine::DataRef::Empty) {
            let (row, col) = cell.get_position();
            span.add(row, col);
        }
    }
    drop(reader);
    let Some((first_col, last_col)) = span.columns else {
        return Ok(None);
    };
    let width = (last_col - first_col + 1) as usize;
    if span.row_count * width as u64 > limit {
        return Err(Box::new(too_many_cells(
            rel,
            sheet,
            span.row_count,
            width as u64,
            limit,
        )));
    }
    let mut rows: std::collections::BTreeMap<u32, Vec<Cell>> = std::collections::BTreeMap::new();
    let mut reader = x.worksheet_cells_reader(sheet).map_err(unreadable)?;
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let value: Data = cell.get_value().clone().into();
        if matches!(value, Data::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        let cells = rows
            .entry(row.min(MAX_ROWS as u32 - 1) + 1)
            .or_insert_with(|| vec![Cell::Empty; width]);
        if let Some(slot) = cells.get_mut((col - first_col) as usize) {
            *slot = data_to_cell(&value);
        }
    }
    drop(reader);
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

/// Reads every sheet of a workbook within the limits in force (`WorkbookLimits::from_env`).
pub fn read_workbook(path: &Path, rel: &str, diags: &mut Diagnostics) -> Vec<Table> {
    read_workbook_within(path, rel, WorkbookLimits::from_env(), diags)
}

/// Reads every sheet of a workbook into a `Table`, refusing by name, before anything is expanded,
/// an .xlsx file with more shared strings than the limit and any sheet spanning more cells.
pub fn read_workbook_within(
    path: &Path,
    rel: &str,
    limits: WorkbookLimits,
    diags: &mut Diagnostics,
) -> Vec<Table> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let within = match extension.as_deref() {
        Some("ods") => ods_within_limit(path, rel, limits.sheet_cells, diags),
        Some("xlsx" | "xlsm") => {
            shared_strings_within_limit(path, rel, limits.shared_strings, diags)
                && references_within_excel(path, rel, diags)
        }
        _ => true,
    };
    if !within {
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
            Sheets::Xlsx(x) => xlsx_table(x, rel, &name, limits.sheet_cells),
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
fn ods_within_limit(path: &Path, rel: &str, limit: u64, diags: &mut Diagnostics) -> bool {
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
    let scan = ods_sheet_spans(content.take(MAX_ODS_XML_BYTES));
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

/// Checks, before calamine opens an .xlsx file (and reads every shared string into memory, after
/// reserving room for as many as the file claims), that it holds and claims no more shared strings
/// than the limit. Any part named `sharedStrings.xml` is counted, wherever the package puts it.
fn shared_strings_within_limit(
    path: &Path,
    rel: &str,
    limit: u64,
    diags: &mut Diagnostics,
) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return true; // calamine reports it
    };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return true;
    };
    let parts: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for part in parts {
        let Ok(xml) = archive.by_name(&part) else {
            continue;
        };
        let strings = count_shared_strings(xml, limit);
        let value = if strings.counted > limit {
            format!("more than {} counted", limit_text_cells(limit))
        } else if strings.claimed > limit {
            format!(
                "{} claimed by uniqueCount",
                limit_text_cells(strings.claimed)
            )
        } else {
            continue;
        };
        diags.push(
            Diagnostic::error(
                rel,
                Location::File,
                format!(
                    "the workbook's shared strings ({part}) are more than the {}-string limit",
                    limit_text_cells(limit)
                ),
            )
            .value(value)
            .hint("copy the data into a new workbook (Paste Special > Values), or save it as .csv"),
        );
        return false;
    }
    true
}

/// Checks, before calamine reads an .xlsx file, that no cell reference in its sheets, tables or
/// other XML parts lies beyond Excel's last cell (`workbook_limits::reference_beyond_excel`):
/// calamine 0.38 would overflow reading one.
fn references_within_excel(path: &Path, rel: &str, diags: &mut Diagnostics) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return true; // calamine reports it
    };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return true;
    };
    let parts: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            n.ends_with(".xml") && !n.ends_with("sharedstrings.xml")
        })
        .map(|n| n.into_owned())
        .collect();
    for part in parts {
        let Ok(xml) = archive.by_name(&part) else {
            continue;
        };
        let Some(reference) = reference_beyond_excel(xml) else {
            continue;
        };
        let shown: String = reference.chars().take(40).collect();
        diags.push(
            Diagnostic::error(
                rel,
                Location::File,
                format!("the workbook's part {part} has a cell reference beyond Excel's last cell, XFD1048576"),
            )
            .value(shown)
            .hint("the file is damaged or was not written by a spreadsheet program; open it in Excel or LibreOffice and save it again"),
        );
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_limits_read_with_separators() {
        assert_eq!(limit_text_cells(10_000_000), "10,000,000");
        assert_eq!(limit_text_cells(999), "999");
        assert_eq!(limit_text_cells(1000), "1,000");
    }
}
