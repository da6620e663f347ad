//! Reads the theme: the default theme embedded in the binary, overridden file by file by the
//! project's `templates/` and `static/` folders.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::Path;

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates and static files, with the project's overrides applied.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (e.g. `base.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Names of templates that came from the project (for error messages).
    pub overridden: Vec<String>,
    /// Output path under the site root (e.g. `assets/style.css`) → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
}

fn collect(dir: &Dir<'_>, out: &mut Vec<(String, Vec<u8>)>) {
    for f in dir.files() {
        out.push((
            f.path().to_string_lossy().replace('\\', "/"),
            f.contents().to_vec(),
        ));
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The embedded default theme.
pub fn default_theme() -> Theme {
    let mut files = Vec::new();
    collect(&DEFAULT_THEME, &mut files);
    let mut theme = Theme::default();
    for (path, bytes) in files {
        if let Some(name) = path.strip_prefix("templates/") {
            theme.templates.insert(
                name.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        } else if let Some(name) = path.strip_prefix("static/") {
            theme.static_files.insert(name.to_string(), bytes);
        }
    }
    theme
}

/// The default theme with the project's `templates/` and `static/` applied over it.
pub fn load_theme(root: &Path, diags: &mut Diagnostics) -> Theme {
    let mut theme = default_theme();
    let templates = root.join("templates");
    if templates.is_dir() {
        for entry in walkdir::WalkDir::new(&templates)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&templates)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let shown = format!("templates/{rel}");
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    if !theme.templates.contains_key(&rel) {
                        diags.push(
                            Diagnostic::warning(&shown, Location::File, "template does not replace a theme template and can only be included by other templates")
                                .hint(format!("theme templates are: {}", theme.templates.keys().cloned().collect::<Vec<_>>().join(", "))),
                        );
                    }
                    theme.templates.insert(rel.clone(), text);
                    theme.overridden.push(rel);
                }
                Err(e) => diags.push(Diagnostic::error(
                    &shown,
                    Location::File,
                    format!("cannot read the template: {e}"),
                )),
            }
        }
    }
    let statics = root.join("static");
    if statics.is_dir() {
        for entry in walkdir::WalkDir::new(&statics)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&statics)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    theme.static_files.insert(rel, bytes);
                }
                Err(e) => diags.push(Diagnostic::error(
                    format!("static/{rel}"),
                    Location::File,
                    format!("cannot read the file: {e}"),
                )),
            }
        }
    }
    theme
}
