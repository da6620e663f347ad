//! Golden files: text the tests compare byte for byte with a file committed under `tests/`.
//! `COMMISSION_BLESS=1 cargo test --test it` rewrites every golden file a test compares (and
//! creates missing ones); without it a missing or different file fails the test.

use std::path::Path;

/// Whether this run rewrites golden files (`COMMISSION_BLESS` set to anything but `0` or empty).
pub fn blessing() -> bool {
    std::env::var_os("COMMISSION_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Asserts that the file at `path` holds exactly `actual`; with `COMMISSION_BLESS=1`, writes it.
pub fn assert_golden(path: &Path, actual: &str) {
    if blessing() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        if std::fs::read_to_string(path).ok().as_deref() != Some(actual) {
            std::fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with COMMISSION_BLESS=1 to write it",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "{} differs (COMMISSION_BLESS=1 rewrites it if the change is meant):\n{}",
            path.display(),
            first_difference(&expected, actual)
        );
    }
}

/// The first line where two texts differ, with its number, the column and the lines around it.
pub fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let line = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(e.len());
    let (el, al) = (
        e.get(line).copied().unwrap_or(""),
        a.get(line).copied().unwrap_or(""),
    );
    let column = el
        .chars()
        .zip(al.chars())
        .take_while(|(x, y)| x == y)
        .count();
    let around = |s: &str| -> String {
        s.chars()
            .skip(column.saturating_sub(60))
            .take(160)
            .collect()
    };
    let context: Vec<String> = (line.saturating_sub(2)..line)
        .filter_map(|i| e.get(i).map(|l| format!("    {l:.160}")))
        .collect();
    format!(
        "line {}, column {}{}\n{}\n  - expected: {}\n  + actual:   {}",
        line + 1,
        column + 1,
        if e.len() != a.len() {
            format!(" ({} lines expected, {} actual)", e.len(), a.len())
        } else {
            String::new()
        },
        context.join("\n"),
        around(el),
        around(al)
    )
}
