//! Co-design and consultation pages: the list of engagement events with "you said, we did"
//! counts, and one page per event with what was heard and what changed.

use super::format::date;
use super::index::Index;
use super::markdown::render_markdown;
use super::words;
use super::{crumbs, engagement_path, link, view, Link, Page};
use crate::model::{Engagement, Response, ResponseStatus};
use serde::Serialize;

/// The view of `engagement_index.html`.
#[derive(Debug, Serialize)]
pub struct EngagementIndexView {
    /// Latest first.
    pub events: Vec<EventLine>,
    pub participants: u32,
    pub done: usize,
    pub in_progress: usize,
    pub not_taken_forward: usize,
}

/// One event as a row of the index, and the facts its own page shares with it.
#[derive(Debug, Serialize)]
pub struct EventLine {
    pub link: Link,
    pub date: String,
    pub audience: Vec<String>,
    pub participants: String,
    pub specs: Vec<Link>,
}

/// The view of `engagement.html`.
#[derive(Debug, Serialize)]
pub struct EventView {
    pub line: EventLine,
    pub title: String,
    /// The event's Markdown body as sanitised HTML.
    pub body: String,
    pub responses: Vec<ResponseView>,
}

/// A "you said, we did" row.
#[derive(Debug, Serialize)]
pub struct ResponseView {
    pub you_said: String,
    pub we_did: String,
    pub status: String,
    pub status_class: String,
    pub reason: String,
    pub engagement: Option<Link>,
    pub spec: Option<Link>,
}

/// The engagement index and one page per event.
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
    let planning = (ix.words.get("crumb.planning"), "planning/");
    let mut pages = vec![Page {
        path: "planning/engagement/".into(),
        template: "engagement_index.html",
        title: ix.words.get("page.engagement_index.title").into(),
        section: "planning",
        breadcrumbs: crumbs(ix.words, &[planning]),
        view: view(engagement_index_view(ix)),
        description: ix.words.get("page.engagement_index.description").into(),
    }];
    pages.extend(ix.project.engagements.values().map(|e| Page {
        path: engagement_path(&e.id),
        template: "engagement.html",
        title: e.title.clone(),
        section: "planning",
        breadcrumbs: crumbs(
            ix.words,
            &[
                planning,
                (ix.words.get("crumb.engagement"), "planning/engagement/"),
            ],
        ),
        view: view(event_view(ix, e)),
        description: ix.words.fill(
            "page.engagement.description",
            &[("event", &e.title), ("date", &date(ix.words, e.date))],
        ),
    }));
    pages
}

/// The engagement index's view.
pub fn engagement_index_view(ix: &Index) -> EngagementIndexView {
    let project = ix.project;
    let mut events: Vec<&Engagement> = project.engagements.values().collect();
    events.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    let count = |st: ResponseStatus| project.responses.iter().filter(|r| r.status == st).count();
    EngagementIndexView {
        events: events.iter().map(|e| event_line(ix, e)).collect(),
        participants: project
            .engagements
            .values()
            .filter_map(|e| e.participants)
            .sum(),
        done: count(ResponseStatus::Done),
        in_progress: count(ResponseStatus::InProgress),
        not_taken_forward: count(ResponseStatus::NotTakenForward),
    }
}

/// One event's view.
pub fn event_view(ix: &Index, e: &Engagement) -> EventView {
    EventView {
        line: event_line(ix, e),
        title: e.title.clone(),
        body: render_markdown(&e.body_markdown),
        responses: ix
            .project
            .responses
            .iter()
            .filter(|r| r.engagement_id == e.id)
            .map(|r| response_view(ix, r))
            .collect(),
    }
}

fn event_line(ix: &Index, e: &Engagement) -> EventLine {
    EventLine {
        link: link(&engagement_path(&e.id), e.title.clone()),
        date: date(ix.words, e.date),
        audience: e.audience.clone(),
        participants: e
            .participants
            .map(|p| p.to_string())
            .unwrap_or_else(|| "–".into()),
        specs: e.specs.iter().filter_map(|s| ix.spec_link(s)).collect(),
    }
}

/// A "you said, we did" row, linked to its event and specification.
pub fn response_view(ix: &Index, r: &Response) -> ResponseView {
    ResponseView {
        you_said: r.you_said.clone(),
        we_did: r.we_did.clone(),
        status: words::of(ix.words, r.status),
        status_class: r.status.as_str().into(),
        reason: r.reason.clone().unwrap_or_default(),
        engagement: ix
            .project
            .engagements
            .get(&r.engagement_id)
            .map(|e| link(&engagement_path(&e.id), e.title.clone())),
        spec: ix.spec_link(&r.spec_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn events_and_what_changed() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let index = engagement_index_view(&ix);
        assert_eq!(
            (index.participants, index.done, index.in_progress),
            (25, 1, 0)
        );
        let v = event_view(&ix, &project.engagements["E1"]);
        assert_eq!(v.line.date, "20 November 2023");
        assert_eq!(v.line.participants, "25");
        assert_eq!(v.line.specs, vec![link("planning/s1/", "Falls prevention")]);
        assert_eq!(v.body, "<p>We <em>listened</em>.</p>\n");
        let r = &v.responses[0];
        assert_eq!(
            (r.you_said.as_str(), r.we_did.as_str()),
            ("Evening sessions", "Added evening classes")
        );
        assert_eq!(
            (r.status.as_str(), r.status_class.as_str()),
            ("Done", "done")
        );
        assert_eq!(
            r.engagement,
            Some(link("planning/engagement/e1/", "Falls workshop"))
        );
    }
}
