//! Real public-sector files (issue 13), read in place from `<crate root>/../shared/realworld/`
//! (never copied into the repository): each is dropped unchanged into a project made by
//! `init --empty` in a temporary folder, built with 0 errors, and what is published is checked
//! against the source file cell by cell. The published register, 360Giving package and OCDS
//! package each read back into an empty project republish byte for byte. Without the folder (a
//! user's own clone) each test prints that it was skipped and why; under `CI=true` that fails.

use super::common::{manifest, read_csv};
use commission::build::{build, BuildOptions};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `../shared/realworld/REL`, or `None` (after saying why) when it is not there.
fn source(rel: &str) -> Option<PathBuf> {
    let path = manifest().join("../shared/realworld").join(rel);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{} is missing: the real-world files live beside the checkout in ../shared/realworld",
        path.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("skipped: {why}");
    None
}

/// A project made by `init --empty` with `files` dropped unchanged into `folder`, built with 0
/// errors; returns the temporary folder (kept alive) and the site's root.
fn built(files: &[PathBuf], folder: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let project = dir.path().join("project");
    commission::init::init_empty(&project).expect("init --empty");
    for f in files {
        std::fs::copy(f, project.join(folder).join(f.file_name().unwrap())).expect("copy");
    }
    let site = dir.path().join("site");
    let report = build(&BuildOptions {
        project: project.clone(),
        output: Some(site.clone()),
        base_url: None,
    })
    .expect("build runs");
    let errors: Vec<String> = report
        .diagnostics
        .sorted()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "errors:\n{}", errors.join("\n"));
    assert!(report.output.is_some(), "not built");
    (dir, site)
}

/// Headings compared on letters and digits only, as the loader compares them.
fn key(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A source file's rows with their headings normalised (a row may stop short of the header:
/// the older Fingertips layout leaves trailing empty cells out).
fn source_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("source file");
    let headers: Vec<String> = reader.headers().unwrap().iter().map(key).collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("CSV record");
            headers
                .iter()
                .enumerate()
                .map(|(i, h)| (h.clone(), r.get(i).unwrap_or("").to_string()))
                .collect()
        })
        .collect()
}

/// A cell as a number; the missing-value markers and an empty cell are `None`.
fn number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    if ["", "NA", "N/A", "NULL", "-", "..", "x", ":"].contains(&t) {
        return None;
    }
    Some(t.parse().unwrap_or_else(|_| panic!("not a number: {t:?}")))
}

/// Checks a Fingertips export against the published needs and breakdown rows, cell by cell:
/// every row is published once with its value, intervals, count, denominator and value note
/// exactly, and the comparison agrees with Fingertips' own judgement on every row.
fn check_fingertips(file: &str) {
    let Some(path) = source(&format!("fingertips/{file}")) else {
        return;
    };
    let (_dir, site) = built(std::slice::from_ref(&path), "needs");
    let headline = read_csv(&site.join("data/needs.csv"));
    let breakdowns = read_csv(&site.join("data/needs_breakdowns.csv"));
    let rows = source_rows(&path);
    assert_eq!(
        headline.len() + breakdowns.len(),
        rows.len(),
        "rows in and out"
    );
    type Key = (String, String, String);
    let mut index: BTreeMap<Key, Vec<&BTreeMap<String, String>>> = BTreeMap::new();
    for r in headline.iter().chain(&breakdowns) {
        index
            .entry((
                r["indicator_id"].clone(),
                r["area_code"].clone(),
                r["period"].clone(),
            ))
            .or_default()
            .push(r);
    }
    let mut compared = 0;
    for s in &rows {
        let found = &index[&(
            s["indicatorid"].clone(),
            s["areacode"].clone(),
            s["timeperiod"].clone(),
        )];
        let category = s["category"].trim();
        let matches: Vec<_> = if !category.is_empty() {
            found
                .iter()
                .filter(|p| p.get("category").map(String::as_str) == Some(category))
                .filter(|p| {
                    p.get("category_type").map(String::as_str) == Some(s["categorytype"].trim())
                })
                .collect()
        } else {
            let by_sex_age: Vec<_> = found
                .iter()
                .filter(|p| {
                    matches!(
                        p.get("category_type").map(String::as_str),
                        Some("Sex" | "Age" | "Sex and age")
                    ) && p["sex"] == s["sex"]
                        && p["age"] == s["age"]
                })
                .collect();
            if by_sex_age.is_empty() {
                found.iter().filter(|p| !p.contains_key("sex")).collect()
            } else {
                by_sex_age
            }
        };
        assert_eq!(matches.len(), 1, "one published row for {s:?}");
        let p = matches[0];
        for (from, to) in [
            ("value", "value"),
            ("lowerci950limit", "lower_ci_95"),
            ("upperci950limit", "upper_ci_95"),
            ("lowerci998limit", "lower_ci_99_8"),
            ("upperci998limit", "upper_ci_99_8"),
            ("count", "count"),
            ("denominator", "denominator"),
        ] {
            assert_eq!(number(&p[to]), number(&s[from]), "{to} of {s:?}");
        }
        let note = s["valuenote"].trim();
        let note = if note == "NA" { "" } else { note };
        assert_eq!(p["value_note"], note, "value note of {s:?}");
        let judged = match s["comparedtoenglandvalueorpercentiles"].as_str() {
            "Better" => "better",
            "Worse" => "worse",
            "Similar" => "similar",
            "Not compared" => "not_compared",
            other => panic!("unexpected Fingertips judgement {other:?}"),
        };
        assert_eq!(p["comparison"], judged, "comparison of {s:?}");
        compared += 1;
    }
    assert_eq!(compared, rows.len());
}

