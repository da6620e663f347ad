//! Property-based fuzzing of every input path: arbitrary bytes and near-valid mutations of real
//! sample rows fed to the CSV reader, period parser, front-matter splitter and parser, config parser
//! and whole-project `check`. Properties: nothing panics; every diagnostic names a file.
//! Spreadsheets are fuzzed too: the sample's .xlsx and .ods with their sheet XML mutated and
//! zipped again, or their bytes mutated raw.
//!
//! `COMMISSION_FUZZ_CASES` sets the number of cases per target (default 64);
//! `COMMISSION_FUZZ_SECONDS` instead runs each target for that many seconds. Each target prints
//! its case count and seed (`--nocapture` to see them). The seed is fixed, so a run is repeatable
//! and CI cannot fail by chance; `COMMISSION_FUZZ_SEED` sets another (a number, or `random` for a
//! fresh one each run, as a long campaign wants).

use commission::build::check;
use commission::diagnostics::Diagnostics;
use commission::load::{load_project, markdown, table, tables};
use commission::model::{Config, Period};
use proptest::prelude::*;
use proptest::test_runner::{RngSeed, TestCaseError, TestRunner};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

/// The seed every target starts from unless `COMMISSION_FUZZ_SEED` says otherwise.
const SEED: u64 = 0x00c0_441d_5eed;

fn seed() -> RngSeed {
    match std::env::var("COMMISSION_FUZZ_SEED")
        .as_deref()
        .map(str::trim)
    {
        Ok("random") => RngSeed::Fixed(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(SEED, |t| t.as_nanos() as u64),
        ),
        Ok(n) => RngSeed::Fixed(
            n.parse()
                .expect("COMMISSION_FUZZ_SEED: a number or `random`"),
        ),
        Err(_) => RngSeed::Fixed(SEED),
    }
}

fn cases() -> u32 {
    std::env::var("COMMISSION_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// Runs `test` on values drawn from `strategy`: `COMMISSION_FUZZ_CASES` cases, or batches of
/// cases until `COMMISSION_FUZZ_SECONDS` have passed. A failure is shrunk and reported by proptest.
fn fuzz<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
{
    let seconds: Option<u64> = std::env::var("COMMISSION_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok());
    let batch = if seconds.is_some() { 256 } else { cases() };
    let config = ProptestConfig {
        cases: batch,
        failure_persistence: None,
        rng_seed: seed(),
        ..ProptestConfig::default()
    };
    // Counted inside the test, so the figure printed is the number of inputs really tried.
    let tried = std::sync::atomic::AtomicU64::new(0);
    let counted = |value: S::Value| {
        tried.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        test(value)
    };
    let mut runner = TestRunner::new(config.clone());
    let started = Instant::now();
    loop {
        if let Err(e) = runner.run(&strategy, counted) {
            panic!(
                "fuzz target {name} failed after {} cases: {e}",
                tried.load(std::sync::atomic::Ordering::Relaxed)
            );
        }
        match seconds {
            // A runner counts its successes for good: the next batch needs a fresh runner, seeded
            // from this one so it draws new inputs.
            Some(s) if started.elapsed().as_secs() < s => {
                runner = TestRunner::new_with_rng(config.clone(), runner.new_rng());
            }
            _ => break,
        }
    }
    let total = tried.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "fuzz {name}: {total} cases in {:.0} s, seed {:?}",
        started.elapsed().as_secs_f64(),
        config.rng_seed
    );
}

/// Fragments that tend to break parsers of this project's inputs.
const TOKENS: &[&str] = &[
    ",",
    ";",
    "\"",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "=",
    "+",
    "-",
    "@",
    "#N/A",
    "#DIV/0!",
    "1e309",
    "NaN",
    "-0",
    "£",
    "%",
    "(",
    ")",
    "..",
    "/",
    "\\",
    "\u{feff}",
    "\u{0}",
    "é",
    "\u{a0}",
    "2024",
    "2024/25",
    "2024-Q1",
    "2016 - 18",
    "+++",
    "[[",
    "]]",
    "[",
    "]",
    " = ",
    "'",
    "\"\"\"",
    "{",
    "}",
    "9999999999999999999999",
    "0.0000000001",
    "31/02/2025",
    "yes",
    "maybe",
    "<script>",
    "javascript:",
    "999999",
    "-1",
];

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
    Replace(usize, usize, usize),
    Byte(usize, u8),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Edit::Insert(a, t)),
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 1usize..10, 0..TOKENS.len()).prop_map(|(a, n, t)| Edit::Replace(a, n, t)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Byte(a, b)),
        (any::<usize>(), 1usize..200).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for e in edits {
        let at = |a: usize, len: usize| if len == 0 { 0 } else { a % (len + 1) };
        match *e {
            Edit::Insert(a, t) => {
                let i = at(a, v.len());
                v.splice(i..i, TOKENS[t].bytes());
            }
            Edit::Delete(a, n) => {
                let i = at(a, v.len());
                let j = (i + n).min(v.len());
                v.drain(i..j);
            }
            Edit::Replace(a, n, t) => {
                let i = at(a, v.len());
                let j = (i + n).min(v.len());
                v.splice(i..j, TOKENS[t].bytes());
            }
            Edit::Byte(a, b) => {
                if !v.is_empty() {
                    let i = a % v.len();
                    v[i] = b;
                }
            }
            Edit::Duplicate(a, n) => {
                let i = at(a, v.len());
                let j = (i + n).min(v.len());
                let copy = v[i..j].to_vec();
                v.splice(j..j, copy);
            }
        }
    }
    v
}

