//! Writing: the only stage that writes to disk. Builds the whole site in a temporary folder beside
//! the output and swaps it in only when every file is written, so a failed or killed build leaves
//! the previous site untouched; refuses output folders that could destroy a user's files.

mod against;
mod lock;
mod recycle;
mod swap;

use crate::output::{FileBytes, StreamedFile};
use anyhow::{bail, Context, Result};
use lock::OutputLock;
pub use recycle::{spare_of_published, Manifest, Spare};
use recycle::{Claim, Tracker};
use std::path::{Path, PathBuf};
use swap::{recover, swap, unique, Place};

/// Name of the marker file that identifies a folder as `commission` output.
pub const MARKER: &str = ".commission-site";

pub use crate::output::OutputFile;

fn absolute(path: &Path) -> Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    // Normalise `.` and `..` lexically; the folder may not exist yet.
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    // Resolve symlinks in the part that exists.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// The folders of a project the build reads (FORMATS.md section 1): a site written inside one
/// would be read back, or republished inside itself, by the next build.
const INPUT_FOLDERS: &[&str] = &[
    "needs",
    "specifications",
    "procurement",
    "contracts",
    "grants",
    "engagement",
    "pages",
    "templates",
    "static",
];

/// Refuses output folders that are `/`, the home folder, the project folder, a folder containing
/// it, or one inside its input folders.
pub fn check_output_dir(output: &Path, project: &Path) -> Result<PathBuf> {
    let out = absolute(output)?;
    let proj = absolute(project)?;
    if out.parent().is_none() {
        bail!(
            "refusing to write the site to {}: it is the root folder",
            out.display()
        );
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if absolute(&home).map(|h| h == out).unwrap_or(false) {
            bail!(
                "refusing to write the site to {}: it is your home folder",
                out.display()
            );
        }
    }
    if out == proj {
        bail!(
            "refusing to write the site to {}: it is the project folder",
            out.display()
        );
    }
    for folder in INPUT_FOLDERS {
        if out.starts_with(proj.join(folder)) {
            bail!(
                "refusing to write the site to {}: it is inside the project's {folder}/ folder, which the build reads; choose an --output outside it",
                out.display()
            );
        }
    }
    if proj.starts_with(&out) {
        bail!(
            "refusing to write the site to {}: it contains the project folder",
            out.display()
        );
    }
    if out.exists() {
        if !out.is_dir() {
            bail!(
                "refusing to write the site to {}: it is a file, not a folder",
                out.display()
            );
        }
        let empty = std::fs::read_dir(&out)?.next().is_none();
        if !empty && !out.join(MARKER).exists() {
            bail!(
                "refusing to replace {}: it is not empty and was not written by commission (no {MARKER} file); choose another --output or empty it first",
                out.display()
            );
        }
    }
    Ok(out)
}

/// Writes every file into a fresh temporary folder, then swaps it in for `out`.
/// `out` must have passed `check_output_dir`. Returns the warnings of [`Staging::commit`].
pub fn publish(out: &Path, files: &[OutputFile]) -> Result<Vec<String>> {
    publish_observed(out, files, &crate::stages::Silent)
}

const MARKER_TEXT: &[u8] =
    b"This folder was written by commission; it is replaced whole on each build.\n";

/// How a file of the new site is compared with the previous site's file at the same path.
#[derive(Clone, Copy)]
enum Compare {
    /// Read the old file and compare every byte.
    Bytes,
    /// The caller knows the bytes are the ones it published last time (a render cache's pages):
    /// a regular file of the same length is taken as the same, without being read.
    Length,
}

/// True when `old` is a regular file holding `bytes` (as far as `compare` looks).
fn same_file(old: &Path, bytes: FileBytes<'_>, compare: Compare) -> bool {
    match std::fs::symlink_metadata(old) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => match compare {
            Compare::Bytes => bytes.bytes().is_ok_and(|bytes| holds(old, &bytes)),
            Compare::Length => true,
        },
        _ => false,
    }
}

