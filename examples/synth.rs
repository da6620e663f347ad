//! Writes a synthetic, national-scale commissioning project for benchmarks, deterministic from a
//! seed, in the real input formats (FORMATS.md), with the contract register as .xlsx.
//!
//! `cargo run --release --example synth -- --out DIR --scale 1 --seed 42`
//!
//! Base size (scale 1), every count multiplied by `--scale` (a float; minimum a handful each),
//! except wards and indicators, each multiplied by its square root so that the needs data (a value
//! for every ward × indicator × year) grows with the scale like everything else:
//! 300 wards + the council + England, 200 indicators × 10 financial years, 200 specifications
//! (each with 2 options × 6 years and a tender of 4 bids), 5,000 contracts × 6 KPIs × 36 months
//! (long-layout CSV, one file per 100 contracts), 500 grants, 20 engagement events.
//! About 36,000 pages at scale 1.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// splitmix64: tiny, fast, good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn float(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.float()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

struct Args {
    out: PathBuf,
    scale: f64,
    seed: u64,
}

fn args() -> Args {
    let mut out = None;
    let mut scale = 1.0;
    let mut seed = 42;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(value())),
            "--scale" => scale = value().parse().unwrap_or_else(|_| usage("bad --scale")),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage("bad --seed")),
            _ => usage(&format!("unknown argument {a}")),
        }
    }
    Args {
        out: out.unwrap_or_else(|| usage("--out DIR is required")),
        scale,
        seed,
    }
}

fn usage(msg: &str) -> ! {
    eprintln!("{msg}\nusage: synth --out DIR [--scale 1.0] [--seed 42]");
    std::process::exit(2)
}

fn scaled(base: usize, scale: f64, min: usize) -> usize {
    ((base as f64 * scale).round() as usize).max(min)
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
}

const DOMAINS: [&str; 6] = [
    "Drugs and alcohol",
    "Mental health",
    "Healthy lifestyles",
    "Older people",
    "Children and young people",
    "Housing",
];
const SUPPLIER_TYPES: [&str; 4] = ["sme", "vcse", "large", "public"];

