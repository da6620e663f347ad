//! Theme overrides: a project's `templates/NAME.html` replaces one template, `static/` files are
//! copied over the theme's assets, and a broken override stops the build with its name.

use crate::common;

use commission::build::{build, check, BuildOptions};

fn project_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&common::fixture("small"), dir.path());
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write override");
    }
    dir
}

#[test]
fn a_template_and_static_files_are_replaced_one_by_one() {
    let project = project_with(&[
        ("templates/page.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ title }}</h1><p id=\"custom\">Custom free page</p>{{ page.body | safe }}{% endblock content %}"),
        ("static/style.css", "body { color: #000; }\n"),
        ("static/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"),
    ]);
    let out = tempfile::tempdir().expect("out");
    let site = out.path().join("site");
    let report = build(&BuildOptions {
        project: project.path().to_path_buf(),
        output: Some(site.clone()),
        base_url: None,
    })
    .expect("build runs");
    assert!(
        !report.diagnostics.has_errors(),
        "{:?}",
        report.diagnostics.sorted()
    );
    let about = std::fs::read_to_string(site.join("about/index.html")).expect("about page");
    assert!(
        about.contains("<p id=\"custom\">Custom free page</p>"),
        "override used"
    );
    // Other templates are still the theme's.
    let needs = std::fs::read_to_string(site.join("needs/index.html")).expect("needs page");
    assert!(needs.contains("<h1>Joint needs assessment</h1>"));
    assert_eq!(
        std::fs::read_to_string(site.join("assets/style.css")).expect("css"),
        "body { color: #000; }\n"
    );
    assert!(site.join("assets/logo.svg").exists());
    assert!(
        site.join("assets/sort.js").exists(),
        "theme files not overridden are kept"
    );
}

#[test]
fn a_broken_override_is_an_error_naming_it_never_a_silent_fallback() {
    let project = project_with(&[(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{% if %}{% endblock content %}",
    )]);
    let out = tempfile::tempdir().expect("out");
    let report = build(&BuildOptions {
        project: project.path().to_path_buf(),
        output: Some(out.path().join("site")),
        base_url: None,
    })
    .expect("a broken template is the project's error, not the command's");
    assert!(report.output.is_none(), "a broken template stops the build");
    let text = report.diagnostics.sorted()[0].to_string();
    assert!(
        text.starts_with("error: templates: a template does not compile (project overrides: templates/page.html): "),
        "{text}"
    );
    assert!(!out.path().join("site").exists(), "nothing was written");
    let (_, diags) = check(project.path());
    let listed: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].starts_with("error: templates: a template does not compile (project overrides: templates/page.html)"), "{}", listed[0]);
}

#[test]
fn an_extra_template_is_a_warning_listing_the_theme_templates() {
    let project = project_with(&[("templates/partial.html", "<p>extra</p>")]);
    let (_, diags) = check(project.path());
    let listed: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0].starts_with("warning: templates/partial.html: template does not replace a theme template and can only be included by other templates\n  = hint: theme templates are: 404.html, accessibility.html, area.html, base.html,"),
        "{}",
        listed[0]
    );
}
