//! The site's machine-readable documents besides its data: the sitemap, the Atom feed and
//! robots.txt, as views of the theme's `sitemap.xml`, `feed.xml` and `robots.txt` templates.

use super::format::{money, period_in};
use super::index::Index;
use super::{contract_path, spec_path, view, words, Page, View};
use crate::analysis::performance::ContractStatus;
use crate::model::{Contract, Period, Specification};
use chrono::NaiveDate;
use serde::Serialize;

/// A document rendered from a theme template that is not a page: no layout, no search record.
pub struct Document<'a> {
    /// Path under the site root, e.g. `sitemap.xml`.
    pub path: String,
    pub template: &'static str,
    pub view: View<'a>,
}

/// The view of `sitemap.xml`: every page's absolute address, sorted.
#[derive(Debug, Serialize)]
pub struct SitemapView {
    pub urls: Vec<String>,
}

/// The view of `robots.txt`.
#[derive(Debug, Serialize)]
pub struct RobotsView {
    /// The sitemap's address, when the site has a base address (and so a sitemap).
    pub sitemap: Option<String>,
}

/// The view of `feed.xml`.
#[derive(Debug, Serialize)]
pub struct FeedView {
    pub title: String,
    /// The feed's own address (its Atom id).
    pub id: String,
    /// The site's address.
    pub link: String,
    /// The newest entry's date, `YYYY-MM-DD`.
    pub updated: String,
    pub author: String,
    /// Newest first, at most 50.
    pub entries: Vec<FeedEntry>,
}

/// A dated event of the commissioning cycle.
#[derive(Debug, Serialize, PartialEq)]
pub struct FeedEntry {
    pub title: String,
    pub url: String,
    /// The date as `YYYY-MM-DD` and as `YYYYMMDD` (which makes the entry's id unique).
    pub updated: String,
    pub day: String,
    pub summary: String,
}

/// The sitemap (only with a base address: a sitemap lists absolute addresses), robots.txt and
/// the feed.
pub fn documents<'a>(ix: &Index<'a>, pages: &[Page]) -> Vec<Document<'a>> {
    let base = ix.project.config.base_url_normalised();
    let mut docs = Vec::new();
    if !base.is_empty() {
        let mut paths: Vec<&str> = pages
            .iter()
            .filter(|p| !p.path.ends_with(".html"))
            .map(|p| p.path.as_str())
            .collect();
        paths.sort();
        docs.push(Document {
            path: "sitemap.xml".into(),
            template: "sitemap.xml",
            view: view(SitemapView {
                urls: paths.iter().map(|p| format!("{base}{p}")).collect(),
            }),
        });
    }
    docs.push(Document {
        path: "robots.txt".into(),
        template: "robots.txt",
        view: view(RobotsView {
            sitemap: (!base.is_empty()).then(|| format!("{base}sitemap.xml")),
        }),
    });
    docs.push(Document {
        path: "feed.xml".into(),
        template: "feed.xml",
        view: view(feed_view(ix, &base)),
    });
    docs
}

/// The most entries the feed holds: the newest.
const FEED_ENTRIES: usize = 50;