fn main() {
    let Args { out, scale, seed } = args();
    if out.join("commission.toml").exists() {
        std::fs::remove_dir_all(&out).unwrap();
    }
    std::fs::create_dir_all(&out).unwrap();
    let mut rng = Rng(seed);
    // Wards × indicators is the size of the needs data: each grows with √scale.
    let n_areas = scaled(300, scale.sqrt(), 3);
    let n_ind = scaled(200, scale.sqrt(), 3);
    let n_spec = scaled(200, scale, 2);
    let n_con = scaled(5000, scale, 2);
    let n_grant = scaled(500, scale, 2);
    let n_eng = scaled(20, scale, 1);

    write(
        &out,
        "commission.toml",
        "title = \"Commissioning in Synthshire\"\n\
organisation = \"Synthshire Council (synthetic data)\"\n\
base_url = \"https://example.gov.uk/synthshire/\"\n\
home_area = \"E06000001\"\nbenchmark_area = \"E92000001\"\ncurrency = \"GBP\"\n\
as_of = \"2026-03-31\"\ntheme = \"default\"\nlanguage = \"en-GB\"\norg_id = \"GB-LAE-SYN\"\n\
grant_prefix = \"360G-syn\"\nocid_prefix = \"ocds-syn001\"\n\n\
[needs]\nconfidence = 95\ncomparison = \"ci_overlap\"\ntrend_points = 5\n\n\
[performance]\namber_tolerance = 5\nkpi_threshold_value = 5000000\n",
    );
    write(
        &out,
        "pages/about.md",
        "+++\ntitle = \"About this site\"\n+++\nSynthetic data for benchmarks. Nothing here is real.\n",
    );

    // Needs.
    let mut ind = String::from(
        "indicator_id,name,domain,value_type,multiplier,unit,polarity,definition,source\n",
    );
    let mut kinds = Vec::new();
    for i in 0..n_ind {
        let proportion = i % 2 == 0;
        let polarity = if i % 3 == 0 {
            "higher_is_better"
        } else {
            "lower_is_better"
        };
        let (vt, mult, unit) = if proportion {
            ("proportion", 100, "%")
        } else {
            ("crude_rate", 100000, "\"per 100,000\"")
        };
        let base = if proportion {
            rng.range(0.05, 0.6)
        } else {
            rng.range(0.0005, 0.01)
        };
        kinds.push(base);
        writeln!(
            ind,
            "S{i:04},Synthetic indicator {i},{},{vt},{mult},{unit},{polarity},Synthetic definition {i}.,Synthetic source",
            DOMAINS[i % DOMAINS.len()]
        )
        .unwrap();
    }
    write(&out, "needs/indicators.csv", &ind);
    let mut areas = vec![
        (
            "E92000001".to_string(),
            "England".to_string(),
            "England".to_string(),
            String::new(),
        ),
        (
            "E06000001".to_string(),
            "Synthshire".to_string(),
            "Local authority".to_string(),
            "E92000001".to_string(),
        ),
    ];
    for a in 0..n_areas {
        areas.push((
            format!("E05{a:06}"),
            format!("Ward {a}"),
            "Ward".into(),
            "E06000001".into(),
        ));
    }
    let mut values = String::from(
        "indicator_id,area_code,area_name,area_type,parent_code,period,count,denominator\n",
    );
    for (i, base) in kinds.iter().enumerate() {
        for (code, name, kind, parent) in &areas {
            let area_effect = rng.range(0.7, 1.3);
            let pop: f64 = match kind.as_str() {
                "England" => 56_000_000.0,
                "Local authority" => 300_000.0,
                _ => rng.range(4000.0, 20000.0),
            };
            for y in 0..10 {
                let p =
                    (base * area_effect * (1.0 + 0.02 * y as f64) * rng.range(0.9, 1.1)).min(0.99);
                let den = (pop * rng.range(0.95, 1.05)).round();
                let count = (den * p).round();
                writeln!(
                    values,
                    "S{i:04},{code},{name},{kind},{parent},{}/{:02},{count},{den}",
                    2015 + y,
                    (16 + y) % 100
                )
                .unwrap();
            }
        }
    }
    write(&out, "needs/values.csv", &values);

    // Specifications (every status but `ended`), options, tenders.
    let statuses: Vec<&str> = commission::model::SpecStatus::ALL
        .into_iter()
        .filter(|s| *s != "ended")
        .collect();
    let mut options = String::from("spec_id,option_id,option_name,year,cost,benefit\n");
    let mut bids = String::from("tender_id,spec_id,supplier,price,quality_score,quality_max,social_value_score,social_value_max,compliant,supplier_type\n");
    for s in 0..n_spec {
        let budget = (rng.range(0.2, 8.0) * 1e6).round();
        let a = rng.below(n_ind);
        let b = rng.below(n_ind);
        write(
            &out,
            &format!("specifications/spec-{s:04}.md"),
            &format!(
                "+++\nid = \"SPEC-{s:04}\"\ntitle = \"Synthetic service {s}\"\nstatus = \"{}\"\n\
addresses = [\"S{a:04}\", \"S{b:04}\"]\nannual_budget = {budget}\nterm_years = 4\nextension_years = 1\n\
commissioners = [\"Public Health\"]\nproviders_engaged = {}\noutcomes = [\"Better outcome {s}\"]\n\n\
[[milestones]]\ndate = 2024-06-01\nevent = \"Market engagement\"\n\n\
[evaluation]\nprice = 40\nquality = 50\nsocial_value = 10\n+++\n\
## The service\n\nA synthetic service specification number {s}, with **some** Markdown.\n\n\
- one point\n- another point\n",
                statuses[s % statuses.len()],
                rng.below(20) + 1
            ),
        );
        for (o, name) in ["Do minimum", "Commission a new service"]
            .iter()
            .enumerate()
        {
            for y in 0..6 {
                writeln!(
                    options,
                    "SPEC-{s:04},SPEC-{s:04}-{o},{name},{y},{:.0},{:.0}",
                    budget * rng.range(0.5, 1.0),
                    budget * rng.range(0.6, 1.6)
                )
                .unwrap();
            }
        }
        for bid in 0..4 {
            writeln!(
                bids,
                "T-{s:04},SPEC-{s:04},Supplier {s}-{bid},{:.0},{:.0},100,{:.0},100,yes,{}",
                budget * 4.0 * rng.range(0.85, 1.15),
                rng.range(40.0, 95.0),
                rng.range(30.0, 95.0),
                SUPPLIER_TYPES[bid % 4]
            )
            .unwrap();
        }
    }
    write(&out, "procurement/options.csv", &options);
    write(&out, "procurement/bids.csv", &bids);

    // Contract register (.xlsx) and KPI returns (CSV, long layout).
    let mut book = rust_xlsxwriter::Workbook::new();
    // A fixed creation date: the workbook's properties otherwise carry the clock.
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new().set_creation_datetime(
            &rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 31).expect("a valid date"),
        ),
    );
    let sheet = book.add_worksheet();
    sheet.set_name("Register").unwrap();
    let head = [
        "contract_id",
        "spec_id",
        "title",
        "supplier",
        "start_date",
        "end_date",
        "annual_value",
        "total_value",
        "supplier_type",
        "procurement_route",
    ];
    for (c, h) in head.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let mut kpi_file = String::new();
    for c in 0..n_con {
        let row = c as u32 + 1;
        let annual = (rng.range(0.05, 3.0) * 1e6).round();
        let start_year = 2022 + (c % 2) as i32;
        let id = format!("C-{c:05}");
        sheet.write_string(row, 0, &id).unwrap();
        sheet
            .write_string(row, 1, format!("SPEC-{:04}", c % n_spec))
            .unwrap();
        sheet
            .write_string(row, 2, format!("Synthetic contract {c}"))
            .unwrap();
        sheet
            .write_string(row, 3, format!("Provider {}", c % 997))
            .unwrap();
        sheet
            .write_string(row, 4, format!("{start_year}-04-01"))
            .unwrap();
        sheet
            .write_string(row, 5, format!("{}-03-31", start_year + 5))
            .unwrap();
        sheet.write_number(row, 6, annual).unwrap();
        sheet.write_number(row, 7, annual * 5.0).unwrap();
        sheet.write_string(row, 8, SUPPLIER_TYPES[c % 4]).unwrap();
        sheet.write_string(row, 9, "open_tender").unwrap();

        if c % 100 == 0 {
            if !kpi_file.is_empty() {
                write(
                    &out,
                    &format!("contracts/kpis/returns-{:03}.csv", c / 100 - 1),
                    &kpi_file,
                );
            }
            kpi_file =
                String::from("contract_id,kpi_id,kpi_name,period,actual,target,unit,polarity\n");
        }
        for k in 0..6 {
            let target = rng.range(50.0, 500.0).round();
            let lower = k % 2 == 1;
            let polarity = if lower {
                "lower_is_better"
            } else {
                "higher_is_better"
            };
            let mut level = target * rng.range(0.85, 1.15);
            for m in 0..36 {
                let (y, mo) = (2023 + (m + 3) / 12, (m + 3) % 12 + 1);
                level += target * rng.range(-0.03, 0.03);
                let actual = (level * rng.range(0.95, 1.05)).round();
                writeln!(
                    kpi_file,
                    "{id},K{k},Synthetic KPI {k},{y}-{mo:02},{actual},{target},people,{polarity}"
                )
                .unwrap();
            }
        }
    }
    write(
        &out,
        &format!("contracts/kpis/returns-{:03}.csv", (n_con - 1) / 100),
        &kpi_file,
    );
    std::fs::create_dir_all(out.join("contracts")).unwrap();
    book.save(out.join("contracts/register.xlsx")).unwrap();

    // Grants and engagement.
    let mut grants = String::from("grant_id,title,description,recipient_name,amount_awarded,award_date,recipient_charity_number,programme,spec_id,area_code\n");
    for g in 0..n_grant {
        writeln!(
            grants,
            "G-{g:05},Synthetic grant {g},A synthetic grant.,Community group {g},{:.0},2025-{:02}-15,{},Community fund,SPEC-{:04},{}",
            rng.range(1000.0, 50000.0),
            g % 12 + 1,
            1_000_000 + g,
            g % n_spec,
            areas[2 + g % n_areas].0
        )
        .unwrap();
    }
    write(&out, "grants/grants.csv", &grants);
    let mut ysw = String::from("engagement_id,spec_id,you_said,we_did,status\n");
    for e in 0..n_eng {
        write(
            &out,
            &format!("engagement/eng-{e:03}.md"),
            &format!(
                "+++\nid = \"ENG-{e:03}\"\ntitle = \"Consultation {e}\"\ndate = 2025-{:02}-10\n\
audience = [\"residents\"]\nparticipants = {}\nspecs = [\"SPEC-{:04}\"]\n+++\nWhat we heard at event {e}.\n",
                e % 12 + 1,
                rng.below(100) + 5,
                e % n_spec
            ),
        );
        writeln!(
            ysw,
            "ENG-{e:03},SPEC-{:04},More evening sessions,Added two evenings,done",
            e % n_spec
        )
        .unwrap();
    }
    write(&out, "engagement/you-said-we-did.csv", &ysw);
    eprintln!(
        "wrote {} (scale {scale}, seed {seed}): {n_areas} wards, {n_ind} indicators, {n_spec} specifications, {n_con} contracts, {n_grant} grants",
        out.display()
    );
}
