//! Streamed files written against the previous site's copy: bytes that match it are compared and
//! not written, the file is written only from its first difference, and an unchanged file ends as
//! a hard link to the old one.
//!
//! A site rebuilt over its last build publishes the same data tables, hundreds of megabytes at
//! national scale. Writing them whole and then reading both copies back to compare them cost the
//! kernel three copies of every byte and the new file's pages; read against the old file as they
//! are made, an unchanged table costs one read, and a changed one is written as before.

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// How much of the old file is read at a time to compare (the writer's buffer hands over as
/// much).
const CHUNK: usize = 256 * 1024;

/// Writes the file `path` with what `write` writes to it. `old` is the previous site's file at the
/// same place, when there is one: followed only when it is a regular file (never a link). When the
/// bytes are the old file's, `path` becomes a hard link to it (its inode and modification time
/// kept, so deploys and browsers see it unchanged); where the filesystem cannot link, the file is
/// written and given the old mtime.
pub(super) fn write_against(
    path: &Path,
    old: Option<PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let writing = || format!("writing {}", path.display());
    let old = old
        .filter(|old| std::fs::symlink_metadata(old).is_ok_and(|m| m.is_file()))
        .and_then(|old| Some((File::open(&old).ok()?, old)));
    let sink = match old {
        Some((file, old)) => Against {
            path: path.to_path_buf(),
            state: State::Matching {
                old,
                file,
                matched: 0,
                scratch: Vec::new(),
            },
        },
        None => Against {
            path: path.to_path_buf(),
            state: State::Writing(File::create(path).with_context(writing)?),
        },
    };
    let mut out = std::io::BufWriter::with_capacity(CHUNK, sink);
    write(&mut out).with_context(writing)?;
    out.into_inner()
        .map_err(|e| e.into_error())
        .with_context(writing)?
        .finish()
}

/// The writer under the buffer: compares while the bytes match, writes once they differ.
struct Against {
    path: PathBuf,
    state: State,
}

enum State {
    /// Every byte so far is the old file's; `file` is read on from `matched`.
    Matching {
        old: PathBuf,
        file: File,
        matched: u64,
        scratch: Vec<u8>,
    },
    /// The bytes differ from the old file's (or there is none): they are written to the new file.
    Writing(File),
}

impl Against {
    /// Ends the file: an old file with no bytes past those matched is linked in its place.
    fn finish(self) -> Result<()> {
        let writing = || format!("writing {}", self.path.display());
        let State::Matching {
            old,
            mut file,
            matched,
            ..
        } = self.state
        else {
            return Ok(());
        };
        let ended = file.read(&mut [0u8; 1]).is_ok_and(|n| n == 0);
        if ended && std::fs::hard_link(&old, &self.path).is_ok() {
            return Ok(());
        }
        made_from(&self.path, &old, matched).with_context(writing)?;
        if ended {
            // Where the filesystem cannot link, the copy keeps the old file's mtime.
            super::keep_mtime(&self.path, Some(&old))?;
        }
        Ok(())
    }
}

/// The new file `path`, made when its bytes part from the old file's after the first `matched`:
/// those bytes are copied from the old file (by the kernel), and the rest is written on from there.
fn made_from(path: &Path, old: &Path, matched: u64) -> std::io::Result<File> {
    let mut new = File::create(path)?;
    let copied = std::io::copy(&mut File::open(old)?.take(matched), &mut new)?;
    if copied != matched {
        return Err(std::io::Error::other(format!(
            "{} changed while it was compared",
            old.display()
        )));
    }
    Ok(new)
}

impl Write for Against {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        if let State::Matching {
            old,
            file,
            matched,
            scratch,
        } = &mut self.state
        {
            while !rest.is_empty() {
                let n = rest.len().min(CHUNK);
                scratch.resize(n, 0);
                // A short or failed read is a difference: the new file is written from here.
                if file.read_exact(scratch).is_err() || scratch[..] != rest[..n] {
                    break;
                }
                *matched += n as u64;
                rest = &rest[n..];
            }
            if rest.is_empty() {
                return Ok(buf.len());
            }
            let new = made_from(&self.path, old, *matched)?;
            self.state = State::Writing(new);
        }
        if let State::Writing(file) = &mut self.state {
            file.write_all(rest)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.state {
            State::Writing(file) => file.flush(),
            State::Matching { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    /// Writes `bytes` at `dir/new` against `old`, a few bytes at a time and in one large write.
    fn write_twice_over(dir: &Path, old: Option<&Path>, bytes: &[u8]) -> [std::fs::Metadata; 2] {
        [7usize, bytes.len().max(1)].map(|piece| {
            let path = dir.join("new");
            let _ = std::fs::remove_file(&path);
            write_against(&path, old.map(Path::to_path_buf), |out| {
                for part in bytes.chunks(piece) {
                    out.write_all(part)?;
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), bytes, "piece {piece}");
            std::fs::symlink_metadata(&path).unwrap()
        })
    }

    fn big(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn an_unchanged_file_is_linked_to_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        let bytes = big(3 * CHUNK + 11);
        std::fs::write(&old, &bytes).unwrap();
        let old_ino = std::fs::metadata(&old).unwrap().ino();
        for meta in write_twice_over(dir.path(), Some(&old), &bytes) {
            assert_eq!(meta.ino(), old_ino);
        }
        // An empty file too.
        std::fs::write(&old, b"").unwrap();
        for meta in write_twice_over(dir.path(), Some(&old), b"") {
            assert_eq!(meta.ino(), std::fs::metadata(&old).unwrap().ino());
        }
    }

    #[test]
    fn a_changed_file_is_written_whole_and_the_old_one_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        let before = big(3 * CHUNK + 11);
        std::fs::write(&old, &before).unwrap();
        let old_ino = std::fs::metadata(&old).unwrap().ino();
        let mut in_second_chunk = before.clone();
        in_second_chunk[CHUNK + 5] ^= 1;
        let mut first_byte = before.clone();
        first_byte[0] ^= 1;
        let cases = [
            ("a byte in the second chunk", in_second_chunk),
            ("the first byte", first_byte),
            ("shorter", before[..2 * CHUNK].to_vec()),
            ("longer", [&before[..], b"more"].concat()),
            ("empty", Vec::new()),
        ];
        for (case, bytes) in cases {
            for meta in write_twice_over(dir.path(), Some(&old), &bytes) {
                assert_ne!(meta.ino(), old_ino, "{case}");
                assert_eq!(meta.nlink(), 1, "{case}");
            }
            assert_eq!(std::fs::read(&old).unwrap(), before, "{case}");
        }
    }

    #[test]
    fn without_an_old_file_or_with_a_link_in_its_place_the_file_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = big(CHUNK + 1);
        write_twice_over(dir.path(), None, &bytes);
        write_twice_over(dir.path(), Some(&dir.path().join("missing")), &bytes);
        // A link in the previous site is not followed, even to the same bytes.
        let outside = dir.path().join("outside");
        std::fs::write(&outside, &bytes).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        for meta in write_twice_over(dir.path(), Some(&link), &bytes) {
            assert!(meta.is_file());
            assert_ne!(meta.ino(), std::fs::metadata(&outside).unwrap().ino());
        }
    }
}
