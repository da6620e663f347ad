//! Typed reading of table cells by column name: numbers with £, %, thousands separators; UK and ISO
//! dates and spreadsheet date cells; booleans; periods. Each bad cell becomes a diagnostic naming
//! the file, line or cell, column and value, and reading carries on.

use super::table::{normalise_header, Cell, Row, Table};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Period;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The columns of a table resolved by name.
#[derive(Debug, Clone)]
pub struct Columns {
    index: BTreeMap<String, usize>,
    names: BTreeMap<String, String>,
}

impl Columns {
    /// Finds `required` and `optional` columns in the header; reports missing and duplicated ones.
    /// Returns `None` only when the header has none of them; with a required column missing the
    /// rows are still read, so their other problems are reported in the same run.
    pub fn resolve(
        table: &Table,
        required: &[&str],
        optional: &[&str],
        diags: &mut Diagnostics,
    ) -> Option<Columns> {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let header = table.header_text();
        let mut ok = true;
        let mut duplicated = false;
        for (i, h) in header.iter().enumerate() {
            let key = normalise_header(h);
            if key.is_empty() {
                continue;
            }
            let wanted = required
                .iter()
                .chain(optional)
                .any(|w| normalise_header(w) == key);
            if let Some(first) = seen.get(&key) {
                if wanted {
                    diags.push(
                        Diagnostic::error(
                            &table.file,
                            table.location(table.header_row, Some(i)),
                            "duplicated column",
                        )
                        .value(h.clone())
                        .hint(format!("column {} has the same name; keep one", first + 1)),
                    );
                    ok = false;
                    duplicated = true;
                }
                continue;
            }
            seen.insert(key, i);
        }
        for name in required {
            if !seen.contains_key(&normalise_header(name)) {
                let found = if header.is_empty() {
                    "none".to_string()
                } else {
                    header
                        .iter()
                        .map(|h| h.chars().take(40).collect::<String>())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                diags.push(
                    Diagnostic::error(
                        &table.file,
                        table.header_location(),
                        format!("missing required column \"{name}\""),
                    )
                    .hint(format!("the header has: {found}")),
                );
                ok = false;
            }
        }
        // Every other problem of the file is still wanted in the same run (all problems at
        // once, in file order): only a header with no usable column at all stops here. A missing
        // required column is reported once, above, not again on every row.
        if !ok
            && (duplicated
                || required
                    .iter()
                    .chain(optional)
                    .all(|n| !seen.contains_key(&normalise_header(n))))
        {
            return None;
        }
        let mut index = BTreeMap::new();
        let mut names = BTreeMap::new();
        for name in required.iter().chain(optional) {
            if let Some(i) = seen.get(&normalise_header(name)) {
                index.insert(name.to_string(), *i);
                names.insert(name.to_string(), header[*i].clone());
            }
        }
        Some(Columns { index, names })
    }

    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// Reads the cells of one row by column name, reporting bad values.
pub struct Fields<'a> {
    pub table: &'a Table,
    pub row: &'a Row,
    pub columns: &'a Columns,
    pub diags: &'a mut Diagnostics,
}

/// A number parsed from text, or the reason it is not one.
pub fn parse_number(text: &str) -> Result<f64, &'static str> {
    let mut t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '£' | ',' | ' ' | '\u{a0}'))
        .collect();
    let negative_parens = t.starts_with('(') && t.ends_with(')');
    if negative_parens {
        t = format!("-{}", &t[1..t.len() - 1]);
    }
    let t = t.strip_suffix('%').unwrap_or(&t).to_string();
    let t = t.strip_prefix("-£").map(|r| format!("-{r}")).unwrap_or(t);
    if t.is_empty() {
        return Err("not a number");
    }
    let valid = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !valid {
        return Err("not a number");
    }
    let n: f64 = t.parse().map_err(|_| "not a number")?;
    if !n.is_finite() {
        return Err("number is too large");
    }
    Ok(if n == 0.0 { 0.0 } else { n })
}

/// Cells that statistical publishers write for "no value": R's `NA`, `N/A`, SQL's `NULL`, and the
/// suppression marks of ONS and Eurostat tables (`-`, `..`, `x`, `:`). Compared after trimming,
/// case-insensitively. In a Fingertips export (in any of its forms) every such cell is missing,
/// never an error or zero.
pub const MISSING_MARKERS: [&str; 7] = ["NA", "N/A", "NULL", "-", "..", "x", ":"];

