//! Opens a table file of any kind: refuses one over the size limit, then reads CSV (`table.rs`) or
//! a workbook's sheets (`workbook.rs`) by extension. Both readers produce `table::Table`; neither
//! imports this module, so the load modules import each other in one direction only.

use super::table::{limit_text, read_csv_bytes, Table};
use super::workbook::read_workbook;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use std::path::Path;

/// Inputs larger than this are refused with a message rather than read into memory.
pub const MAX_TABLE_BYTES: u64 = 256 * 1024 * 1024;

/// The table size limit in force: `MAX_TABLE_BYTES`, or `COMMISSION_MAX_TABLE_BYTES` when set to a
/// number (for tests of the limit, and for councils that must load a larger file).
pub fn max_table_bytes() -> u64 {
    super::workbook_limits::limit_from_env("COMMISSION_MAX_TABLE_BYTES", MAX_TABLE_BYTES)
}

/// Whether the input file at `path` may be read: false, with a diagnostic, when it is over the
/// size limit (`max_table_bytes`) or its size cannot be read. Tables and JSON packages share it.
pub fn within_size_limit(path: &Path, rel: &str, diags: &mut Diagnostics) -> bool {
    let limit = max_table_bytes();
    match std::fs::metadata(path) {
        Ok(m) if m.len() > limit => {
            diags.push(
                Diagnostic::error(
                    rel,
                    Location::File,
                    format!("file is larger than the {} limit", limit_text(limit)),
                )
                .value(format!("{} bytes", m.len()))
                .hint("split the file, or trim it to what the site publishes (its periods, areas or contracts); COMMISSION_MAX_TABLE_BYTES raises the limit"),
            );
            false
        }
        Ok(_) => true,
        Err(e) => {
            diags.push(Diagnostic::error(
                rel,
                Location::File,
                format!("cannot read the file: {e}"),
            ));
            false
        }
    }
}

/// Reads a table file: one table for CSV, one per non-empty sheet for .xlsx/.ods/.xls.
/// `rel` is the path shown in diagnostics.
pub fn read_tables(path: &Path, rel: &str, diags: &mut Diagnostics) -> Vec<Table> {
    if !within_size_limit(path, rel, diags) {
        return Vec::new();
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => match std::fs::read(path) {
            Ok(bytes) => read_csv_bytes(&bytes, rel, diags).into_iter().collect(),
            Err(e) => {
                diags.push(Diagnostic::error(
                    rel,
                    Location::File,
                    format!("cannot read the file: {e}"),
                ));
                Vec::new()
            }
        },
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path, rel, diags),
        _ => {
            diags.push(
                Diagnostic::error(rel, Location::File, "not a table file")
                    .hint("use .csv, .xlsx or .ods"),
            );
            Vec::new()
        }
    }
}
