//! `commission init`: writes a new project folder copied from the sample council embedded in the
//! binary.

use anyhow::{bail, Context, Result};
use include_dir::{include_dir, Dir};
use std::path::Path;

static SAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/sample-data");

fn files(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
    }
    for d in dir.dirs() {
        files(d, out);
    }
}

/// The sample project's files (relative path, bytes), without any built site inside it.
pub fn sample_files() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    files(&SAMPLE, &mut out);
    out.retain(|(p, _)| !p.starts_with("public/") && !p.starts_with('.'));
    out.sort();
    out
}

/// Writes the sample project into `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<usize> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty; choose a new folder for the project",
            dir.display()
        );
    }
    let files = sample_files();
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(files.len())
}
