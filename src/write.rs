//! Writing: the only stage that writes to disk. Builds the whole site in a temporary folder beside
//! the output and swaps it in only when every file is written, so a failed or killed build leaves
//! the previous site untouched; refuses output folders that could destroy a user's files.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

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

/// Refuses output folders that are `/`, the home folder, the project folder, or contain it.
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

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.commission-{tag}"))
}

/// Removes leftovers of an interrupted earlier build and restores a site a killed swap left aside.
fn recover(out: &Path) -> Result<()> {
    let parent = out.parent().context("output folder has no parent")?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old_prefix = format!(".{name}.commission-old");
    let tmp_prefix = format!(".{name}.commission-tmp");
    let trash_prefix = format!(".{name}.commission-trash-");
    // This process's own trash is being removed by one of its threads (`Staging::commit_aside`).
    let own_trash = format!("{trash_prefix}{}-", std::process::id());
    if !parent.exists() {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(parent)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if file.starts_with(&old_prefix) {
            if !out.exists() {
                std::fs::rename(&path, out).with_context(|| {
                    format!("restoring the previous site from {}", path.display())
                })?;
            } else {
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        } else if file.starts_with(&trash_prefix) && !file.starts_with(&own_trash) {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("removing a previous site at {}", path.display()))?;
        } else if file.starts_with(&tmp_prefix) {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("removing an unfinished build at {}", path.display()))?;
        }
    }
    Ok(())
}

/// Writes every file into a fresh temporary folder, then swaps it in for `out`.
/// `out` must have passed `check_output_dir`.
pub fn publish(out: &Path, files: &[OutputFile]) -> Result<()> {
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
fn same_file(old: &Path, bytes: &[u8], compare: Compare) -> bool {
    match std::fs::symlink_metadata(old) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => match compare {
            Compare::Bytes => std::fs::read(old).is_ok_and(|old| old == bytes),
            Compare::Length => true,
        },
        _ => false,
    }
}

/// Writes one file of the new site. When the previous site holds the same bytes at the same path,
/// the new file is a hard link to the old one (no new inode, no data written), so it keeps its
/// modification time and deploys (rsync, CI caches) and browsers see only the files that really
/// changed. Where hard links are unavailable the file is written and given the old mtime.
fn write_file(
    tmp: &Path,
    previous: Option<&Path>,
    rel: &str,
    bytes: &[u8],
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
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    if let Some(mtime) = old.and_then(|old| old.metadata().and_then(|m| m.modified()).ok()) {
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(mtime))
            .with_context(|| format!("keeping the modification time of {}", path.display()))?;
    }
    Ok(())
}

/// [`publish`], ticking `observer` once per file written.
pub fn publish_observed(
    out: &Path,
    files: &[OutputFile],
    observer: &dyn crate::stages::Observer,
) -> Result<()> {
    let staging = Staging::begin(out)?;
    staging.write(files, observer)?;
    staging.commit()
}

/// A new site being written into a temporary folder beside the output folder. Nothing is visible
/// in the output folder until [`Staging::commit`] swaps the whole new site in; dropped without a
/// commit (an error on the way), the temporary folder is removed and the previous site stays.
/// Writing in several calls lets a build free what it has written before building the rest.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    /// The previous commission site, compared with so unchanged files keep their inode and mtime.
    previous: Option<PathBuf>,
    committed: bool,
}

impl Staging {
    /// Starts a new site for `out`, which must have passed `check_output_dir`: recovers from an
    /// interrupted earlier build and creates the temporary folder.
    pub fn begin(out: &Path) -> Result<Staging> {
        recover(out)?;
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let tmp = sibling(out, &format!("tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        // Only a previous commission site is compared with; anything else is replaced as before.
        let previous = out.join(MARKER).is_file().then(|| out.to_path_buf());
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            previous,
            committed: false,
        })
    }

