//! Grant pages: the grants index (totals by programme, area and year, every grant) and one page
//! per grant with its recipient's register entry.

use super::format::{date, money, percent};
use super::index::Index;
use super::{crumbs, grant_path, link, view, Link, Page};
use crate::model::Grant;
use serde::Serialize;
use std::collections::BTreeMap;

/// The view of `grants.html`.
#[derive(Debug, Serialize)]
pub struct GrantsView {
    pub total: String,
    pub count: usize,
    /// Share of the money that went to small local organisations.
    pub small_share: String,
    pub by_programme: Vec<GrantTotal>,
    pub by_area: Vec<GrantTotal>,
    pub by_year: Vec<GrantTotal>,
    pub grants: Vec<GrantLine>,
}

/// The grants of one programme, area or year.
#[derive(Debug, Serialize, PartialEq)]
pub struct GrantTotal {
    pub name: String,
    pub count: usize,
    pub amount: String,
    /// Share of all grant money.
    pub share: String,
}

/// One grant as a row of the index, and the facts its own page shares with it.
#[derive(Debug, Serialize)]
pub struct GrantLine {
    pub link: Link,
    pub recipient: String,
    pub register: Option<Link>,
    pub amount: String,
    pub award_date: String,
    pub programme: String,
    pub spec: Option<Link>,
    pub area: String,
}

/// The view of `grant.html`.
#[derive(Debug, Serialize)]
pub struct GrantView {
    pub line: GrantLine,
    pub id: String,
    pub title: String,
    pub description: String,
    pub start: String,
    pub end: String,
    pub open_call: String,
    pub org_id: String,
}

/// The grants index and one page per grant.
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
    let project = ix.project;
    let grants_view = grants_view(ix);
    let description = ix.words.fill(
        "page.grants.description",
        &[("count", &grants_view.count), ("total", &grants_view.total)],
    );
    let mut pages = vec![Page {
        path: "procurement/grants/".into(),
        template: "grants.html",
        title: ix.words.get("page.grants.title").into(),
        section: "procurement",
        breadcrumbs: crumbs(
            ix.words,
            &[(ix.words.get("crumb.procurement"), "procurement/")],
        ),
        view: view(grants_view),
        description,
    }];
    pages.extend(project.grants.values().map(|g| Page {
        path: grant_path(&g.grant_id),
        template: "grant.html",
        title: g.title.clone(),
        section: "procurement",
        breadcrumbs: crumbs(
            ix.words,
            &[
                (ix.words.get("crumb.procurement"), "procurement/"),
                (ix.words.get("crumb.grants"), "procurement/grants/"),
            ],
        ),
        view: view(grant_view(ix, g)),
        description: ix.words.fill(
            "page.grant.description",
            &[
                ("amount", &money(g.amount_awarded)),
                ("recipient", &g.recipient_name),
            ],
        ),
    }));
    pages
}

/// The grants index's view.
pub fn grants_view(ix: &Index) -> GrantsView {
    let grants = &ix.project.grants;
    let total: f64 = grants.values().map(|g| g.amount_awarded).sum();
    let share = |part: f64| {
        if total > 0.0 {
            percent(part / total)
        } else {
            "–".into()
        }
    };
    let mut by_programme: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut by_area: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut by_year: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for g in grants.values() {
        let area = g.area_code.as_ref().map(|a| ix.area_name(a));
        for (map, key) in [
            (
                &mut by_programme,
                g.programme
                    .clone()
                    .unwrap_or_else(|| ix.words.get("grants.no_programme").into()),
            ),
            (
                &mut by_area,
                area.unwrap_or_else(|| ix.words.get("grants.whole_area").into()),
            ),
            (
                &mut by_year,
                chrono::Datelike::year(&g.award_date).to_string(),
            ),
        ] {
            let e = map.entry(key).or_default();
            e.0 += 1;
            e.1 += g.amount_awarded;
        }
    }
    let totals = |m: BTreeMap<String, (usize, f64)>| -> Vec<GrantTotal> {
        m.into_iter()
            .map(|(name, (count, amount))| GrantTotal {
                name,
                count,
                amount: money(amount),
                share: share(amount),
            })
            .collect()
    };
    let small: f64 = grants
        .values()
        .filter(|g| g.small_local == Some(true))
        .map(|g| g.amount_awarded)
        .sum();
    GrantsView {
        total: money(total),
        count: grants.len(),
        // Empty when no grant says whether its recipient is small and local: the page says "not
        // recorded" rather than 0%.
        small_share: if grants.values().any(|g| g.small_local.is_some()) {
            share(small)
        } else {
            String::new()
        },
        by_programme: totals(by_programme),
        by_area: totals(by_area),
        by_year: totals(by_year),
        grants: grants.values().map(|g| grant_line(ix, g)).collect(),
    }
}

