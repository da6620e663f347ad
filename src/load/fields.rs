//! Typed reading of table cells by column name: numbers with £, %, thousands separators; UK and ISO
//! dates and spreadsheet date cells; booleans; periods. Each bad cell becomes a diagnostic naming
//! the file, line or cell, column and value, and reading carries on.

use super::table::{normalise_header, Cell, Row, Table};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Period;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The columns of a table resolved by name: each wanted name found in the header, with its
/// position and the header's own spelling. A handful of names, looked up for every cell read: a
/// list whose equality test rejects most names on their length, rather than an ordered map whose
/// every step compares bytes.
#[derive(Debug, Clone)]
pub struct Columns {
    found: Vec<(String, usize, String)>,
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
        let mut found: Vec<(String, usize, String)> = Vec::new();
        for name in required.iter().chain(optional) {
            if let Some(i) = seen.get(&normalise_header(name)) {
                // A name listed twice keeps its first entry, as a map insert would overwrite
                // with the same position and spelling.
                if !found.iter().any(|(n, _, _)| n == name) {
                    found.push((name.to_string(), *i, header[*i].clone()));
                }
            }
        }
        Some(Columns { found })
    }

    /// Looked up for every cell read: names are told apart by length and first byte before their
    /// bytes are compared.
    fn entry(&self, name: &str) -> Option<&(String, usize, String)> {
        let (len, first) = (name.len(), name.as_bytes().first());
        self.found
            .iter()
            .find(|(n, _, _)| n.len() == len && n.as_bytes().first() == first && n == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.entry(name).is_some()
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.entry(name).map(|(_, i, _)| *i)
    }
}

/// Reads the cells of one row by column name, reporting bad values.
pub struct Fields<'a> {
    pub table: &'a Table,
    pub row: &'a Row,
    pub columns: &'a Columns,
    pub diags: &'a mut Diagnostics,
}

/// A number parsed from text, or the reason it is not one, where a comma can only be a
/// thousands separator (a comma-separated file, a workbook's text cell).
pub fn parse_number(text: &str) -> Result<f64, &'static str> {
    parse_number_in(text, false)
}

/// Why a cell is not a number: the message, and its hint.
pub fn number_hint(why: &str) -> &'static str {
    match why {
        DECIMAL_COMMA => "a decimal comma is read only in a ;-separated file; write 12.5, or save the file with ; between columns",
        MISPLACED_SEPARATOR => "thousands separators group three digits, as in 1,234,567.5",
        _ => "expected a number like 1234.5, £1,234.50 or 12.5%",
    }
}

const DECIMAL_COMMA: &str = "decimal comma in a file that is not ;-separated";
const MISPLACED_SEPARATOR: &str = "thousands separator out of place";

/// [`parse_number`], reading a comma as the decimal point when `decimal_comma` (a `;`-separated
/// file, where `12,5` is unambiguous; there `.` groups thousands, as in `1.234,5`). A number is
/// read exactly or refused: a separator is accepted only between groups of three digits.
pub fn parse_number_in(text: &str, decimal_comma: bool) -> Result<f64, &'static str> {
    match plain_decimal(crate::bytes::trim(text)) {
        Some(n) => Ok(n),
        None => parse_number_by_rules(text, decimal_comma),
    }
}

