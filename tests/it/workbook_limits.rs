//! Workbooks are counted before they are expanded (issue 17, item 6): an .xlsx file with more
//! shared strings than the limit, or claiming more in `uniqueCount`, is refused before calamine
//! reads or reserves them, and a sheet spanning more cells than the limit is refused before any
//! cell is kept. The tests bound the bytes the reading thread held at once (the counting
//! allocator in `common::alloc`): the old reader kept every cell, then checked.

use crate::common::alloc::peak_during;
use commission::diagnostics::Diagnostics;
use commission::load::workbook::{read_workbook_within, WorkbookLimits};
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// Column letters of a 0-based column (`0` → `A`, `26` → `AA`).
fn column(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// A minimal .xlsx file: one sheet `Returns` with `sheet_data` (the `<row>` elements) and a
/// shared-strings part with `strings` (the `<sst>` element), deflated.
fn xlsx(path: &Path, sheet_data: &str, strings: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Returns" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#)),
        ("xl/sharedStrings.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?>{strings}"#)),
    ];
    for (name, text) in parts {
        zip.start_file(name, deflated).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// `rows` rows of `columns` numeric cells each.
fn numeric_rows(rows: usize, columns: usize) -> String {
    let mut xml = String::new();
    for r in 1..=rows {
        xml.push_str(&format!("<row r=\"{r}\">"));
        for c in 0..columns {
            xml.push_str(&format!("<c r=\"{}{r}\"><v>{c}</v></c>", column(c)));
        }
        xml.push_str("</row>");
    }
    xml
}

fn read(path: &Path, limits: WorkbookLimits) -> (Vec<String>, usize) {
    let ((tables, diags), peak) = peak_during(|| {
        let mut diags = Diagnostics::default();
        let tables = read_workbook_within(path, "k.xlsx", limits, &mut diags);
        (tables.len(), diags)
    });
    assert_eq!(tables, 0, "a workbook over a limit gives no table");
    let listed = diags.sorted().iter().map(|d| d.to_string()).collect();
    (listed, peak)
}

const LIMITS: WorkbookLimits = WorkbookLimits {
    sheet_cells: 1_000,
    shared_strings: 1_000,
};

#[test]
fn a_sheet_over_the_cell_limit_is_refused_before_a_cell_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.xlsx");
    // 400 rows × 250 columns = 100,000 cells: the old reader held all of them (40 bytes each,
    // 4 MB, more while its vector grew) before it compared the span with the limit.
    xlsx(&path, &numeric_rows(400, 250), "<sst/>");
    let (diags, peak) = read(&path, LIMITS);
    assert_eq!(
        diags,
        ["error: k.xlsx:Returns: sheet spans 400 rows × 250 columns (100,000 cells), more than the 1,000-cell limit\n  = hint: delete rows and columns beyond the data (a value copied down to the bottom of the sheet, or a stray cell far to the right), or split the file"]
    );
    assert!(peak < 1_000_000, "reading held {peak} bytes at once");
}

#[test]
fn shared_strings_over_the_limit_are_refused_before_calamine_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.xlsx");
    // 100,000 shared strings (calamine keeps each as a String: 2.4 MB and more).
    let strings: String = (0..100_000)
        .map(|i| format!("<si><t>s{i}</t></si>"))
        .collect();
    xlsx(
        &path,
        &numeric_rows(1, 1),
        &format!("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">{strings}</sst>"),
    );
    let (diags, peak) = read(&path, LIMITS);
    assert_eq!(
        diags,
        ["error: k.xlsx: the workbook's shared strings (xl/sharedStrings.xml) are more than the 1,000-string limit: \"more than 1,000 counted\"\n  = hint: copy the data into a new workbook (Paste Special > Values), or save it as .csv"]
    );
    assert!(peak < 1_000_000, "reading held {peak} bytes at once");
}

/// A 1 KB .xlsx whose `<sst>` claims four billion strings: calamine reserved room for all of them
/// (96 GB of address space), so under a memory limit (here 4 GiB of address space, as a container
/// or `ulimit -v` sets) the process aborted (exit 134); with overcommit and no limit it read on.
/// Now it is refused by name, with exit code 1, at the default limits.
#[test]
fn a_workbook_claiming_billions_of_shared_strings_is_refused_not_reserved() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("commission.toml"),
        "title = \"T\"\norganisation = \"O\"\n",
    )
    .unwrap();
    xlsx(
        &root.join("contracts/register.xlsx"),
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>",
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"4000000000\"><si><t>contract_id</t></si></sst>",
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_commission"));
    command
        .arg("check")
        .arg(root)
        .env_remove("COMMISSION_MAX_SHARED_STRINGS");
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 4 << 30,
                    rlim_max: 4 << 30,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: contracts/register.xlsx: the workbook's shared strings (xl/sharedStrings.xml) are more than the 10,000,000-string limit: \"4,000,000,000 claimed by uniqueCount\"\n  = hint: copy the data into a new workbook (Paste Special > Values), or save it as .csv\n1 error(s), 0 warning(s)\n"
    );
}

#[test]
fn column_letters() {
    assert_eq!(
        [0, 25, 26, 249, 16_383].map(column),
        ["A", "Z", "AA", "IP", "XFD"]
    );
}

/// A cell reference past XFD1048576 (the fuzzer's `AAAAAAAAA…1`) overflowed inside calamine 0.38,
/// a panic in a debug build and a wrapped, wrong position in a release one: it is refused first.
#[test]
fn a_cell_reference_beyond_excel_is_refused_before_calamine_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.xlsx");
    xlsx(
        &path,
        r#"<row r="1"><c r="A1"><v>1</v></c><c r="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1"><v>2</v></c></row>"#,
        "<sst/>",
    );
    let (diags, _) = read(&path, LIMITS);
    assert_eq!(
        diags,
        ["error: k.xlsx: the workbook's part xl/worksheets/sheet1.xml has a cell reference beyond Excel's last cell, XFD1048576: \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n  = hint: the file is damaged or was not written by a spreadsheet program; open it in Excel or LibreOffice and save it again"]
    );
}
