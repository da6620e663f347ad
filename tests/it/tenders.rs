//! Tender notices and the bid publication policy, end to end on `tests/fixtures/tenders`: the
//! tender page, `data/evaluation.csv`, `data/tenders.csv` and `data/ocds.json` under each
//! `bid_publication` setting, asserting exactly what is and is not published — a withheld price
//! or score appears in no built file, search index included; award reasons; bids not evaluated;
//! a notice per procedure type; the tenders list; the OCDS package valid against the 1.1.5
//! schema.

use crate::common;
use common::schemas::{errors, ocds_validator};
use common::{all_files, build_ok, copy_tree, fixture, read_csv};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The fixture built with `bid_publication` set (or left to its default).
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn build(policy: Option<&str>) -> Site {
        let dir = tempfile::tempdir().expect("temporary folder");
        let project = dir.path().join("project");
        copy_tree(&fixture("tenders"), &project);
        if let Some(p) = policy {
            let toml = project.join("commission.toml");
            let text = std::fs::read_to_string(&toml).unwrap();
            let text = text.replace(
                "[procurement]\n",
                &format!("[procurement]\nbid_publication = \"{p}\"\n"),
            );
            std::fs::write(&toml, text).unwrap();
        }
        let root = dir.path().join("site");
        build_ok(&project, &root);
        Site { _dir: dir, root }
    }
    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
    fn csv(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        read_csv(&self.root.join("data").join(format!("{name}.csv")))
    }
    fn ocds(&self) -> Value {
        serde_json::from_str(&self.text("data/ocds.json")).unwrap()
    }
    /// Every built file as text (the search index's included), plus the search record of every
    /// page.
    fn every_text(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (path, bytes) in all_files(&self.root) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if path.ends_with(".html") {
                if let Some(r) = commission::publish::search_text::search_record(&text) {
                    out.push((format!("{path} (search record)"), r.content));
                }
            }
            out.push((path, text));
        }
        out
    }
    /// The files in which `needle` appears.
    fn found(&self, needle: &str) -> Vec<String> {
        self.every_text()
            .into_iter()
            .filter(|(_, t)| t.contains(needle))
            .map(|(p, _)| p)
            .collect()
    }
}

/// The unsuccessful evaluated bids of T-OPEN: price as written, as a page shows it, and the total
/// score as pages show it (2 decimals). Worked by hand, weights 40/50/10, lowest evaluated price
/// 1,187,654 (Birch; Elm is not compliant and Fir excluded, so neither sets it):
/// Birch 40 + 35.5 + 7 = 82.50; Cedar 40 × 1187654/1298765 = 36.5777 + 30 + 9 = 75.58;
/// Damson 40 × 1187654/1356789 = 35.0135 + 32.5 + 6 = 73.51.
const WITHHELD: [(&str, &str, &str); 3] = [
    ("1187654", "£1,187,654", "82.50"),
    ("1298765", "£1,298,765", "75.58"),
    ("1356789", "£1,356,789", "73.51"),
];
/// Bids never evaluated: Elm (not compliant) and Fir (excluded).
const NOT_EVALUATED: [(&str, &str); 2] = [("1098765", "£1,098,765"), ("1176543", "£1,176,543")];
/// The winner, Alder: 40 × 1187654/1234567 = 38.4800 + 40 + 8 = 86.48.
const WINNER: (&str, &str, &str) = ("1234567", "£1,234,567", "86.48");

fn evaluation_rows(site: &Site, tender: &str) -> Vec<BTreeMap<String, String>> {
    site.csv("evaluation")
        .into_iter()
        .filter(|r| r["tender_id"] == tender)
        .collect()
}

fn release<'a>(ocds: &'a Value, ocid: &str) -> &'a Value {
    ocds["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ocid"] == ocid)
        .unwrap_or_else(|| panic!("no release {ocid}"))
}