/// True when the file `old` holds exactly `bytes`. It is read into a buffer each thread keeps: a
/// site rebuilt over its last build compares every page with its old file, and reading each into
/// a new allocation sized by another `stat` cost a call and an allocation per page.
fn holds(old: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    thread_local! {
        static READ: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Ok(mut file) = std::fs::File::open(old) else {
        return false;
    };
    READ.with_borrow_mut(|read| {
        read.resize(bytes.len(), 0);
        file.read_exact(read).is_ok()
            && read[..] == *bytes
            && file.read(&mut [0u8; 1]).is_ok_and(|n| n == 0)
    })
}

/// Writes one file of the new site. When the previous site holds the same bytes at the same path,
/// the new file is a hard link to the old one (no new inode, no data written), so it keeps its
/// modification time and deploys (rsync, CI caches) and browsers see only the files that really
/// changed. Where hard links are unavailable the file is written and given the old mtime.
fn write_file(
    tmp: &Path,
    previous: Option<&Path>,
    rel: &str,
    bytes: FileBytes<'_>,
    compare: Compare,
) -> Result<()> {
    let path = tmp.join(rel);
    let old = previous
        .map(|p| p.join(rel))
        .filter(|old| same_file(old, bytes, compare));
    if let Some(old) = &old {
        if std::fs::hard_link(old, &path).is_ok() {
            return Ok(());
        }
    }
    // Unpacking a kept page can fail as writing can: both errors name the file.
    let writing = || format!("writing {}", path.display());
    std::fs::write(&path, bytes.bytes().with_context(writing)?).with_context(writing)?;
    keep_mtime(&path, old.as_deref())
}

/// Held files as the (path, bytes) pairs the writers take.
fn items(files: &[OutputFile]) -> Vec<(&str, FileBytes<'_>)> {
    files
        .iter()
        .map(|f| (f.path.as_str(), FileBytes::Plain(&f.bytes)))
        .collect()
}

/// Gives `path` the modification time of the previous site's identical file `old`.
fn keep_mtime(path: &Path, old: Option<&Path>) -> Result<()> {
    if let Some(mtime) = old.and_then(|old| old.metadata().and_then(|m| m.modified()).ok()) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(mtime))
            .with_context(|| format!("keeping the modification time of {}", path.display()))?;
    }
    Ok(())
}

/// Copies one file of the new site from `source`, streamed (never held in memory); like
/// [`write_file`], a file the previous site holds unchanged is linked and keeps its mtime.
fn copy_file(tmp: &Path, previous: Option<&Path>, rel: &str, source: &Path) -> Result<()> {
    let mut from =
        std::fs::File::open(source).with_context(|| format!("reading {}", source.display()))?;
    against::write_against(&tmp.join(rel), previous.map(|p| p.join(rel)), |to| {
        std::io::copy(&mut from, to)
            .with_context(|| format!("copying {}", source.display()))
            .map(drop)
    })
}

/// [`publish`], ticking `observer` once per file written.
pub fn publish_observed(
    out: &Path,
    files: &[OutputFile],
    observer: &dyn crate::stages::Observer,
) -> Result<Vec<String>> {
    let staging = Staging::begin(out)?;
    staging.write(files, observer)?;
    staging.commit()
}

/// A new site being written into a temporary folder beside the output folder. Nothing is visible
/// in the output folder until [`Staging::commit`] swaps the whole new site in; dropped without a
/// commit (an error on the way), the temporary folder is removed and the previous site stays.
/// Writing in several calls lets a build free what it has written before building the rest.
pub struct Staging {
    place: Place,
    tmp: PathBuf,
    /// The previous commission site, compared with so unchanged files keep their inode and mtime.
    previous: Option<PathBuf>,
    committed: bool,
    /// Held until the new site is in place (or abandoned): no other build writes this output.
    _lock: OutputLock,
    /// Leftovers of earlier builds that could not be removed.
    warnings: Vec<String>,
    /// For a tracked staging ([`Staging::begin_tracked`]): what the folder holds and what this
    /// build put in it.
    tracker: Option<Tracker>,
}

/// What a tracked commit did: the new site's manifest, and the previous site either kept as a
/// spare for the next build or to be removed (`remove_site`).
#[derive(Debug)]
pub struct Commit {
    pub manifest: Manifest,
    pub spare: Option<Spare>,
    pub remove: Option<PathBuf>,
    pub warnings: Vec<String>,
}

impl Staging {
    /// Starts a new site for `out`, which must have passed `check_output_dir`: takes the output's
    /// lock (refusing while another build holds it), recovers from an interrupted earlier build
    /// and creates the temporary folder.
    pub fn begin(out: &Path) -> Result<Staging> {
        Staging::start(out, false, None)
    }

