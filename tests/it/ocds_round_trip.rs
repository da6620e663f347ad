//! Issue 13: the sample council's own published OCDS (`data/ocds.json`), read back as
//! Contracts Finder-style input into an empty project. Every award comes back as a contract with
//! its ocid, title, suppliers, value, contract period, award date and buyer; what OCDS input does
//! not read (tender notices without an award, bids, budgets, tender details) is named in two
//! warnings rather than dropped in silence (docs/FORMATS.md, "contracts/*.json: OCDS 1.1 in").

use crate::common;
use commission::build::{build, BuildOptions};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Builds an `init --empty` project holding `ocds` as `contracts/ocds.json`; returns the
/// published OCDS and the build's warnings.
fn republished(ocds: &Path, dir: &Path) -> (Value, Vec<String>) {
    let project = dir.join("project");
    commission::init::init_empty(&project).unwrap();
    std::fs::copy(ocds, project.join("contracts/ocds.json")).unwrap();
    let site = dir.join("site");
    let report = build(&BuildOptions {
        project,
        output: Some(site.clone()),
        base_url: None,
    })
    .unwrap();
    let shown: Vec<String> = report
        .diagnostics
        .sorted()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(report.output.is_some(), "not built: {shown:#?}");
    let published = serde_json::from_slice(&std::fs::read(site.join("data/ocds.json")).unwrap());
    (published.unwrap(), shown)
}

/// Per ocid and award title (a process in lots has an award per lot): what a contract is read
/// from, the award's own id included (a contract read from OCDS is identified by its ocid, and
/// keeps its award's id to republish it).
fn awards(package: &Value) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for r in package["releases"].as_array().unwrap() {
        for award in r["awards"].as_array().into_iter().flatten() {
            let contract = r["contracts"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["awardID"] == award["id"]));
            let period = contract
                .map(|c| c["period"].clone())
                .unwrap_or_else(|| award["contractPeriod"].clone());
            let amount = contract
                .map(|c| c["value"]["amount"].clone())
                .unwrap_or_else(|| award["value"]["amount"].clone());
            let suppliers: Vec<&Value> = award["suppliers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| &s["name"])
                .collect();
            let key = (
                r["ocid"].as_str().unwrap().to_string(),
                award["title"].as_str().unwrap().to_string(),
            );
            out.insert(
                key,
                serde_json::json!({
                    "id": award["id"],
                    "suppliers": suppliers,
                    "amount": amount,
                    "period": period,
                    "award_date": award["date"],
                    "buyer": r["buyer"]["name"],
                }),
            );
        }
    }
    out
}

#[test]
fn the_sample_s_own_ocds_reads_back_with_every_award_and_names_what_it_does_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let sample_site = dir.path().join("sample");
    common::build_ok(&common::sample(), &sample_site);
    let source_path = sample_site.join("data/ocds.json");
    let source: Value = serde_json::from_slice(&std::fs::read(&source_path).unwrap()).unwrap();

    let first = dir.path().join("first");
    let (back, warnings) = republished(&source_path, &first);
    let (given, got) = (awards(&source), awards(&back));
    assert_eq!(
        given.len(),
        14,
        "awards in the sample (one process in two lots)"
    );
    assert_eq!(
        got, given,
        "each award's id, title, suppliers, value, period, date and buyer"
    );
    assert_eq!(
        warnings,
        [
            "warning: contracts/ocds.json: 3 contracting process(es) have no award to read as a contract\n  \
             = hint: not published from OCDS: ocds-nbc001-T-2025-004, ocds-nbc001-T-2025-008, ocds-nbc001-T-2026-011; \
             a tender without an award (or whose awards were all cancelled or unsuccessful) is published from procurement/tenders.csv",
            "warning: contracts/ocds.json: OCDS fields not read: only awards and contracts become contracts\n  \
             = hint: not read: awards.relatedLots, bids, contracts.dateSigned, contracts.status, parties, planning, \
             tender.awardCriteria, tender.awardCriteriaDetails, tender.awardPeriod, tender.documents, tender.enquiryPeriod, \
             tender.items, tender.lotDetails, tender.lots, tender.mainProcurementCategory, tender.milestones, \
             tender.numberOfTenderers, tender.status, tender.tenderPeriod, tender.tenderers and 1 more; \
             tender notices, bids and budgets are published from procurement/tenders.csv, procurement/bids.csv and \
             specifications/, not read back from OCDS",
        ]
    );

    // What comes back is a fixed point: republished once more, it is byte for byte the same.
    let first_ocds = first.join("site/data/ocds.json");
    let (again, _) = republished(&first_ocds, &dir.path().join("second"));
    assert_eq!(again, back);
}
