//! Counts what a workbook would expand to before anything is allocated for it: an .xlsx file's
//! shared strings (calamine reads them all, and reserves what `uniqueCount` claims, when it opens
//! the file) and an .ods sheet's rows and columns once its repeats are expanded. Both are streamed
//! through quick-xml straight out of the zip, so a 2 MB file that inflates to 40 million strings
//! or cells costs a scan, not gigabytes.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::{BufRead, BufReader, Read};

/// A sheet that would expand to more cells than this is refused with a message.
pub const MAX_SHEET_CELLS: u64 = 10_000_000;

/// A workbook with more shared strings than this is refused with a message.
pub const MAX_SHARED_STRINGS: u64 = 10_000_000;

/// Excel's (and calamine's) sheet size: rows and columns beyond are never read.
pub(crate) const MAX_ROWS: u64 = 1_048_576;
pub(crate) const MAX_COLUMNS: u64 = 16_384;

/// A limit in force: `default`, or the environment variable `name` when it holds a number. Every
/// `COMMISSION_MAX_*` limit is read through this.
pub(crate) fn limit_from_env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The cell limit in force: `MAX_SHEET_CELLS`, or `COMMISSION_MAX_SHEET_CELLS` when set.
pub fn max_sheet_cells() -> u64 {
    limit_from_env("COMMISSION_MAX_SHEET_CELLS", MAX_SHEET_CELLS)
}

/// The shared-string limit in force: `MAX_SHARED_STRINGS`, or `COMMISSION_MAX_SHARED_STRINGS`.
pub fn max_shared_strings() -> u64 {
    limit_from_env("COMMISSION_MAX_SHARED_STRINGS", MAX_SHARED_STRINGS)
}

/// An .xlsx file's shared strings: the `<si>` items counted (up to one past `limit`, where the
/// count stops) and the `uniqueCount` its `<sst>` claims, which calamine reserves room for.
#[derive(Debug, PartialEq)]
pub(crate) struct SharedStrings {
    pub counted: u64,
    pub claimed: u64,
}

/// Counts the shared strings in `xml` (an .xlsx `sharedStrings.xml`), stopping once more than
/// `limit` are found. A parse error ends the count: calamine reports the damage.
pub(crate) fn count_shared_strings(xml: impl Read, limit: u64) -> SharedStrings {
    let mut reader = Reader::from_reader(BufReader::new(xml));
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut strings = SharedStrings {
        counted: 0,
        claimed: 0,
    };
    while strings.counted <= limit {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => strings.claimed = number(&e, "uniqueCount").unwrap_or(0),
                "si" => strings.counted += 1,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    strings
}

/// Whether `reference` (`B7`, `7`, `A1:XFD1048576`) stays within Excel's last cell, XFD1048576.
/// Anything not shaped like a reference passes: calamine reports it as damage. calamine 0.38
/// accumulates column letters and row digits into a `u32` unchecked, so a reference like
/// `AAAAAAAAA1` would overflow inside it; this is the check that keeps such a file out.
pub(crate) fn reference_within_excel(reference: &[u8]) -> bool {
    reference.split(|&b| b == b':').all(|part| {
        let letters = part.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let (column, row) = part.split_at(letters);
        if !row.iter().all(u8::is_ascii_digit) {
            return true;
        }
        let column_ok = letters <= 3
            && column.iter().fold(0u64, |n, b| {
                n * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1
            }) <= MAX_COLUMNS;
        let row_ok = row.len() <= 7
            && row.iter().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) <= MAX_ROWS;
        column_ok && row_ok
    })
}