/// True when `text` is one of [`MISSING_MARKERS`].
pub fn is_missing_marker(text: &str) -> bool {
    let t = text.trim();
    MISSING_MARKERS.iter().any(|m| m.eq_ignore_ascii_case(t))
}

/// A date in ISO (`2025-04-01`) or UK (`01/04/2025`, day first) form.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let t = t
        .get(..10)
        .filter(|_| {
            t.len() > 10 && t.as_bytes()[10] == b'T' || t.len() > 10 && t.as_bytes()[10] == b' '
        })
        .unwrap_or(t);
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d %B %Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d %b %Y"))
        .ok()
}

/// yes/no, y/n, true/false, 1/0, case-insensitive.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

impl<'a> Fields<'a> {
    pub fn new(
        table: &'a Table,
        row: &'a Row,
        columns: &'a Columns,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Fields {
            table,
            row,
            columns,
            diags,
        }
    }

    fn cell(&self, name: &str) -> (&Cell, Option<usize>) {
        match self.columns.get(name) {
            Some(i) => (self.row.cells.get(i).unwrap_or(&Cell::Empty), Some(i)),
            None => (&Cell::Empty, None),
        }
    }

    fn column_name(&self, name: &str) -> String {
        self.columns
            .names
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    /// A diagnostic located at this row's cell in `name`.
    pub fn error(&self, name: &str, message: impl Into<String>) -> Diagnostic {
        let col = self.columns.get(name);
        Diagnostic::error(
            &self.table.file,
            self.table.location(self.row.number, col),
            message,
        )
        .column(self.column_name(name))
    }

    /// "missing value" for column `name`, with `hint` unless the cell sits inside a merged range.
    pub fn missing(&self, name: &str, hint: String) -> Diagnostic {
        let merged = self
            .columns
            .get(name)
            .and_then(|c| self.table.merged_over(self.row.number, c));
        let hint = match merged {
            Some(range) => format!(
                "the cell is inside the merged cells {range}, which keep their value only in the first cell; unmerge them and fill the value into every row"
            ),
            None => hint,
        };
        self.error(name, "missing value").hint(hint)
    }

    /// Reports a missing value in column `name`, unless the header has no such column (reported
    /// once at the header, not on every row).
    pub fn push_missing(&mut self, name: &str, hint: String) {
        if self.columns.has(name) {
            let d = self.missing(name, hint);
            self.diags.push(d);
        }
    }

    pub fn warning(&self, name: &str, message: impl Into<String>) -> Diagnostic {
        let col = self.columns.get(name);
        Diagnostic::warning(
            &self.table.file,
            self.table.location(self.row.number, col),
            message,
        )
        .column(self.column_name(name))
    }

    pub fn origin(&self) -> crate::model::Origin {
        crate::model::Origin {
            file: self.table.file.clone(),
            location: Some(self.table.location(self.row.number, None)),
            keys: Default::default(),
        }
    }

    /// The record's origin pointing at the cell of column `name` (the row when it is absent).
    pub fn origin_at(&self, name: &str) -> crate::model::Origin {
        crate::model::Origin {
            location: Some(self.table.location(self.row.number, self.columns.get(name))),
            ..self.origin()
        }
    }

    fn error_cell(&mut self, name: &str, code: &str) {
        let d = self
            .warning(name, "Excel error value read as missing")
            .value(code.to_string())
            .hint("fix the formula in the workbook, or leave the cell empty");
        self.diags.push(d);
    }

    /// True when the cell is empty or the column absent (no diagnostic).
    pub fn is_blank(&self, name: &str) -> bool {
        self.cell(name).0.is_empty()
    }

    /// Trimmed text, or `None` when the cell is empty or the column absent.
    pub fn text(&mut self, name: &str) -> Option<String> {
        let (cell, _) = self.cell(name);
        match cell.clone() {
            Cell::Empty => None,
            Cell::Error(code) => {
                self.error_cell(name, &code);
                None
            }
            other => {
                let s = other.display().trim().to_string();
                (!s.is_empty()).then_some(s)
            }
        }
    }

    /// Text that must be present. A column missing from the header was reported there once.
    pub fn required_text(&mut self, name: &str) -> Option<String> {
        let t = self.text(name);
        if t.is_none() && self.columns.has(name) {
            let d = self.missing(name, format!("every row needs a {name}"));
            self.diags.push(d);
        }
        t
    }

    /// An identifier: present, and safe to use in a page path.
    pub fn id(&mut self, name: &str) -> Option<String> {
        let t = self.required_text(name)?;
        if let Err(why) = check_id(&t) {
            let d = self
                .error(name, why)
                .value(t)
                .hint("ids may use letters, digits, '-', '_' and '.' only");
            self.diags.push(d);
            return None;
        }
        Some(t)
    }

    pub fn number(&mut self, name: &str) -> Option<f64> {
        let (cell, _) = self.cell(name);
        match cell.clone() {
            Cell::Empty => None,
            Cell::Number(n) if n.is_finite() => Some(if n == 0.0 { 0.0 } else { n }),
            Cell::Number(n) => {
                let d = self
                    .error(name, "number is not finite")
                    .value(n.to_string());
                self.diags.push(d);
                None
            }
            Cell::Error(code) => {
                self.error_cell(name, &code);
                None
            }
            Cell::Text(s) => {
                let t = s.trim();
                if matches!(
                    t.to_ascii_uppercase().as_str(),
                    "#N/A" | "#DIV/0!" | "#VALUE!" | "#REF!" | "#NUM!" | "#NAME?" | "#NULL!"
                ) {
                    self.error_cell(name, t);
                    return None;
                }
                match parse_number(t) {
                    Ok(n) => Some(n),
                    Err(why) => {
                        let d = self
                            .error(name, why)
                            .value(s.clone())
                            .hint("expected a number like 1234.5, £1,234.50 or 12.5%");
                        self.diags.push(d);
                        None
                    }
                }
            }
            other => {
                let d = self
                    .error(name, "not a number")
                    .value(other.display())
                    .hint("expected a number like 1234.5");
                self.diags.push(d);
                None
            }
        }
    }

    pub fn required_number(&mut self, name: &str) -> Option<f64> {
        if !self.columns.has(name) {
            return None;
        }
        if self.is_blank(name) {
            let d = self.missing(name, "expected a number like 1234.5".into());
            self.diags.push(d);
            return None;
        }
        self.number(name)
    }

    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let (cell, _) = self.cell(name);
        match cell.clone() {
            Cell::Empty => None,
            Cell::Date(d) => Some(d),
            Cell::Error(code) => {
                self.error_cell(name, &code);
                None
            }
            other => {
                let text = other.display();
                match parse_date(&text) {
                    Some(d) => Some(d),
                    None => {
                        let d = self
                            .error(name, "not a date")
                            .value(text)
                            .hint("expected a date like 2025-04-01 or 01/04/2025 (day first)");
                        self.diags.push(d);
                        None
                    }
                }
            }
        }
    }

    pub fn required_date(&mut self, name: &str) -> Option<NaiveDate> {
        let (cell, _) = self.cell(name);
        if !self.columns.has(name) {
            return None;
        }
        if cell.is_empty() {
            let d = self.missing(name, "expected a date like 2025-04-01 or 01/04/2025".into());
            self.diags.push(d);
            return None;
        }
        self.date(name)
    }

    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        let (cell, _) = self.cell(name);
        match cell.clone() {
            Cell::Empty => None,
            Cell::Bool(b) => Some(b),
            Cell::Number(n) if n == 0.0 || n == 1.0 => Some(n == 1.0),
            other => {
                let text = other.display();
                let parsed = parse_bool(&text);
                if parsed.is_none() {
                    let d = self
                        .error(name, "not yes or no")
                        .value(text)
                        .hint("expected yes/no, y/n, true/false or 1/0");
                    self.diags.push(d);
                }
                parsed
            }
        }
    }

    pub fn period(&mut self, name: &str) -> Option<Period> {
        let (cell, _) = self.cell(name);
        match cell.clone() {
            Cell::Empty if !self.columns.has(name) => None,
            Cell::Empty => {
                let d = self.missing(
                    name,
                    "expected a period like 2024, 2024/25, 2024-Q1 or 2024-04".into(),
                );
                self.diags.push(d);
                None
            }
            Cell::Date(d) => Some(Period::day(d)),
            // A year typed as a number; anything else falls through to "not a period".
            Cell::Number(n) if n.fract() == 0.0 && (1000.0..=9999.0).contains(&n) => {
                Period::year(n as i32)
            }
            other => {
                let text = other.display();
                match Period::parse(&text) {
                    Ok(p) => Some(p),
                    Err(_) => {
                        let d = self.error(name, "not a period").value(text).hint(
                            "expected a period like 2024, 2024/25, 2024-Q1, 2024-04 or 2016 - 18",
                        );
                        self.diags.push(d);
                        None
                    }
                }
            }
        }
    }

    /// Parses an enumerated value with `parse`, naming the allowed values in the hint.
    pub fn choice<T>(
        &mut self,
        name: &str,
        allowed: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.text(name)?;
        let parsed = parse(&text);
        if parsed.is_none() {
            let d = self
                .error(name, "unknown value")
                .value(text)
                .hint(format!("expected one of: {}", allowed.join(", ")));
            self.diags.push(d);
        }
        parsed
    }
}

