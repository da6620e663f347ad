//! `commission init`: writes a new project folder copied from the sample council embedded in the
//! binary, or (`--empty`) only `commission.toml` and the input folders, for a council's own files.

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

/// The input folders of a project (FORMATS.md section 1), written by `init --empty`.
pub const PROJECT_FOLDERS: [&str; 9] = [
    "needs",
    "specifications",
    "procurement",
    "contracts",
    "contracts/kpis",
    "grants",
    "engagement",
    "maps",
    "pages",
];

/// The `commission.toml` of an empty project: the two required keys, and every optional one
/// commented out with its default.
pub const EMPTY_CONFIG: &str = r#"# Settings of this commissioning project (FORMATS.md section 1). Only title and organisation are
# required; each commented key shows its default or an example.
title = "Commissioning"
organisation = "Our council"
# description = "How the council assesses need, plans, buys and monitors public services."
# base_url = "https://example.gov.uk/commissioning/"   # needed for the sitemap, feed and OCDS
# home_area = "E08000099"        # the council's own area code: the subject of priorities
# benchmark_area = "E92000001"   # the comparator (England)
# as_of = "2026-03-31"           # reporting date; default: the latest period in the data
# org_id = "GB-LAE-XXX"          # org-id.guide identifier (OCDS buyer, 360Giving funder)
# grant_prefix = "360G-xxx"      # registered 360Giving prefix
# ocid_prefix = "ocds-xxxxxx"    # registered OCDS prefix
"#;

fn refuse_non_empty(dir: &Path) -> Result<()> {
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
    Ok(())
}

/// Writes an empty project into `dir` (missing or empty): `commission.toml` and the input folders
/// only, so a council can drop its own files in without the sample's cross-references. Returns the
/// number of files written (one).
pub fn init_empty(dir: &Path) -> Result<usize> {
    refuse_non_empty(dir)?;
    for folder in PROJECT_FOLDERS {
        let path = dir.join(folder);
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
    }
    let config = dir.join("commission.toml");
    std::fs::write(&config, EMPTY_CONFIG)
        .with_context(|| format!("writing {}", config.display()))?;
    Ok(1)
}

/// Writes the sample project into `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<usize> {
    refuse_non_empty(dir)?;
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
