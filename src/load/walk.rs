//! The walk over an input folder: every entry is a regular file that is read, a hidden or lock
//! file that is skipped, or a diagnostic naming its path — a folder that cannot be listed, a
//! symbolic link, a FIFO, socket or device. Nothing is skipped in silence, and no special file is
//! ever opened (its type is checked first, so a FIFO cannot block the build).

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use std::fs::FileType;
use std::path::{Path, PathBuf};

/// A regular file found in an input folder: its path, and the path shown in diagnostics.
pub type Found = (PathBuf, String);

/// What a folder entry is, judged without following it.
fn kind(t: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Hidden files (`.DS_Store`) and Office lock files (`~$register.xlsx`) are not inputs.
fn ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("~$")
}

/// The regular files directly in `root/dir`, sorted by name. A missing folder holds nothing; a
/// folder that cannot be listed, an entry that cannot be read, a symbolic link and any special
/// file is an error naming its path. Subfolders are left to their own walk (`contracts/kpis`) and
/// otherwise named in a warning.
pub fn files_in(
    root: &Path,
    dir: &str,
    subfolders: &[&str],
    diags: &mut Diagnostics,
) -> Vec<Found> {
    let path = root.join(dir);
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diags.push(
                Diagnostic::error(dir, Location::File, format!("cannot read the folder: {e}"))
                    .hint("give the user running commission permission to read it"),
            );
            return Vec::new();
        }
    };
    if !meta.is_dir() {
        diags.push(
            Diagnostic::error(dir, Location::File, "is not a folder").hint(format!(
                "{dir} must be a folder of input files; move the file into it"
            )),
        );
        return Vec::new();
    }
    let entries = match std::fs::read_dir(&path) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(
                Diagnostic::error(dir, Location::File, format!("cannot read the folder: {e}"))
                    .hint("give the user running commission permission to read and list it"),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    dir,
                    Location::File,
                    format!("cannot read an entry of the folder: {e}"),
                ));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().to_string();
        if ignored(&name) {
            continue;
        }
        let rel = format!("{dir}/{name}");
        match entry.file_type() {
            Ok(t) if t.is_file() => out.push((entry.path(), rel)),
            Ok(t) if t.is_dir() => {
                if !subfolders.contains(&name.as_str()) {
                    diags.push(
                        Diagnostic::warning(&rel, Location::File, "folder not read")
                            .hint(format!("commission reads the files directly in {dir}/; move them up a level")),
                    );
                }
            }
            Ok(t) => diags.push(
                Diagnostic::error(&rel, Location::File, format!("input is {}, not a regular file", kind(&t)))
                    .hint(if t.is_symlink() {
                        "links are not followed, so a project cannot publish files from outside it; copy the file into the folder"
                    } else {
                        "replace it with the file itself"
                    }),
            ),
            Err(e) => diags.push(Diagnostic::error(
                &rel,
                Location::File,
                format!("cannot read the file's type: {e}"),
            )),
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The file's extension, lowercased (`""` when it has none).
pub fn extension(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn symlinks_and_fifos_are_errors_with_their_path_and_hidden_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let needs = dir.path().join("needs");
        std::fs::create_dir(&needs).unwrap();
        std::fs::write(needs.join("a.csv"), "x\n1\n").unwrap();
        std::fs::write(needs.join(".DS_Store"), "").unwrap();
        std::fs::write(needs.join("~$b.xlsx"), "").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", needs.join("link.csv")).unwrap();
        let fifo = std::ffi::CString::new(needs.join("pipe.csv").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let mut d = Diagnostics::new();
        let found = files_in(dir.path(), "needs", &[], &mut d);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "needs/a.csv");
        let text: Vec<String> = d.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            text,
            vec![
                "error: needs/link.csv: input is a symbolic link, not a regular file\n  = hint: links are not followed, so a project cannot publish files from outside it; copy the file into the folder",
                "error: needs/pipe.csv: input is a FIFO (named pipe), not a regular file\n  = hint: replace it with the file itself",
            ]
        );
    }

    #[test]
    fn a_file_where_a_folder_belongs_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("grants"), "").unwrap();
        let mut d = Diagnostics::new();
        assert!(files_in(dir.path(), "grants", &[], &mut d).is_empty());
        assert_eq!(
            d.sorted()[0].to_string(),
            "error: grants: is not a folder\n  = hint: grants must be a folder of input files; move the file into it"
        );
    }
}
