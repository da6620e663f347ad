//! A small council for the page views' unit tests: two wards, one indicator, a specification
//! bought by tender (with an options appraisal, two bids, a contract and its KPI), a grant-funded
//! specification and two grants. Figures are chosen so each view's numbers can be worked by hand.

use crate::analysis::{analyse, Analysis};
use crate::model::config::Config;
use crate::model::{
    AppraisalOption, Area, Bid, CashFlow, Contract, EvaluationWeights, Funding, Grant, Kpi,
    KpiPoint, Period, Polarity, Project, SpecStatus, Specification, SupplierType,
};
use chrono::NaiveDate;

pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn area(code: &str, name: &str) -> (String, Area) {
    (
        code.into(),
        Area {
            code: code.into(),
            name: name.into(),
            area_type: None,
            parent_code: None,
        },
    )
}

fn spec(id: &str, title: &str, funding: Funding) -> Specification {
    Specification {
        id: id.into(),
        title: title.into(),
        status: SpecStatus::Procurement,
        service_area: Some("Adult care".into()),
        summary: None,
        addresses: vec![],
        annual_budget: None,
        term_years: None,
        extension_years: None,
        commissioners: vec![],
        providers_engaged: None,
        outcomes: vec![],
        social_value: vec![],
        milestones: vec![],
        evaluation: None,
        funding,
        output_kpi: None,
        output_unit: None,
        output_stock_or_flow: None,
        links: vec![],
        body_markdown: String::new(),
        origin: Default::default(),
        body_line: 0,
    }
}

fn option(id: &str, name: &str, flows: &[(u32, f64, f64)]) -> AppraisalOption {
    AppraisalOption {
        spec_id: "S1".into(),
        option_id: id.into(),
        name: name.into(),
        description: Some(format!("{name} described")),
        risk: None,
        flows: flows
            .iter()
            .map(|&(year, cost, benefit)| CashFlow {
                year,
                cost,
                benefit,
            })
            .collect(),
        origin: Default::default(),
    }
}

fn bid(supplier: &str, price: f64, quality: f64, social: f64, kind: SupplierType) -> Bid {
    Bid {
        tender_id: "T1".into(),
        spec_id: "S1".into(),
        supplier: supplier.into(),
        price,
        quality_score: quality,
        quality_max: 100.0,
        social_value_score: social,
        social_value_max: 10.0,
        compliant: true,
        supplier_type: Some(kind),
        supplier_id: None,
        origin: Default::default(),
    }
}

#[allow(clippy::too_many_arguments)]
fn grant(
    id: &str,
    recipient: &str,
    amount: f64,
    awarded: NaiveDate,
    programme: Option<&str>,
    area: Option<&str>,
    small: bool,
) -> (String, Grant) {
    (
        id.into(),
        Grant {
            grant_id: id.into(),
            title: format!("Grant {id}"),
            description: String::new(),
            recipient_name: recipient.into(),
            amount_awarded: amount,
            award_date: awarded,
            recipient_charity_number: small.then(|| "1234567".into()),
            recipient_company_number: (!small).then(|| "09876543".into()),
            recipient_org_id: None,
            programme: programme.map(Into::into),
            spec_id: Some("S2".into()),
            area_code: area.map(Into::into),
            start_date: None,
            end_date: None,
            from_open_call: Some(small),
            small_local: Some(small),
            origin: Default::default(),
        },
    )
}

/// The small council's model.
pub(crate) fn project() -> Project {
    let mut falls = spec("S1", "Falls prevention", Funding::Contract);
    falls.evaluation = Some(EvaluationWeights {
        price: 60.0,
        quality: 30.0,
        social_value: 10.0,
    });
    falls.output_kpi = Some("K1".into());
    falls.output_unit = Some("person".into());
    let contract = Contract {
        contract_id: "C1".into(),
        spec_id: "S1".into(),
        title: "Falls service".into(),
        supplier: "Helping Hands".into(),
        start_date: day(2024, 4, 1),
        end_date: day(2027, 3, 31),
        annual_value: 90_000.0,
        total_value: 270_000.0,
        tender_id: Some("T1".into()),
        supplier_id: None,
        supplier_type: Some(SupplierType::Vcse),
        department: None,
        description: None,
        award_date: Some(day(2024, 3, 1)),
        review_date: None,
        extension_end_date: None,
        procurement_route: None,
        irrecoverable_vat: None,
        origin: Default::default(),
    };
    let kpi = Kpi {
        contract_id: "C1".into(),
        kpi_id: "K1".into(),
        name: "People supported".into(),
        stock_or_flow: None,
        unit: Some("people".into()),
        polarity: Polarity::HigherIsBetter,
        points: [(4, 30.0), (5, 40.0), (6, 50.0), (7, 60.0)]
            .iter()
            .map(|&(month, actual)| KpiPoint {
                period: Period::month(2024, month).expect("a month"),
                actual: Some(actual),
                target: Some(40.0),
                rebase: false,
                rebase_reason: None,
                origin: Default::default(),
            })
            .collect(),
        origin: Default::default(),
    };
    Project {
        config: Config {
            title: "Hartside commissioning".into(),
            organisation: "Hartside Council".into(),
            home_area: Some("E06000001".into()),
            ..Config::default()
        },
        areas: [
            area("E06000001", "Hartside"),
            area("E05000001", "North Ward"),
        ]
        .into_iter()
        .collect(),
        specifications: [
            ("S1".to_string(), falls),
            ("S2".into(), spec("S2", "Community grants", Funding::Grant)),
        ]
        .into_iter()
        .collect(),
        options: vec![
            option("A", "Do minimum", &[(0, 100.0, 50.0), (1, 100.0, 150.0)]),
            option("B", "Expand", &[(0, 200.0, 100.0), (1, 100.0, 400.0)]),
        ],
        bids: vec![
            bid("Acme Ltd", 100_000.0, 80.0, 5.0, SupplierType::Large),
            bid("Helping Hands", 90_000.0, 70.0, 8.0, SupplierType::Vcse),
        ],
        contracts: [("C1".to_string(), contract)].into_iter().collect(),
        kpis: [(("C1".to_string(), "K1".to_string()), kpi)]
            .into_iter()
            .collect(),
        grants: [
            grant(
                "G1",
                "Hartside Food Bank",
                5_000.0,
                day(2024, 6, 1),
                Some("Community chest"),
                Some("E05000001"),
                true,
            ),
            grant(
                "G2",
                "Youth Club",
                15_000.0,
                day(2025, 1, 10),
                None,
                None,
                false,
            ),
        ]
        .into_iter()
        .collect(),
        ..Project::default()
    }
}

/// The small council's model and its analysis.
pub(crate) fn project_and_analysis() -> (Project, Analysis) {
    let project = project();
    let analysis = analyse(&project);
    (project, analysis)
}