/// [`parse_number_in`] by its general rules, for any shape.
fn parse_number_by_rules(text: &str, decimal_comma: bool) -> Result<f64, &'static str> {
    const NOT: &str = "not a number";
    let mut t = crate::bytes::trim(text);
    let parens = t.len() >= 2 && t.starts_with('(') && t.ends_with(')');
    if parens {
        t = t[1..t.len() - 1].trim();
    }
    t = t.strip_suffix('%').unwrap_or(t).trim_end();
    let (mut negative, mut rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    rest = rest.strip_prefix('£').unwrap_or(rest).trim_start();
    if !negative && !parens {
        if let Some(r) = rest.strip_prefix('-') {
            // `£-40`
            negative = true;
            rest = r;
        }
    }
    if parens && negative {
        return Err(NOT);
    }
    negative |= parens;
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if let Some(e) = exponent {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NOT);
        }
    }
    let spaces = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{202f}');
    if !mantissa
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.') || spaces(c))
    {
        return Err(NOT);
    }
    let commas = mantissa.matches(',').count();
    let comma_point = match (mantissa.rfind(','), mantissa.rfind('.')) {
        // `1.234,5`
        (Some(c), Some(d)) => c > d,
        // `12,5` (but `1,234` groups thousands outside a `;`-separated file)
        (Some(_), None) => commas == 1 && (decimal_comma || !grouped_by_three(mantissa, ',')),
        _ => false,
    };
    if comma_point && !decimal_comma {
        return Err(DECIMAL_COMMA);
    }
    let (point, group) = if comma_point { (',', '.') } else { ('.', ',') };
    let (whole, fraction) = match mantissa.split_once(point) {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let fraction = fraction.unwrap_or("");
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(if fraction.contains(point) {
            NOT
        } else {
            MISPLACED_SEPARATOR
        });
    }
    let separator = whole.chars().find(|c| *c == group || spaces(*c));
    let digits: String = match separator {
        None => whole.to_string(),
        Some(sep) => {
            if whole.chars().any(|c| (c == group || spaces(c)) && c != sep) {
                return Err(MISPLACED_SEPARATOR);
            }
            if !grouped_by_three(whole, sep) {
                return Err(MISPLACED_SEPARATOR);
            }
            whole.chars().filter(|c| *c != sep).collect()
        }
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() && fraction.is_empty() {
        return Err(NOT);
    }
    let mut plain = String::with_capacity(rest.len() + 2);
    if negative {
        plain.push('-');
    }
    plain.push_str(if digits.is_empty() { "0" } else { &digits });
    if !fraction.is_empty() {
        plain.push('.');
        plain.push_str(fraction);
    }
    if let Some(e) = exponent {
        plain.push('e');
        plain.push_str(e);
    }
    let n: f64 = plain.parse().map_err(|_| NOT)?;
    if !n.is_finite() {
        return Err("number is too large");
    }
    Ok(if n == 0.0 { 0.0 } else { n })
}

/// The common shape read without the general rules' copies: `-`, digits, then `.` and digits
/// (`1150`, `-12.5`), which every rule of [`parse_number_in`] reads as written. `None` for any
/// other shape, or a value too large to be finite (the general rules say why).
fn plain_decimal(t: &str) -> Option<f64> {
    let bytes = t.as_bytes();
    let unsigned = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let whole = unsigned.iter().take_while(|b| b.is_ascii_digit()).count();
    let ok = whole > 0
        && match &unsigned[whole..] {
            [] => true,
            [b'.', fraction @ ..] => {
                !fraction.is_empty() && fraction.iter().all(u8::is_ascii_digit)
            }
            _ => false,
        };
    if !ok {
        return None;
    }
    let n: f64 = t.parse().ok()?;
    n.is_finite().then_some(if n == 0.0 { 0.0 } else { n })
}

/// Cells that statistical publishers write for "no value": R's `NA`, `N/A`, SQL's `NULL`, and the
/// suppression marks of ONS and Eurostat tables (`-`, `..`, `x`, `:`). Compared after trimming,
/// case-insensitively. In a Fingertips export (in any of its forms) every such cell is missing,
/// never an error or zero.
pub const MISSING_MARKERS: [&str; 7] = ["NA", "N/A", "NULL", "-", "..", "x", ":"];

/// True when `text` is one of [`MISSING_MARKERS`].
pub fn is_missing_marker(text: &str) -> bool {
    let t = crate::bytes::trim(text);
    MISSING_MARKERS.iter().any(|m| m.eq_ignore_ascii_case(t))
}

