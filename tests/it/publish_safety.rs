//! Publishing is safe: a failed build leaves the previous site byte-identical, dangerous output
//! folders are refused, output is reproducible, and `commission init` starts a project that
//! builds.

use crate::common;

use common::{all_files, fixture, sample};
use std::path::Path;
use std::process::{Command, Output};

fn commission(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_commission"))
        .args(args)
        .output()
        .expect("run commission")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Copies a fixture project into `to`, so a test that might write into it cannot harm the
/// repository.
fn copy_project(from: &Path, to: &Path) {
    for (rel, bytes) in all_files(from) {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn failed_build_leaves_the_previous_site_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    common::build_ok(&fixture("small"), &out);
    let before = all_files(&out);
    assert_eq!(before.len(), 88, "files of the small site");

    let bad = common::manifest().join("tests/inputs/123-zero-price");
    let result = commission(&[
        "build".as_ref(),
        bad.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    assert_eq!(
        stderr(&result),
        "error: procurement/bids.csv:2: column \"price\": price must be greater than zero: \"0\"\n\
         not built: 1 error(s), 0 warning(s); the previous site, if any, is unchanged\n"
    );
    assert!(all_files(&out) == before, "the previous site changed");
    // No temporary or set-aside folders are left beside it, only the output's lock file.
    let mut siblings: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    siblings.sort();
    assert_eq!(siblings, [".site.commission-lock", "site"]);
}

/// Runs `commission build PROJECT -o OUTPUT` and checks it is refused with exit code 2 and
/// exactly `message` on stderr.
fn assert_refused(project: &Path, output: &Path, message: &str) {
    let result = commission(&[
        "build".as_ref(),
        project.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
    ]);
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert_eq!(stderr(&result), format!("{message}\n"));
}

#[test]
fn dangerous_output_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().canonicalize().unwrap();
    let project = parent.join("project");
    copy_project(&fixture("small"), &project);
    let before = all_files(&project);

    assert_refused(
        &project,
        &project,
        &format!(
            "error: refusing to write the site to {}: it is the project folder",
            project.display()
        ),
    );
    assert_refused(
        &project,
        &parent,
        &format!(
            "error: refusing to write the site to {}: it contains the project folder",
            parent.display()
        ),
    );
    assert_refused(
        &project,
        Path::new("/"),
        "error: refusing to write the site to /: it is the root folder",
    );
    // A relative path that normalises to the project folder is refused too.
    let sneaky = project.join("public/..");
    assert_refused(
        &project,
        &sneaky,
        &format!(
            "error: refusing to write the site to {}: it is the project folder",
            project.display()
        ),
    );
    assert!(all_files(&project) == before, "the project folder changed");
}

#[test]
fn a_folder_not_written_by_commission_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().canonicalize().unwrap().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("thesis.docx"), b"years of work").unwrap();
    assert_refused(
        &fixture("small"),
        &docs,
        &format!(
            "error: refusing to replace {}: it is not empty and was not written by commission \
             (no .commission-site file); choose another --output or empty it first",
            docs.display()
        ),
    );
    assert_eq!(
        std::fs::read(docs.join("thesis.docx")).unwrap(),
        b"years of work"
    );
}

#[test]
fn two_builds_of_the_sample_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    common::build_ok(&sample(), &a);
    common::build_ok(&sample(), &b);
    let (fa, fb) = (all_files(&a), all_files(&b));
    let names_a: Vec<&String> = fa.keys().collect();
    let names_b: Vec<&String> = fb.keys().collect();
    assert_eq!(names_a, names_b, "the two builds hold different files");
    let differ: Vec<&String> = fa.keys().filter(|k| fa[*k] != fb[*k]).collect();
    assert!(differ.is_empty(), "files differ between builds: {differ:?}");
}

#[test]
fn init_empty_writes_every_input_folder_and_says_it_wrote_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("own-council");
    let result = commission(&["init".as_ref(), "--empty".as_ref(), project.as_os_str()]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert_eq!(
        stderr(&result),
        format!(
            "wrote 1 file to {}; build it with: {} build {}\n",
            project.display(),
            env!("CARGO_BIN_EXE_commission"),
            project.display()
        )
    );
    // Every folder of FORMATS.md section 1, so a boundary file has its place too.
    let mut folders: Vec<String> = walkdir::WalkDir::new(&project)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(&project)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    folders.sort();
    assert_eq!(
        folders,
        [
            "contracts",
            "contracts/kpis",
            "engagement",
            "grants",
            "maps",
            "needs",
            "pages",
            "procurement",
            "specifications"
        ]
    );
}

#[test]
fn init_writes_a_project_that_builds_and_refuses_a_non_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("new-council");
    let result = commission(&["init".as_ref(), project.as_os_str()]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(project.join("commission.toml").is_file());
    // The closing hint names the command as it was run, so it works as printed.
    assert!(
        stderr(&result).ends_with(&format!(
            "; build it with: {} build {}\n",
            env!("CARGO_BIN_EXE_commission"),
            project.display()
        )),
        "{}",
        stderr(&result)
    );
    // The project is the sample council, file for file.
    let written = all_files(&project);
    let shipped: Vec<String> = all_files(&sample())
        .into_keys()
        .filter(|k| !k.starts_with("public/") && !k.starts_with('.'))
        .collect();
    assert_eq!(written.keys().cloned().collect::<Vec<_>>(), shipped);

    let out = dir.path().join("site");
    let built = commission(&[
        "build".as_ref(),
        project.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(out.join("index.html").is_file());

    let again = commission(&["init".as_ref(), project.as_os_str()]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again),
        format!(
            "error: {} is not empty; choose a new folder for the project\n",
            project.display()
        )
    );
    assert!(
        all_files(&project) == written,
        "init changed a non-empty folder"
    );
}
