//! Issue 17, round two of hardening: one build at a time per output folder, no URL but http(s)
//! (and mailto links), templates that cannot read the environment or recurse for ever, theme
//! folders that cannot reach outside the project, special files that cannot block, and exit
//! codes as the README documents them (1: the project has errors; 2: the command could not run).

use crate::common::{copy_tree, fixture};
use commission::build::{build, check, BuildOptions};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn commission(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_commission"))
        .args(args)
        .output()
        .expect("run commission")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The small fixture council in a temporary folder, with `files` added or replaced.
fn project_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture("small"), dir.path());
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

fn listed(project: &Path) -> Vec<String> {
    check(project)
        .1
        .sorted()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

/// `commission build PROJECT -o OUT`.
fn build_cli(project: &Path, out: &Path) -> Output {
    commission(&[
        "build".as_ref(),
        project.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
}

#[test]
fn a_second_build_into_an_output_being_written_is_refused() {
    let project = project_with(&[]);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    // Another build holds the output (here, this process, between its start and its swap).
    let other = commission::write::Staging::begin(&site).unwrap();
    let err = build(&BuildOptions {
        project: project.path().to_path_buf(),
        output: Some(site.clone()),
        base_url: None,
    })
    .expect_err("the output is locked");
    assert_eq!(
        format!("{err:#}"),
        format!(
            "another commission build is writing to {} (process {}); wait for it to finish, or build into another --output",
            site.display(),
            std::process::id()
        )
    );
    drop(other);
    let result = build_cli(project.path(), &site);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
}

#[test]
fn base_url_from_the_command_line_is_held_to_the_config_s_policy() {
    let project = project_with(&[]);
    let out = tempfile::tempdir().unwrap();
    let err = build(&BuildOptions {
        project: project.path().to_path_buf(),
        output: Some(out.path().join("site")),
        base_url: Some("javascript:alert(1)//".into()),
    })
    .expect_err("refused");
    assert_eq!(
        format!("{err:#}"),
        "--base-url \"javascript:alert(1)//\" is not an http(s) address: give the address the site will be published at, e.g. https://example.gov.uk/commissioning/"
    );
    let result = commission(&[
        "build".as_ref(),
        project.path().as_os_str(),
        "--base-url".as_ref(),
        "javascript:alert(1)//".as_ref(),
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).starts_with("error: invalid value 'javascript:alert(1)//' for '--base-url <BASE_URL>': \"javascript:alert(1)//\" is not an http(s) address"),
        "{}",
        stderr(&result)
    );
    assert!(!out.path().join("site").exists());
}

#[test]
fn licence_url_javascript_is_refused() {
    let project = project_with(&[]);
    let toml = std::fs::read_to_string(project.path().join("commission.toml")).unwrap();
    std::fs::write(
        project.path().join("commission.toml"),
        format!("licence_url = \"javascript:alert(1)\"\n{toml}"),
    )
    .unwrap();
    assert_eq!(
        listed(project.path()),
        ["error: commission.toml:1: licence_url is not an http(s) address: \"javascript:alert(1)\"\n  = hint: use a web address such as https://example.gov.uk/page"]
    );
}

#[test]
fn templates_cannot_read_the_environment() {
    let project = project_with(&[(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{{ get_env(name=\"PATH\") }}{% endblock content %}",
    )]);
    let errors = listed(project.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("error: templates/404.html: page /404.html: rendering 404.html: ")
            && errors[0]
                .contains("get_env is not available: templates cannot read the environment"),
        "{}",
        errors[0]
    );
    let out = tempfile::tempdir().unwrap();
    let result = build_cli(project.path(), &out.path().join("site"));
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(!out.path().join("site").exists());
}

#[test]
fn a_template_that_fails_on_a_page_fails_check_and_exits_1() {
    let project = project_with(&[(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{{ no_such_variable }}{% endblock content %}",
    )]);
    let errors = listed(project.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("error: templates/404.html: page /404.html: rendering 404.html: ")
            && errors[0].contains("404.html:1:48: Variable `no_such_variable` is not defined. Available variables: breadcrumbs, canonical, description, nav, page, root, section, site, title"),
        "{}",
        errors[0]
    );
    let out = tempfile::tempdir().unwrap();
    let result = build_cli(project.path(), &out.path().join("site"));
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(
        stderr(&result).ends_with(
            "not built: 1 error(s), 0 warning(s); the previous site, if any, is unchanged\n"
        ),
        "{}",
        stderr(&result)
    );
}

#[test]
fn recursive_includes_and_components_are_named_not_a_stack_overflow() {
    for (files, cycle) in [
        (
            vec![
                ("templates/404.html", "{% extends \"base.html\" %}{% block content %}{% include \"loop.html\" %}{% endblock content %}"),
                ("templates/loop.html", "<p>{% include \"loop.html\" %}</p>"),
            ],
            "loop.html → loop.html",
        ),
        (
            vec![
                ("templates/404.html", "{% extends \"base.html\" %}{% block content %}{% include \"a.html\" %}{% endblock content %}"),
                ("templates/a.html", "<p>{% include \"b.html\" %}</p>"),
                ("templates/b.html", "<p>{% include \"a.html\" %}</p>"),
            ],
            "a.html → b.html → a.html",
        ),
        (
            vec![
                ("templates/404.html", "{% extends \"a.html\" %}"),
                ("templates/a.html", "{% extends \"b.html\" %}"),
                ("templates/b.html", "{% extends \"a.html\" %}"),
            ],
            "a.html → b.html → a.html",
        ),
    ] {
        let project = project_with(&files);
        let errors = listed(project.path());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("error: templates: a template calls itself for ever (project overrides: ")
                && errors[0].ends_with(&format!("): {cycle}; an include or extends may not reach itself again")),
            "{}",
            errors[0]
        );
        let out = tempfile::tempdir().unwrap();
        let result = build_cli(project.path(), &out.path().join("site"));
        assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    }
    // A component that calls itself is stopped by tera 20 calls deep, reported for the first page,
    // in the site's order, whose template calls it (whichever thread reached it first).
    let project = project_with(&[(
        "templates/macros.html",
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/default/templates/macros.html"),
        )
        .unwrap()
        .replace(
            "{% if c %}",
            "{{<chart c={c} caption={caption}/>}}{% if c %}",
        ),
    )]);
    let errors = listed(project.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            == "error: templates/indicator.html: page /needs/indicators/10001/: rendering indicator.html: Maximum render recursion depth for components exceeded.",
        "{}",
        errors[0]
    );
    let out = tempfile::tempdir().unwrap();
    let result = build_cli(project.path(), &out.path().join("site"));
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
}

#[test]
fn theme_folders_follow_symlinks_only_inside_the_project() {
    let project = project_with(&[("assets-src/extra.css", "p{}")]);
    let root = project.path();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "CI secret").unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("static/leak")).unwrap();
    std::os::unix::fs::symlink(root.join("assets-src"), root.join("static/inside")).unwrap();
    std::os::unix::fs::symlink("/proc/self", root.join("templates")).unwrap();
    let errors = listed(root);
    assert_eq!(
        errors,
        [
            format!(
                "error: static/leak: symlink to a place outside the project; not read: \"{}\"\n  = hint: copy the files into the project folder; a symlink is followed only within it",
                outside.path().canonicalize().unwrap().display()
            ),
            format!(
                "error: templates: symlink to a place outside the project; not read: \"{}\"\n  = hint: copy the files into the project folder; a symlink is followed only within it",
                Path::new("/proc/self").canonicalize().unwrap().display()
            ),
        ]
    );
    std::fs::remove_file(root.join("templates")).unwrap();
    std::fs::remove_file(root.join("static/leak")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    crate::common::build_ok(root, &site);
    assert_eq!(
        std::fs::read_to_string(site.join("assets/inside/extra.css")).unwrap(),
        "p{}"
    );
}

/// Runs `check` on a project in a child process, failing if it does not finish in time.
fn check_finishes(project: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_commission"))
        .args(["check".as_ref(), project.as_os_str()])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("check blocked on a special file");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_fifo_named_commission_toml_or_in_static_does_not_block() {
    let project = project_with(&[]);
    std::fs::remove_file(project.path().join("commission.toml")).unwrap();
    mkfifo(&project.path().join("commission.toml"));
    let result = check_finishes(project.path());
    assert_eq!(result.status.code(), Some(1));
    assert!(
        stderr(&result).starts_with("error: commission.toml: commission.toml is not a regular file (a folder, FIFO, socket or device): "),
        "{}",
        stderr(&result)
    );

    let project = project_with(&[]);
    std::fs::create_dir_all(project.path().join("static")).unwrap();
    mkfifo(&project.path().join("static/pipe.css"));
    let result = check_finishes(project.path());
    assert_eq!(result.status.code(), Some(1));
    assert!(
        stderr(&result).starts_with("error: static/pipe.css: not a regular file; not read\n"),
        "{}",
        stderr(&result)
    );
}

#[test]
fn an_unreadable_commission_toml_is_not_reported_missing() {
    // Root reads a file at mode 000, so a folder stands in for a file that cannot be read.
    let project = project_with(&[]);
    std::fs::remove_file(project.path().join("commission.toml")).unwrap();
    std::fs::create_dir(project.path().join("commission.toml")).unwrap();
    let errors = listed(project.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("error: commission.toml: commission.toml is not a regular file"),
        "{}",
        errors[0]
    );
    std::fs::remove_dir(project.path().join("commission.toml")).unwrap();
    std::os::unix::fs::symlink("settings.toml", project.path().join("commission.toml")).unwrap();
    assert_eq!(
        listed(project.path()),
        ["error: commission.toml: commission.toml is a symlink to a file that does not exist: \"settings.toml\"\n  = hint: point the symlink at the project's settings, or replace it with the file"]
    );
}

#[test]
fn an_output_inside_an_input_folder_is_refused() {
    let project = project_with(&[]);
    let out = project.path().join("static/site");
    let result = build_cli(project.path(), &out);
    assert_eq!(result.status.code(), Some(2));
    assert_eq!(
        stderr(&result),
        format!(
            "error: refusing to write the site to {}: it is inside the project's static/ folder, which the build reads; choose an --output outside it\n",
            project.path().canonicalize().unwrap().join("static/site").display()
        )
    );
    assert!(!out.exists());
}

#[test]
fn static_files_are_copied_and_an_unchanged_one_or_data_table_keeps_its_inode() {
    use std::os::unix::fs::MetadataExt;
    let big: String = "0123456789abcdef".repeat(64 * 1024 + 3);
    let project = project_with(&[("static/data/big.bin", &big)]);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    crate::common::build_ok(project.path(), &site);
    let first = std::fs::metadata(site.join("assets/data/big.bin")).unwrap();
    assert_eq!(
        std::fs::read_to_string(site.join("assets/data/big.bin")).unwrap(),
        big
    );
    let table = std::fs::metadata(site.join("data/kpi_summary.json")).unwrap();
    crate::common::build_ok(project.path(), &site);
    let second = std::fs::metadata(site.join("assets/data/big.bin")).unwrap();
    assert_eq!(
        first.ino(),
        second.ino(),
        "compared chunk by chunk and linked"
    );
    // A streamed data table, compared as it is made, is linked too.
    let again = std::fs::metadata(site.join("data/kpi_summary.json")).unwrap();
    assert_eq!(table.ino(), again.ino());
    std::fs::write(
        project.path().join("static/data/big.bin"),
        format!("{big}!"),
    )
    .unwrap();
    crate::common::build_ok(project.path(), &site);
    assert!(std::fs::read_to_string(site.join("assets/data/big.bin"))
        .unwrap()
        .ends_with("ef!"));
}

/// Issue 17 item 8: a number that overflows (costs near the largest number a computer holds,
/// whose present value sums past it) is written empty in `options.csv` and null in
/// `options.json`, and the row names the fields in `not_finite` in both; the other rows' flag is
/// empty, and the site still builds.
#[test]
fn a_number_that_is_not_finite_is_empty_and_its_row_is_flagged_in_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    copy_tree(&fixture("small"), &project);
    std::fs::write(
        project.join("procurement/options.csv"),
        "spec_id,option_id,option_name,year,cost,benefit\n\
         SPEC-ACT,ACT-A,Do minimum,0,1000,1800\n\
         SPEC-ACT,ACT-A,Do minimum,1,1000,1800\n\
         SPEC-ACT,ACT-B,Full service,0,1e308,3000\n\
         SPEC-ACT,ACT-B,Full service,1,1e308,3000\n",
    )
    .unwrap();
    let site = dir.path().join("site");
    crate::common::build_ok(&project, &site);
    let csv = std::fs::read_to_string(site.join("data/options.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("spec_id,option_id,pv_costs,pv_benefits,npsv,bcr,vfm_category,preferred,option_name,not_finite")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let b = rows.iter().find(|r| r.contains(",ACT-B,")).unwrap();
    assert!(b.starts_with("SPEC-ACT,ACT-B,,"), "{b}");
    assert!(b.ends_with(",Full service,pv_costs;npsv"), "{b}");
    assert!(!csv.contains("inf") && !csv.contains("NaN"), "{csv}");
    let a = rows.iter().find(|r| r.contains(",ACT-A,")).unwrap();
    assert!(a.ends_with(",Do minimum,"), "{a}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("data/options.json")).unwrap()).unwrap();
    let b = json
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["option_id"] == "ACT-B")
        .unwrap();
    assert_eq!(b["pv_costs"], serde_json::Value::Null);
    assert_eq!(b["npsv"], serde_json::Value::Null);
    assert_eq!(b["not_finite"], "pv_costs;npsv");
    // The data catalogue lists the flag field for this file, with its meaning.
    let catalogue = std::fs::read_to_string(site.join("data/index.html")).unwrap();
    assert!(
        catalogue.contains("not_finite"),
        "the catalogue does not list not_finite"
    );
    assert!(catalogue.contains(
        "Fields of this row whose number could not be computed as a finite value (an overflowing sum, a ratio to zero)"
    ));
}