/// Arbitrary bytes, or a near-valid mutation of `seed`.
fn input(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        1 => proptest::collection::vec(
            prop_oneof![Just(b',' ), Just(b';'), Just(b'"'), Just(b'\n'), Just(b'\r'), any::<u8>()],
            0..300
        ),
        4 => proptest::collection::vec(edit(), 1..8).prop_map(move |e| apply(seed.as_bytes(), &e)),
    ]
}

fn files_named(diags: &Diagnostics) {
    for d in diags.iter() {
        assert!(!d.file.is_empty(), "diagnostic without a file: {d}");
        let _ = d.to_string();
    }
}

const VALUES: &str = "indicator_id,area_code,area_name,area_type,parent_code,period,value,lower_ci,upper_ci,count,denominator\n93763,E05099001,Bridgefoot,Ward,E08000099,2019/20,,,,213,17850\n93763,E08000099,Northbridge,UA,,2020/21,12.5,11,14,,\n";
const INDICATORS: &str = "indicator_id,name,domain,value_type,multiplier,unit,polarity,definition,source,size,seriousness,effectiveness,pearl\n93763,Admission episodes for alcohol-specific conditions,Drugs and alcohol,crude_rate,100000,\"per 100,000\",lower_is_better,\"Admissions, per 100,000.\",OHID,,,8,11110\n";
const FINGERTIPS_HEADER: &str = "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,Compared to England value or percentiles,Compared to percentiles,Time period Sortable,New data,Compared to goal,Time period range\n";
const FINGERTIPS_ROWS: &str = "90366,Life expectancy at birth,,,E92000001,England,England,Male,All ages,,,2015 - 17,79.4,79.34,79.46,79.31,79.5,,,,Cannot be calculated,Not compared,Not compared,20150000,,Not compared,3y\n90366,Life expectancy at birth,E12000002,North West region,E08000099,Northbridge,Counties & UAs,Persons,All ages,Deprivation,Most deprived,2016 - 18,76.67,76.25,77.09,76.01,77.34,,,,Cannot be calculated,Worse 95%,Not compared,20150000,,Not compared,3y\n";
const SPEC: &str = "+++\nid = \"SPEC-DA\"\ntitle = \"Drug and alcohol\"\nstatus = \"live\"\naddresses = [\"93763\"]\nannual_budget = 4200000\nterm_years = 5\n[[social_value]]\ntheme = \"Jobs\"\nmeasure = \"Local people\"\ntarget = 10\n[[milestones]]\ndate = 2023-03-28\nevent = \"Market engagement\"\n[evaluation]\nprice = 40\nquality = 50\nsocial_value = 10\n[[links]]\ntitle = \"Report\"\nurl = \"https://example.org/r\"\n+++\n# Body\n\nSome *text* and [a link](https://example.org).\n";
const OPTIONS: &str = "spec_id,option_id,option_name,year,cost,benefit,description,risk\nSPEC-DA,A,Do minimum,0,80000,23000,Desc,High\nSPEC-DA,A,Do minimum,1,60000,36000,,\nSPEC-DA,B,Redesign,0,90000,30000,,\n";
const BIDS: &str = "tender_id,spec_id,supplier,price,quality_score,quality_max,social_value_score,social_value_max,compliant,supplier_type,supplier_id\nT-1,SPEC-DA,Pennine CIC,20650000,82,100,75,100,yes,vcse,11482736\nT-1,SPEC-DA,Horizon Ltd,19900000,68,100,55,100,yes,large,04827163\n";
const REGISTER: &str = "contract_id,spec_id,title,supplier,start_date,end_date,annual_value,total_value,tender_id,procurement_route\nC-1,SPEC-DA,Drug and alcohol,Pennine CIC,2023-10-01,2028-09-30,\"£4,130,000\",20650000,T-1,open_tender\n";
const KPI_LONG: &str = "contract_id,kpi_id,kpi_name,period,actual,target,unit,polarity,rebase\nC-1,DA-01,People in treatment,2024-04,1519,1450,people,higher_is_better,\nC-1,DA-01,People in treatment,2024-05,1507,1450,people,higher_is_better,yes\nC-1,DA-01,People in treatment,2024-06,12.5%,1450,people,higher_is_better,\n";
const KPI_WIDE: &str = "contract_id,kpi_id,kpi_name,unit,polarity,target,2024-04,2024-05,Jun 2024\nC-1,DA-02,Waiting time,days,lower_is_better,21,19,22,18\n";
const GRANTS: &str = "grant_id,title,description,recipient_name,amount_awarded,award_date,recipient_charity_number,recipient_company_number,recipient_org_id,programme,spec_id,area_code,start_date,end_date,from_open_call,small_local\nG-1,Young carers,\"Weekly sessions, trips.\",Young Carers,24500,2024-05-14,1134872,,,Carers Fund,SPEC-DA,E05099001,2024-06-01,2025-05-31,yes,yes\n";
const YSWD: &str = "engagement_id,spec_id,you_said,we_did,status,reason\nENG-1,SPEC-DA,Waits are long.,\"First appointment within 3 weeks, at the gate.\",done,\n";
const ENGAGEMENT: &str = "+++\nid = \"ENG-1\"\ntitle = \"Listening events\"\ndate = 2023-03-14\naudience = [\"families\"]\nparticipants = 64\nspecs = [\"SPEC-DA\"]\n+++\nWhat we heard.\n";
const CONFIG: &str = "title = \"Commissioning in Northbridge\"\norganisation = \"Northbridge City Council\"\nbase_url = \"https://example.gov.uk/commissioning/\"\nhome_area = \"E08000099\"\nas_of = \"2026-03-31\"\n[needs]\nconfidence = 95\ncomparison = \"ci_overlap\"\ntrend_points = 5\n[procurement]\nabnormally_low_ratio = 0.8\n[performance]\namber_tolerance = 5\nspc_fix_limits_after = 0\n";

