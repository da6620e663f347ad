//! The open-data packages validate, offline, against the published schemas in
//! `tests/schemas/` (copies of the official schemas): OCDS 1.1 (draft-04) and 360Giving 1.4 (2020-12), with formats checked.

use crate::common;
use chrono::NaiveDate;
use commission::analysis::tender::evaluate_tenders;
use commission::model::{
    Area, Bid, Contract, EvaluationWeights, Funding, Grant, Milestone, ProcurementRoute, Project,
    SpecStatus, Specification, SupplierType,
};
use commission::publish::{giving::giving_package, ocds::ocds_package};

use common::schemas::{errors, giving_validator, ocds_validator};
use serde_json::Value;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn spec(id: &str, budget: Option<f64>) -> Specification {
    Specification {
        id: id.into(),
        title: format!("Service {id}"),
        status: SpecStatus::Awarded,
        service_area: None,
        summary: Some("What the service does.".into()),
        addresses: vec![],
        annual_budget: budget,
        term_years: budget.map(|_| 5.0),
        extension_years: None,
        commissioners: vec![],
        providers_engaged: None,
        outcomes: vec![],
        social_value: vec![],
        milestones: vec![Milestone {
            date: date(2025, 6, 12),
            event: "Market engagement event".into(),
        }],
        evaluation: Some(EvaluationWeights {
            price: 40.0,
            quality: 50.0,
            social_value: 10.0,
        }),
        funding: Funding::Contract,
        output_kpi: None,
        output_unit: None,
        output_stock_or_flow: None,
        links: vec![],
        body_markdown: String::new(),
        origin: Default::default(),
        body_line: 0,
    }
}

fn bid(supplier: &str, price: f64, q: f64, kind: SupplierType) -> Bid {
    Bid {
        tender_id: "T-DA-2025".into(),
        spec_id: "SPEC-DA".into(),
        supplier: supplier.into(),
        price,
        quality_score: q,
        quality_max: 5.0,
        social_value_score: 3.0,
        social_value_max: 5.0,
        compliant: true,
        excluded: false,
        supplier_type: Some(kind),
        supplier_id: Some("GB-CHC-1234567".into()).filter(|_| kind == SupplierType::Vcse),
        origin: Default::default(),
    }
}

fn contract(
    id: &str,
    spec: &str,
    tender: Option<&str>,
    supplier: &str,
    start: NaiveDate,
) -> Contract {
    Contract {
        contract_id: id.into(),
        spec_id: spec.into(),
        title: format!("Contract {id}"),
        supplier: supplier.into(),
        start_date: start,
        end_date: date(2030, 3, 31),
        annual_value: 100_000.0,
        total_value: 500_000.0,
        tender_id: tender.map(str::to_string),
        supplier_id: None,
        supplier_type: None,
        department: Some("Public Health".into()),
        description: Some("Delivery of the service.".into()),
        award_date: Some(date(2025, 1, 15)),
        review_date: None,
        extension_end_date: Some(date(2032, 3, 31)),
        procurement_route: Some(ProcurementRoute::OpenTender),
        irrecoverable_vat: None,
        details: Default::default(),
        origin: Default::default(),
        memo: Default::default(),
    }
}

fn grant(id: &str, name: &str) -> Grant {
    Grant {
        grant_id: id.into(),
        title: format!("Grant to {name}"),
        description: "Peer support groups.".into(),
        recipient_name: name.into(),
        amount_awarded: 9_500.0,
        award_date: date(2025, 5, 1),
        recipient_charity_number: None,
        recipient_company_number: None,
        recipient_org_id: None,
        programme: None,
        spec_id: None,
        area_code: None,
        start_date: None,
        end_date: None,
        from_open_call: None,
        small_local: None,
        record: None,
        origin: Default::default(),
    }
}