#[test]
fn default_policy_names_the_bidders_and_withholds_their_figures_everywhere() {
    let site = Site::build(None);
    for (raw, shown, score) in WITHHELD {
        for needle in [raw, shown] {
            assert_eq!(site.found(needle), Vec::<String>::new(), "{needle}");
        }
        let page = site.text("procurement/tenders/t-open/index.html");
        assert!(!page.contains(score), "{score} on the tender page");
    }
    for (raw, shown) in NOT_EVALUATED {
        assert_eq!(site.found(raw), Vec::<String>::new(), "{raw}");
        assert_eq!(site.found(shown), Vec::<String>::new(), "{shown}");
    }
    // The winner's price and score are published — and found by the same search, in the page,
    // its search record and the search index's page text, so the search above can find.
    let page = site.text("procurement/tenders/t-open/index.html");
    assert!(page.contains(WINNER.1) && page.contains(WINNER.2), "{page}");
    let found = site.found(WINNER.1);
    assert!(
        found.iter().any(|p| p.ends_with("(search record)")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.starts_with("search/pages/")),
        "{found:?}"
    );
    // The page names every bidder, shows the others as withheld and gives the distribution.
    for name in ["Birch Support CIC", "Elm Group plc", "Fir Partners Ltd"] {
        assert!(page.contains(name), "{name}");
    }
    assert!(page.contains("Excluded: not scored"));
    assert!(page.contains("Not compliant: not scored"));
    assert!(page.contains(
        "The 3 withheld evaluated bids ranged from £1,100,000 to £1,400,000 (median about \
         £1,300,000) and scored between 73 and 83 points out of 100 (median about 76)."
    ));

    // data/evaluation.csv: every bidder named (the tender is awarded), figures only for Alder.
    let rows = evaluation_rows(&site, "T-OPEN");
    let shown: Vec<(&str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["supplier"].as_str(),
                r["price"].as_str(),
                r["rank"].as_str(),
                r["figures_withheld"].as_str(),
                r["compliant"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("Alder Care Ltd", "1234567.0", "1", "false", "true"),
            ("Birch Support CIC", "", "", "true", "true"),
            ("Cedar Services Ltd", "", "", "true", "true"),
            ("Damson Homecare Ltd", "", "", "true", "true"),
            ("Elm Group plc", "", "", "true", "false"),
            ("Fir Partners Ltd", "", "", "true", "true"),
        ]
    );
    assert_eq!(rows[5]["excluded"], "true");
    for r in &rows[1..] {
        for c in [
            "price_score",
            "quality_score",
            "social_value_score",
            "total_score",
        ] {
            assert_eq!(r[c], "", "{c} of {}", r["supplier"]);
        }
    }

    // data/tenders.csv: the anonymised distribution of Birch, Cedar and Damson.
    let t = site
        .csv("tenders")
        .into_iter()
        .find(|r| r["tender_id"] == "T-OPEN")
        .unwrap();
    let cells: Vec<&str> = [
        "bid_count",
        "evaluated_bid_count",
        "withheld_bid_count",
        "withheld_price_low",
        "withheld_price_median",
        "withheld_price_high",
        "withheld_score_low",
        "withheld_score_median",
        "withheld_score_high",
        "bid_publication",
        "status",
    ]
    .iter()
    .map(|c| t[*c].as_str())
    .collect();
    assert_eq!(
        cells,
        vec![
            "6",
            "4",
            "5",
            "1100000.0",
            "1300000.0",
            "1400000.0",
            "73.0",
            "76.0",
            "83.0",
            "named_without_scores",
            "awarded"
        ]
    );

    // OCDS: every bidder a tenderer, only Alder's bid has a value; counts for the lot.
    let ocds = site.ocds();
    let r = release(&ocds, "ocds-tbd001-T-OPEN");
    let details = r["bids"]["details"].as_array().unwrap();
    let valued: Vec<&Value> = details
        .iter()
        .filter(|d| d.get("value").is_some())
        .collect();
    assert_eq!(details.len(), 6);
    assert_eq!(valued.len(), 1);
    assert_eq!(valued[0]["value"]["amount"], 1_234_567.0);
    assert_eq!(valued[0]["tenderers"][0]["name"], "Alder Care Ltd");
    let stats: Vec<(String, f64)> = r["bids"]["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["measure"].as_str().unwrap().to_string(),
                s["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stats,
        vec![
            ("bids".into(), 6.0),
            ("validBids".into(), 4.0),
            ("disqualifiedBids".into(), 2.0),
            ("smeBids".into(), 3.0),
        ]
    );
    assert_eq!(r["tender"]["numberOfTenderers"], 6);
}

#[test]
fn winner_only_names_no_unsuccessful_bidder_anywhere() {
    let site = Site::build(Some("winner_only"));
    for name in [
        "Birch Support CIC",
        "Cedar Services Ltd",
        "Damson Homecare Ltd",
        "Elm Group plc",
        "Fir Partners Ltd",
    ] {
        let found: Vec<String> = site
            .found(name)
            .into_iter()
            // Birch won lot 2 and the night visits: it is named there, and on pages listing
            // every contract, but never as a bidder for T-OPEN (its evaluation rows are
            // checked below).
            .filter(|p| p.contains("t-open"))
            .collect();
        assert_eq!(found, Vec::<String>::new(), "{name}");
    }
    for (raw, shown, _) in WITHHELD {
        assert_eq!(site.found(raw), Vec::<String>::new(), "{raw}");
        assert_eq!(site.found(shown), Vec::<String>::new(), "{shown}");
    }
    let rows = evaluation_rows(&site, "T-OPEN");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["supplier"], "Alder Care Ltd");
    let ocds = site.ocds();
    let r = release(&ocds, "ocds-tbd001-T-OPEN");
    let parties: Vec<&str> = r["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        parties,
        vec!["Tenderbridge District Council", "Alder Care Ltd"]
    );
    assert_eq!(r["tender"]["numberOfTenderers"], 6);
    assert_eq!(r["bids"]["details"].as_array().unwrap().len(), 1);
}

