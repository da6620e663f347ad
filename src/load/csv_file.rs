//! Reading a CSV file into a [`Table`]: UTF-8 (with or without BOM) or Windows-1252, the delimiter
//! sniffed from the header line, blank rows skipped and ragged ones reported with their line, and
//! a large file read in parts on every core, each part a run of whole records.

use super::table::{Cell, Row, Table, Text};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

/// Decodes CSV bytes: UTF-8 (with or without BOM), else Windows-1252 with a warning.
pub fn decode_text(bytes: &[u8], rel: &str, diags: &mut Diagnostics) -> String {
    decode(bytes, rel, diags).into_owned()
}

/// [`decode_text`], borrowing the bytes when they are UTF-8 already (the usual case: no copy).
fn decode<'a>(bytes: &'a [u8], rel: &str, diags: &mut Diagnostics) -> Cow<'a, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            diags.push(
                Diagnostic::warning(
                    rel,
                    Location::File,
                    "file is not UTF-8; read as Windows-1252",
                )
                .hint("save as \"CSV UTF-8\" in Excel to avoid this warning"),
            );
            text
        }
    }
}

/// Picks `;` when the header line has more semicolons than commas (outside quotes).
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (mut commas, mut semis, mut tabs, mut quoted) = (0, 0, 0, false);
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semis += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if tabs > commas && tabs > semis {
        b'\t'
    } else if semis > commas {
        b';'
    } else {
        b','
    }
}

/// 1-based line of the first non-blank character at or after `byte` (the csv crate's own line
/// counter is off by one with CRLF endings and counts skipped blank lines into the next record).
fn line_at(text: &str, byte: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = byte.min(bytes.len());
    while at < bytes.len() && (bytes[at] == b'\r' || bytes[at] == b'\n') {
        at += 1;
    }
    bytes[..at].iter().filter(|b| **b == b'\n').count() + 1
}

/// [`line_at`] for a run of increasing offsets: counts each newline once, so numbering every row
/// of a file is linear rather than quadratic in its size.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    newlines: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            counted_to: 0,
            newlines: 0,
        }
    }

    fn line_at(&mut self, byte: usize) -> usize {
        let bytes = self.bytes;
        let mut at = byte.min(bytes.len());
        while at < bytes.len() && (bytes[at] == b'\r' || bytes[at] == b'\n') {
            at += 1;
        }
        if at < self.counted_to {
            self.counted_to = 0;
            self.newlines = 0;
        }
        self.newlines += bytes[self.counted_to..at]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.counted_to = at;
        self.newlines + 1
    }
}

/// A CSV file's header and rows as read. Each text cell is a span of its part's text, kept in a
/// buffer shared with the cells and filled once the part has been read.
struct Records {
    header: Option<Row>,
    rows: Vec<Row>,
}

/// Files at least this large are read in parts, one per core, each part a run of whole records.
const PART_BYTES: usize = 256 * 1024;

/// Reads the records of `text` into [`Records`], skipping blank rows and reporting ragged ones
/// (more fields than the header, with a value beyond it) and the first unreadable row. A large
/// file is read in parts on every core (`serve` reads a changed return again on its own): the
/// header first, then the rest cut where a record starts ([`record_starts`]); each part's rows,
/// problems and line numbers are those a reading of the whole file gives, and a part after an
/// unreadable row is dropped, as a reading of the whole file stops there.
fn read_records(text: &str, delimiter: u8, rel: &str, diags: &mut Diagnostics) -> Records {
    let parts = (text.len() / PART_BYTES).clamp(1, rayon::current_num_threads().max(1));
    read_records_in(text, delimiter, rel, diags, parts)
}

