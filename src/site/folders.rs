//! Folder index pages: every folder address a reader can reach by trimming a page's address
//! (`needs/indicators/`, `performance/contracts/`) gets a page listing the pages inside it, unless
//! the site already has a page there.

use super::{crumbs, href, view, Link, Page};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Titles of the folders the site makes; any other folder is titled by its last segment.
const TITLES: &[(&str, &str, &str)] = &[
    (
        "needs/indicators/",
        "Indicators",
        "Every indicator of need, with its values by area and over time.",
    ),
    (
        "needs/areas/",
        "Area profiles",
        "Every area's profile: each indicator against the benchmark in a spine chart.",
    ),
    (
        "performance/contracts/",
        "Contracts",
        "Every contract in the register, with its KPIs and performance.",
    ),
    (
        "procurement/options/",
        "Options appraisals",
        "The options appraised for each service, with their value for money.",
    ),
    (
        "procurement/tenders/",
        "Tenders",
        "Every tender evaluated, with its bids and scores.",
    ),
    (
        "procurement/grants/",
        "Grants",
        "Every grant to voluntary, community and social enterprise organisations.",
    ),
    (
        "planning/engagement/",
        "Engagement",
        "Co-design and consultation events.",
    ),
];

#[derive(Serialize)]
struct Entry {
    link: Link,
    description: String,
}

#[derive(Serialize)]
struct FolderView {
    intro: String,
    entries: Vec<Entry>,
}

/// The index pages missing from `pages`' folders.
pub fn folder_pages<'a>(pages: &[Page<'a>]) -> Vec<Page<'a>> {
    let existing: BTreeSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let mut children: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    for page in pages
        .iter()
        .filter(|p| !p.path.is_empty() && p.path.ends_with('/'))
    {
        let trimmed = page.path.trim_end_matches('/');
        if let Some((parent, _)) = trimmed.rsplit_once('/') {
            children.entry(format!("{parent}/")).or_default().push(page);
        }
    }
    children
        .into_iter()
        .filter(|(folder, _)| !existing.contains(folder.as_str()))
        .map(|(folder, mut kids)| {
            kids.sort_by(|a, b| a.title.cmp(&b.title));
            let (title, intro) = TITLES
                .iter()
                .find(|(f, _, _)| *f == folder)
                .map(|(_, t, d)| (t.to_string(), d.to_string()))
                .unwrap_or_else(|| {
                    let last = folder
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or("");
                    (last.to_string(), String::new())
                });
            // Breadcrumbs: each folder above this one that has a page.
            let mut trail: Vec<(String, String)> = Vec::new();
            let mut prefix = String::new();
            let segments: Vec<&str> = folder.trim_end_matches('/').split('/').collect();
            for segment in &segments[..segments.len() - 1] {
                prefix.push_str(segment);
                prefix.push('/');
                if let Some(p) = pages.iter().find(|p| p.path == prefix) {
                    trail.push((p.title.clone(), prefix.clone()));
                }
            }
            let trail_refs: Vec<(&str, &str)> = trail
                .iter()
                .map(|(t, p)| (t.as_str(), p.as_str()))
                .collect();
            Page {
                section: kids[0].section,
                breadcrumbs: crumbs(&trail_refs),
                template: "folder.html",
                description: intro.clone(),
                view: view(FolderView {
                    intro,
                    entries: kids
                        .iter()
                        .map(|k| Entry {
                            link: Link {
                                href: href(&k.path),
                                text: k.title.clone(),
                            },
                            description: k.description.clone(),
                        })
                        .collect(),
                }),
                title,
                path: folder,
            }
        })
        .collect()
}