/// A small valid project; `replace` swaps one file's bytes for the fuzzed input.
fn project(root: &Path, replace: &str, bytes: &[u8]) {
    let files: [(&str, &[u8]); 13] = [
        ("commission.toml", CONFIG.as_bytes()),
        ("needs/indicators.csv", INDICATORS.as_bytes()),
        ("needs/values.csv", VALUES.as_bytes()),
        ("needs/fingertips.csv", FINGERTIPS_HEADER.as_bytes()),
        ("specifications/spec-da.md", SPEC.as_bytes()),
        ("procurement/options.csv", OPTIONS.as_bytes()),
        ("procurement/bids.csv", BIDS.as_bytes()),
        ("contracts/register.csv", REGISTER.as_bytes()),
        ("contracts/kpis/long.csv", KPI_LONG.as_bytes()),
        ("contracts/kpis/wide.csv", KPI_WIDE.as_bytes()),
        ("grants/grants.csv", GRANTS.as_bytes()),
        ("engagement/you-said-we-did.csv", YSWD.as_bytes()),
        ("engagement/eng-1.md", ENGAGEMENT.as_bytes()),
    ];
    for (rel, content) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let content: &[u8] = if rel == replace { bytes } else { content };
        std::fs::write(path, content).unwrap();
    }
    if !replace.is_empty() && !files.iter().any(|(rel, _)| *rel == replace) {
        let path = root.join(replace);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn check_with(replace: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), replace, bytes);
    // The loader and validator only: `check` also compiles the theme, which is not fuzzed input.
    let (_, diags) = load_project(dir.path());
    files_named(&diags);
}