/// An event of the cycle the feed can announce, before its words are written: a national
/// register has thousands, of which only the newest are written.
enum Event<'p> {
    Award(&'p Contract),
    Specification(&'p Specification),
    Assessment(&'p Contract, &'p ContractStatus, &'p Period),
}

/// The Atom feed: contract awards, specifications and performance assessments, dated by the data.
pub fn feed_view(ix: &Index, base: &str) -> FeedView {
    let (project, analysis, w) = (ix.project, ix.analysis, ix.words);
    let mut events: Vec<(NaiveDate, Event)> = Vec::new();
    for c in project.contracts.values() {
        if let Some(d) = c.award_date {
            events.push((d, Event::Award(c)));
        }
    }
    for s in project.specifications.values() {
        if let Some(m) = s.milestones.first() {
            events.push((m.date, Event::Specification(s)));
        }
    }
    for st in &analysis.contracts {
        if let (Some(p), Some(c)) = (&st.last_assessed, project.contracts.get(&st.contract_id)) {
            events.push((p.end, Event::Assessment(c, st, p)));
        }
    }
    // Entries are ordered newest first, then by title: only events as new as the last one that
    // could be kept need their words.
    events.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    if let Some(&(oldest_kept, _)) = events.get(FEED_ENTRIES - 1) {
        events.retain(|(d, _)| *d >= oldest_kept);
    }
    let mut entries: Vec<(NaiveDate, String, String, String)> = events
        .into_iter()
        .map(|(d, event)| match event {
            Event::Award(c) => (
                d,
                w.fill(
                    "feed.award_title",
                    &[("contract", &c.title), ("supplier", &c.supplier)],
                ),
                contract_path(&c.contract_id),
                w.fill(
                    "feed.award_summary",
                    &[
                        ("contract", &c.title),
                        ("supplier", &c.supplier),
                        ("annual_value", &money(c.annual_value)),
                    ],
                ),
            ),
            Event::Specification(s) => (
                d,
                w.fill("feed.specification_title", &[("specification", &s.title)]),
                spec_path(&s.id),
                w.fill(
                    "feed.specification_summary",
                    &[
                        ("specification", &s.title),
                        ("status", &words::of(w, s.status)),
                    ],
                ),
            ),
            Event::Assessment(c, st, p) => (
                d,
                w.fill(
                    "feed.assessment_title",
                    &[("contract", &c.title), ("period", &period_in(w, &p.label))],
                ),
                contract_path(&c.contract_id),
                w.fill(
                    "feed.assessment_summary",
                    &[("contract", &c.title), ("rating", &words::of(w, st.rating))],
                ),
            ),
        })
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    entries.truncate(FEED_ENTRIES);
    let updated = entries.first().map(|e| e.0).unwrap_or_default();
    FeedView {
        title: project.config.title.clone(),
        id: format!("{base}feed.xml"),
        link: base.to_string(),
        updated: updated.format("%Y-%m-%d").to_string(),
        author: project.config.organisation.clone(),
        entries: entries
            .into_iter()
            .map(|(d, title, path, summary)| FeedEntry {
                title,
                url: format!("{base}{path}"),
                updated: d.format("%Y-%m-%d").to_string(),
                day: d.format("%Y%m%d").to_string(),
                summary,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn the_feed_dates_the_cycle_newest_first() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = feed_view(&ix, "https://example.org/");
        assert_eq!(
            (v.id.as_str(), v.author.as_str()),
            ("https://example.org/feed.xml", "Hartside Council")
        );
        // K1's latest return (July 2024) is the newest event, then the award, then S1's milestone.
        let titles: Vec<&str> = v.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Performance assessed: Falls service (Jul 2024)",
                "Contract awarded: Falls service to Helping Hands",
                "Specification: Falls prevention"
            ]
        );
        assert_eq!(v.updated, "2024-07-31");
        let award = &v.entries[1];
        assert_eq!(award.url, "https://example.org/performance/contracts/c1/");
        assert_eq!(
            (award.updated.as_str(), award.day.as_str()),
            ("2024-03-01", "20240301")
        );
        assert_eq!(
            award.summary,
            "Falls service awarded to Helping Hands for £90,000 a year."
        );
    }

    #[test]
    fn the_feed_keeps_the_newest_fifty_and_breaks_a_tie_on_the_last_day_by_title() {
        let (mut project, analysis) = fixture::project_and_analysis();
        let template = project.contracts.values().next().unwrap().clone();
        // 40 awards on the newest day and 15 the day before, given in no particular order.
        for (n, (day, title)) in (0..40)
            .map(|i| (2, format!("New {:02}", 39 - i)))
            .chain((0..15).map(|i| (1, format!("Old {:02}", (i * 7) % 15))))
            .enumerate()
        {
            let mut c = template.clone();
            c.contract_id = format!("X{n:02}");
            c.title = title;
            c.award_date = NaiveDate::from_ymd_opt(2030, 1, day);
            project.contracts.insert(c.contract_id.clone(), c);
        }
        let ix = Index::new(&project, &analysis);
        let titles: Vec<String> = feed_view(&ix, "https://example.org/")
            .entries
            .into_iter()
            .map(|e| e.title)
            .collect();
        let expected: Vec<String> = (0..40)
            .map(|i| format!("New {i:02}"))
            .chain((0..10).map(|i| format!("Old {i:02}")))
            .map(|t| format!("Contract awarded: {t} to Helping Hands"))
            .collect();
        assert_eq!(titles, expected);
    }
}
