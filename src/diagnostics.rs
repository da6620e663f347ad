//! Problems found in a project, as data: every loader and validator appends to one list so a user
//! sees all of them in one run. Owns the exact wording of a diagnostic's location.

use std::fmt;

/// How serious a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// The file as a whole.
    File,
    /// A 1-based line of a text file.
    Line(usize),
    /// A spreadsheet cell, e.g. sheet `Register`, cell `C5`.
    Cell { sheet: String, cell: String },
    /// A spreadsheet sheet as a whole (for example its header row is missing).
    Sheet(String),
    /// A key in a TOML document (config or front matter).
    Key(String),
}

/// One problem, with everything a user needs to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the project folder, with `/` separators.
    pub file: String,
    pub location: Location,
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl AsRef<str>, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.as_ref().to_string(),
            location,
            column: None,
            value: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(file: impl AsRef<str>, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, location, message)
        }
    }

    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `needs/values.csv:12` or `contracts/register.xlsx:Register!C5`.
    pub fn place(&self) -> String {
        match &self.location {
            Location::File => self.file.clone(),
            Location::Line(line) => format!("{}:{}", self.file, line),
            Location::Cell { sheet, cell } => format!("{}:{}!{}", self.file, sheet, cell),
            Location::Sheet(sheet) => format!("{}:{}", self.file, sheet),
            Location::Key(key) => format!("{}: key `{}`", self.file, key),
        }
    }
}

/// Shortens a value for display so a 100,000-character cell does not flood the terminal.
fn shown_value(value: &str) -> String {
    const MAX: usize = 60;
    let clean: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() > MAX {
        let cut: String = clean.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        clean
    }
}

impl fmt::Display for Diagnostic {
    /// One line, then an optional hint line:
    /// `error: needs/values.csv:12: column "value": not a number: "abc"`
    /// `  = hint: expected a number like 1234.5`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}: ", self.place())?;
        if let Some(column) = &self.column {
            write!(f, "column \"{column}\": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(value) = &self.value {
            write!(f, ": \"{}\"", shown_value(value))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// At most this many problems are kept per file; the rest are counted and summarised, so a file
/// with a million bad rows costs a line, not a million.
pub const MAX_PER_FILE: usize = 100;

/// Problems of one file beyond `MAX_PER_FILE`, counted but not kept.
#[derive(Debug, Default, Clone, Copy)]
struct Hidden {
    errors: usize,
    warnings: usize,
}

/// The problems collected over a whole load and validation.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    kept: std::collections::BTreeMap<String, usize>,
    hidden: std::collections::BTreeMap<String, Hidden>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, diagnostic: Diagnostic) {
        let kept = self.kept.entry(diagnostic.file.clone()).or_default();
        if *kept < MAX_PER_FILE {
            *kept += 1;
            self.items.push(diagnostic);
            return;
        }
        let hidden = self.hidden.entry(diagnostic.file).or_default();
        if diagnostic.severity == Severity::Error {
            hidden.errors += 1;
        } else {
            hidden.warnings += 1;
        }
    }
    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
        for (file, h) in other.hidden {
            let mine = self.hidden.entry(file).or_default();
            mine.errors += h.errors;
            mine.warnings += h.warnings;
        }
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error) || self.hidden.values().any(|h| h.errors > 0)
    }
    /// Every error found, shown or not.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
            + self.hidden.values().map(|h| h.errors).sum::<usize>()
    }
    /// Every warning found, shown or not.
    pub fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| !d.is_error()).count()
            + self.hidden.values().map(|h| h.warnings).sum::<usize>()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Diagnostics in a stable order: by file, then position, then message; a file with more
    /// than `MAX_PER_FILE` problems ends with one that says how many more were found.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by(|a, b| {
            (a.file.as_str(), position_key(&a.location), &a.message).cmp(&(
                b.file.as_str(),
                position_key(&b.location),
                &b.message,
            ))
        });
        items.dedup();
        if self.hidden.is_empty() {
            return items;
        }
        let mut out = Vec::with_capacity(items.len() + self.hidden.len());
        let mut items = items.into_iter().peekable();
        while let Some(d) = items.next() {
            let last_of_file = items.peek().is_none_or(|n| n.file != d.file);
            let file = d.file.clone();
            out.push(d);
            if let (true, Some(h)) = (last_of_file, self.hidden.get(&file)) {
                out.push(hidden_summary(&file, *h));
            }
        }
        out
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

fn hidden_summary(file: &str, h: Hidden) -> Diagnostic {
    let message = format!(
        "{} more error(s) and {} more warning(s) in this file not shown",
        h.errors, h.warnings
    );
    let d = if h.errors > 0 {
        Diagnostic::error(file, Location::File, message)
    } else {
        Diagnostic::warning(file, Location::File, message)
    };
    d.hint(format!(
        "only the first {MAX_PER_FILE} problems of a file are listed; they are often one mistake repeated, so fix those and run again"
    ))
}

