//! Folder index pages: every folder address a reader can reach by trimming a page's address
//! (`needs/indicators/`, `performance/contracts/`) gets a page listing the pages inside it, unless
//! the site already has a page there.

use super::{crumbs, href, view, Link, Page};
use crate::load::theme::Strings;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// The index pages missing from `pages`' folders. The folders the site makes are titled and
/// introduced by the string table (`folder.needs.indicators.title`, `.intro`); any other folder
/// by its last segment.
pub fn folder_pages<'a>(w: &Strings, pages: &[Page<'a>]) -> Vec<Page<'a>> {
    // Only asked whether it holds a folder (never iterated), so a hash set: no sort of every path.
    let existing: foldhash::HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    // Each folder (its path with the trailing `/`, borrowed from its first page's) and its pages.
    let mut children: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for page in pages
        .iter()
        .filter(|p| !p.path.is_empty() && p.path.ends_with('/'))
    {
        let trimmed = page.path.trim_end_matches('/');
        if let Some((parent, _)) = trimmed.rsplit_once('/') {
            children
                .entry(&page.path[..=parent.len()])
                .or_default()
                .push(page);
        }
    }
    children
        .into_iter()
        .filter(|(folder, _)| !existing.contains(folder))
        .map(|(folder, mut kids)| {
            let folder = folder.to_string();
            kids.sort_by(|a, b| a.title.cmp(&b.title));
            let key = format!("folder.{}", folder.trim_end_matches('/').replace('/', "."));
            let (title, intro) = if w.has(&format!("{key}.title")) {
                (
                    w.get(&format!("{key}.title")).to_string(),
                    w.get(&format!("{key}.intro")).to_string(),
                )
            } else {
                let last = folder.trim_end_matches('/').rsplit('/').next();
                (last.unwrap_or("").to_string(), String::new())
            };
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
                breadcrumbs: crumbs(w, &trail_refs),
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