    /// [`Staging::begin`] for a builder that keeps what each site holds (`serve`): the new site
    /// starts as `spare` (an earlier site this process put aside, see [`Staging::commit_tracked`])
    /// when it is still there, so only the files that differ from it are written; else empty.
    pub fn begin_tracked(out: &Path, spare: Option<Spare>) -> Result<Staging> {
        Staging::start(out, true, spare)
    }

    fn start(out: &Path, tracked: bool, spare: Option<Spare>) -> Result<Staging> {
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let place = Place::new(out);
        let lock = OutputLock::acquire(&place.named("lock"), out)?;
        let warnings = recover(&place)?;
        let tmp = place.named(&unique("tmp"));
        let held = match spare {
            // A mount point's sites are swapped entry by entry into fresh folders: its commits
            // keep no spare, and one given is not reused.
            Some(spare) if place.mount => {
                let _ = std::fs::remove_dir_all(spare.path());
                None
            }
            Some(spare) => recycle::adopt(spare, &tmp),
            None => None,
        };
        let tracker = tracked.then(|| Tracker::new(held));
        std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        // Only a previous commission site is compared with; anything else is replaced as before.
        let previous = out.join(MARKER).is_file().then(|| out.to_path_buf());
        Ok(Staging {
            place,
            tmp,
            previous,
            committed: false,
            _lock: lock,
            warnings,
            tracker,
        })
    }

    /// Writes `files` into the new site, in parallel, ticking `observer` once per file. Files
    /// whose bytes equal the previous build's keep their modification time (see `write_file`).
    pub fn write(
        &self,
        files: &[OutputFile],
        observer: &dyn crate::stages::Observer,
    ) -> Result<()> {
        self.write_compared(&items(files), None, observer, Compare::Bytes)
    }

