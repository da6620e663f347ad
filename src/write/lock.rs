//! The output folder's lock: an advisory file lock beside the output, held by one build from its
//! start to its swap, so two builds into the same folder never interleave; and whether the
//! process that named a leftover folder is still running.

use anyhow::{bail, Context, Result};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// An exclusive lock on one output folder, released when dropped (or when its process dies: the
/// kernel drops an advisory lock with its last open file).
#[derive(Debug)]
pub(super) struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// Takes the lock for `out` in the file `path` (waiting up to a second), or refuses with the
    /// process holding it.
    pub(super) fn acquire(path: &Path, out: &Path) -> Result<OutputLock> {
        let mut file = std::fs::File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("creating the lock file {}", path.display()))?;
        // A lock can outlive its build for a moment (a child process forked while it was held
        // keeps it until it execs), so a held lock is tried again for a second before refusing.
        let mut tries = 0;
        let locked = loop {
            match try_lock(&file) {
                Ok(false) if tries < 20 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other,
            }
        };
        match locked {
            Ok(true) => {}
            Ok(false) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let by = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (process {holder})")
                };
                bail!(
                    "another commission build is writing to {}{by}; wait for it to finish, or build into another --output",
                    out.display()
                );
            }
            Err(e) => return Err(e).with_context(|| format!("locking {}", path.display())),
        }
        // Who holds it, for the message a second build prints.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(OutputLock { _file: file })
    }
}

/// Takes an exclusive advisory lock (`flock`) without waiting: false when another open file
/// holds it.
#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: the descriptor is open for as long as `file` lives.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

/// Where `flock` is not available the lock file is only a record of the last build.
#[cfg(not(unix))]
fn try_lock(_: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

/// True while the process `pid` runs (another user's process included). A leftover folder named
/// by a process that is gone belongs to no one and may be removed.
#[cfg(unix)]
pub(super) fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Without a way to ask, only this process counts as running: the output lock already keeps
/// every other build out while a build recovers leftovers.
#[cfg(not(unix))]
pub fn process_alive(pid: u32) -> bool {
    pid == std::process::id()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_output_is_refused_with_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".site.commission-lock");
        let out = dir.path().join("site");
        let first = OutputLock::acquire(&path, &out).unwrap();
        let second = OutputLock::acquire(&path, &out).unwrap_err().to_string();
        assert_eq!(
            second,
            format!(
                "another commission build is writing to {} (process {}); wait for it to finish, or build into another --output",
                out.display(),
                std::process::id()
            )
        );
        drop(first);
        OutputLock::acquire(&path, &out).unwrap();
    }

    #[test]
    fn this_process_is_alive_and_an_impossible_one_is_not() {
        assert!(process_alive(std::process::id()));
        assert!(!process_alive(0));
        assert!(!process_alive(u32::MAX));
    }
}
