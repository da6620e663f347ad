//! Offline validators for the published open-data packages, loaded from `tests/schemas` for
//! `open_standards` and `published_schemas`: OCDS 1.1 (draft-04) and 360Giving 1.4 (2020-12).

use jsonschema::{Draft, Registry, Validator};
use serde_json::Value;
use std::path::PathBuf;

const OCDS_RELEASE_ID: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";
const GRANT_SCHEMA_1_4_2: &str =
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json";

/// `tests/schemas`, the repository's copy of the official schemas;
/// `COMMISSION_REFERENCE_DIR` points elsewhere.
pub fn reference_dir() -> PathBuf {
    match std::env::var_os("COMMISSION_REFERENCE_DIR") {
        Some(dir) => dir.into(),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schemas"),
    }
}

fn load(rel: &str) -> Value {
    let path = reference_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The OCDS 1.1.5 release package schema, with the release schema registered locally.
pub fn ocds_validator() -> Validator {
    let release = Draft::Draft4.create_resource(load("ocds/release-schema.json"));
    let registry = Registry::new()
        .draft(Draft::Draft4)
        .add(OCDS_RELEASE_ID, release)
        .and_then(|r| r.prepare())
        .expect("OCDS registry");
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .with_registry(&registry)
        .should_validate_formats(true)
        .offline()
        .build(&load("ocds/release-package-schema.json"))
        .expect("OCDS package schema compiles")
}

/// The 360Giving 1.4 package schema, with the grant schema registered under both its ids.
pub fn giving_validator() -> Validator {
    let grant = load("360giving/360-giving-schema.json");
    let own_id = grant["$id"].as_str().expect("grant schema $id").to_string();
    let registry = Registry::new()
        .draft(Draft::Draft202012)
        .add(
            GRANT_SCHEMA_1_4_2,
            Draft::Draft202012.create_resource(grant.clone()),
        )
        .and_then(|r| r.add(own_id, Draft::Draft202012.create_resource(grant)))
        .and_then(|r| r.prepare())
        .expect("360Giving registry");
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .with_registry(&registry)
        .should_validate_formats(true)
        .offline()
        .build(&load("360giving/360-giving-package-schema.json"))
        .expect("360Giving package schema compiles")
}

/// Every validation error, with the path of the offending value.
pub fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}