#[test]
fn full_policy_publishes_every_bid_and_still_scores_no_bid_that_was_not_evaluated() {
    let site = Site::build(Some("full"));
    let page = site.text("procurement/tenders/t-open/index.html");
    for (_, shown, score) in WITHHELD {
        assert!(
            page.contains(shown) && page.contains(score),
            "{shown} {score}"
        );
    }
    let rows = evaluation_rows(&site, "T-OPEN");
    let cells: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["supplier"].as_str(),
                r["price"].as_str(),
                r["rank"].as_str(),
                r["total_score"].as_str(),
            )
        })
        .collect();
    assert_eq!(cells[0].0, "Alder Care Ltd");
    assert_eq!(cells[1].0, "Birch Support CIC");
    assert_eq!((cells[1].1, cells[1].2), ("1187654.0", "2"));
    // Elm (not compliant) and Fir (excluded): priced, never scored or ranked.
    assert_eq!(
        &cells[4..],
        &[
            ("Elm Group plc", "1098765.0", "", ""),
            ("Fir Partners Ltd", "1176543.0", "", ""),
        ]
    );
    let t = site
        .csv("tenders")
        .into_iter()
        .find(|r| r["tender_id"] == "T-OPEN")
        .unwrap();
    assert_eq!(
        (
            t["withheld_bid_count"].as_str(),
            t["withheld_price_low"].as_str()
        ),
        ("0", "")
    );
    let ocds = site.ocds();
    let r = release(&ocds, "ocds-tbd001-T-OPEN");
    let stats = r["bids"]["statistics"].as_array().unwrap();
    let lowest = stats
        .iter()
        .find(|s| s["measure"] == "lowestValidBidValue")
        .unwrap();
    assert_eq!(lowest["value"], 1_187_654.0);
    let valued = r["bids"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("value").is_some())
        .count();
    assert_eq!(valued, 6);
}