/// [`read_records`] in at most `parts` parts.
fn read_records_in(
    text: &str,
    delimiter: u8,
    rel: &str,
    diags: &mut Diagnostics,
    parts: usize,
) -> Records {
    let mut header = Part::header(text);
    let header_end = header.read(delimiter, rel, None, true);
    let Some(head) = header.rows.pop() else {
        diags.extend(header.diags);
        return Records {
            header: None,
            rows: Vec::new(),
        };
    };
    let width = Some(head.cells.len());
    let rest = &text[header_end..];
    let starts = record_starts(rest.as_bytes(), delimiter, parts);
    let mut newlines = count_newlines(&text[..header_end]);
    let mut pieces = Vec::with_capacity(starts.len());
    for (i, &at) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(rest.len());
        let part = Part::new(&rest[at..end], newlines, header_end + at);
        newlines += part.newlines;
        pieces.push(part);
    }
    {
        use rayon::prelude::*;
        pieces.par_iter_mut().for_each(|part| {
            part.read(delimiter, rel, width, false);
        });
    }
    diags.extend(header.diags);
    let mut rows = Vec::with_capacity(pieces.iter().map(|p| p.rows.len()).sum());
    for part in pieces {
        diags.extend(part.diags);
        rows.extend(part.rows);
        if part.failed {
            break;
        }
    }
    Records {
        header: Some(head),
        rows,
    }
}

/// `field.trim().is_empty()`, without trimming a field that starts with a character other than
/// white space (almost every one).
fn is_blank(field: &str) -> bool {
    match field.as_bytes().first() {
        None => true,
        Some(&b) if b.is_ascii() => {
            matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') && field.trim().is_empty()
        }
        Some(_) => field.trim().is_empty(),
    }
}

/// How many `\n` bytes `text` holds.
fn count_newlines(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count()
}

/// One run of whole records of a CSV file, read on its own.
struct Part<'t> {
    text: &'t str,
    /// Newlines in the file before this part, and where it starts: its rows' line numbers and
    /// offsets are the file's.
    newlines_before: usize,
    offset: usize,
    /// The line ends in the part itself.
    newlines: usize,
    rows: Vec<Row>,
    diags: Diagnostics,
    /// A row could not be read: the rest of the file is not.
    failed: bool,
}

impl<'t> Part<'t> {
    fn new(text: &'t str, newlines_before: usize, offset: usize) -> Self {
        Part {
            newlines_before,
            offset,
            newlines: count_newlines(text),
            ..Part::header(text)
        }
    }

    /// The part that reads a file's header: the whole text, of which it reads up to the first
    /// row that is not blank. Its line ends are not counted (nothing reserves room by them).
    fn header(text: &'t str) -> Self {
        Part {
            text,
            newlines_before: 0,
            offset: 0,
            newlines: 0,
            rows: Vec::new(),
            diags: Diagnostics::new(),
            failed: false,
        }
    }

    /// Reads the part's rows (the header's width `width` when known; with `header_only`, up to
    /// and including the first row that is not blank). Returns the offset in the file after the
    /// last record read.
    fn read(&mut self, delimiter: u8, rel: &str, width: Option<usize>, header_only: bool) -> usize {
        let text = self.text;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        // Room for every line, as long as lines average 16 bytes or more (a file of blank lines
        // cannot claim a large reservation).
        if !header_only {
            let lines = self.newlines + 1;
            self.rows = Vec::with_capacity(lines.min(text.len() / 16 + 16));
        }
        let mut cells_text = String::with_capacity(if header_only { 0 } else { text.len() });
        let buffer = Arc::new(OnceLock::new());
        let mut header_width = width;
        let mut record = csv::StringRecord::new();
        let mut lines = LineCounter::new(text);
        let line_of = |lines: &mut LineCounter, byte: u64| {
            lines.line_at(byte as usize) + self.newlines_before
        };
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record
                        .position()
                        .map(|p| line_of(&mut lines, p.byte()))
                        .unwrap_or(0);
                    let fields = record.len();
                    let filled = |i: usize| record.get(i).is_some_and(|f| !is_blank(f));
                    if !(0..fields).any(filled) {
                        continue;
                    }
                    match header_width {
                        None => header_width = Some(fields),
                        Some(width) if fields > width && (width..fields).any(filled) => {
                            self.diags.push(
                                Diagnostic::error(
                                    rel,
                                    Location::Line(line),
                                    format!("row has {fields} fields but the header has {width}"),
                                )
                                .hint("check for an unquoted comma or semicolon in a text cell"),
                            );
                            continue;
                        }
                        Some(_) => {}
                    }
                    let cells = record
                        .iter()
                        .map(|field| {
                            if is_blank(field) {
                                return Cell::Empty;
                            }
                            let start = cells_text.len();
                            cells_text.push_str(field);
                            Cell::Text(Text {
                                buffer: Arc::clone(&buffer),
                                start,
                                end: cells_text.len(),
                            })
                        })
                        .collect();
                    self.rows.push(Row {
                        number: line,
                        cells,
                    });
                    if header_only {
                        break;
                    }
                }
                Err(e) => {
                    let line = e
                        .position()
                        .map(|p| line_at(text, p.byte() as usize) + self.newlines_before)
                        .unwrap_or(0);
                    self.diags.push(
                        Diagnostic::error(
                            rel,
                            if line > 0 {
                                Location::Line(line)
                            } else {
                                Location::File
                            },
                            "cannot read this CSV row",
                        )
                        .hint(e.to_string()),
                    );
                    self.failed = true;
                    break;
                }
            }
        }
        // The buffer is new and set only here, so this cannot fail; were it set, the cells would
        // read its text, never out of bounds.
        let _ = buffer.set(cells_text);
        if self.failed {
            return self.offset + text.len();
        }
        self.offset + reader.position().byte() as usize
    }
}