    /// [`Staging::write`] for files whose bytes are held elsewhere: (path, bytes) pairs.
    pub fn write_items(
        &self,
        files: &[(&str, &[u8])],
        observer: &dyn crate::stages::Observer,
    ) -> Result<()> {
        let files: Vec<(&str, FileBytes<'_>)> = files
            .iter()
            .map(|(path, bytes)| (*path, FileBytes::Plain(bytes)))
            .collect();
        self.write_compared(&files, None, observer, Compare::Bytes)
    }

    /// [`Staging::write`] for held files the caller knows hold the bytes it published last time
    /// (the cache's data files and search index): each is a hard link to the previous file of
    /// the same length, which is not read again.
    pub fn write_unchanged_files(&self, files: &[OutputFile]) -> Result<()> {
        self.write_compared(&items(files), None, &crate::stages::Silent, Compare::Length)
    }

    /// Writes rendered pages, each with its render key (its content key in a tracked staging):
    /// `unchanged` when they are the render cache's, published by the previous build, so each is
    /// linked to the previous file of the same length as [`Staging::write_unchanged_files`] does.
    pub fn write_pages(&self, pages: &[(&str, FileBytes<'_>, u64)], unchanged: bool) -> Result<()> {
        let files: Vec<(&str, FileBytes<'_>)> = pages.iter().map(|(p, b, _)| (*p, *b)).collect();
        let keys: Vec<u64> = pages.iter().map(|(_, _, k)| *k).collect();
        let compare = if unchanged {
            Compare::Length
        } else {
            Compare::Bytes
        };
        self.write_compared(&files, Some(&keys), &crate::stages::Silent, compare)
    }

    /// Writes `files` (with their content keys: given, or else their bytes' hash) in parallel.
    fn write_compared(
        &self,
        files: &[(&str, FileBytes<'_>)],
        keys: Option<&[u64]>,
        observer: &dyn crate::stages::Observer,
        compare: Compare,
    ) -> Result<()> {
        use rayon::prelude::*;
        let keys: Vec<Option<u64>> = match (keys, &self.tracker) {
            (Some(keys), _) => keys.iter().copied().map(Some).collect(),
            (None, Some(_)) => files
                .par_iter()
                .map(|(_, bytes)| {
                    bytes
                        .bytes()
                        .map(|bytes| Some(recycle::content_key(&bytes)))
                })
                .collect::<Result<_>>()?,
            (None, None) => vec![None; files.len()],
        };
        let items: Vec<(&str, Option<u64>)> =
            files.iter().zip(keys).map(|((p, _), k)| (*p, k)).collect();
        let claims = self.prepare(&items)?;
        let previous = self.previous.as_deref();
        files
            .par_iter()
            .zip(claims)
            .try_for_each(|((path, bytes), claim)| -> Result<()> {
                if claim != Claim::Held {
                    write_file(&self.tmp, previous, path, *bytes, compare)?;
                }
                observer.tick(1);
                Ok(())
            })
    }

    /// Makes ready to write each of `items` (paths with their content keys): refuses any path
    /// that could leave the new site, and says for each what writing it takes (always a new file
    /// in an untracked staging), having unlinked the files to be replaced and created the folders
    /// of new ones.
    fn prepare(&self, items: &[(&str, Option<u64>)]) -> Result<Vec<Claim>> {
        for (path, _) in items {
            check_path(path)?;
        }
        let claims = match &self.tracker {
            Some(tracker) => tracker.claim(items.iter().copied())?,
            None => vec![Claim::New; items.len()],
        };
        let paths = || items.iter().map(|(p, _)| *p).zip(claims.iter().copied());
        self.make_dirs(paths().filter(|(_, c)| *c == Claim::New).map(|(p, _)| p))?;
        // A replaced file is held open while it is unlinked, so its pages are freed when it is
        // closed, on a thread of its own: freeing a large data table takes milliseconds, which
        // would otherwise fall between a save and its page under `serve`.
        let mut unlinked = Vec::new();
        for (path, _) in paths().filter(|(_, c)| *c == Claim::Replace) {
            let path = self.tmp.join(path);
            unlinked.extend(std::fs::File::open(&path).ok());
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("replacing {}", path.display()));
                }
                _ => {}
            }
        }
        if !unlinked.is_empty() {
            // Were no thread to be had, the files close here.
            let _ = std::thread::Builder::new()
                .name("unlinked".into())
                .spawn(move || drop(unlinked));
        }
        Ok(claims)
    }

    /// [`Staging::prepare`] for files whose content is not keyed (streamed, linked or copied):
    /// each is written whatever the folder holds.
    fn prepare_unkeyed<'p>(&self, paths: impl Iterator<Item = &'p str>) -> Result<()> {
        let items: Vec<(&str, Option<u64>)> = paths.map(|p| (p, None)).collect();
        self.prepare(&items).map(drop)
    }

    /// Writes the streamed files (large data tables) into the new site, each straight to disk
    /// through a buffer, several at once. Each is compared with the previous site's as it is made
    /// and written only from its first difference (`against`): one that comes out the same
    /// becomes a hard link to it, so it keeps its inode and mtime as a held file does.
    pub fn write_streamed(
        &self,
        files: &[StreamedFile<'_>],
        observer: &dyn crate::stages::Observer,
    ) -> Result<()> {
        use rayon::prelude::*;
        self.prepare_unkeyed(files.iter().map(|f| f.path.as_str()))?;
        let previous = self.previous.as_deref();
        files.par_iter().try_for_each(|file| -> Result<()> {
            let old = previous.map(|p| p.join(&file.path));
            against::write_against(&self.tmp.join(&file.path), old, |out| (file.write)(out))?;
            observer.tick(1);
            Ok(())
        })
    }

    /// True when the new site replaces a previous commission site, which files can be linked from.
    pub fn has_previous(&self) -> bool {
        self.previous.is_some()
    }

    /// Hard-links files of the previous site into the new one, unchanged (a site published again
    /// with only its search index new keeps its streamed data tables). A file the previous site
    /// lacks is an error: the caller said it was there.
    pub fn link_previous(&self, paths: &[String]) -> Result<()> {
        use rayon::prelude::*;
        if paths.is_empty() {
            return Ok(());
        }
        self.prepare_unkeyed(paths.iter().map(String::as_str))?;
        let previous = self
            .previous
            .as_deref()
            .context("internal error: no previous site to link from")?;
        paths.par_iter().try_for_each(|rel| -> Result<()> {
            let (old, path) = (previous.join(rel), self.tmp.join(rel));
            if std::fs::hard_link(&old, &path).is_err() {
                std::fs::copy(&old, &path)
                    .with_context(|| format!("copying {} to {}", old.display(), path.display()))?;
            }
            Ok(())
        })
    }

    /// Copies files into the new site from the paths they are read from (a project's static
    /// files), streamed: (path in the site, source file) pairs.
    pub fn copy(&self, files: &[(String, PathBuf)]) -> Result<()> {
        use rayon::prelude::*;
        self.prepare_unkeyed(files.iter().map(|(path, _)| path.as_str()))?;
        let previous = self.previous.as_deref();
        files
            .par_iter()
            .try_for_each(|(path, source)| copy_file(&self.tmp, previous, path, source))
    }

    /// Marks the new site as commission's, swaps it in for the output folder and removes the
    /// previous site. Returns warnings: leftovers of earlier builds, or the previous site, that
    /// could not be removed (the new site is published whole either way).
    pub fn commit(self) -> Result<Vec<String>> {
        let (aside, _, mut warnings) = self.swap_in()?;
        if let Err(e) = remove_site_on_every_core(&aside) {
            warnings.push(format!(
                "{e:#}; the new site is published, and the next build tries again"
            ));
        }
        Ok(warnings)
    }

    /// [`Staging::commit`] for a tracked staging ([`Staging::begin_tracked`]), leaving the
    /// previous site to the caller, renamed to a trash folder (one left by a process that died is
    /// removed by the next build): returns the new site's manifest, and the previous site as a
    /// spare for the next tracked build when it is the site `previous` describes (the one this
    /// process published last), else its path for [`remove_site`] (a server removes it in the
    /// background).
    pub fn commit_tracked(self, previous: Option<Manifest>) -> Result<Commit> {
        let place = self.place.clone();
        let (aside, manifest, warnings) = self.swap_in()?;
        let trash = place.named(&unique("trash"));
        let aside = match std::fs::rename(&aside, &trash) {
            Ok(()) => trash,
            Err(_) => aside,
        };
        let spare = recycle::spare_of(&aside, previous);
        Ok(Commit {
            manifest: manifest.unwrap_or_default(),
            remove: spare.is_none().then_some(aside),
            spare,
            warnings,
        })
    }

    /// Writes the marker, removes what a reused folder holds that the new site lacks, and swaps
    /// the new site in; returns where the previous site now is, the new site's manifest when the
    /// staging is tracked, and the warnings so far.
    fn swap_in(mut self) -> Result<(PathBuf, Option<Manifest>, Vec<String>)> {
        self.write_items(&[(MARKER, MARKER_TEXT)], &crate::stages::Silent)?;
        let manifest = match &self.tracker {
            Some(tracker) => Some(tracker.finish(&self.tmp)?),
            None => None,
        };
        // From here the temporary folder is the site being published (or, after the exchange,
        // the previous one): `swap` and the next build's `recover` own it.
        self.committed = true;
        let aside = swap(&self.place, &self.tmp)?;
        Ok((aside, manifest, std::mem::take(&mut self.warnings)))
    }

    /// Creates the folders of `paths` (checked by [`check_path`]) in the new site.
    fn make_dirs<'p>(&self, paths: impl Iterator<Item = &'p str>) -> Result<()> {
        let dirs: std::collections::BTreeSet<&str> = paths
            .filter_map(|path| path.rsplit_once('/').map(|(dir, _)| dir))
            .collect();
        for dir in dirs {
            let dir = self.tmp.join(dir);
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        Ok(())
    }
}

/// Refuses a path that could leave the new site.
fn check_path(path: &str) -> Result<()> {
    if path
        .split('/')
        .any(|seg| seg == ".." || seg.is_empty() && !path.is_empty())
        || path.starts_with('/')
    {
        bail!("internal error: unsafe output path {path}");
    }
    Ok(())
}

/// Removes a previous site that a commit put aside (nothing when it is already gone), on the
/// calling thread: `serve` removes one in the background, where it must not take the cores a
/// next save's rebuild needs.
pub fn remove_site(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing the previous site at {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// [`remove_site`] on every core, for a build that waits for it ([`Staging::commit`]): the
/// site's folders three levels down (a contract's KPI pages, an area's pages) and the files above
/// them (the data tables) first, each by `remove_dir_all` (which never follows a link out of the
/// tree), then the rest, and any error, by [`remove_site`]. Unlinking is the kernel's work, and an
/// 11,000-page site took a core a tenth of a second.
fn remove_site_on_every_core(path: &Path) -> Result<()> {
    use rayon::prelude::*;
    parts_of(path, 3).par_iter().for_each(|(part, is_dir)| {
        // An error here is met again, and reported, by the removal of the whole.
        let _ = if *is_dir {
            std::fs::remove_dir_all(part)
        } else {
            std::fs::remove_file(part)
        };
    });
    remove_site(path)
}

/// The folders `depth` levels below `dir` and every file above them, each with whether it is a
/// folder; a link is a file here. Nothing for a folder that cannot be read.
fn parts_of(dir: &Path, depth: usize) -> Vec<(PathBuf, bool)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    for entry in entries.flatten() {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        match (is_dir, depth) {
            (true, 1) => parts.push((entry.path(), true)),
            (true, _) => parts.extend(parts_of(&entry.path(), depth - 1)),
            (false, _) => parts.push((entry.path(), false)),
        }
    }
    parts
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn file(path: &str, bytes: &[u8]) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn refuses_dangerous_output_folders() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("proj");
        std::fs::create_dir_all(&project).unwrap();
        assert!(check_output_dir(Path::new("/"), &project)
            .unwrap_err()
            .to_string()
            .contains("root folder"));
        assert!(check_output_dir(&project, &project)
            .unwrap_err()
            .to_string()
            .contains("project folder"));
        assert!(check_output_dir(dir.path(), &project)
            .unwrap_err()
            .to_string()
            .contains("contains the project folder"));
        let other = dir.path().join("docs");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("thesis.docx"), b"x").unwrap();
        assert!(check_output_dir(&other, &project)
            .unwrap_err()
            .to_string()
            .contains("was not written by commission"));
        assert!(check_output_dir(&project.join("public"), &project).is_ok());
        assert_eq!(
            check_output_dir(&project.join("static/site"), &project)
                .unwrap_err()
                .to_string(),
            format!(
                "refusing to write the site to {}: it is inside the project's static/ folder, which the build reads; choose an --output outside it",
                absolute(&project.join("static/site")).unwrap().display()
            )
        );
    }

    #[test]
    fn a_second_build_into_the_same_output_is_refused_while_the_first_runs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let first = Staging::begin(&out).unwrap();
        first
            .write(&[file("a.txt", b"first")], &crate::stages::Silent)
            .unwrap();
        let second = publish(&out, &[file("b.txt", b"second")]).unwrap_err();
        assert_eq!(
            second.to_string(),
            format!(
                "another commission build is writing to {} (process {}); wait for it to finish, or build into another --output",
                out.display(),
                std::process::id()
            )
        );
        first.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"first");
        publish(&out, &[file("b.txt", b"second")]).unwrap();
        assert!(!out.join("a.txt").exists());
    }

