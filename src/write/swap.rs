//! Putting a finished site in place of the output folder, and recovering what an interrupted
//! build left: one atomic exchange beside the output on Linux (two renames elsewhere), or, when
//! the output folder is a mount point that cannot be renamed, a swap of its contents.

use super::lock::process_alive;
use super::MARKER;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// An output folder and where the leftovers of its builds live: folders named
/// `.NAME.commission-TAG` beside it, or `.commission-TAG` inside it when it is a mount point (a
/// Docker volume, a web server's html folder), whose contents are swapped instead.
#[derive(Debug, Clone)]
pub(super) struct Place {
    pub out: PathBuf,
    pub mount: bool,
}

/// What a leftover folder was, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leftover {
    /// A new site being written, or after an exchange the previous site.
    Tmp,
    /// The previous site, moved aside by a swap.
    Old,
    /// A previous site a server put aside to remove in the background.
    Trash,
}

impl Place {
    pub(super) fn new(out: &Path) -> Place {
        Place {
            out: out.to_path_buf(),
            mount: is_mount_point(out),
        }
    }

    /// The prefix of every leftover's name, in the folder that holds leftovers.
    fn prefix(&self) -> String {
        if self.mount {
            ".commission-".to_string()
        } else {
            let name = self
                .out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "site".into());
            format!(".{name}.commission-")
        }
    }

    /// The folder that holds leftovers: the output's parent, or the output itself.
    fn holder(&self) -> Option<&Path> {
        if self.mount {
            Some(&self.out)
        } else {
            self.out.parent()
        }
    }

    /// The path of a leftover or lock named `TAG` (`tmp-PID`, `old-PID`, `trash-PID-N`, `lock`).
    pub(super) fn named(&self, tag: &str) -> PathBuf {
        let name = format!("{}{tag}", self.prefix());
        match self.holder() {
            Some(holder) => holder.join(name),
            None => PathBuf::from(name),
        }
    }

    /// The kind and owning process of a leftover named `file`.
    fn leftover(&self, file: &str) -> Option<(Leftover, u32)> {
        let rest = file.strip_prefix(&self.prefix())?;
        let (kind, rest) = [
            (Leftover::Tmp, "tmp-"),
            (Leftover::Old, "old-"),
            (Leftover::Trash, "trash-"),
        ]
        .into_iter()
        .find_map(|(kind, tag)| rest.strip_prefix(tag).map(|r| (kind, r)))?;
        let pid = rest.split('-').next()?.parse().ok()?;
        Some((kind, pid))
    }
}

/// True when `name` is one of the leftovers or the lock a contents swap keeps inside the output.
fn internal(name: &str) -> bool {
    ["tmp-", "old-", "trash-", "lock"]
        .iter()
        .any(|tag| name.starts_with(&format!(".commission-{tag}")))
}

/// True when `out` is a mount point: on another device than its parent, or listed in the
/// process's mount table (a bind mount of a folder on the same device).
fn is_mount_point(out: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return false;
    };
    if !meta.is_dir() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Some(parent) = out.parent().and_then(|p| std::fs::metadata(p).ok()) {
            if parent.dev() != meta.dev() {
                return true;
            }
        }
    }
    #[cfg(target_os = "linux")]
    if let Ok(table) = std::fs::read_to_string("/proc/self/mountinfo") {
        return table
            .lines()
            .filter_map(|line| line.split(' ').nth(4))
            .any(|point| Path::new(&unescape_mount_point(point)) == out);
    }
    false
}

/// The kernel writes a space, tab, newline and backslash in a mount point as `\040`, `\011`,
/// `\012` and `\134`.
fn unescape_mount_point(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match octal {
            Some(d) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Removes a leftover folder; a failure is a warning (the published site is whole either way).
fn remove_leftover(path: &Path, warnings: &mut Vec<String>) {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => warnings.push(format!(
            "could not remove {}, left by an earlier build: {e}; the site is whole, and the next build tries again",
            path.display()
        )),
        _ => {}
    }
}

/// A leftover's tag unique to this process and call: `KIND-PID-N`.
pub(super) fn unique(kind: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{kind}-{}-{n}", std::process::id())
}

/// Removes the leftovers of interrupted earlier builds whose process is gone (a live build's are
/// its own), restoring a site a killed swap left aside. Returns a warning for each leftover that
/// could not be removed; fails only when a previous site could not be restored.
pub(super) fn recover(place: &Place) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    let own = std::process::id();
    let Some(holder) = place.holder().filter(|h| h.is_dir()) else {
        return Ok(warnings);
    };
    let mut found: Vec<(Leftover, u32, PathBuf)> = std::fs::read_dir(holder)
        .with_context(|| format!("reading {}", holder.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (kind, pid) = place.leftover(&name)?;
            Some((kind, pid, e.path()))
        })
        // Another live process's leftovers are its own; this process's trash is being removed
        // by one of its threads.
        .filter(|(kind, pid, _)| *pid == own && *kind != Leftover::Trash || !process_alive(*pid))
        .collect();
    found.sort_by(|a, b| a.2.cmp(&b.2));
    if place.mount {
        recover_contents(place, &found, &mut warnings)?;
        return Ok(warnings);
    }
    for (kind, _, path) in found {
        match kind {
            Leftover::Old if !place.out.exists() => std::fs::rename(&path, &place.out)
                .with_context(|| format!("restoring the previous site from {}", path.display()))?,
            Leftover::Old | Leftover::Trash => remove_leftover(&path, &mut warnings),
            Leftover::Tmp => remove_leftover(&path, &mut warnings),
        }
    }
    Ok(warnings)
}