/// Where each of `parts` runs of whole records of `text` starts (the first at 0), each near an
/// equal share of the bytes: a record starts after a line end that is not inside a quoted field.
/// Follows the csv crate's reading (a quote opens a field only at its start, `""` inside one is
/// a quote, and a line ends at `\n` or `\r`). Fewer runs when the text has fewer record starts.
fn record_starts(text: &[u8], delimiter: u8, parts: usize) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut starts = vec![0];
    if parts <= 1 {
        return starts;
    }
    let share = text.len() / parts;
    let mut state = State::FieldStart;
    for (i, &b) in text.iter().enumerate() {
        let line_end = b == b'\n' || b == b'\r';
        state = match state {
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::FieldStart if b == b'"' => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            _ if b == delimiter || line_end => State::FieldStart,
            _ => State::Unquoted,
        };
        if b == b'\n' && state == State::FieldStart && i + 1 >= share * starts.len() {
            if i + 1 < text.len() {
                starts.push(i + 1);
            }
            if starts.len() == parts {
                break;
            }
        }
    }
    starts
}

/// Parses CSV bytes into a table; `None` (with a diagnostic) when the file holds no header.
pub fn read_csv_bytes(bytes: &[u8], rel: &str, diags: &mut Diagnostics) -> Option<Table> {
    let text = decode(bytes, rel, diags);
    let delimiter = sniff_delimiter(&text);
    let Records { header, rows } = read_records(&text, delimiter, rel, diags);
    drop(text);
    let Some(header) = header else {
        diags.push(
            Diagnostic::error(rel, Location::File, "file is empty")
                .hint("a table needs a header row naming its columns"),
        );
        return None;
    };
    Some(Table {
        file: rel.into(),
        sheet: None,
        header: header.cells,
        header_row: header.number,
        first_column: 0,
        rows,
        merged: Vec::new(),
        decimal_comma: delimiter == b';',
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counter_matches_line_at() {
        let text = "a,b\r\n1,2\n\n\n3,\"x\ny\"\r\n4,5\n";
        let mut counter = LineCounter::new(text);
        for byte in 0..=text.len() {
            assert_eq!(counter.line_at(byte), line_at(text, byte), "{byte}");
        }
        assert_eq!(counter.line_at(0), 1);
    }

    /// Each row's line and cells, and the problems, as `read_records_in` gives them.
    fn read_in(text: &str, parts: usize) -> (Vec<(usize, Vec<String>)>, Vec<String>) {
        let mut d = Diagnostics::new();
        let records = read_records_in(text, b',', "x.csv", &mut d, parts);
        let rows = records
            .header
            .into_iter()
            .chain(records.rows)
            .map(|r| (r.number, r.cells.iter().map(Cell::display).collect()))
            .collect();
        (rows, d.sorted().iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn a_file_read_in_parts_reads_as_it_does_whole() {
        // Quoted line ends and delimiters, doubled quotes, a quote inside an unquoted field,
        // CRLF and lone CR line ends, blank lines and a ragged row, repeated so that every cut
        // lands somewhere different.
        let block =
            "1,\"two\nlines\",x\r\n2,\"a,\"\"b\"\"\n\",y\n\n3,5\" screen,z\r4,\"\",w\n5,6,7,8\n";
        let text = format!("id,name,code\n\n{}", block.repeat(40));
        let whole = read_in(&text, 1);
        assert_eq!(whole.0.len(), 1 + 40 * 4);
        assert_eq!(
            whole.0[1],
            (3, vec!["1".into(), "two\nlines".into(), "x".into()])
        );
        assert_eq!(whole.1.len(), 40, "one ragged row per block: {:?}", whole.1);
        for parts in [2, 3, 7, 50, 1000] {
            assert_eq!(read_in(&text, parts), whole, "in {parts} parts");
        }
        // Reading stops at an unreadable row (invalid UTF-8 cannot come from `decode`, so a
        // part's failure is checked through `Part` directly).
        let mut part = Part::new("a,b\n", 10, 100);
        assert_eq!(part.read(b',', "x.csv", Some(2), false), 104);
        assert_eq!(part.rows[0].number, 11);
    }

    #[test]
    fn is_blank_is_trim_is_empty() {
        for field in [
            "",
            " ",
            "\t\r\n",
            "\u{b}\u{c}",
            "\u{a0}",
            "\u{2003} ",
            " a",
            "a",
            "\u{a0}x",
            "é",
            "0",
        ] {
            assert_eq!(is_blank(field), field.trim().is_empty(), "{field:?}");
        }
    }

    #[test]
    fn record_starts_fall_after_line_ends_outside_quotes() {
        let text = b"a,\"1\n2\"\nb,c\nd,e\n";
        assert_eq!(record_starts(text, b',', 1), [0]);
        assert_eq!(record_starts(text, b',', 2), [0, 8]);
        assert_eq!(record_starts(text, b',', 3), [0, 8, 12]);
        // No cut inside the quoted field, however the shares fall.
        assert_eq!(record_starts(b"\"a\nb\nc\nd\"\n", b',', 4), [0]);
    }

    #[test]
    fn reads_semicolons_bom_crlf_and_skips_blank_lines() {
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(b"\xEF\xBB\xBFa;b\r\n1;2\r\n\r\n3;4\r\n", "x.csv", &mut d).unwrap();
        assert!(d.is_empty());
        assert_eq!(t.header_text(), vec!["a", "b"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].number, 4);
        assert_eq!(t.rows[1].cells[1], Cell::Text("4".into()));
    }

    #[test]
    fn quoted_cells_are_read_whole_from_the_shared_buffer() {
        let mut d = Diagnostics::new();
        let csv = "name,note\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\n  ,é ü\n\n\"\",x\n";
        let t = read_csv_bytes(csv.as_bytes(), "x.csv", &mut d).unwrap();
        assert!(d.is_empty());
        let cells: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| r.cells.iter().map(Cell::display).collect())
            .collect();
        assert_eq!(
            cells,
            vec![
                vec!["Smith, J", "said \"hi\"\nthen left"],
                vec!["", "é ü"],
                vec!["", "x"],
            ]
        );
        assert_eq!(t.rows[1].cells[0], Cell::Empty);
        assert_eq!(
            t.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![2, 4, 6]
        );
        // A copy of a cell reads the same text after the table is gone.
        let kept = t.rows[0].cells[1].clone();
        drop(t);
        assert_eq!(kept.display(), "said \"hi\"\nthen left");
    }

    #[test]
    fn windows_1252_is_read_with_a_warning() {
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(b"name\nCaf\xe9 \xa3\n", "x.csv", &mut d).unwrap();
        assert_eq!(t.rows[0].cells[0], Cell::Text("Café £".into()));
        assert_eq!(d.sorted()[0].to_string(), "warning: x.csv: file is not UTF-8; read as Windows-1252\n  = hint: save as \"CSV UTF-8\" in Excel to avoid this warning");
    }

    #[test]
    fn ragged_row_is_an_error_with_its_line() {
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(b"a,b\n1,2,3\n4,5\n", "x.csv", &mut d).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(d.sorted()[0].to_string(), "error: x.csv:2: row has 3 fields but the header has 2\n  = hint: check for an unquoted comma or semicolon in a text cell");
    }
}