/// The trimmed, non-empty values of one column in every row, without reading them as a type.
pub fn column_values(table: &Table, name: &str) -> Vec<String> {
    let key = normalise_header(name);
    let Some(i) = table
        .header_text()
        .iter()
        .position(|h| normalise_header(h) == key)
    else {
        return Vec::new();
    };
    table
        .rows
        .iter()
        .filter_map(|r| r.cells.get(i))
        .map(|c| c.display().trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// An id must be non-empty, short, and must not escape its folder (`..`, `/`, `\`).
pub fn check_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("empty id");
    }
    if id.len() > 120 {
        return Err("id is longer than 120 characters");
    }
    if id.contains('/') || id.contains('\\') || id.contains("..") {
        return Err("id would escape its folder");
    }
    if id
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() && c != ' ')
    {
        return Err("id contains control characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_every_documented_form() {
        assert_eq!(parse_number("1234.5"), Ok(1234.5));
        assert_eq!(parse_number("1,234.5"), Ok(1234.5));
        assert_eq!(parse_number("£1,234.50"), Ok(1234.5));
        assert_eq!(parse_number("12.5%"), Ok(12.5));
        assert_eq!(parse_number("-0"), Ok(0.0));
        assert!(parse_number("-0").unwrap().is_sign_positive());
        assert_eq!(parse_number("(250)"), Ok(-250.0));
        assert_eq!(parse_number("-£40"), Ok(-40.0));
        assert_eq!(parse_number("1e309"), Err("number is too large"));
        assert_eq!(parse_number("NaN"), Err("not a number"));
        assert_eq!(parse_number("inf"), Err("not a number"));
        assert_eq!(parse_number("abc"), Err("not a number"));
        assert_eq!(parse_number(""), Err("not a number"));
    }

    #[test]
    fn each_missing_value_marker_is_missing() {
        for m in [
            "NA", "na", "N/A", "n/a", "NULL", "null", "-", "..", "x", "X", ":", " NA ",
        ] {
            assert!(is_missing_marker(m), "{m:?}");
        }
        for v in ["0", "", "-1", "NaN", "xx", "...", "none", "N", "A"] {
            assert!(!is_missing_marker(v), "{v:?}");
        }
    }

    #[test]
    fn dates_iso_and_uk_day_first() {
        assert_eq!(
            parse_date("2025-04-01"),
            NaiveDate::from_ymd_opt(2025, 4, 1)
        );
        assert_eq!(
            parse_date("01/04/2025"),
            NaiveDate::from_ymd_opt(2025, 4, 1)
        );
        assert_eq!(
            parse_date("2025-04-01T00:00:00"),
            NaiveDate::from_ymd_opt(2025, 4, 1)
        );
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("04/31/2025"), None);
    }

    #[test]
    fn booleans() {
        for t in ["yes", "Y", "TRUE", "1"] {
            assert_eq!(parse_bool(t), Some(true));
        }
        for t in ["no", "n", "False", "0"] {
            assert_eq!(parse_bool(t), Some(false));
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn ids_that_escape_are_refused() {
        assert!(check_id("SPEC-DA").is_ok());
        assert_eq!(check_id("../x"), Err("id would escape its folder"));
        assert_eq!(check_id("a/b"), Err("id would escape its folder"));
    }
}
