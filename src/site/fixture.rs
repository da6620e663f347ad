//! A small council for the page views' unit tests: two wards, one indicator, a specification
//! bought by tender (with an options appraisal, two bids, a contract and its KPI), a grant-funded
//! specification and two grants. Figures are chosen so each view's numbers can be worked by hand.

use crate::analysis::{analyse, Analysis};
use crate::model::config::Config;
use crate::model::{
    AppraisalOption, Area, Bid, CashFlow, Contract, EvaluationWeights, Funding, Grant, Kpi,
    KpiPoint, Period, Polarity, Project, SpecStatus, Specification, SupplierType,
};
use crate::model::{
    Engagement, Indicator, Milestone, Observation, Response, ResponseStatus, ValueType,
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
            parent_code: code.starts_with("E05").then(|| "E06000001".into()),
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
        excluded: false,
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
            record: None,
            origin: Default::default(),
        },
    )
}

/// Falls admissions per 100,000 (lower is better).
fn falls() -> Indicator {
    Indicator {
        id: "falls".into(),
        name: "Falls admissions".into(),
        domain: Some("Older people".into()),
        value_type: ValueType::CrudeRate,
        multiplier: 100_000.0,
        unit: Some("per 100,000".into()),
        polarity: Polarity::LowerIsBetter,
        polarity_source: Default::default(),
        definition: None,
        source: None,
        size: None,
        seriousness: None,
        effectiveness: None,
        pearl: None,
        affected_share: None,
        // Whole numbers, as Fingertips publishes falls admissions per 100,000.
        decimals: Some(0),
    }
}

/// A value with its 95% interval given.
fn observation(area: &str, year: i32, value: f64, lower: f64, upper: f64) -> Observation {
    Observation {
        indicator_id: "falls".into(),
        area_code: area.into(),
        period: Period::year(year).expect("a year"),
        value: Some(value),
        lower_ci_95: Some(lower),
        upper_ci_95: Some(upper),
        lower_ci_99_8: None,
        upper_ci_99_8: None,
        count: None,
        denominator: None,
        sex: None,
        age: None,
        category_type: None,
        category: None,
        value_note: None,
        origin: Default::default(),
    }
}

/// The small council's model.
pub(crate) fn project() -> Project {
    let mut prevention = spec("S1", "Falls prevention", Funding::Contract);
    prevention.evaluation = Some(EvaluationWeights {
        price: 60.0,
        quality: 30.0,
        social_value: 10.0,
    });
    prevention.output_kpi = Some("K1".into());
    prevention.output_unit = Some("person".into());
    prevention.addresses = vec!["falls".into()];
    prevention.annual_budget = Some(120_000.0);
    prevention.term_years = Some(3.0);
    prevention.extension_years = Some(1.0);
    prevention.milestones = vec![Milestone {
        date: day(2023, 9, 12),
        event: "Market engagement event".into(),
    }];
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
        details: Default::default(),
        origin: Default::default(),
        memo: Default::default(),
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
        indicators: [("falls".to_string(), falls())].into_iter().collect(),
        // Hartside (2,400; 2,200 to 2,600) is above England's 2,000 at 95%: worse, as lower is
        // better. North Ward (2,100; 1,900 to 2,300) is similar.
        observations: std::sync::Arc::new(vec![
            observation("E05000001", 2023, 2_100.0, 1_900.0, 2_300.0),
            observation("E06000001", 2022, 2_300.0, 2_100.0, 2_500.0),
            observation("E06000001", 2023, 2_400.0, 2_200.0, 2_600.0),
            observation("E92000001", 2022, 1_950.0, 1_940.0, 1_960.0),
            observation("E92000001", 2023, 2_000.0, 1_990.0, 2_010.0),
        ]),
        engagements: [(
            "E1".to_string(),
            Engagement {
                id: "E1".into(),
                title: "Falls workshop".into(),
                date: day(2023, 11, 20),
                audience: vec!["Residents".into()],
                participants: Some(25),
                specs: vec!["S1".into()],
                body_markdown: "We *listened*.".into(),
                origin: Default::default(),
            },
        )]
        .into_iter()
        .collect(),
        responses: vec![Response {
            engagement_id: "E1".into(),
            spec_id: "S1".into(),
            you_said: "Evening sessions".into(),
            we_did: "Added evening classes".into(),
            status: ResponseStatus::Done,
            reason: None,
            origin: Default::default(),
        }],
        areas: [
            area("E06000001", "Hartside"),
            area("E05000001", "North Ward"),
            area("E92000001", "England"),
        ]
        .into_iter()
        .collect(),
        specifications: [
            ("S1".to_string(), prevention),
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