/// True when `whole` is digit groups split by `sep`: one to three digits, then groups of three.
fn grouped_by_three(whole: &str, sep: char) -> bool {
    let mut groups = whole.split(sep);
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The years a date or period may fall in: a wider range is a typing or conversion error (a
/// two-digit year read as year 25, a spreadsheet serial of 0).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Why text is not a date.
pub fn date_problem(text: &str) -> Result<NaiveDate, &'static str> {
    use chrono::Datelike;
    let t = crate::bytes::trim(text);
    // A date with a time of day (spreadsheet exports): the time must be a time, not other text.
    let (day, time) = match t.char_indices().find(|(_, c)| *c == 'T' || *c == ' ') {
        Some((i, _)) if i == 10 && t.as_bytes()[4] == b'-' => (&t[..10], Some(&t[11..])),
        _ => (t, None),
    };
    if let Some(time) = time {
        let time = time.strip_suffix('Z').unwrap_or(time);
        let ok = ["%H:%M:%S%.f", "%H:%M"]
            .iter()
            .any(|f| chrono::NaiveTime::parse_from_str(time, f).is_ok());
        if !ok {
            return Err("text after the date");
        }
    }
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    // The shape first: chrono alone reads `01/04/25` as year 25 and `+99999-01-01` as a year.
    let parts: Vec<&str> = day.split(['-', '/', ' ']).collect();
    let year = match parts.as_slice() {
        [y, m, d]
            if day.contains('-') && digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2) =>
        {
            y
        }
        [d, m, y]
            if digits(d, 1..=2) && (digits(m, 1..=2) || m.chars().all(char::is_alphabetic)) =>
        {
            if digits(y, 2..=2) {
                return Err("two-digit year");
            }
            if !digits(y, 4..=4) {
                return Err("not a date");
            }
            y
        }
        _ => return Err("not a date"),
    };
    let _ = year;
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(day, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(day, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(day, "%d %B %Y"))
        .or_else(|_| NaiveDate::parse_from_str(day, "%d %b %Y"))
        .map_err(|_| "not a date")?;
    if !YEARS.contains(&date.year()) {
        return Err("year outside 1900 to 2100");
    }
    Ok(date)
}

/// A date in ISO (`2025-04-01`) or UK (`01/04/2025`, day first) form, with a four-digit year
/// from 1900 to 2100 ([`date_problem`] says why not).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    date_problem(text).ok()
}

/// The hint for a date refused for `why`.
pub fn date_hint(why: &str) -> &'static str {
    match why {
        "two-digit year" => {
            "write the year in full, e.g. 01/04/2025: a two-digit year could be in either century"
        }
        "year outside 1900 to 2100" => "check the year; dates are read from 1900 to 2100",
        "text after the date" => "remove the text after the date, or put it in another column",
        _ => "expected a date like 2025-04-01 or 01/04/2025 (day first)",
    }
}

/// yes/no, y/n, true/false, 1/0, case-insensitive.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = crate::bytes::trim(text);
    let is = |words: [&str; 4]| words.iter().any(|w| w.eq_ignore_ascii_case(t));
    if is(["yes", "y", "true", "1"]) {
        Some(true)
    } else if is(["no", "n", "false", "0"]) {
        Some(false)
    } else {
        None
    }
}