#[test]
fn fingertips_download_with_sex_age_and_inequality_breakdowns() {
    // 1,414 rows: every one published, and 646 better, 319 worse, 295 similar, 154 not compared
    // exactly as Fingertips judged them, England's own sex and age series compared with nothing.
    check_fingertips("adult_obesity_93088_93881.csv");
}

#[test]
fn fingertips_older_layout_with_an_age_specific_series_and_value_notes() {
    // The 0-9 yrs series is compared with England's 0-9 yrs value, not its all-ages one; the ten
    // suppressed rows are published with their value notes.
    check_fingertips("indicators-CountyUA.data.csv");
}

#[test]
fn fingertips_saved_by_r_write_csv() {
    // A row-number column, dots for spaces, NA for missing: every NA is missing, nothing is an
    // error, and no row is compared (the export has no intervals).
    check_fingertips("sdg391_new_series_from_stable_link.csv");
}

#[test]
fn fingertips_polarity_comes_from_its_own_labels_and_the_page_says_so() {
    let Some(path) = source("fingertips/adult_obesity_93088_93881.csv") else {
        return;
    };
    let (_dir, site) = built(&[path], "needs");
    let page = std::fs::read_to_string(site.join("needs/indicators/93088/index.html")).unwrap();
    assert!(page.contains("A lower value is better (taken from the Better and Worse comparisons with England in the Fingertips export"), "{page}");
}

/// HTML entities decoded once, surrounding space trimmed: what the register should publish.
fn decoded(s: &str) -> String {
    html_escape::decode_html_entities(s.trim()).into_owned()
}

#[test]
fn transparency_code_register_is_republished_cell_by_cell_and_reads_back_identically() {
    let Some(path) = source("lgtc/register-from-contracts-finder-awards.csv") else {
        return;
    };
    let (_dir, site) = built(std::slice::from_ref(&path), "contracts");
    let input = read_csv(&path);
    let register_path = site.join("data/contracts-register.csv");
    let output = read_csv(&register_path);
    assert_eq!((input.len(), output.len()), (141, 141), "rows in and out");
    let by_key: BTreeMap<(String, String), &BTreeMap<String, String>> = output
        .iter()
        .map(|r| {
            (
                (r["Reference number"].clone(), r["Supplier name"].clone()),
                r,
            )
        })
        .collect();
    for row in &input {
        let out = by_key[&(
            row["Reference number"].clone(),
            decoded(&row["Supplier name"]),
        )];
        for (column, given) in row {
            let published = &out[column];
            match column.as_str() {
                "Total value" | "Irrecoverable VAT" => {
                    assert_eq!(number(published), number(given), "{column}")
                }
                "Annual value" => {
                    // Not given: derived from the total and the term, and flagged.
                    assert!(given.is_empty());
                    let day =
                        |s: &str| chrono::NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").unwrap();
                    let days = (day(&row["End date"]) - day(&row["Start date"])).num_days() + 1;
                    let unrounded = number(&row["Total value"]).unwrap() / (days as f64 / 365.25);
                    // Money to the penny (issue 13: 405215.99987990066 was published).
                    let expected = (unrounded * 100.0).round() / 100.0;
                    let pence = published.split_once('.').map_or(0, |(_, p)| p.len());
                    assert!(pence <= 2, "annual value {published} is not to the penny");
                    assert_eq!(number(published), Some(expected), "annual value");
                    assert_eq!(out["annual_value_derived"], "yes");
                }
                "Start date" | "End date" | "Review date" => {
                    assert_eq!(
                        published,
                        &given.get(..10).unwrap_or("").to_string(),
                        "{column}"
                    )
                }
                // SME and VCSE exactly as given; every other column, the extra ones included,
                // with entities decoded once.
                _ => assert_eq!(
                    published,
                    &decoded(given),
                    "{column} of {}",
                    row["Reference number"]
                ),
            }
        }
    }
    let contracts = read_csv(&site.join("data/contracts.csv"));
    // 141 rows: three suppliers to each of 47 references, so 47 awards.
    let references: std::collections::BTreeSet<&String> =
        input.iter().map(|r| &r["Reference number"]).collect();
    assert_eq!((contracts.len(), references.len()), (47, 47));

    let (_again, site2) = built(std::slice::from_ref(&register_path), "contracts");
    assert_eq!(
        std::fs::read(site2.join("data/contracts-register.csv")).unwrap(),
        std::fs::read(&register_path).unwrap(),
        "the published register read back republishes identically"
    );
}

