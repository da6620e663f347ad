//! The one `Table` shape every tabular input is read into — CSV in UTF-8 or Windows-1252 with comma
//! or semicolon delimiters (`csv_file.rs`), or a sheet of an .xlsx/.ods workbook (`workbook.rs`) — so
//! every loader reads cells the same way and every diagnostic can name the line or the sheet and
//! cell. `tables.rs` opens a file of either kind.

use crate::diagnostics::Location;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

pub use super::csv_file::{decode_text, read_csv_bytes};

/// `256 MiB`, or `1000 bytes` for a limit that is not a whole number of MiB.
pub(crate) fn limit_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// A text cell's characters: a slice of a buffer its table's cells share, so a CSV file of a
/// million cells makes one text allocation, not a million. Reads as `&str`. The buffer is filled
/// once, when the whole file has been read, so the cells need no second pass to point at it.
#[derive(Clone)]
pub struct Text {
    pub(super) buffer: Arc<OnceLock<String>>,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Text {
    /// The text as `&str` (empty if the buffer were ever unfilled or the span out of it, which
    /// they are not).
    pub fn as_str(&self) -> &str {
        self.buffer
            .get()
            .and_then(|b| b.get(self.start..self.end))
            .unwrap_or("")
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        let end = s.len();
        Text {
            buffer: Arc::new(OnceLock::from(s)),
            start: 0,
            end,
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::from(s.to_string())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// One cell as read, before it is interpreted as a column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(Text),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// An Excel error value such as `#N/A` or `#DIV/0!`.
    Error(String),
}

impl Cell {
    /// The cell as text the way a user would see it (`12` not `12.0`).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.to_string(),
            Cell::Number(n) => format_number(*n),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }

    /// The cell as the user would see it, borrowed where it is text already.
    pub fn display_cow(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s.as_str()),
            Cell::Error(e) => Cow::Borrowed(e.as_str()),
            Cell::Empty => Cow::Borrowed(""),
            other => Cow::Owned(other.display()),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => crate::bytes::trim(s).is_empty(),
            _ => false,
        }
    }
}

/// Formats a number read from a spreadsheet without a spurious `.0`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A row of cells with the 1-based line (CSV) or sheet row (spreadsheet) it came from.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

/// A table read from a CSV file or one sheet of a workbook.
#[derive(Debug, Clone)]
pub struct Table {
    /// Path relative to the project, `/`-separated (shared with the origins of its records).
    pub file: std::sync::Arc<str>,
    /// Sheet name for spreadsheets; `None` for CSV.
    pub sheet: Option<String>,
    pub header: Vec<Cell>,
    /// 1-based line or sheet row of the header.
    pub header_row: usize,
    /// 0-based column of the first cell (spreadsheets whose used range starts right of column A).
    pub first_column: usize,
    pub rows: Vec<Row>,
    /// Merged cell ranges of a spreadsheet sheet (.xlsx only; calamine reads no others).
    pub merged: Vec<Merged>,
    /// A comma in a number is its decimal point (`12,5`): true only for a `;`-separated CSV,
    /// where that reading is unambiguous.
    pub decimal_comma: bool,
}

/// A merged cell range: 1-based sheet rows and 0-based sheet columns, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merged {
    pub first_row: usize,
    pub last_row: usize,
    pub first_col: usize,
    pub last_col: usize,
}

/// Spreadsheet column letters for a 0-based index: 0 → A, 26 → AA.
pub fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

impl Table {
    /// Location of the cell in column `col` (0-based within the table) of the row numbered `row`.
    pub fn location(&self, row: usize, col: Option<usize>) -> Location {
        match (&self.sheet, col) {
            (Some(sheet), Some(c)) => Location::Cell {
                sheet: sheet.clone(),
                cell: format!("{}{}", column_letters(self.first_column + c), row),
            },
            (Some(sheet), None) => Location::Cell {
                sheet: sheet.clone(),
                cell: format!("{}{}", column_letters(self.first_column), row),
            },
            (None, _) => Location::Line(row),
        }
    }

    /// The merged range (`"D2:D3"`) that covers the cell in column `col` of row `row` without
    /// starting at it: Excel keeps a merged range's value only in its first cell, so that cell
    /// reads as blank.
    pub fn merged_over(&self, row: usize, col: usize) -> Option<String> {
        let col = self.first_column + col;
        self.merged
            .iter()
            .find(|m| {
                (m.first_row..=m.last_row).contains(&row)
                    && (m.first_col..=m.last_col).contains(&col)
                    && (row, col) != (m.first_row, m.first_col)
            })
            .map(|m| {
                format!(
                    "{}{}:{}{}",
                    column_letters(m.first_col),
                    m.first_row,
                    column_letters(m.last_col),
                    m.last_row
                )
            })
    }

    /// Location of the table as a whole (its header).
    pub fn header_location(&self) -> Location {
        match &self.sheet {
            Some(sheet) => Location::Sheet(sheet.clone()),
            None => Location::Line(self.header_row.max(1)),
        }
    }

    pub fn header_text(&self) -> Vec<String> {
        self.header
            .iter()
            .map(|c| c.display().trim().to_string())
            .collect()
    }
}

/// Normalises a header for matching: its letters and digits only, lowercased, so `Indicator ID`,
/// `Indicator.ID` (R's `write.csv`), `IndicatorID` (fingertipsR), `indicator_id` (janitor) and
/// `Lower CI 95.0 limit` / `LowerCI95.0limit` each compare equal.
pub fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Table {
    /// True when the header has a column for each of `names` (compared as [`normalise_header`]).
    pub fn has_columns(&self, names: &[&str]) -> bool {
        let h: Vec<String> = self
            .header_text()
            .iter()
            .map(|h| normalise_header(h))
            .collect();
        names
            .iter()
            .all(|n| h.iter().any(|x| *x == normalise_header(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn column_letters_cover_double_letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn header_matching_compares_letters_and_digits_only() {
        for h in [
            "  Indicator_ID ",
            "Indicator ID",
            "Indicator.ID",
            "IndicatorID",
            "\u{feff}indicator id",
        ] {
            assert_eq!(normalise_header(h), "indicatorid", "{h:?}");
        }
        assert_eq!(normalise_header("Lower CI 95.0 limit"), "lowerci950limit");
        assert_eq!(normalise_header("LowerCI95.0limit"), "lowerci950limit");
        assert_eq!(normalise_header("Lower.CI.95.0.limit"), "lowerci950limit");
        assert_eq!(normalise_header("lower_ci_95_0_limit"), "lowerci950limit");
        assert_eq!(
            normalise_header("Description of goods and/or services"),
            normalise_header("DESCRIPTION OF GOODS AND / OR SERVICES")
        );
        assert_ne!(
            normalise_header("Lower CI 95.0 limit"),
            normalise_header("Lower CI 99.8 limit")
        );
    }
}