/// True when `text` (trimmed) is an Excel error value typed or exported as text, such as `#N/A`.
fn is_excel_error(text: &str) -> bool {
    const ERRORS: [&str; 7] = [
        "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NUM!", "#NAME?", "#NULL!",
    ];
    text.starts_with('#') && ERRORS.iter().any(|e| e.eq_ignore_ascii_case(text))
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

    /// The row's cell in column `name` (borrowed from the row, not from `self`, so reading it
    /// needs no copy while a diagnostic is pushed).
    fn cell(&self, name: &str) -> (&'a Cell, Option<usize>) {
        static EMPTY: Cell = Cell::Empty;
        let row: &'a Row = self.row;
        match self.columns.get(name) {
            Some(i) => (row.cells.get(i).unwrap_or(&EMPTY), Some(i)),
            None => (&EMPTY, None),
        }
    }

    fn column_name(&self, name: &str) -> String {
        self.columns
            .entry(name)
            .map(|(_, _, spelled)| spelled.clone())
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
        self.text_cow(name).map(Cow::into_owned)
    }

    /// [`Fields::text`], borrowed from the cell when it is text already.
    pub fn text_cow(&mut self, name: &str) -> Option<Cow<'a, str>> {
        let (cell, _) = self.cell(name);
        match cell {
            Cell::Empty => None,
            Cell::Error(code) => {
                self.error_cell(name, code);
                None
            }
            Cell::Text(s) => {
                let t = crate::bytes::trim(s);
                (!t.is_empty()).then_some(Cow::Borrowed(t))
            }
            other => {
                let s = other.display().trim().to_string();
                (!s.is_empty()).then_some(Cow::Owned(s))
            }
        }
    }

    /// Text that must be present. A column missing from the header was reported there once.
    pub fn required_text(&mut self, name: &str) -> Option<String> {
        self.required_text_cow(name).map(Cow::into_owned)
    }

    /// [`Fields::required_text`], borrowed from the cell when it is text already.
    pub fn required_text_cow(&mut self, name: &str) -> Option<Cow<'a, str>> {
        let t = self.text_cow(name);
        if t.is_none() && self.columns.has(name) {
            let d = self.missing(name, format!("every row needs a value in {name}"));
            self.diags.push(d);
        }
        t
    }

    /// An identifier: present, and safe to use in a page path.
    pub fn id(&mut self, name: &str) -> Option<String> {
        self.id_cow(name).map(Cow::into_owned)
    }

    /// [`Fields::id`], borrowed from the cell when it is text already.
    pub fn id_cow(&mut self, name: &str) -> Option<Cow<'a, str>> {
        let t = self.required_text_cow(name)?;
        if let Err(why) = check_id(&t) {
            let d = self
                .error(name, why)
                .value(t.into_owned())
                .hint("ids may use letters, digits, '-', '_' and '.' only");
            self.diags.push(d);
            return None;
        }
        Some(t)
    }

    pub fn number(&mut self, name: &str) -> Option<f64> {
        let (cell, _) = self.cell(name);
        match *cell {
            Cell::Empty => None,
            Cell::Number(n) if n.is_finite() => Some(if n == 0.0 { 0.0 } else { n }),
            Cell::Number(n) => {
                let d = self
                    .error(name, "number is not finite")
                    .value(n.to_string());
                self.diags.push(d);
                None
            }
            Cell::Error(ref code) => {
                self.error_cell(name, code);
                None
            }
            Cell::Text(ref s) => {
                let t = crate::bytes::trim(s);
                if is_excel_error(t) {
                    self.error_cell(name, t);
                    return None;
                }
                match parse_number_in(t, self.table.decimal_comma) {
                    Ok(n) => Some(n),
                    Err(why) => {
                        let d = self
                            .error(name, why)
                            .value(s.to_string())
                            .hint(number_hint(why));
                        self.diags.push(d);
                        None
                    }
                }
            }
            ref other => {
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
        match *cell {
            Cell::Empty => None,
            Cell::Date(d) if YEARS.contains(&chrono::Datelike::year(&d)) => Some(d),
            Cell::Date(d) => {
                let why = "year outside 1900 to 2100";
                let d = self
                    .error(name, why)
                    .value(d.to_string())
                    .hint(date_hint(why));
                self.diags.push(d);
                None
            }
            Cell::Error(ref code) => {
                self.error_cell(name, code);
                None
            }
            ref other => {
                let text = other.display_cow();
                match date_problem(&text) {
                    Ok(d) => Some(d),
                    Err(why) => {
                        let d = self
                            .error(name, why)
                            .value(text.into_owned())
                            .hint(date_hint(why));
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
        match *cell {
            Cell::Empty => None,
            Cell::Bool(b) => Some(b),
            Cell::Number(n) if n == 0.0 || n == 1.0 => Some(n == 1.0),
            ref other => {
                let text = other.display_cow();
                let parsed = parse_bool(&text);
                if parsed.is_none() {
                    let d = self
                        .error(name, "not yes or no")
                        .value(text.into_owned())
                        .hint("expected yes/no, y/n, true/false or 1/0");
                    self.diags.push(d);
                }
                parsed
            }
        }
    }

    pub fn period(&mut self, name: &str) -> Option<Period> {
        let (cell, _) = self.cell(name);
        match *cell {
            Cell::Empty if !self.columns.has(name) => None,
            Cell::Empty => {
                let d = self.missing(
                    name,
                    "expected a period like 2024, 2024/25, 2024-Q1 or 2024-04".into(),
                );
                self.diags.push(d);
                None
            }
            Cell::Date(d) => self.period_in_range(name, Period::day(d)),
            // A year typed as a number; anything else falls through to "not a period".
            Cell::Number(n) if n.fract() == 0.0 && (1000.0..=9999.0).contains(&n) => {
                Period::year(n as i32).and_then(|p| self.period_in_range(name, p))
            }
            ref other => {
                let text = other.display_cow();
                match Period::parse(&text) {
                    Ok(p) => self.period_in_range(name, p),
                    Err(_) => {
                        let d = self
                            .error(name, "not a period")
                            .value(text.into_owned())
                            .hint(
                            "expected a period like 2024, 2024/25, 2024-Q1, 2024-04 or 2016 - 18",
                        );
                        self.diags.push(d);
                        None
                    }
                }
            }
        }
    }

    /// `period`, unless it starts or ends outside 1900 to 2100 (reported).
    fn period_in_range(&mut self, name: &str, period: Period) -> Option<Period> {
        use chrono::Datelike;
        if YEARS.contains(&period.start.year()) && YEARS.contains(&period.end.year()) {
            return Some(period);
        }
        let why = "year outside 1900 to 2100";
        let d = self
            .error(name, why)
            .value(period.label.to_string())
            .hint("check the year; periods are read from 1900 to 2100");
        self.diags.push(d);
        None
    }

    /// Parses an enumerated value with `parse`, naming the allowed values in the hint.
    pub fn choice<T>(
        &mut self,
        name: &str,
        allowed: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.text_cow(name)?;
        let parsed = parse(&text);
        if parsed.is_none() {
            let d = self
                .error(name, "unknown value")
                .value(text.into_owned())
                .hint(format!("expected one of: {}", allowed.join(", ")));
            self.diags.push(d);
        }
        parsed
    }
}

/// The rows a chunk holds when a table's rows are read in parallel.
const ROWS_PER_CHUNK: usize = 4096;

/// Chunks read in parallel before their results join: enough to keep every core busy, few
/// enough that a national table's records are never all held twice, once as read and once
/// joined (at scale 1.0, 604,000 observations of 400 bytes).
const CHUNKS_AT_ONCE: usize = 16;

/// Reads a table's rows with `read`, a chunk of rows at a time on rayon's threads (one chunk, on
/// this thread, for a table of up to `ROWS_PER_CHUNK` rows), and hands each chunk's result to
/// `join` as soon as the chunks before it have joined. Each chunk reports into its own
/// diagnostics; the chunks' results and diagnostics come in row order, so what is reported (and
/// which problems are kept within a file's limit) is what one pass over the rows reports.
/// [`CHUNKS_AT_ONCE`] chunks are read at once, and joined while the next are read: joining moves
/// rows into memory the kernel zeroes as it is first touched, which left a core idle when the
/// reading waited for it.
pub fn read_rows_in_parallel<T: Send>(
    table: &Table,
    diags: &mut Diagnostics,
    read: impl Fn(&[Row], &mut Diagnostics) -> T + Sync,
    mut join: impl FnMut(T) + Send,
) {
    use rayon::prelude::*;
    if table.rows.len() <= ROWS_PER_CHUNK {
        join(read(&table.rows, diags));
        return;
    }
    let mut join_all = |parts: Vec<(T, Diagnostics)>| {
        for (t, chunk_diags) in parts {
            diags.extend(chunk_diags);
            join(t);
        }
    };
    let mut wave = Vec::new();
    for rows in table.rows.chunks(ROWS_PER_CHUNK * CHUNKS_AT_ONCE) {
        let done = std::mem::take(&mut wave);
        (wave, ()) = rayon::join(
            || {
                rows.par_chunks(ROWS_PER_CHUNK)
                    .map(|rows| {
                        let mut chunk_diags = Diagnostics::new();
                        let t = read(rows, &mut chunk_diags);
                        (t, chunk_diags)
                    })
                    .collect()
            },
            || join_all(done),
        );
    }
    join_all(wave);
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
    // An ASCII id (almost every id) is read once, a byte at a time: searching it for `/`, `\`
    // and `..` in turn, then for control characters, was most of the cost of reading an id.
    if id.is_ascii() {
        let bytes = id.as_bytes();
        let escapes = bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'/' || b == b'\\' || b == b'.' && bytes.get(i + 1) == Some(&b'.'));
        if escapes {
            return Err("id would escape its folder");
        }
        // ASCII whitespace other than the space is control characters too.
        if bytes.iter().any(|&b| b < 0x20 || b == 0x7f) {
            return Err("id contains control characters");
        }
        return Ok(());
    }
    id_by_characters(id)
}

/// [`check_id`]'s escapes and control characters, read by characters (any id).
fn id_by_characters(id: &str) -> Result<(), &'static str> {
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
    fn rows_read_in_waves_join_and_report_in_row_order() {
        use crate::diagnostics::Location;
        // Two whole waves and part of a third: each wave joins while the next is read.
        let wave = ROWS_PER_CHUNK * CHUNKS_AT_ONCE;
        let rows: Vec<Row> = (0..2 * wave + 5)
            .map(|number| Row {
                number: number + 2,
                cells: Vec::new(),
            })
            .collect();
        let table = Table {
            file: "needs/values.csv".into(),
            sheet: None,
            header: Vec::new(),
            header_row: 1,
            first_column: 0,
            rows,
            merged: Vec::new(),
            decimal_comma: false,
        };
        let mut diags = Diagnostics::new();
        let mut joined = Vec::new();
        read_rows_in_parallel(
            &table,
            &mut diags,
            |rows, d| {
                for row in rows.iter().filter(|r| r.number % 10_000 == 0) {
                    d.push(Diagnostic::warning(
                        "needs/values.csv",
                        Location::Line(row.number),
                        "row",
                    ));
                }
                rows.iter().map(|r| r.number).collect::<Vec<usize>>()
            },
            |numbers| joined.extend(numbers),
        );
        assert!(
            joined.iter().copied().eq(2..2 * wave + 7),
            "every row once, in order"
        );
        let reported: Vec<&Location> = diags.iter().map(|d| &d.location).collect();
        let expected: Vec<Location> = (1..=(2 * wave + 6) / 10_000)
            .map(|k| Location::Line(k * 10_000))
            .collect();
        let expected: Vec<&Location> = expected.iter().collect();
        assert_eq!(reported, expected);
    }

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
        assert_eq!(parse_number("1 234"), Ok(1234.0));
        assert_eq!(parse_number("£-40"), Ok(-40.0));
        assert_eq!(parse_number("(1,250.5)"), Ok(-1250.5));
        assert_eq!(parse_number("1.5e3"), Ok(1500.0));
    }

    #[test]
    fn the_plain_shape_reads_as_the_general_rules_read_it() {
        let plain = [
            "0",
            "-0",
            "007",
            "1150",
            "-12.5",
            "0.000",
            "12345678901234567890",
            "3.14159265358979",
            "-0.0",
            "9007199254740993",
            "1.7976931348623157",
        ];
        for t in plain {
            assert_eq!(
                plain_decimal(t),
                Some(parse_number_by_rules(t, false).unwrap()),
                "{t}"
            );
            assert_eq!(
                plain_decimal(t),
                Some(parse_number_by_rules(t, true).unwrap()),
                "{t}"
            );
        }
        assert!(plain_decimal("-0").unwrap().is_sign_positive());
        // Other shapes go to the general rules.
        for t in [
            "", "-", ".5", "5.", "+5", "1,234", "1e3", "1.2.3", "--1", "£5", "1 234", "12%",
        ] {
            assert_eq!(plain_decimal(t), None, "{t}");
        }
        // A value too large to be finite is left to the rules, which say so.
        let huge = "9".repeat(400);
        assert_eq!(plain_decimal(&huge), None);
        assert_eq!(parse_number_in(&huge, false), Err("number is too large"));
    }

    #[test]
    fn separators_only_where_they_are_unambiguous() {
        // A comma-separated file: a comma groups thousands, in threes, and is never a point.
        assert_eq!(parse_number("1,234,567.5"), Ok(1234567.5));
        assert_eq!(parse_number("1,2,3"), Err(MISPLACED_SEPARATOR));
        assert_eq!(parse_number("12,34"), Err(DECIMAL_COMMA));
        assert_eq!(parse_number("12,5"), Err(DECIMAL_COMMA));
        assert_eq!(parse_number("1.234,5"), Err(DECIMAL_COMMA));
        assert_eq!(parse_number("1,2345"), Err(DECIMAL_COMMA));
        assert_eq!(parse_number("12,3456,789"), Err(MISPLACED_SEPARATOR));
        assert_eq!(parse_number("1,234.5.6"), Err("not a number"));
        assert_eq!(parse_number("1 2 3"), Err(MISPLACED_SEPARATOR));
        // A ;-separated file: a lone comma is the decimal point, a dot then groups thousands.
        assert_eq!(parse_number_in("12,5", true), Ok(12.5));
        assert_eq!(parse_number_in("1.234,5", true), Ok(1234.5));
        assert_eq!(parse_number_in("1,234.5", true), Ok(1234.5));
        assert_eq!(parse_number_in("1.2.3,4", true), Err(MISPLACED_SEPARATOR));
        assert_eq!(parse_number_in("12,5%", true), Ok(12.5));
        assert_eq!(parse_number_in("1,2,3", true), Err(MISPLACED_SEPARATOR));
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
        assert_eq!(
            parse_date("2025-04-01 13:45"),
            NaiveDate::from_ymd_opt(2025, 4, 1)
        );
        assert_eq!(
            parse_date("1 April 2025"),
            NaiveDate::from_ymd_opt(2025, 4, 1)
        );
    }

    #[test]
    fn dates_are_read_whole_with_a_full_year_in_range() {
        assert_eq!(date_problem("01/04/25"), Err("two-digit year"));
        assert_eq!(date_problem("+99999-01-01"), Err("not a date"));
        assert_eq!(date_problem("99999-01-01"), Err("not a date"));
        assert_eq!(date_problem("1899-12-31"), Err("year outside 1900 to 2100"));
        assert_eq!(date_problem("01/01/2101"), Err("year outside 1900 to 2100"));
        assert_eq!(date_problem("2025-04-01 junk"), Err("text after the date"));
        assert_eq!(date_problem("2025-04-01T"), Err("text after the date"));
        assert_eq!(date_problem("2025-04-01x"), Err("not a date"));
        assert_eq!(date_problem("01/04/2025 and more"), Err("not a date"));
        assert_eq!(date_problem("0025-04-01"), Err("year outside 1900 to 2100"));
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
        assert_eq!(check_id("a\\b"), Err("id would escape its folder"));
        assert_eq!(check_id("a..b"), Err("id would escape its folder"));
        assert!(check_id("a.b.c").is_ok());
        assert_eq!(check_id("a\tb"), Err("id contains control characters"));
        assert_eq!(check_id("a\u{7f}"), Err("id contains control characters"));
        assert_eq!(check_id("a\u{85}"), Err("id contains control characters"));
        assert!(check_id("a b").is_ok());
    }

    /// The byte-at-a-time reading of an ASCII id answers as the reading of any id by its
    /// characters does, for every pair of ASCII bytes around a letter.
    #[test]
    fn an_ascii_id_is_judged_as_any_id_is() {
        for a in 0u8..128 {
            for b in 0u8..128 {
                let id: String = [a, b'x', b, b'.'].iter().map(|&c| char::from(c)).collect();
                assert_eq!(check_id(&id), id_by_characters(&id), "{id:?}");
            }
        }
    }
}
