//! Limits: a table file over the size limit is refused with a message naming the file and the
//! limit (lowered for the test through `COMMISSION_MAX_TABLE_BYTES`), and loading carries on.

use std::process::Command;

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
    let output = Command::new(env!("CARGO_BIN_EXE_commission"))
        .arg("check")
        .arg(root)
        .env("COMMISSION_MAX_TABLE_BYTES", "1000")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: contracts/register.xlsx: file is larger than the 1000 bytes limit: \"1500 bytes\"\n  = hint: split the file, or keep only the periods the site should publish\n\
             error: needs/values.csv: file is larger than the 1000 bytes limit: \"{} bytes\"\n  = hint: split the file, or keep only the periods the site should publish\n\
             1 error(s), 0 warning(s)\n",
            big.len()
        )
        .replace("1 error(s)", "2 error(s)")
    );
    // Without the override the same project loads (the indicators file is well under any limit).
    let output = Command::new(env!("CARGO_BIN_EXE_commission"))
        .arg("check")
        .arg(root)
        .env("COMMISSION_MAX_TABLE_BYTES", "1048576")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
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
    let output = Command::new(env!("CARGO_BIN_EXE_commission"))
        .arg("check")
        .arg(root)
        .env("COMMISSION_MAX_TABLE_BYTES", "1000")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "error: contracts/releases.json: file is larger than the 1000 bytes limit: \"1500 bytes\"\n  = hint: split the file, or keep only the periods the site should publish\n"
        ),
        "{stderr}"
    );
}
