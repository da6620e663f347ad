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
    pub fn error(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            location,
            column: None,
            value: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        file: impl Into<String>,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
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

/// The problems collected over a whole load and validation.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Diagnostics in a stable order: by file, then position, then message.
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
        items
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
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
}