/// Orders lines numerically and cells by sheet, row, then column.
fn position_key(location: &Location) -> (u8, String, usize, usize) {
    match location {
        Location::File => (0, String::new(), 0, 0),
        Location::Key(key) => (1, key.clone(), 0, 0),
        Location::Line(line) => (2, String::new(), *line, 0),
        Location::Sheet(sheet) => (3, sheet.clone(), 0, 0),
        Location::Cell { sheet, cell } => {
            let letters: String = cell
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            let row: usize = cell[letters.len()..].parse().unwrap_or(0);
            let col = letters.bytes().fold(0usize, |acc, b| {
                acc * 26 + (b.to_ascii_uppercase() - b'A' + 1) as usize
            });
            (3, sheet.clone(), row, col)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Problems gathered apart (as checks run side by side are) and added in order keep and hide
    /// the very problems that pushing them one by one would, past a file's limit too.
    #[test]
    fn problems_added_from_apart_are_kept_as_if_pushed_one_by_one() {
        let problem = |n: usize, error: bool| {
            let message = format!("problem {n}");
            if error {
                Diagnostic::error("needs/values.csv", Location::Line(n), message)
            } else {
                Diagnostic::warning("needs/values.csv", Location::Line(n), message)
            }
        };
        let (first, apart): (Vec<_>, Vec<_>) = (0..250).partition(|n| *n < 60);
        let mut one_by_one = Diagnostics::new();
        let mut added = Diagnostics::new();
        for &n in &first {
            one_by_one.push(problem(n, false));
            added.push(problem(n, false));
        }
        let (mut settled, mut duplicates) = (Diagnostics::new(), Diagnostics::new());
        for &n in &apart {
            one_by_one.push(problem(n, n % 3 == 0));
            let list = if n < 130 {
                &mut settled
            } else {
                &mut duplicates
            };
            list.push(problem(n, n % 3 == 0));
        }
        added.extend(settled);
        added.extend(duplicates);
        assert_eq!(added.sorted(), one_by_one.sorted());
        assert_eq!(added.error_count(), one_by_one.error_count());
        assert_eq!(added.warning_count(), one_by_one.warning_count());
        assert_eq!(added.len(), MAX_PER_FILE);
    }

    #[test]
    fn displays_line_column_value_and_hint() {
        let d = Diagnostic::error("needs/values.csv", Location::Line(12), "not a number")
            .column("value")
            .value("abc")
            .hint("expected a number like 1234.5");
        assert_eq!(
            d.to_string(),
            "error: needs/values.csv:12: column \"value\": not a number: \"abc\"\n  = hint: expected a number like 1234.5"
        );
    }

    #[test]
    fn displays_spreadsheet_cell() {
        let d = Diagnostic::warning(
            "contracts/register.xlsx",
            Location::Cell {
                sheet: "Register".into(),
                cell: "C5".into(),
            },
            "Excel error cell read as missing",
        );
        assert_eq!(
            d.to_string(),
            "warning: contracts/register.xlsx:Register!C5: Excel error cell read as missing"
        );
    }

    #[test]
    fn sorts_cells_by_row_then_column() {
        let mut ds = Diagnostics::new();
        let cell = |c: &str| Location::Cell {
            sheet: "S".into(),
            cell: c.into(),
        };
        ds.push(Diagnostic::error("a.xlsx", cell("B10"), "x"));
        ds.push(Diagnostic::error("a.xlsx", cell("AA2"), "x"));
        ds.push(Diagnostic::error("a.xlsx", cell("C2"), "x"));
        let order: Vec<String> = ds.sorted().iter().map(|d| d.place()).collect();
        assert_eq!(order, vec!["a.xlsx:S!C2", "a.xlsx:S!AA2", "a.xlsx:S!B10"]);
    }

    #[test]
    fn a_file_with_many_problems_is_summarised_after_the_first_hundred() {
        let mut ds = Diagnostics::new();
        for line in 1..=250 {
            ds.push(Diagnostic::error("a.csv", Location::Line(line), "bad"));
        }
        ds.push(Diagnostic::warning("a.csv", Location::Line(251), "odd"));
        ds.push(Diagnostic::error("b.csv", Location::Line(1), "bad"));
        let sorted = ds.sorted();
        assert_eq!(sorted.len(), MAX_PER_FILE + 2);
        assert_eq!(sorted[MAX_PER_FILE - 1].place(), "a.csv:100");
        assert_eq!(
            sorted[MAX_PER_FILE].to_string(),
            "error: a.csv: 150 more error(s) and 1 more warning(s) in this file not shown\n  = hint: only the first 100 problems of a file are listed; they are often one mistake repeated, so fix those and run again"
        );
        assert_eq!(sorted[MAX_PER_FILE + 1].place(), "b.csv:1");
        assert_eq!((ds.error_count(), ds.warning_count()), (251, 1));
        assert!(ds.has_errors());
    }
}