    /// Writes `files` into the new site, in parallel, ticking `observer` once per file. Files
    /// whose bytes equal the previous build's keep their modification time (see `write_file`).
    pub fn write(
        &self,
        files: &[OutputFile],
        observer: &dyn crate::stages::Observer,
    ) -> Result<()> {
        let items: Vec<(&str, &[u8])> = files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes.as_slice()))
            .collect();
        self.write_items(&items, observer)
    }

    /// [`Staging::write`] for files whose bytes are held elsewhere: (path, bytes) pairs.
    pub fn write_items(
        &self,
        files: &[(&str, &[u8])],
        observer: &dyn crate::stages::Observer,
    ) -> Result<()> {
        self.write_compared(files, observer, Compare::Bytes)
    }

    /// [`Staging::write_items`] for files the caller knows hold the bytes it published last time
    /// (a render cache's pages): each is a hard link to the previous file of the same length,
    /// which is not read again.
    pub fn write_unchanged(&self, files: &[(&str, &[u8])]) -> Result<()> {
        self.write_compared(files, &crate::stages::Silent, Compare::Length)
    }

    fn write_compared(
        &self,
        files: &[(&str, &[u8])],
        observer: &dyn crate::stages::Observer,
        compare: Compare,
    ) -> Result<()> {
        use rayon::prelude::*;
        self.make_dirs(files.iter().map(|(path, _)| *path))?;
        let previous = self.previous.as_deref();
        files
            .par_iter()
            .try_for_each(|(path, bytes)| -> Result<()> {
                write_file(&self.tmp, previous, path, bytes, compare)?;
                observer.tick(1);
                Ok(())
            })
    }

    /// Marks the new site as commission's and swaps it in for the output folder.
    pub fn commit(self) -> Result<()> {
        let aside = self.swap_in()?;
        remove_site(&aside)
    }

    /// [`Staging::commit`], leaving the previous site's removal to the caller (a server removes
    /// it in the background): it is renamed to a trash folder beside the output, whose path is
    /// returned for [`remove_site`]. A trash folder left by a process that died is removed by
    /// the next build.
    pub fn commit_aside(self) -> Result<PathBuf> {
        let out = self.out.clone();
        let aside = self.swap_in()?;
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let trash = sibling(&out, &format!("trash-{}-{n}", std::process::id()));
        match std::fs::rename(&aside, &trash) {
            Ok(()) => Ok(trash),
            Err(_) => remove_site(&aside).map(|()| aside),
        }
    }

    /// Writes the marker and swaps the new site in; returns where the previous site now is.
    fn swap_in(mut self) -> Result<PathBuf> {
        write_file(
            &self.tmp,
            self.previous.as_deref(),
            MARKER,
            MARKER_TEXT,
            Compare::Bytes,
        )?;
        // From here the temporary folder is the site being published (or, after the exchange,
        // the previous one): `swap` and the next build's `recover` own it.
        self.committed = true;
        swap(&self.tmp, &self.out)
    }

    /// Refuses any path that could leave the new site, and creates the folders of the others.
    fn make_dirs<'p>(&self, paths: impl Iterator<Item = &'p str>) -> Result<()> {
        let mut dirs = std::collections::BTreeSet::new();
        for path in paths {
            if path
                .split('/')
                .any(|seg| seg == ".." || seg.is_empty() && !path.is_empty())
                || path.starts_with('/')
            {
                bail!("internal error: unsafe output path {path}");
            }
            if let Some((dir, _)) = path.rsplit_once('/') {
                dirs.insert(dir);
            }
        }
        for dir in dirs {
            let dir = self.tmp.join(dir);
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        Ok(())
    }
}

/// Removes a previous site that a commit put aside (nothing when it is already gone).
pub fn remove_site(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing the previous site at {}", path.display()))
        }
        _ => Ok(()),
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Puts the finished new site at `tmp` in place of `out`; returns where the previous site now is
/// (for the caller to remove).
fn swap(tmp: &Path, out: &Path) -> Result<PathBuf> {
    if out.exists() && exchange(tmp, out).is_ok() {
        // `out` now holds the new site and `tmp` the previous one; a kill from here on leaves a
        // whole new site, and the next build's `recover` removes the leftover.
        return Ok(tmp.to_path_buf());
    }
    let old = sibling(out, &format!("old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old)
            .with_context(|| format!("moving the previous site aside from {}", out.display()))?;
    }
    if let Err(e) = std::fs::rename(tmp, out) {
        if old.exists() {
            let _ = std::fs::rename(&old, out);
        }
        return Err(e).with_context(|| format!("moving the new site into {}", out.display()));
    }
    Ok(old)
}

/// Swaps two folders in one atomic step (Linux `renameat2` with `RENAME_EXCHANGE`), so there is
/// no moment at which the output folder is missing or half-written. Fails where the kernel or the
/// file system cannot; the caller then falls back to two renames and `recover`.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let path = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (path(a)?, path(b)?);
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &[u8]) -> OutputFile {
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
        std::fs::create_dir_all(dir.path().join(".site.commission-tmp-999")).unwrap();
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
        assert!(!dir.path().join(".site.commission-tmp-999").exists());
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
        let staging = Staging::begin(&out).unwrap();
        // Known unchanged: linked from the previous site, not rewritten.
        staging
            .write_unchanged(&[("p/index.html", b"old".as_slice())])
            .unwrap();
        staging
            .write(&[file("new.txt", b"new")], &crate::stages::Silent)
            .unwrap();
        let aside = staging.commit_aside().unwrap();
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
        std::fs::create_dir_all(dir.path().join(".site.commission-old-7")).unwrap();
        std::fs::write(dir.path().join(".site.commission-old-7/index.html"), b"old").unwrap();
        recover(&out).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"old");
    }
}
