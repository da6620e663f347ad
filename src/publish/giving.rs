//! `data/grants-360giving.json`: the project's grants as a 360Giving Data Standard 1.4 package
//! (`{"grants": [...]}`, FORMATS.md section 2 and grants/grants in section 1). Pure: returns a JSON
//! value; keys sorted (serde_json's default map), grants in grant id order.

use crate::model::{slug, Config, Grant, Project};
use serde_json::{json, Map, Value};

/// The 360Giving publisher prefix: `grant_prefix`, else `360G-{slug(organisation)}`. The fallback
/// keeps ids well-formed but is not a registered prefix; 360Giving issues one on registration.
pub fn grant_prefix(config: &Config) -> String {
    config
        .grant_prefix
        .clone()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| format!("360G-{}", slug(config.organisation.trim())))
}

/// The funder's identifier: `org_id`, else an internal id under the publisher prefix.
fn funder_id(config: &Config) -> String {
    config
        .org_id
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| {
            format!(
                "{}-ORG-{}",
                grant_prefix(config),
                slug(config.organisation.trim())
            )
        })
}

/// A registered charity number as an org-id: `SC…` numbers are the Scottish Charity Regulator
/// (`GB-SC-SC012345`), `NIC…` / `NI…` numbers the Charity Commission for Northern Ireland
/// (`GB-NIC-100012`), anything else the Charity Commission for England and Wales (`GB-CHC-`).
pub fn charity_org_id(number: &str) -> String {
    let n = number.trim().to_ascii_uppercase().replace(' ', "");
    if n.starts_with("SC") {
        format!("GB-SC-{n}")
    } else if let Some(rest) = n.strip_prefix("NIC").or_else(|| n.strip_prefix("NI")) {
        format!("GB-NIC-{rest}")
    } else {
        format!("GB-CHC-{n}")
    }
}

/// A Companies House number as an org-id; all-digit numbers are zero-padded to the register's
/// eight characters (`GB-COH-01234567`).
pub fn company_org_id(number: &str) -> String {
    let n = number.trim().to_ascii_uppercase().replace(' ', "");
    if !n.is_empty() && n.len() < 8 && n.chars().all(|c| c.is_ascii_digit()) {
        format!("GB-COH-{n:0>8}")
    } else {
        format!("GB-COH-{n}")
    }
}

/// The recipient's identifier, by the 360Giving identifier guidance: the org-id the data gives
/// (`recipient_org_id`, the most specific); else one built from the charity number (preferred
/// over the company number, as 360Giving advises for charitable companies); else from the
/// company number; else, for an organisation with no registered number, an internal id under the
/// publisher's prefix, `{prefix}-ORG-{slug(name)}` (360Giving's convention for unregistered
/// groups; `GB-SHPE` and similar lists are not used because no such number is held).
pub fn recipient_id(grant: &Grant, config: &Config) -> String {
    fn given(o: &Option<String>) -> Option<&str> {
        o.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    if let Some(id) = given(&grant.recipient_org_id) {
        id.to_string()
    } else if let Some(n) = given(&grant.recipient_charity_number) {
        charity_org_id(n)
    } else if let Some(n) = given(&grant.recipient_company_number) {
        company_org_id(n)
    } else {
        format!(
            "{}-ORG-{}",
            grant_prefix(config),
            slug(grant.recipient_name.trim())
        )
    }
}

/// The 360Giving geoCodeType of an ONS GSS code, from its entity prefix (the 360Giving
/// geoCodeType codelist maps each code type to ONS entity codes). `None` when the prefix is not
/// in the codelist (e.g. `E92` England), in which case the field is left out.
pub fn geo_code_type(code: &str) -> Option<&'static str> {
    let prefix = code.get(..3)?;
    Some(match prefix {
        "E00" | "W00" | "S00" => "OA",
        "E01" | "W01" => "LSOA",
        "E02" | "W02" => "MSOA",
        "E04" => "PAR",
        "E05" | "W05" | "S13" => "WD",
        "E06" | "W06" => "UA",
        "E07" => "NMD",
        "E08" => "MD",
        "E09" => "LONB",
        "E10" => "CTY",
        "E12" => "RGN",
        "E14" | "W07" | "S14" | "N06" => "WPC",
        "E38" => "CCG",
        "S12" => "CA",
        _ => return None,
    })
}

/// The grant's 360Giving id: its own id when it already carries a registered prefix (`360G-…`),
/// else `{grant_prefix}-{grant_id}`.
pub fn grant_package_id(grant: &Grant, config: &Config) -> String {
    if grant.has_registered_prefix() {
        grant.grant_id.clone()
    } else {
        format!("{}-{}", grant_prefix(config), grant.grant_id)
    }
}