/// Two specifications; one tender with three bids; three contracts, one without a tender; three
/// grants identified by charity number, company number and org-id, one with an area.
fn project() -> Project {
    let mut p = Project::default();
    p.config.title = "Commissioning in Northbridge".into();
    p.config.organisation = "Northbridge City Council".into();
    p.config.base_url = "https://example.gov.uk/commissioning".into();
    p.config.org_id = Some("GB-LAE-NBC".into());
    p.config.grant_prefix = Some("360G-nbc".into());
    p.config.as_of = Some(date(2026, 3, 31));
    p.specifications
        .insert("SPEC-DA".into(), spec("SPEC-DA", Some(420_000.0)));
    p.specifications
        .insert("SPEC-YP".into(), spec("SPEC-YP", None));
    p.bids = vec![
        bid(
            "Recovery Partners Ltd",
            2_000_000.0,
            4.0,
            SupplierType::Large,
        ),
        bid(
            "Northbridge Community Trust",
            1_900_000.0,
            3.5,
            SupplierType::Vcse,
        ),
        bid("Pathways CIC", 2_100_000.0, 4.5, SupplierType::Sme),
    ];
    let open = |id, tender, supplier, start| contract(id, "SPEC-DA", tender, supplier, start);
    p.contracts.insert(
        "C-001".into(),
        open("C-001", Some("T-DA-2025"), "Pathways CIC", date(2025, 4, 1)),
    );
    p.contracts.insert(
        "C-002".into(),
        open(
            "C-002",
            Some("T-DA-2025"),
            "recovery partners ltd ",
            date(2026, 6, 1),
        ),
    );
    let mut direct = contract("C-003", "SPEC-YP", None, "Youth Matters", date(2024, 4, 1));
    direct.procurement_route = Some(ProcurementRoute::DirectAward);
    direct.extension_end_date = None;
    p.contracts.insert("C-003".into(), direct);

    let mut g1 = grant("G-001", "Northbridge Community Trust");
    g1.recipient_charity_number = Some("1234567".into());
    g1.area_code = Some("E05011234".into());
    g1.programme = Some("Community recovery fund".into());
    g1.start_date = Some(date(2025, 6, 1));
    g1.end_date = Some(date(2026, 5, 31));
    g1.from_open_call = Some(true);
    let mut g2 = grant("G-002", "Pathways CIC");
    g2.recipient_company_number = Some("9876543".into());
    let mut g3 = grant("G-003", "Scottish Friends");
    g3.recipient_org_id = Some("GB-SC-SC012345".into());
    for g in [g1, g2, g3] {
        p.grants.insert(g.grant_id.clone(), g);
    }
    p.areas.insert(
        "E05011234".into(),
        Area {
            code: "E05011234".into(),
            name: "Riverside".into(),
            area_type: Some("ward".into()),
            parent_code: Some("E08000099".into()),
        },
    );
    p
}

fn ocds() -> Value {
    let p = project();
    ocds_package(&p, &evaluate_tenders(&p, None), "2026-03-31")
}

#[test]
fn ocds_package_is_valid_against_the_release_package_schema() {
    let package = ocds();
    let errs = errors(&ocds_validator(), &package);
    assert!(
        errs.is_empty(),
        "OCDS validation errors:\n{}",
        errs.join("\n")
    );
}