#[test]
fn an_award_reason_replaces_the_flag_and_a_missing_one_keeps_it() {
    let site = Site::build(None);
    let contracts = site.csv("contracts");
    let flags = |id: &str| {
        contracts
            .iter()
            .find(|r| r["contract_id"] == id)
            .map(|r| r["flags"].clone())
            .unwrap()
    };
    assert!(!flags("C-LOT2").contains("award_not_top_ranked"));
    assert!(flags("C-NOREASON").contains("award_not_top_ranked"));
    let tenders = site.csv("tenders");
    let row = |id: &str| {
        tenders
            .iter()
            .find(|r| r["tender_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            row("T-LOT2")["award_reason"].as_str(),
            row("T-LOT2")["award_not_top_ranked_unexplained"].as_str()
        ),
        ("lot_rules", "false")
    );
    assert_eq!(
        row("T-NOREASON")["award_not_top_ranked_unexplained"],
        "true"
    );
    // One contracting process for both lots, each award tied to its lot.
    let ocds = site.ocds();
    let r = release(&ocds, "ocds-tbd001-P-HOME");
    let lots: Vec<(&str, &str)> = r["tender"]["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["id"].as_str().unwrap(), l["title"].as_str().unwrap()))
        .collect();
    assert_eq!(lots, vec![("1", "North"), ("2", "South")]);
    assert_eq!(
        r["tender"]["lotDetails"]["maximumLotsAwardedPerSupplier"],
        1
    );
    let awards: Vec<(&str, &str)> = r["awards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap(),
                a["relatedLots"][0].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(awards, vec![("C-LOT1", "1"), ("C-LOT2", "2")]);
}

#[test]
fn every_procedure_is_published_with_its_ocds_method_and_the_package_validates() {
    for policy in [None, Some("winner_only"), Some("full")] {
        let site = Site::build(policy);
        let ocds = site.ocds();
        let errs = errors(&ocds_validator(), &ocds);
        assert!(errs.is_empty(), "{policy:?}:\n{}", errs.join("\n"));
        if policy.is_some() {
            continue;
        }
        let methods: Vec<(String, String, String)> = ocds["releases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ocid"]
                        .as_str()
                        .unwrap()
                        .trim_start_matches("ocds-tbd001-")
                        .to_string(),
                    r["tender"]["procurementMethod"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    r["tender"]["status"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let m = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            methods,
            vec![
                m("P-HOME", "open", "complete"),
                m("T-NOREASON", "selective", "complete"),
                m("T-OPEN", "open", "complete"),
                m("T-P02", "selective", "active"),
                m("T-P03", "direct", "complete"),
                m("T-P04", "selective", "active"),
                m("T-P05", "selective", "cancelled"),
                m("T-P06", "open", "active"),
                m("T-P08", "selective", "cancelled"),
                m("T-P09", "selective", "cancelled"),
                m("T-P10", "selective", "cancelled"),
                m("T-P11", "selective", "cancelled"),
                m("T-P12", "limited", "cancelled"),
                m("T-P13", "selective", "cancelled"),
                m("T-P14", "selective", "cancelled"),
            ]
        );
        let open = release(&ocds, "ocds-tbd001-T-OPEN");
        let t = &open["tender"];
        assert_eq!(t["title"], "Home support across the city");
        assert_eq!(
            t["items"][0]["classification"],
            serde_json::json!({"scheme": "CPV", "id": "85310000"})
        );
        assert_eq!(
            t["items"][0]["additionalClassifications"][0]["id"],
            "85312000"
        );
        assert_eq!(t["value"]["amount"], 1_300_000.0);
        assert_eq!(t["tenderPeriod"]["endDate"], "2024-11-08T00:00:00Z");
        assert_eq!(t["awardPeriod"]["startDate"], "2025-01-20T00:00:00Z");
        assert_eq!(
            t["documents"][0]["title"],
            "Find a Tender notice 000123-2024"
        );
        assert_eq!(
            t["documents"][1]["url"],
            "https://example.org/tenders/itt.pdf"
        );
        assert_eq!(open["contracts"][0]["dateSigned"], "2025-02-10T00:00:00Z");
        let statuses: BTreeMap<String, String> = site
            .csv("tenders")
            .into_iter()
            .map(|r| (r["tender_id"].clone(), r["status"].clone()))
            .collect();
        assert_eq!(statuses["T-P02"], "open");
        assert_eq!(statuses["T-P03"], "awarded");
        assert_eq!(statuses["T-P04"], "evaluation");
        assert_eq!(statuses["T-P05"], "cancelled");
    }
}

#[test]
fn the_tenders_list_groups_every_tender_by_status() {
    let site = Site::build(None);
    let page = site.text("procurement/tenders/index.html");
    let group = |status: &str| -> Vec<String> {
        let start = page
            .find(&format!("<section id=\"{status}\">"))
            .unwrap_or_else(|| panic!("{status}"));
        let end = start + page[start..].find("</section>").unwrap();
        common::links(&page[start..end])
            .into_iter()
            .filter(|l| l.contains("procurement/tenders/t-"))
            .map(|l| {
                l.trim_start_matches("../../")
                    .trim_end_matches("index.html")
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        group("open"),
        vec!["procurement/tenders/t-p02/", "procurement/tenders/t-p06/"]
    );
    assert_eq!(group("evaluation"), vec!["procurement/tenders/t-p04/"]);
    assert_eq!(group("awarded").len(), 5);
    assert_eq!(group("cancelled").len(), 8);
    for status in ["open", "evaluation", "awarded", "cancelled"] {
        assert!(page.contains(&format!("href=\"#{status}\"")), "{status}");
    }
    // Each group's caption counts its tenders in words that agree with the count.
    assert!(page.contains(">Bids under evaluation: 1 tender</caption>"));
    assert!(page.contains(">Open for bids: 2 tenders</caption>"));
    // A notice reads like one: procedure, value, dates and the notice reference in words.
    let open = site.text("procurement/tenders/t-open/index.html");
    for text in [
        "Open procedure (Procurement Act 2023)",
        "£1,300,000",
        "85310000-5, 85312000-9",
        "<dt>Deadline for bids</dt><dd>8 November 2024</dd>",
        "<dt>Contract signed</dt><dd>10 February 2025</dd>",
        "Alder Care Ltd</strong>, £1,234,567, awarded 10 February 2025",
    ] {
        assert!(open.contains(text), "{text}");
    }
}