/// The first cell reference (an `r` or `ref` attribute: a cell, a row, a sheet's dimension, a
/// merged range, a table, a shared formula) in an .xlsx part that lies beyond Excel's last cell.
/// A parse error ends the scan: calamine reports the damage.
pub(crate) fn reference_beyond_excel(xml: impl Read) -> Option<String> {
    let mut reader = Reader::from_reader(BufReader::new(xml));
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                for attr in e.attributes().flatten() {
                    if matches!(attr.key.as_ref(), "r" | "ref")
                        && !reference_within_excel(attr.value.as_bytes())
                    {
                        return Some(attr.value.into_owned());
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// An attribute's value as a whole number; `None` when missing or not a number.
fn number(e: &BytesStart, name: &str) -> Option<u64> {
    let attr = e.try_get_attribute(name).ok().flatten()?;
    attr.value.trim().parse().ok()
}

/// How many times a row or cell repeats (`1` unless a valid count says more), up to `max`.
fn repeats(e: &BytesStart, name: &str, max: u64) -> u64 {
    number(e, name).unwrap_or(1).clamp(1, max)
}

/// The rows and columns an .ods sheet's used range spans once repeats are expanded, counted the
/// way calamine builds its range: from the first to the last row with a value, as wide as the
/// widest such row.
#[derive(Debug, PartialEq)]
pub(crate) struct OdsSpan {
    pub name: String,
    pub rows: u64,
    pub cols: u64,
}

/// What the scan of an .ods `content.xml` found: each sheet's span, and the first element that
/// is opened but never closed (calamine 0.38 loops for ever on a sheet or a cell comment cut short).
#[derive(Debug, PartialEq)]
pub(crate) struct OdsScan {
    pub spans: Vec<OdsSpan>,
    pub unclosed: Option<&'static str>,
}

/// The sheet being scanned.
struct SheetScan {
    name: String,
    /// Rows so far, repeats expanded.
    rows: u64,
    /// The first row with a value, and the row after the last one.
    first_valued: Option<u64>,
    end_valued: u64,
    /// The widest row with a value, up to its last value.
    widest: u64,
}

/// The row being scanned.
struct RowScan {
    repeats: u64,
    /// Columns so far, repeats expanded.
    columns: u64,
    /// Columns up to the last cell with a value.
    valued_width: u64,
}

impl RowScan {
    fn add_cells(&mut self, repeats: u64, valued: bool) {
        self.columns = (self.columns + repeats).min(MAX_COLUMNS);
        if valued {
            self.valued_width = self.columns;
        }
    }
}

/// The cell being scanned.
struct CellScan {
    valued: bool,
    repeats: u64,
}

/// Scans an .ods `content.xml` for each sheet's span and for elements cut short.
pub(crate) fn ods_sheet_spans(xml: impl Read) -> OdsScan {
    scan_ods(BufReader::new(xml))
}

fn scan_ods(xml: impl BufRead) -> OdsScan {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut spans = Vec::new();
    // Open and not yet closed: sheets, and cell comments.
    let (mut tables, mut annotations) = (0i64, 0i64);
    let mut sheet: Option<SheetScan> = None;
    let mut row: Option<RowScan> = None;
    let mut cell: Option<CellScan> = None;
    loop {
        buf.clear();
        let (e, closes) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(end)) => {
                match end.name().as_ref() {
                    "office:annotation" => annotations -= 1,
                    "table:table" => {
                        tables -= 1;
                        if let Some(s) = sheet.take() {
                            let rows = s.first_valued.map_or(0, |f| s.end_valued - f);
                            spans.push(OdsSpan {
                                name: s.name,
                                rows,
                                cols: s.widest,
                            });
                        }
                    }
                    "table:table-row" => {
                        if let (Some(r), Some(s)) = (row.take(), sheet.as_mut()) {
                            let n = r.repeats.min(MAX_ROWS - s.rows.min(MAX_ROWS));
                            if r.valued_width > 0 {
                                s.first_valued.get_or_insert(s.rows);
                                s.end_valued = s.rows + n;
                                s.widest = s.widest.max(r.valued_width);
                            }
                            s.rows += n;
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
                            r.add_cells(c.repeats, c.valued);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            // A file that cannot be inflated is calamine's to report; damaged XML ends the
            // scan, and what is open then is reported as never closed.
            Err(quick_xml::Error::Io(_)) => {
                return OdsScan {
                    spans,
                    unclosed: None,
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        match e.name().as_ref() {
            "office:annotation" if !closes => annotations += 1,
            "table:table" => {
                if !closes {
                    tables += 1;
                }
                let name = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                let scan = SheetScan {
                    name,
                    rows: 0,
                    first_valued: None,
                    end_valued: 0,
                    widest: 0,
                };
                if closes {
                    spans.push(OdsSpan {
                        name: scan.name,
                        rows: 0,
                        cols: 0,
                    });
                } else {
                    sheet = Some(scan);
                }
            }
            "table:table-row" => {
                let n = repeats(&e, "table:number-rows-repeated", MAX_ROWS);
                if closes {
                    if let Some(s) = sheet.as_mut() {
                        s.rows = (s.rows + n).min(MAX_ROWS);
                    }
                } else {
                    row = Some(RowScan {
                        repeats: n,
                        columns: 0,
                        valued_width: 0,
                    });
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let m = repeats(&e, "table:number-columns-repeated", MAX_COLUMNS);
                let valued = e
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some();
                if closes {
                    if let Some(r) = row.as_mut() {
                        r.add_cells(m, valued);
                    }
                } else {
                    cell = Some(CellScan { valued, repeats: m });
                }
            }
            "text:p" => {
                if let Some(c) = cell.as_mut() {
                    c.valued = true;
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
            ods_sheet_spans(&xml[..]),
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
    fn shared_strings_are_counted_up_to_one_past_the_limit_with_the_claimed_count() {
        let xml = br#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount="4000000000"><si><t>a</t></si><si><t/></si><si/><si><r><t>b</t></r></si></sst>"#;
        assert_eq!(
            count_shared_strings(&xml[..], 10),
            SharedStrings {
                counted: 4,
                claimed: 4_000_000_000
            }
        );
        assert_eq!(count_shared_strings(&xml[..], 2).counted, 3);
        // Damaged XML ends the count where the damage starts.
        assert_eq!(
            count_shared_strings(&b"<sst><si/><si></x y=></sst>"[..], 10).counted,
            2
        );
    }

    #[test]
    fn references_beyond_xfd1048576_are_found_and_others_pass() {
        for ok in [
            &b"A1"[..],
            b"XFD1048576",
            b"A1:XFD1048576",
            b"7",
            b"xfd3",
            b"A1B",
            b"",
        ] {
            assert!(
                reference_within_excel(ok),
                "{}",
                String::from_utf8_lossy(ok)
            );
        }
        for bad in [
            &b"XFE1"[..],
            b"AAAA1",
            b"A1048577",
            b"A1:B99999999999",
            b"AAAAAAAAAAAAAAAAA1",
        ] {
            assert!(
                !reference_within_excel(bad),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let sheet = br#"<worksheet><dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="AAAAAAAAAAAAAAAAA1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
        assert_eq!(
            reference_beyond_excel(&sheet[..]).as_deref(),
            Some("AAAAAAAAAAAAAAAAA1")
        );
        // Only the unprefixed attributes: a namespace declaration `xmlns:r` is not a reference.
        assert_eq!(
            reference_beyond_excel(&br#"<x xmlns:r="http://x/y"><c r="B2" r:id="rId1"/></x>"#[..]),
            None
        );
    }
}