/// [`recover`] inside a mount point: a contents swap killed half-way is rolled back (the previous
/// site's entries had not all left) or forward (the new site's had started to arrive), telling
/// which by where each site's marker is, since each site's marker moves last.
fn recover_contents(
    place: &Place,
    found: &[(Leftover, u32, PathBuf)],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let out = &place.out;
    for (kind, _, path) in found {
        match kind {
            Leftover::Old => {
                let tmp = place.named(&format!("tmp-{}", tag_of(path, "old-")));
                let new_waiting = tmp.join(MARKER).exists();
                if new_waiting && !path.join(MARKER).exists() {
                    move_entries(path, out)?;
                } else if new_waiting {
                    move_entries(&tmp, out)?;
                }
                remove_leftover(&tmp, warnings);
                remove_leftover(path, warnings);
            }
            Leftover::Trash => remove_leftover(path, warnings),
            // With its previous site aside, a new site is handled with it above.
            Leftover::Tmp
                if !place
                    .named(&format!("old-{}", tag_of(path, "tmp-")))
                    .exists() =>
            {
                remove_leftover(path, warnings)
            }
            Leftover::Tmp => {}
        }
    }
    Ok(())
}

/// The `PID-N` part of a leftover's name after `kind` (`old-`, `tmp-`).
fn tag_of(path: &Path, kind: &str) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split_once(kind)
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_default()
}

/// Moves every entry of `from` (but the leftovers and the lock) into `to`, the marker last.
fn move_entries(from: &Path, to: &Path) -> Result<()> {
    let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(from)
        .with_context(|| format!("reading {}", from.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .filter(|n| !internal(&n.to_string_lossy()))
        .collect();
    names.sort_by_key(|n| (n == MARKER, n.clone()));
    for name in names {
        std::fs::rename(from.join(&name), to.join(&name)).with_context(|| {
            format!(
                "moving {} into {}",
                from.join(&name).display(),
                to.display()
            )
        })?;
    }
    Ok(())
}

/// Puts the finished new site at `tmp` in place of the output; returns where the previous site
/// now is (for the caller to remove). On failure the new site is removed and the previous one
/// is where it was.
pub(super) fn swap(place: &Place, tmp: &Path) -> Result<PathBuf> {
    let out = &place.out;
    let old = place.named(&unique("old"));
    if place.mount {
        std::fs::create_dir(&old).with_context(|| format!("creating {}", old.display()))?;
        // The previous site's entries leave, then the new site's arrive, each marker last: a
        // kill part-way is rolled back or forward by the next build's `recover`.
        if let Err(e) = move_entries(out, &old) {
            move_entries(&old, out)?;
            let _ = std::fs::remove_dir_all(&old);
            let _ = std::fs::remove_dir_all(tmp);
            return Err(e);
        }
        move_entries(tmp, out)?;
        let _ = std::fs::remove_dir(tmp);
        return Ok(old);
    }
    if out.exists() && exchange(tmp, out).is_ok() {
        // `out` now holds the new site and `tmp` the previous one; a kill from here on leaves a
        // whole new site, and the next build's `recover` removes the leftover.
        return Ok(tmp.to_path_buf());
    }
    if out.exists() {
        if let Err(e) = std::fs::rename(out, &old) {
            let _ = std::fs::remove_dir_all(tmp);
            return Err(e)
                .with_context(|| format!("moving the previous site aside from {}", out.display()));
        }
    }
    if let Err(e) = std::fs::rename(tmp, out) {
        if old.exists() {
            let _ = std::fs::rename(&old, out);
        }
        let _ = std::fs::remove_dir_all(tmp);
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

    #[test]
    fn mount_points_are_unescaped_as_the_kernel_writes_them() {
        assert_eq!(unescape_mount_point("/srv/my\\040site"), "/srv/my site");
        assert_eq!(unescape_mount_point("/a\\134b"), "/a\\b");
        assert_eq!(unescape_mount_point("/plain\\9"), "/plain\\9");
    }

    #[test]
    fn leftovers_are_known_by_kind_and_process() {
        let place = Place {
            out: PathBuf::from("/x/site"),
            mount: false,
        };
        assert_eq!(
            place.leftover(".site.commission-tmp-42"),
            Some((Leftover::Tmp, 42))
        );
        assert_eq!(
            place.leftover(".site.commission-trash-42-3"),
            Some((Leftover::Trash, 42))
        );
        assert_eq!(place.leftover(".site.commission-lock"), None);
        assert_eq!(place.leftover(".other.commission-tmp-42"), None);
        let inside = Place {
            out: PathBuf::from("/x/site"),
            mount: true,
        };
        assert_eq!(
            inside.named("old-7"),
            PathBuf::from("/x/site/.commission-old-7")
        );
        assert!(internal(".commission-lock") && !internal(MARKER));
    }
}
