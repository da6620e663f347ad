//! The open-data packages a real build writes (`data/ocds.json`, `data/grants-360giving.json`)
//! validate offline against the official OCDS 1.1 and 360Giving 1.4 schemas, for the sample
//! council and the small fixture.

use crate::common;

use common::schemas::{errors, giving_validator, ocds_validator};
use common::{fixture, sample, Built};
use serde_json::Value;

fn json(site: &Built, rel: &str) -> Value {
    serde_json::from_str(&site.text(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn assert_valid(site: &Built) {
    let ocds = json(site, "data/ocds.json");
    assert!(
        !ocds["releases"].as_array().unwrap().is_empty(),
        "no releases"
    );
    let errs = errors(&ocds_validator(), &ocds);
    assert!(errs.is_empty(), "OCDS errors:\n{}", errs.join("\n"));
    let giving = json(site, "data/grants-360giving.json");
    assert!(
        !giving["grants"].as_array().unwrap().is_empty(),
        "no grants"
    );
    let errs = errors(&giving_validator(), &giving);
    assert!(errs.is_empty(), "360Giving errors:\n{}", errs.join("\n"));
}

#[test]
fn sample_packages_are_valid() {
    assert_valid(&Built::new(&sample()));
}

#[test]
fn small_packages_are_valid_and_use_the_configured_prefixes() {
    let site = Built::new(&fixture("small"));
    assert_valid(&site);
    let giving = json(&site, "data/grants-360giving.json");
    let ids: Vec<&str> = giving["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["360G-smb-G-1", "360G-smb-G-2"]);
    let ocds = json(&site, "data/ocds.json");
    let ocids: Vec<&str> = ocds["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ocid"].as_str().unwrap())
        .collect();
    assert_eq!(ocids, ["ocds-smb001-T-ACT-2023", "ocds-smb001-C-FALLS-1"]);
}
