//! Free pages (`pages/*.md`) and the generated accessibility statement, unless the project
//! writes its own.

use super::index::Index;
use super::markdown::render_markdown;
use super::{crumbs, view, Page};
use serde::Serialize;

/// The view of `page.html`.
#[derive(Debug, Serialize)]
pub struct FreePageView {
    /// The page's Markdown as sanitised HTML.
    pub body: String,
}

/// The view of `accessibility.html`.
#[derive(Debug, Serialize)]
pub struct StatementView {
    pub organisation: String,
    pub contact: String,
}

/// The free pages, and the accessibility statement when no free page replaces it.
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
    let project = ix.project;
    let mut pages = Vec::new();
    for p in project.pages.values() {
        pages.push(Page {
            path: format!("{}/", crate::model::slug(&p.stem)),
            template: "page.html",
            title: p.title.clone(),
            section: "about",
            breadcrumbs: crumbs(ix.words, &[]),
            view: view(FreePageView {
                body: render_markdown(&p.body_markdown),
            }),
            description: p.title.clone(),
        });
    }
    if !project.pages.contains_key("accessibility") {
        pages.push(Page {
            path: "accessibility/".into(),
            template: "accessibility.html",
            title: ix.words.get("page.accessibility.title").into(),
            section: "about",
            breadcrumbs: crumbs(ix.words, &[]),
            view: view(StatementView {
                organisation: project.config.organisation.clone(),
                contact: project.config.contact_email.clone().unwrap_or_default(),
            }),
            description: ix.words.fill(
                "page.accessibility.description",
                &[("site", &project.config.title)],
            ),
        });
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn an_accessibility_statement_unless_the_project_writes_one() {
        let (mut project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let built = pages(&ix);
        assert_eq!(built.len(), 1);
        assert_eq!(
            (built[0].path.as_str(), built[0].template),
            ("accessibility/", "accessibility.html")
        );
        drop(built);
        project.pages.insert(
            "accessibility".into(),
            crate::model::FreePage {
                stem: "accessibility".into(),
                title: "Our statement".into(),
                body_markdown: "# Ours".into(),
                origin: Default::default(),
            },
        );
        let ix = Index::new(&project, &analysis);
        let built = pages(&ix);
        assert_eq!(built.len(), 1);
        assert_eq!(
            (built[0].path.as_str(), built[0].title.as_str()),
            ("accessibility/", "Our statement")
        );
    }
}