    #[test]
    fn a_live_process_s_staging_folder_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        // Process 1 always runs: its folders are not this build's to remove.
        let live = dir.path().join(".site.commission-tmp-1");
        std::fs::create_dir_all(live.join("search")).unwrap();
        let dead = dir.path().join(".site.commission-tmp-4294967294");
        std::fs::create_dir_all(&dead).unwrap();
        publish(&out, &[file("index.html", b"x")]).unwrap();
        assert!(live.join("search").is_dir());
        assert!(!dead.exists());
    }

    /// Sets or clears the immutable attribute (root only); false where it cannot.
    fn immutable(path: &Path, on: bool) -> bool {
        std::process::Command::new("chattr")
            .arg(if on { "+i" } else { "-i" })
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    }

    #[test]
    fn a_previous_site_that_cannot_be_removed_is_a_warning_and_later_builds_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        publish(&out, &[file("d/locked.txt", b"old")]).unwrap();
        if !immutable(&out.join("d/locked.txt"), true) {
            eprintln!("skipped: chattr +i is not available here (needs root and a file system with attributes)");
            return;
        }
        let first = publish(&out, &[file("new.txt", b"1")]);
        let second = publish(&out, &[file("new.txt", b"2")]);
        // Release whichever copy of the old site holds the file, so the folder can be removed.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let locked = entry.unwrap().path().join("d/locked.txt");
            if locked.exists() {
                immutable(&locked, false);
            }
        }
        let first = first.unwrap();
        assert_eq!(first.len(), 1, "{first:?}");
        assert!(
            first[0].starts_with("removing the previous site at "),
            "{}",
            first[0]
        );
        assert!(
            first[0].ends_with("; the new site is published, and the next build tries again"),
            "{}",
            first[0]
        );
        let second = second.unwrap();
        assert_eq!(second.len(), 1, "{second:?}");
        assert!(second[0].starts_with("could not remove "), "{}", second[0]);
        assert!(
            second[0].contains(", left by an earlier build: "),
            "{}",
            second[0]
        );
        assert_eq!(std::fs::read(out.join("new.txt")).unwrap(), b"2");
    }

    #[test]
    fn a_mount_point_s_contents_are_swapped() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("html");
        std::fs::create_dir_all(&out).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "commission-test"])
            .arg(&out)
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return;
        }
        let result = std::panic::catch_unwind(|| {
            publish(
                &out,
                &[file("a/index.html", b"one"), file("gone.txt", b"x")],
            )
            .unwrap();
            let warnings = publish(&out, &[file("a/index.html", b"two")]).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            let mut names: Vec<String> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            assert_eq!(names, [".commission-lock", MARKER, "a"]);
            assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"two");
        });
        std::process::Command::new("umount")
            .arg(&out)
            .status()
            .unwrap();
        result.unwrap();
    }

    /// A contents swap killed in each phase, as the next build's `recover` finds it.
    #[test]
    fn a_killed_contents_swap_is_rolled_back_or_forward() {
        for (phase, expected) in [("leaving", "old"), ("arriving", "new"), ("done", "new")] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("html");
            let place = Place {
                out: out.clone(),
                mount: true,
            };
            let (tmp, old) = (
                place.named("tmp-4294967294-0"),
                place.named("old-4294967294-0"),
            );
            for d in [&tmp, &old] {
                std::fs::create_dir_all(d).unwrap();
            }
            let put =
                |dir: &Path, name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
            match phase {
                // One old file has left; the old marker and the other are still in place.
                "leaving" => {
                    put(&old, "a.html", "old");
                    put(&out, "b.html", "old");
                    put(&out, MARKER, "old");
                    put(&tmp, "a.html", "new");
                    put(&tmp, "b.html", "new");
                    put(&tmp, MARKER, "new");
                }
                // Every old file has left; one new file has arrived.
                "arriving" => {
                    put(&old, "a.html", "old");
                    put(&old, "b.html", "old");
                    put(&old, MARKER, "old");
                    put(&out, "a.html", "new");
                    put(&tmp, "b.html", "new");
                    put(&tmp, MARKER, "new");
                }
                _ => {
                    put(&old, "a.html", "old");
                    put(&old, "b.html", "old");
                    put(&old, MARKER, "old");
                    put(&out, "a.html", "new");
                    put(&out, "b.html", "new");
                    put(&out, MARKER, "new");
                }
            }
            assert!(recover(&place).unwrap().is_empty());
            for name in ["a.html", "b.html", MARKER] {
                assert_eq!(
                    std::fs::read_to_string(out.join(name)).unwrap(),
                    expected,
                    "{phase} {name}"
                );
            }
            assert!(!tmp.exists() && !old.exists(), "{phase}");
        }
    }

    #[test]
    fn publish_replaces_whole_and_cleans_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        publish(
            &out,
            &[OutputFile {
                path: "a/index.html".into(),
                bytes: b"one".to_vec(),
            }],
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join(".site.commission-tmp-4294967293")).unwrap();
        publish(
            &out,
            &[OutputFile {
                path: "b.txt".into(),
                bytes: b"two".to_vec(),
            }],
        )
        .unwrap();
        assert!(!out.join("a/index.html").exists());
        assert_eq!(std::fs::read(out.join("b.txt")).unwrap(), b"two");
        assert!(!dir.path().join(".site.commission-tmp-4294967293").exists());
    }

    /// A kept page that must be written again but cannot be unpacked is an error naming the file,
    /// and the published site is untouched.
    #[test]
    fn a_damaged_kept_page_is_an_error_naming_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        publish(&out, &[file("p/index.html", b"old")]).unwrap();
        let staging = Staging::begin_tracked(&out, None).unwrap();
        let damaged = crate::output::PackedBytes::damaged(b"<p>a page the site has lost</p>");
        let err = staging
            .write_pages(&[("q/index.html", FileBytes::Packed(&damaged), 1)], true)
            .unwrap_err();
        let text = format!("{err:#}");
        let (writing, why) = text.split_once(": ").unwrap();
        assert!(
            writing.starts_with("writing ") && writing.ends_with("q/index.html"),
            "{text}"
        );
        assert!(
            why.starts_with("unpacking a page kept from the previous build"),
            "{text}"
        );
        drop(staging);
        assert_eq!(std::fs::read(out.join("p/index.html")).unwrap(), b"old");
    }

    #[test]
    fn a_commit_aside_leaves_the_previous_site_for_the_caller() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        publish(
            &out,
            &[file("p/index.html", b"old"), file("gone.txt", b"x")],
        )
        .unwrap();
        let staging = Staging::begin_tracked(&out, None).unwrap();
        // Known unchanged: linked from the previous site, not rewritten.
        staging
            .write_pages(&[("p/index.html", FileBytes::Plain(b"old"), 1)], true)
            .unwrap();
        staging
            .write(&[file("new.txt", b"new")], &crate::stages::Silent)
            .unwrap();
        let commit = staging.commit_tracked(None).unwrap();
        assert!(commit.spare.is_none(), "no manifest of the previous site");
        let aside = commit
            .remove
            .expect("the previous site, for the caller to remove");
        assert_eq!(std::fs::read(out.join("p/index.html")).unwrap(), b"old");
        assert_eq!(std::fs::read(out.join("new.txt")).unwrap(), b"new");
        assert!(!out.join("gone.txt").exists());
        let name = aside.file_name().unwrap().to_string_lossy().into_owned();
        let own = format!(".site.commission-trash-{}-", std::process::id());
        assert!(name.starts_with(&own), "{name}");
        assert!(aside.join("gone.txt").is_file(), "the previous site, whole");
        // The next build leaves this process's trash to it, and removes a dead process's.
        let dead = dir.path().join(".site.commission-trash-4294967295-0");
        std::fs::create_dir_all(dead.join("x")).unwrap();
        publish(&out, &[file("new.txt", b"new")]).unwrap();
        assert!(aside.exists());
        assert!(!dead.exists());
        remove_site(&aside).unwrap();
        assert!(!aside.exists());
        remove_site(&aside).unwrap();
    }

    #[test]
    #[cfg(unix)]
    fn removing_a_previous_site_never_follows_a_link_out_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(outside.join("kept")).unwrap();
        std::fs::write(outside.join("kept/file.txt"), b"kept").unwrap();
        let site = dir.path().join("site");
        for deep in ["a/b/c/d", "a/b/e", "f"] {
            std::fs::create_dir_all(site.join(deep)).unwrap();
            std::fs::write(site.join(deep).join("index.html"), b"old").unwrap();
        }
        std::fs::write(site.join("index.html"), b"old").unwrap();
        // Links at each depth the removal splits the site at: to a folder, and to a file.
        for link in ["a/b/c/to-dir", "a/b/to-dir", "a/to-dir", "to-dir"] {
            std::os::unix::fs::symlink(outside.join("kept"), site.join(link)).unwrap();
        }
        std::os::unix::fs::symlink(outside.join("kept/file.txt"), site.join("a/b/to-file"))
            .unwrap();
        remove_site_on_every_core(&site).unwrap();
        assert!(!site.exists());
        assert_eq!(
            std::fs::read(outside.join("kept/file.txt")).unwrap(),
            b"kept"
        );
    }

    #[test]
    fn unchanged_files_keep_their_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        publish(
            &out,
            &[file("same.txt", b"same"), file("d/changed.txt", b"one")],
        )
        .unwrap();
        let long_ago =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for p in ["same.txt", "d/changed.txt"] {
            std::fs::File::options()
                .write(true)
                .open(out.join(p))
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        publish(
            &out,
            &[file("same.txt", b"same"), file("d/changed.txt", b"two")],
        )
        .unwrap();
        let mtime = |p: &str| std::fs::metadata(out.join(p)).unwrap().modified().unwrap();
        assert_eq!(mtime("same.txt"), long_ago);
        assert_ne!(mtime("d/changed.txt"), long_ago);
        assert_eq!(std::fs::read(out.join("d/changed.txt")).unwrap(), b"two");
    }

    #[test]
    fn a_killed_swap_is_restored() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let old = dir.path().join(".site.commission-old-4294967294-0");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("index.html"), b"old").unwrap();
        recover(&Place::new(&out)).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"old");
    }
}