fn grant_json(grant: &Grant, project: &Project) -> Value {
    let config = &project.config;
    if let Some(Value::Object(record)) = &grant.record {
        // A grant read from 360Giving data is republished as given, every field kept.
        let mut g = record.clone();
        g.insert("id".into(), json!(grant_package_id(grant, config)));
        return Value::Object(g);
    }
    let mut g = Map::new();
    g.insert("id".into(), json!(grant_package_id(grant, config)));
    g.insert("title".into(), json!(grant.title));
    // Description is required; 360Giving's guidance allows reusing the title when there is none.
    let description = if grant.description.trim().is_empty() {
        &grant.title
    } else {
        &grant.description
    };
    g.insert("description".into(), json!(description));
    g.insert("currency".into(), json!(config.currency));
    g.insert("amountAwarded".into(), json!(grant.amount_awarded));
    g.insert(
        "awardDate".into(),
        json!(grant.award_date.format("%Y-%m-%d").to_string()),
    );

    let mut recipient = Map::new();
    recipient.insert("id".into(), json!(recipient_id(grant, config)));
    recipient.insert("name".into(), json!(grant.recipient_name.trim()));
    if let Some(n) = &grant.recipient_charity_number {
        recipient.insert("charityNumber".into(), json!(n.trim()));
    }
    if let Some(n) = &grant.recipient_company_number {
        recipient.insert("companyNumber".into(), json!(n.trim()));
    }
    g.insert("recipientOrganization".into(), json!([recipient]));
    g.insert(
        "fundingOrganization".into(),
        json!([{ "id": funder_id(config), "name": config.organisation }]),
    );

    if grant.start_date.is_some() || grant.end_date.is_some() {
        let mut dates = Map::new();
        if let Some(d) = grant.start_date {
            dates.insert("startDate".into(), json!(d.format("%Y-%m-%d").to_string()));
        }
        if let Some(d) = grant.end_date {
            dates.insert("endDate".into(), json!(d.format("%Y-%m-%d").to_string()));
        }
        g.insert("plannedDates".into(), json!([dates]));
    }
    if let Some(code) = grant.area_code.as_deref().map(str::trim) {
        let mut loc = Map::new();
        loc.insert("geoCode".into(), json!(code));
        if let Some(t) = geo_code_type(code) {
            loc.insert("geoCodeType".into(), json!(t));
        }
        if let Some(area) = project.areas.get(code) {
            loc.insert("name".into(), json!(area.name));
        }
        g.insert("beneficiaryLocation".into(), json!([loc]));
    }
    if let Some(p) = &grant.programme {
        g.insert("grantProgramme".into(), json!([{ "title": p }]));
    }
    if let Some(open) = grant.from_open_call {
        g.insert(
            "fromOpenCall".into(),
            json!(if open { "Yes" } else { "No" }),
        );
    }
    Value::Object(g)
}

/// The 360Giving 1.4 package of the project's grants, in grant id order. With no grants the
/// array is empty, which the package schema rejects (`minItems` 1): the write stage should not
/// publish the file then.
pub fn giving_package(project: &Project) -> Value {
    let grants: Vec<Value> = project
        .grants
        .values()
        .map(|g| grant_json(g, project))
        .collect();
    json!({ "grants": grants })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_numbers_become_org_ids() {
        assert_eq!(charity_org_id("1234567"), "GB-CHC-1234567");
        assert_eq!(charity_org_id("SC012345"), "GB-SC-SC012345");
        assert_eq!(charity_org_id("NIC100012"), "GB-NIC-100012");
        assert_eq!(company_org_id("1234567"), "GB-COH-01234567");
        assert_eq!(company_org_id("sc123456"), "GB-COH-SC123456");
    }

    #[test]
    fn geo_code_types_follow_the_360giving_codelist() {
        assert_eq!(geo_code_type("E05011234"), Some("WD"));
        assert_eq!(geo_code_type("E08000099"), Some("MD"));
        assert_eq!(geo_code_type("E06000001"), Some("UA"));
        assert_eq!(geo_code_type("E92000001"), None);
    }

    #[test]
    fn an_id_with_a_registered_prefix_is_not_prefixed_again() {
        let c = Config {
            grant_prefix: Some("360G-nbc".into()),
            ..Config::default()
        };
        let mut g = Grant {
            grant_id: "360G-traffordmbc-VSG1342".into(),
            title: String::new(),
            description: String::new(),
            recipient_name: String::new(),
            amount_awarded: 1.0,
            award_date: Default::default(),
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
        };
        assert_eq!(grant_package_id(&g, &c), "360G-traffordmbc-VSG1342");
        g.grant_id = "G-1".into();
        assert_eq!(grant_package_id(&g, &c), "360G-nbc-G-1");
    }

    #[test]
    fn prefix_falls_back_to_an_internal_one() {
        let mut c = Config {
            organisation: "Northbridge City Council".into(),
            ..Config::default()
        };
        assert_eq!(grant_prefix(&c), "360G-northbridge-city-council");
        c.grant_prefix = Some("360G-nbc".into());
        assert_eq!(grant_prefix(&c), "360G-nbc");
    }
}