/// Two JSON values equal, numbers compared by value (`2266` and `2266.0` are one amount).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The 360Giving package published from `file` holds exactly the council's own package: the same
/// 555 grants, ids as given (never double-prefixed), every field as given.
fn check_360giving(file: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let path = source(&format!("360giving/{file}"))?;
    let json = source("360giving/trafford_council_voluntary_sector_grants.json")?;
    let (dir, site) = built(&[path], "grants");
    let published = read_json(&site.join("data/grants-360giving.json"));
    let given = read_json(&json);
    let by_id = |v: &Value| -> BTreeMap<String, Value> {
        v["grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["id"].as_str().unwrap().to_string(), g.clone()))
            .collect()
    };
    let (published, given) = (by_id(&published), by_id(&given));
    assert_eq!(published.len(), 555);
    assert_eq!(
        published.keys().collect::<Vec<_>>(),
        given.keys().collect::<Vec<_>>()
    );
    for (id, g) in &given {
        assert!(id.starts_with("360G-traffordmbc-") && !id.starts_with("360G-traffordmbc-360G"));
        assert!(
            same_json(&published[id], g),
            "{id}:\n{}\n{}",
            published[id],
            g
        );
    }
    let total: f64 = read_csv(&site.join("data/grants.csv"))
        .iter()
        .map(|r| number(&r["amount_awarded"]).unwrap())
        .sum();
    assert!((total - 1_291_436.54).abs() < 1e-6, "{total}");
    let page = std::fs::read_to_string(site.join("procurement/grants/index.html")).unwrap();
    assert!(page
        .contains("the share that went to small local organisations is not recorded in the data"));
    Some((dir, site.join("data/grants-360giving.json")))
}

#[test]
fn giving_csv_is_published_as_the_councils_own_package() {
    check_360giving("trafford_council_voluntary_sector_grants.csv");
}

#[test]
fn giving_json_is_republished_as_given_and_reads_back_identically() {
    let Some((_first, package)) = check_360giving("trafford_council_voluntary_sector_grants.json")
    else {
        return;
    };
    let (_dir, site) = built(std::slice::from_ref(&package), "grants");
    assert_eq!(
        std::fs::read(site.join("data/grants-360giving.json")).unwrap(),
        std::fs::read(&package).unwrap()
    );
}

#[test]
fn contracts_finder_ocds_becomes_contracts_with_ocids_kept_and_reads_back_identically() {
    let Some(folder) = source("contracts-finder") else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 100);
    let (_dir, site) = built(&files, "contracts");
    let ocds_path = site.join("data/ocds.json");
    let published = read_json(&ocds_path);
    let releases: BTreeMap<&str, &Value> = published["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["ocid"].as_str().unwrap(), r))
        .collect();
    assert_eq!(releases.len(), 100);
    let text = |v: &Value| decoded(v.as_str().unwrap_or(""));
    for f in &files {
        let source = read_json(f);
        let r = &source["releases"][0];
        let p = releases[r["ocid"].as_str().unwrap()];
        let (a, pa) = (&r["awards"][0], &p["awards"][0]);
        // The award's and the tender's ids as Contracts Finder gave them.
        assert_eq!(pa["id"], a["id"], "award id of {}", f.display());
        assert_eq!(p["contracts"][0]["awardID"], a["id"], "{}", f.display());
        if p.get("tender").is_some() {
            assert_eq!(p["tender"]["id"], r["tender"]["id"], "{}", f.display());
        }
        let title = if text(&a["title"]).is_empty() {
            text(&r["tender"]["title"])
        } else {
            text(&a["title"])
        };
        assert_eq!(pa["title"], Value::String(title), "{}", f.display());
        assert_eq!(
            pa["value"]["amount"].as_f64(),
            a["value"]["amount"].as_f64()
        );
        assert_eq!(pa["date"], a["date"]);
        assert_eq!(
            pa["contractPeriod"]["startDate"],
            a["contractPeriod"]["startDate"]
        );
        assert_eq!(
            pa["contractPeriod"]["endDate"],
            a["contractPeriod"]["endDate"]
        );
        assert_eq!(p["buyer"]["name"], Value::String(text(&r["buyer"]["name"])));
        let given: Vec<(String, &Value, &Value)> = a["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (text(&s["name"]), &s["sme"], &s["vco"]))
            .collect();
        let out: Vec<(String, &Value, &Value)> = pa["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    &s["sme"],
                    &s["vco"],
                )
            })
            .collect();
        assert_eq!(
            out,
            given,
            "suppliers and their SME/VCO flags of {}",
            f.display()
        );
    }
    // Entities decoded once, escaped once on the page.
    let page =
        std::fs::read_to_string(site.join(
            "performance/contracts/ocds-b5fd17-2c04fd94-41c1-4679-aa1a-95d7e84acedb/index.html",
        ))
        .unwrap();
    assert!(
        page.contains("NEPO201 Tyres &amp; Associated Services") && !page.contains("&amp;amp;")
    );

    let (_again, site2) = built(std::slice::from_ref(&ocds_path), "contracts");
    assert_eq!(
        std::fs::read(site2.join("data/ocds.json")).unwrap(),
        std::fs::read(&ocds_path).unwrap(),
        "the published OCDS read back republishes identically"
    );
}

