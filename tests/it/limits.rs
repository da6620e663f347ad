//! Limits: a table, Markdown, template or boundary file over its size limit is refused with a
//! message naming the file and the limit (lowered for the test through the `COMMISSION_MAX_*`
//! variables), and loading carries on.

use crate::common;

#[test]
fn a_table_over_the_size_limit_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("commission.toml"),
        "title = \"T\"\norganisation = \"O\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("needs")).unwrap();
    std::fs::create_dir_all(root.join("contracts")).unwrap();
    std::fs::write(
        root.join("needs/indicators.csv"),
        "indicator_id,name,value_type,polarity\nI1,Smoking,proportion,lower_is_better\n",
    )
    .unwrap();
    let mut big = String::from("indicator_id,area_code,period,value\n");
    for year in 1900..2000 {
        big.push_str(&format!("I1,E1,{year},12.5\n"));
    }
    std::fs::write(root.join("needs/values.csv"), &big).unwrap();
    std::fs::write(root.join("contracts/register.xlsx"), vec![b'x'; 1500]).unwrap();
    std::fs::create_dir_all(root.join("maps")).unwrap();
    std::fs::write(root.join("maps/wards.geojson"), vec![b' '; 1200]).unwrap();
    let (code, stderr) = common::check_cli(root, &[("COMMISSION_MAX_TABLE_BYTES", "1000")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: contracts/register.xlsx: file is larger than the 1000 bytes limit: \"1500 bytes\"\n  = hint: split the file, or trim it to what the site publishes (its periods, areas or contracts); COMMISSION_MAX_TABLE_BYTES raises the limit\n\
             error: maps/wards.geojson: file is larger than the 1000 bytes limit: \"1200 bytes\"\n  = hint: split the file, or trim it to what the site publishes (its periods, areas or contracts); COMMISSION_MAX_TABLE_BYTES raises the limit\n\
             error: needs/values.csv: file is larger than the 1000 bytes limit: \"{} bytes\"\n  = hint: split the file, or trim it to what the site publishes (its periods, areas or contracts); COMMISSION_MAX_TABLE_BYTES raises the limit\n\
             1 error(s), 0 warning(s)\n",
            big.len()
        )
        .replace("1 error(s)", "3 error(s)")
    );
    // Without the override the same project loads (the indicators file is well under any limit).
    let (_, stderr) = common::check_cli(root, &[("COMMISSION_MAX_TABLE_BYTES", "1048576")]);
    assert!(stderr.contains("cannot open the workbook"), "{stderr}");
    assert!(!stderr.contains("limit"), "{stderr}");
}

#[test]
fn a_json_package_over_the_size_limit_is_refused_like_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("commission.toml"),
        "title = \"T\"\norganisation = \"O\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("contracts")).unwrap();
    std::fs::write(root.join("contracts/releases.json"), vec![b' '; 1500]).unwrap();
    let (_, stderr) = common::check_cli(root, &[("COMMISSION_MAX_TABLE_BYTES", "1000")]);
    assert!(
        stderr.contains(
            "error: contracts/releases.json: file is larger than the 1000 bytes limit: \"1500 bytes\"\n  = hint: split the file, or trim it to what the site publishes (its periods, areas or contracts); COMMISSION_MAX_TABLE_BYTES raises the limit\n"
        ),
        "{stderr}"
    );
}

/// Issue 17 item 6: a specification, engagement event or page over the Markdown limit, and a
/// template over the template limit, are refused by name before they are read; files under the
/// limits load as before.
#[test]
fn markdown_and_templates_over_their_size_limits_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_project(&common::fixture("small"), root);
    let padding = "Text.\n".repeat(1000);
    let spec = std::fs::read_to_string(root.join("specifications/falls.md")).unwrap();
    std::fs::write(root.join("specifications/falls.md"), spec + &padding).unwrap();
    let page = std::fs::read_to_string(root.join("pages/about.md")).unwrap();
    std::fs::write(root.join("pages/about.md"), page + &padding).unwrap();
    let event = std::fs::read_to_string(root.join("engagement/e.md")).unwrap();
    std::fs::write(root.join("engagement/e.md"), event + &padding).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/page.html"),
        format!("{{% extends \"base.html\" %}}{{# {padding} #}}"),
    )
    .unwrap();
    let size = |rel: &str| std::fs::metadata(root.join(rel)).unwrap().len();
    let (code, stderr) = common::check_cli(
        root,
        &[
            ("COMMISSION_MAX_MARKDOWN_BYTES", "4096"),
            ("COMMISSION_MAX_TEMPLATE_BYTES", "4096"),
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let refused = |rel: &str, what: &str, hint: &str| {
        format!(
            "error: {rel}: {what} is larger than the 4096 bytes limit: \"{} bytes\"\n  = hint: {hint}\n",
            size(rel)
        )
    };
    let markdown =
        "split the text into several pages; COMMISSION_MAX_MARKDOWN_BYTES raises the limit";
    let expected = [
        refused("engagement/e.md", "Markdown file", markdown),
        refused("pages/about.md", "Markdown file", markdown),
        refused("specifications/falls.md", "Markdown file", markdown),
        refused(
            "templates/page.html",
            "template",
            "a template holds markup, not data; COMMISSION_MAX_TEMPLATE_BYTES raises the limit",
        ),
    ];
    for line in &expected {
        assert!(stderr.contains(line.as_str()), "missing {line}in {stderr}");
    }
    // With the default limits the same project checks clean of size errors.
    let (_, stderr) = common::check_cli(root, &[]);
    assert!(!stderr.contains("limit"), "{stderr}");
}

/// Issue 17 item 6: `commission.toml` is read whole, so it has a size limit of its own (1 MiB),
/// refused by name before it is read.
#[test]
fn a_settings_file_over_its_size_limit_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_project(&common::fixture("small"), root);
    let config = std::fs::read_to_string(root.join("commission.toml")).unwrap();
    let padded = config + &"# padding\n".repeat(110_000);
    std::fs::write(root.join("commission.toml"), &padded).unwrap();
    let (code, stderr) = common::check_cli(root, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: commission.toml: commission.toml is larger than the 1 MiB limit: \"{} bytes\"\n  = hint: the settings are a few kilobytes; keep data in the project's folders, not in commission.toml\n1 error(s), 0 warning(s)\n",
            padded.len()
        )
    );
}