/// One grant's page view.
pub fn grant_view(ix: &Index, g: &Grant) -> GrantView {
    GrantView {
        line: grant_line(ix, g),
        id: g.grant_id.clone(),
        title: g.title.clone(),
        description: g.description.clone(),
        start: g.start_date.map(|d| date(ix.words, d)).unwrap_or_default(),
        end: g.end_date.map(|d| date(ix.words, d)).unwrap_or_default(),
        open_call: match g.from_open_call {
            Some(true) => ix.words.get("grants.open_call_yes").into(),
            Some(false) => ix.words.get("grants.open_call_no").into(),
            None => String::new(),
        },
        org_id: crate::publish::giving::recipient_id(g, &ix.project.config),
    }
}

fn grant_line(ix: &Index, g: &Grant) -> GrantLine {
    GrantLine {
        link: link(&grant_path(&g.grant_id), g.title.clone()),
        recipient: g.recipient_name.clone(),
        register: register_link(ix, g),
        amount: money(g.amount_awarded),
        award_date: date(ix.words, g.award_date),
        programme: g.programme.clone().unwrap_or_default(),
        spec: g.spec_id.as_ref().and_then(|s| ix.spec_link(s)),
        area: g
            .area_code
            .as_ref()
            .map(|a| ix.area_name(a))
            .unwrap_or_default(),
    }
}

/// The recipient's entry in the Charity Commission or Companies House register.
fn register_link(ix: &Index, g: &Grant) -> Option<Link> {
    if let Some(n) = &g.recipient_charity_number {
        return Some(Link {
            href: format!("https://register-of-charities.charitycommission.gov.uk/charity-search/-/charity-details/{}", n.trim()),
            text: ix.words.fill("grants.charity", &[("number", n)]),
        });
    }
    g.recipient_company_number.as_ref().map(|n| Link {
        href: format!(
            "https://find-and-update.company-information.service.gov.uk/company/{}",
            n.trim()
        ),
        text: ix.words.fill("grants.company", &[("number", n)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    fn total(name: &str, count: usize, amount: &str, share: &str) -> GrantTotal {
        GrantTotal {
            name: name.into(),
            count,
            amount: amount.into(),
            share: share.into(),
        }
    }

    #[test]
    fn grants_totalled_by_programme_area_and_year() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = grants_view(&ix);
        // £5,000 to a small local charity of £20,000 in all.
        assert_eq!(
            (v.total.as_str(), v.count, v.small_share.as_str()),
            ("£20,000", 2, "25%")
        );
        assert_eq!(
            v.by_programme,
            vec![
                total("Community chest", 1, "£5,000", "25%"),
                total("No programme", 1, "£15,000", "75%")
            ]
        );
        assert_eq!(
            v.by_area,
            vec![
                total("North Ward", 1, "£5,000", "25%"),
                total("Whole area", 1, "£15,000", "75%")
            ]
        );
        assert_eq!(
            v.by_year,
            vec![
                total("2024", 1, "£5,000", "25%"),
                total("2025", 1, "£15,000", "75%")
            ]
        );
        let pages = pages(&ix);
        assert_eq!(
            pages[0].description,
            "2 grants worth £20,000 to voluntary, community and social enterprise organisations."
        );
        assert_eq!(pages.len(), 3);
    }

    #[test]
    fn a_grant_links_its_register_service_and_area() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = grant_view(&ix, &project.grants["G1"]);
        assert_eq!(v.line.link, link("procurement/grants/g1/", "Grant G1"));
        assert_eq!(v.line.recipient, "Hartside Food Bank");
        let register = v.line.register.as_ref().unwrap();
        assert_eq!(register.text, "Charity 1234567");
        assert!(register.href.ends_with("/charity-details/1234567"));
        assert_eq!(
            (v.line.amount.as_str(), v.line.award_date.as_str()),
            ("£5,000", "1 June 2024")
        );
        assert_eq!(v.line.spec, Some(link("planning/s2/", "Community grants")));
        assert_eq!(
            (v.line.area.as_str(), v.line.programme.as_str()),
            ("North Ward", "Community chest")
        );
        assert_eq!(
            (v.open_call.as_str(), v.org_id.as_str()),
            ("Yes", "GB-CHC-1234567")
        );
        let youth = grant_view(&ix, &project.grants["G2"]);
        assert_eq!(youth.line.register.unwrap().text, "Company 09876543");
        assert_eq!(
            (youth.line.area.as_str(), youth.open_call.as_str()),
            ("", "No")
        );
        assert_eq!(youth.org_id, "GB-COH-09876543");
    }
}