#[test]
fn fingertips_opened_and_saved_as_xlsx_publishes_what_the_csv_does() {
    let Some(path) = source("fingertips/adult_obesity_93088_93881.csv") else {
        return;
    };
    // The export as Excel saves it: numbers become number cells, empty cells stay empty.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("adult_obesity.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&path)
        .unwrap();
    for (r, record) in reader.records().enumerate() {
        for (c, cell) in record.unwrap().iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r, c, n).map(|_| ()),
                _ if cell.is_empty() => Ok(()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save(&xlsx).unwrap();
    let (_a, from_csv) = built(&[path], "needs");
    let (_b, from_xlsx) = built(&[xlsx], "needs");
    for name in ["data/needs.csv", "data/needs_breakdowns.csv"] {
        assert_eq!(
            read_csv(&from_xlsx.join(name)),
            read_csv(&from_csv.join(name)),
            "{name}"
        );
    }
}

/// An .ods workbook of one sheet, as LibreOffice saves one: numbers as float cells (their text as
/// written), other text as string cells, empty cells empty. Written here so that no
/// real-world file is copied into the project.
fn write_ods(path: &Path, rows: &[Vec<String>], number: impl Fn(usize, &str) -> Option<f64>) {
    use std::io::Write;
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut content = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Sheet1\">",
    );
    for (r, row) in rows.iter().enumerate() {
        content.push_str("<table:table-row>");
        for cell in row {
            match number(r, cell) {
                _ if cell.is_empty() => content.push_str("<table:table-cell/>"),
                Some(n) => content.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{}</text:p></table:table-cell>",
                    escape(cell)
                )),
                None => content.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                    escape(cell)
                )),
            }
        }
        content.push_str("</table:table-row>");
    }
    content
        .push_str("</table:table></office:spreadsheet></office:body></office:document-content>\n");
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest \
        xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>\n";
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// Issue 13 item 5: a Fingertips export opened and saved as .ods (numbers become number cells)
/// publishes the same indicators, values and judgements as the CSV it came from.
#[test]
fn fingertips_opened_and_saved_as_ods_publishes_what_the_csv_does() {
    let Some(path) = source("fingertips/adult_obesity_93088_93881.csv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ods = dir.path().join("adult_obesity.ods");
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    write_ods(&ods, &rows, |r, cell| {
        cell.parse::<f64>().ok().filter(|_| r > 0)
    });
    let (_a, from_csv) = built(&[path], "needs");
    let (_b, from_ods) = built(&[ods], "needs");
    for name in ["data/needs.csv", "data/needs_breakdowns.csv"] {
        let (ods_rows, csv_rows) = (
            read_csv(&from_ods.join(name)),
            read_csv(&from_csv.join(name)),
        );
        assert!(!csv_rows.is_empty(), "{name} is empty");
        assert_eq!(ods_rows, csv_rows, "{name}");
    }
    let indicators = |site: &Path| {
        std::fs::read_dir(site.join("needs/indicators"))
            .unwrap()
            .count()
    };
    assert_eq!(indicators(&from_ods), indicators(&from_csv));
}