#[test]
fn the_unfuzzed_project_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "", b"");
    let (project, diags) = check(dir.path());
    let errors: Vec<String> = diags
        .sorted()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let p = project.unwrap();
    assert_eq!((p.contracts.len(), p.bids.len(), p.grants.len()), (1, 2, 1));
}

/// XML fragments that stress a spreadsheet's sheet and string parts.
const XML_TOKENS: &[&str] = &[
    "<",
    ">",
    "</c>",
    "<c r=\"A1\" t=\"s\"><v>999</v></c>",
    "<c r=\"XFD1048576\"><v>1</v></c>",
    "t=\"e\"",
    "t=\"str\"",
    "t=\"b\"",
    "t=\"inlineStr\"",
    "<v>#N/A</v>",
    "<v>1e309</v>",
    "<v>-0</v>",
    "<f>1/0</f>",
    "&amp;",
    "&#0;",
    "&lt;script&gt;",
    "r=\"A0\"",
    "r=\"\"",
    "<mergeCell ref=\"A1:C3\"/>",
    "<row r=\"0\">",
    "</row>",
    "office:value-type=\"float\"",
    "office:value=\"NaN\"",
    "office:date-value=\"2024-13-45\"",
    "table:number-columns-repeated=\"16384\"",
    "table:number-rows-repeated=\"1048576\"",
    "<table:table-cell/>",
    "</table:table-row>",
    "\u{0}",
];

