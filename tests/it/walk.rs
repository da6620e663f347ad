//! The input walk (issue 17 item 2): every input it cannot read is an error naming its path, and a
//! special file is never opened. Tests run as root in CI, where mode 000 does not stop reading, so
//! the unreadable-folder case runs `commission check` as `nobody` when it can.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chmod(path: &std::path::Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_unreadable_input_folder_is_an_error_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o755);
    let project = dir.path().join("project");
    commission::init::init_empty(&project).unwrap();
    chmod(&project.join("commission.toml"), 0o644);
    chmod(&project.join("needs"), 0o000);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_commission"));
    cmd.arg("check").arg(&project);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // Root reads a mode-000 folder anyway: check as nobody, as a CI checkout owned by another
        // user would be read.
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("run commission check");
    chmod(&project.join("needs"), 0o755);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: needs: cannot read the folder: Permission denied (os error 13)\n  = hint: give the user running commission permission to read and list it"),
        "{stderr}"
    );
}

#[test]
fn a_fifo_named_commission_toml_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let toml =
        std::ffi::CString::new(dir.path().join("commission.toml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(toml.as_ptr(), 0o644) }, 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_commission"))
        .arg("check")
        .arg(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("commission check blocked on a FIFO commission.toml");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: commission.toml: commission.toml is not a regular file"),
        "{stderr}"
    );
}

#[test]
fn a_symlink_and_a_fifo_in_an_input_folder_are_errors_not_silence() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    commission::init::init_empty(&project).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", project.join("contracts/register.csv")).unwrap();
    let fifo = std::ffi::CString::new(project.join("grants/grants.csv").to_str().unwrap()).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::fs::write(project.join("needs/notes.docx"), b"PK").unwrap();
    let (_, diags) = commission::build::check(&project);
    let text: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        text,
        vec![
            "error: contracts/register.csv: input is a symbolic link, not a regular file\n  = hint: links are not followed, so a project cannot publish files from outside it; copy the file into the folder",
            "error: grants/grants.csv: input is a FIFO (named pipe), not a regular file\n  = hint: replace it with the file itself",
            "warning: needs/notes.docx: file not used\n  = hint: commission reads .csv, .xlsx, .xlsm, .xls, .ods files in needs/",
        ]
    );
}