#[test]
fn ocds_package_has_one_release_per_tender_or_untendered_contract() {
    let package = ocds();
    assert_eq!(
        package["uri"],
        "https://example.gov.uk/commissioning/data/ocds.json"
    );
    assert_eq!(package["publisher"]["scheme"], "GB-LAE");
    assert_eq!(package["publisher"]["uid"], "NBC");
    assert_eq!(package["publishedDate"], "2026-03-31T00:00:00Z");
    let releases = package["releases"].as_array().unwrap();
    let heads: Vec<(&str, Value)> = releases
        .iter()
        .map(|r| (r["ocid"].as_str().unwrap(), r["tag"].clone()))
        .collect();
    assert_eq!(
        heads,
        vec![
            (
                "ocds-xxxxxx-T-DA-2025",
                serde_json::json!(["award", "contract"])
            ),
            ("ocds-xxxxxx-C-003", serde_json::json!(["contract"])),
        ]
    );
    let tender = &releases[0];
    assert_eq!(tender["tender"]["numberOfTenderers"], 3);
    assert_eq!(tender["tender"]["procurementMethod"], "open");
    assert_eq!(
        tender["planning"]["budget"]["amount"]["amount"],
        2_100_000.0
    );
    // Latest data date: C-002 starts on 2026-06-01.
    assert_eq!(tender["date"], "2026-06-01T00:00:00Z");
    let statuses: Vec<&str> = tender["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["active", "pending"]);
    // Every supplier and tenderer id in the release is a party with that role.
    let parties = tender["parties"].as_array().unwrap();
    let roles = |id: &str| -> Vec<String> {
        let p = parties
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("{id}"));
        serde_json::from_value(p["roles"].clone()).unwrap()
    };
    assert_eq!(roles("GB-LAE-NBC"), vec!["buyer"]);
    assert_eq!(
        roles("supplier-recovery-partners-ltd"),
        vec!["supplier", "tenderer"]
    );
    assert_eq!(
        roles("supplier-northbridge-community-trust"),
        vec!["tenderer"]
    );
    for award in tender["awards"].as_array().unwrap() {
        let id = award["suppliers"][0]["id"].as_str().unwrap();
        assert!(roles(id).contains(&"supplier".to_string()));
    }
    let direct = &releases[1];
    assert_eq!(direct["tender"]["procurementMethod"], "direct");
    assert_eq!(direct["contracts"][0]["awardID"], direct["awards"][0]["id"]);
    assert_eq!(direct["contracts"][0]["status"], "active");
}

#[test]
fn ocds_package_without_a_publisher_fails_validation() {
    let mut package = ocds();
    package.as_object_mut().unwrap().remove("publisher");
    let errs = errors(&ocds_validator(), &package);
    assert!(
        errs.iter().any(|e| e.contains("publisher")),
        "expected a missing-publisher error, got {errs:?}"
    );
}

#[test]
fn ocds_release_with_a_tag_outside_the_codelist_fails_validation() {
    let mut package = ocds();
    package["releases"][0]["tag"] = serde_json::json!(["awarded"]);
    assert!(!errors(&ocds_validator(), &package).is_empty());
}

#[test]
fn giving_package_is_valid_against_the_360giving_package_schema() {
    let package = giving_package(&project());
    let errs = errors(&giving_validator(), &package);
    assert!(
        errs.is_empty(),
        "360Giving validation errors:\n{}",
        errs.join("\n")
    );
}

#[test]
fn giving_package_identifies_funder_and_recipients() {
    let package = giving_package(&project());
    let grants = package["grants"].as_array().unwrap();
    let ids: Vec<(&str, &str)> = grants
        .iter()
        .map(|g| {
            (
                g["id"].as_str().unwrap(),
                g["recipientOrganization"][0]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        vec![
            ("360G-nbc-G-001", "GB-CHC-1234567"),
            ("360G-nbc-G-002", "GB-COH-09876543"),
            ("360G-nbc-G-003", "GB-SC-SC012345"),
        ]
    );
    assert_eq!(grants[0]["fundingOrganization"][0]["id"], "GB-LAE-NBC");
    assert_eq!(
        grants[0]["beneficiaryLocation"],
        serde_json::json!([{ "geoCode": "E05011234", "geoCodeType": "WD", "name": "Riverside" }])
    );
    assert_eq!(grants[0]["awardDate"], "2025-05-01");
    assert_eq!(grants[0]["fromOpenCall"], "Yes");
}

#[test]
fn giving_package_with_a_bad_award_date_fails_validation() {
    let mut package = giving_package(&project());
    package["grants"][0]["awardDate"] = serde_json::json!("01/05/2025");
    assert!(!errors(&giving_validator(), &package).is_empty());
}