/// A workbook with one of its XML parts (`part`) mutated by `edits`, zipped again.
fn mutate_workbook(seed: &[u8], part: &str, edits: &[(usize, usize)]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(seed)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if name == part {
            for &(at, token) in edits {
                let token = XML_TOKENS[token % XML_TOKENS.len()].as_bytes();
                let i = at % (bytes.len() + 1);
                let j = (i + (at >> 8) % 24).min(bytes.len());
                bytes.splice(i..j, token.iter().copied());
            }
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        out.start_file(name, options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

const XLSX: &[u8] = include_bytes!("../../sample-data/contracts/kpis/healthy-child-programme.xlsx");
const ODS: &[u8] = include_bytes!("../../sample-data/contracts/kpis/home-care-lot-1.ods");

/// A near-valid workbook (XML part mutated) or the seed's raw bytes mutated.
fn workbook(seed: &'static [u8], part: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec((any::<usize>(), any::<usize>()), 1..6)
            .prop_map(move |e| mutate_workbook(seed, part, &e)),
        1 => proptest::collection::vec(
            (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Byte(a, b)),
            1..6
        )
        .prop_map(move |e| apply(seed, &e)),
    ]
}

#[test]
fn csv_reader() {
    fuzz("csv_reader", input(VALUES), |bytes| {
        let mut d = Diagnostics::new();
        if let Some(t) = table::read_csv_bytes(&bytes, "x.csv", &mut d) {
            for row in &t.rows {
                prop_assert!(row.number >= t.header_row);
            }
        }
        files_named(&d);
        Ok(())
    });
}

#[test]
fn period_parser() {
    let text = prop_oneof![
        any::<String>(),
        proptest::collection::vec(edit(), 1..4)
            .prop_map(|e| String::from_utf8_lossy(&apply(b"2024/25", &e)).into_owned()),
        "[0-9 QqMm/\\-]{0,14}",
    ];
    fuzz("period_parser", text, |text| {
        if let Ok(p) = Period::parse(&text) {
            prop_assert!(p.start <= p.end, "{text:?} gave {p:?}");
        }
        Ok(())
    });
}

const PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><body><nav>Menu</nav><main id=\"main\" data-pagefind-body><h1>Drug &amp; alcohol</h1><p class=\"lead\">A <a href=\"x\">KPI</a> of <strong>C-1</strong>.</p><div class=\"icons\" data-pagefind-ignore><p><img src=\"i.svg\" alt=\"\"> Common cause</p></div><!-- note --><svg role=\"img\"><title>t</title><text>42</text></svg><table data-pagefind-ignore><tr><td>1</td></tr></table><ul><li>Lower is better;</li><li>unit: people</li></ul><script>var a = \"<p>\";</script><p title='a > b'>&#x27;q&#39; &lt;x&gt;<br>end</p></main><footer>Foot</footer></body></html>";

/// The search-text scanner reads our own pages, but must never panic or loop on any input, and
/// the text it returns is whitespace-collapsed.
#[test]
fn search_text() {
    fuzz("search_text", input(PAGE), |bytes| {
        let html = String::from_utf8_lossy(&bytes);
        if let Some(record) = commission::publish::search_text::search_record(&html) {
            for text in [&record.title, &record.content] {
                prop_assert!(!text.contains("  "), "{text:?}");
                prop_assert_eq!(text.trim(), text.as_str());
            }
        }
        Ok(())
    });
}

#[test]
fn front_matter() {
    fuzz("front_matter", input(SPEC), |bytes| {
        let text = String::from_utf8_lossy(&bytes);
        let mut d = Diagnostics::new();
        if let Some(doc) = markdown::split_front_matter(&text, "s.md", &mut d) {
            let _: Option<toml::Table> = markdown::parse_front(
                &doc,
                "s.md",
                &["id", "title", "status"],
                &[("milestones", &["date", "event"])],
                &mut d,
            );
        }
        files_named(&d);
        Ok(())
    });
}

#[test]
fn config_parser() {
    fuzz("config_parser", input(CONFIG), |bytes| {
        let (_, d) = Config::parse(&String::from_utf8_lossy(&bytes), "commission.toml");
        files_named(&d);
        Ok(())
    });
}

#[test]
fn xlsx_reader() {
    fuzz(
        "xlsx_reader",
        workbook(XLSX, "xl/worksheets/sheet1.xml"),
        |bytes| {
            check_with("contracts/kpis/hcp.xlsx", &bytes);
            Ok(())
        },
    );
}

#[test]
fn ods_reader() {
    fuzz("ods_reader", workbook(ODS, "content.xml"), |bytes| {
        check_with("contracts/kpis/home-care.ods", &bytes);
        Ok(())
    });
}

/// One whole-project target per input file: the file replaced by fuzzed bytes.
macro_rules! project_target {
    ($name:ident, $file:literal, $seed:expr) => {
        #[test]
        fn $name() {
            fuzz(stringify!($name), input($seed), |bytes| {
                check_with($file, &bytes);
                Ok(())
            });
        }
    };
}

project_target!(project_config, "commission.toml", CONFIG);
project_target!(project_needs_values, "needs/values.csv", VALUES);
project_target!(project_indicators, "needs/indicators.csv", INDICATORS);
project_target!(project_specification, "specifications/spec-da.md", SPEC);
project_target!(project_options, "procurement/options.csv", OPTIONS);
project_target!(project_bids, "procurement/bids.csv", BIDS);
project_target!(project_register, "contracts/register.csv", REGISTER);
project_target!(project_kpi_long, "contracts/kpis/long.csv", KPI_LONG);
project_target!(project_kpi_wide, "contracts/kpis/wide.csv", KPI_WIDE);
project_target!(project_grants, "grants/grants.csv", GRANTS);
project_target!(
    project_you_said_we_did,
    "engagement/you-said-we-did.csv",
    YSWD
);
project_target!(project_engagement, "engagement/eng-1.md", ENGAGEMENT);

#[test]
fn project_fingertips() {
    fuzz("project_fingertips", input(FINGERTIPS_ROWS), |rows| {
        let mut bytes = FINGERTIPS_HEADER.as_bytes().to_vec();
        bytes.extend(rows);
        check_with("needs/fingertips.csv", &bytes);
        Ok(())
    });
}

/// The workbook targets reach the sheet parser: the seeds, unzipped and zipped again unmutated,
/// read as the same tables, cell for cell, as the sample files themselves.
#[test]
fn rezipped_workbooks_read_whole() {
    for (seed, part, name, rows) in [
        (XLSX, "xl/worksheets/sheet1.xml", "k.xlsx", 7),
        (ODS, "content.xml", "k.ods", 120),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let read = |bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let mut d = Diagnostics::new();
            let tables = tables::read_tables(&path, name, &mut d);
            assert!(d.is_empty(), "{name}");
            tables
                .iter()
                .flat_map(|t| t.rows.iter().map(|r| r.cells.clone()))
                .collect::<Vec<_>>()
        };
        let original = read(seed);
        assert_eq!(original.len(), rows, "{name}: rows");
        assert_eq!(read(&mutate_workbook(seed, part, &[])), original, "{name}");
    }
}
