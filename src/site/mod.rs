//! Pages: decides which pages the site has, their addresses (FORMATS.md section 3), navigation,
//! breadcrumbs and the typed views each template receives. Pure: returns pages and files in memory.

pub mod area;
pub mod catalogue;
pub mod chart;
pub mod compliance;
pub mod contract;
pub mod engagement;
pub mod feeds;
#[cfg(test)]
pub(crate) mod fixture;
pub mod folders;
pub mod format;
pub mod grant;
pub mod home;
pub mod index;
pub mod indicator;
pub mod kpi;
pub mod maps;
pub(crate) mod markdown;
pub mod needs;
pub mod options;
pub mod page;
pub mod performance;
pub mod pipeline;
pub mod planning;
pub mod priorities;
pub mod procurement;
pub mod resources;
pub(crate) mod sexes;
pub mod specification;
pub mod spine;
pub mod tender;
pub(crate) mod words;

use crate::analysis::Analysis;
use crate::model::{slug, Project};
use serde::Serialize;

/// A page to render: where it goes, which template draws it, and its view.
pub struct Page<'a> {
    /// Folder path under the site root, e.g. `needs/indicators/93763/` (`""` for the home page);
    /// a path ending in `.html` is written as that file (the 404 page).
    pub path: String,
    pub template: &'static str,
    pub title: String,
    /// Top-level section for navigation: `home`, `needs`, `planning`, `procurement`, `performance`, `data`, `about`.
    pub section: &'static str,
    pub breadcrumbs: Vec<Crumb>,
    pub view: View<'a>,
    /// Short description for search engines and the feed.
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub title: String,
    pub href: String,
}

/// A link to another page: its root-relative href (ending `index.html`) and text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Link {
    pub href: String,
    pub text: String,
}

/// A label and how many things it counts (specifications at a status, contracts with a rating).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Count {
    pub label: String,
    pub count: usize,
}

/// Root-relative href of a page folder, pointing at its `index.html` so links work from disk too.
pub fn href(path: &str) -> String {
    if path.is_empty() {
        "index.html".into()
    } else if path.ends_with(".html")
        || path.ends_with(".xml")
        || path.ends_with(".csv")
        || path.ends_with(".json")
    {
        path.to_string()
    } else {
        format!("{}/index.html", path.trim_end_matches('/'))
    }
}

pub fn indicator_path(id: &str) -> String {
    format!("needs/indicators/{}/", slug(id))
}
pub fn area_path(code: &str) -> String {
    format!("needs/areas/{}/", slug(code))
}
pub fn spec_path(id: &str) -> String {
    format!("planning/{}/", slug(id))
}
pub fn engagement_path(id: &str) -> String {
    format!("planning/engagement/{}/", slug(id))
}
pub fn options_path(spec_id: &str) -> String {
    format!("procurement/options/{}/", slug(spec_id))
}
pub fn tender_path(id: &str) -> String {
    format!("procurement/tenders/{}/", slug(id))
}
pub fn grant_path(id: &str) -> String {
    format!("procurement/grants/{}/", slug(id))
}
pub fn contract_path(id: &str) -> String {
    format!("performance/contracts/{}/", slug(id))
}
pub fn kpi_path(contract_id: &str, kpi_id: &str) -> String {
    format!(
        "performance/contracts/{}/{}/",
        slug(contract_id),
        slug(kpi_id)
    )
}

pub fn link(path: &str, text: impl Into<String>) -> Link {
    Link {
        href: href(path),
        text: text.into(),
    }
}

/// A link to a grant's page reading "title — recipient (amount)", as the indicator and
/// specification pages list the grants that serve them.
pub fn grant_link(g: &crate::model::Grant) -> Link {
    link(
        &grant_path(&g.grant_id),
        format!(
            "{} — {} ({})",
            g.title,
            g.recipient_name,
            format::money(g.amount_awarded)
        ),
    )
}

pub fn crumbs(w: &crate::load::theme::Strings, items: &[(&str, &str)]) -> Vec<Crumb> {
    let mut out = vec![Crumb {
        title: w.get("crumb.home").into(),
        href: href(""),
    }];
    for (title, path) in items {
        out.push(Crumb {
            title: title.to_string(),
            href: href(path),
        });
    }
    out
}

/// A page's typed view, turned into template data only when its page is rendered. Holding every
/// page's view as JSON values until rendering was most of a large build's memory; typed views are
/// several times smaller and each becomes template data only for as long as its page takes to
/// render.
pub trait PageView: Send + Sync {
    /// The view as something to serialise: into a template's data, as JSON (a view with maps),
    /// or into a hasher (the render cache).
    fn as_serialize(&self) -> &dyn erased_serde::Serialize;
}

impl<T: Serialize + Send + Sync> PageView for T {
    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }
}

/// A view built only when its page is rendered, from an input that keys the render cache.
pub trait DeferredView<'a>: Send {
    /// Builds the view.
    fn build(self: Box<Self>) -> Box<dyn PageView + 'a>;
    /// Feeds everything the view is built from to a hasher, so the render cache can tell
    /// whether the page changed without building the view (and drawing its chart).
    fn fingerprint(&self, hasher: &mut dyn std::hash::Hasher);
}

/// A view's input and the function that builds the view from it (and from nothing else).
struct Deferred<I, T> {
    input: I,
    build: fn(&I) -> T,
}

impl<'a, I, T> DeferredView<'a> for Deferred<I, T>
where
    I: Serialize + Send + 'a,
    T: Serialize + Send + Sync + 'a,
{
    fn build(self: Box<Self>) -> Box<dyn PageView + 'a> {
        Box::new((self.build)(&self.input))
    }

    fn fingerprint(&self, hasher: &mut dyn std::hash::Hasher) {
        crate::fingerprint::fingerprint(&self.input, hasher);
    }
}

/// A page's view: built with the page, or built only when the page is rendered.
pub enum View<'a> {
    Ready(Box<dyn PageView + 'a>),
    /// Pages of which a large site has thousands (a KPI's, with its chart) build their view as
    /// they render, so the views of every such page never exist at once.
    Deferred(Box<dyn DeferredView<'a> + 'a>),
}

impl<'a> View<'a> {
    /// The view, building it now if it was deferred.
    pub fn build(self) -> Box<dyn PageView + 'a> {
        match self {
            View::Ready(v) => v,
            View::Deferred(d) => d.build(),
        }
    }

    /// Feeds the view, or what a deferred view is built from, to `hasher`.
    pub fn fingerprint(&self, hasher: &mut dyn std::hash::Hasher) {
        match self {
            View::Ready(v) => crate::fingerprint::fingerprint(v.as_serialize(), hasher),
            View::Deferred(d) => d.fingerprint(hasher),
        }
    }
}

/// A page's view, built now.
pub fn view<'a, T: Serialize + Send + Sync + 'a>(v: T) -> View<'a> {
    View::Ready(Box::new(v))
}

/// A deferred view's input field holding a contract, in the render key as the contract's
/// fingerprint (taken once, kept with the contract).
pub(crate) fn contract_fingerprint<S: serde::Serializer>(
    c: &&crate::model::Contract,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_u64(c.fingerprint())
}

/// A deferred view's input field holding the theme's words, in the render key as the hash of
/// the whole table.
pub(crate) fn words_fingerprint<S: serde::Serializer>(
    words: &&crate::load::theme::Strings,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_u64(words.fingerprint())
}

/// A page's view, built by `build` from `input` when the page is rendered. `build` is a plain
/// function of `input` alone, and the render cache keys the page by `input`'s derived `Serialize`
/// form (`fingerprint`): whatever the view reads is in its key, with no list of fields to keep up
/// to date. A field the view reads must not be `#[serde(skip)]` in the input's types.
pub fn deferred_view<'a, I, T>(input: I, build: fn(&I) -> T) -> View<'a>
where
    I: Serialize + Send + 'a,
    T: Serialize + Send + Sync + 'a,
{
    View::Deferred(Box::new(Deferred { input, build }))
}

/// Each contract's page followed by its KPIs' pages. Contract and KPI pages are most of a large
/// site: each contract's group is made in parallel (KPI views are deferred), in page order.
fn performance_pages<'a>(ix: &index::Index<'a>) -> Vec<Page<'a>> {
    use rayon::prelude::*;
    let contracts: Vec<&crate::model::Contract> = ix.project.contracts.values().collect();
    let screen_outliers = ix.project.config.performance.spc_screen_outliers;
    let groups: Vec<Vec<Page>> = contracts
        .par_iter()
        .map(|&contract| {
            let kpis = ix.kpis(&contract.contract_id);
            let mut group = Vec::with_capacity(1 + kpis.len());
            group.push(contract::page(ix, contract));
            group.extend(kpis.iter().map(|&kpi| {
                kpi::page(kpi::KpiInput {
                    contract,
                    kpi,
                    screen_outliers,
                    words: ix.words,
                })
            }));
            group
        })
        .collect();
    groups.into_iter().flatten().collect()
}

pub use crate::output::OutputFile;

/// Everything the site publishes besides rendered pages.
/// Pages borrow the theme's words (`'a`); the data tables only the project and analysis (`'d`).
pub struct Site<'a, 'd> {
    pub pages: Vec<Page<'a>>,
    /// Data files and other non-HTML outputs: path under the site root → bytes.
    pub files: Vec<OutputFile>,
    /// The data tables, streamed to disk when the site is written.
    pub streamed: Vec<crate::output::StreamedFile<'d>>,
    /// The sitemap, feed and robots.txt, still to render from their theme templates.
    pub documents: Vec<feeds::Document<'a>>,
}

/// Every page of the cycle, stage by stage, with the folder pages above them (the open-data
/// catalogue's pages are made beside them).
fn cycle_pages<'a>(
    ix: &index::NeedsSide<'a>,
    words: &'a crate::load::theme::Strings,
) -> Vec<Page<'a>> {
    use rayon::prelude::*;
    type Kind<'s, 'a> = &'s (dyn Fn() -> Vec<Page<'a>> + Sync);
    // Each kind of page is made on whichever core is free; the site keeps this order.
    let kinds: [Kind<'_, 'a>; 18] = [
        &|| vec![home::page(ix)],
        &|| page::pages(ix),
        &|| vec![needs::page(ix)],
        &|| indicator::pages(ix),
        &|| area::pages(ix),
        &|| vec![priorities::page(ix)],
        &|| vec![planning::page(ix)],
        &|| specification::pages(ix),
        &|| vec![resources::page(ix)],
        &|| engagement::pages(ix),
        &|| vec![procurement::page(ix)],
        &|| options::pages(ix),
        &|| tender::pages(ix),
        &|| grant::pages(ix),
        &|| vec![performance::page(ix)],
        &|| performance_pages(ix),
        &|| vec![compliance::page(ix)],
        &|| vec![pipeline::page(ix)],
    ];
    let made: Vec<Vec<Page<'a>>> = kinds.par_iter().map(|make| make()).collect();
    let mut pages: Vec<Page<'a>> = made.into_iter().flatten().collect();
    let folders = folders::folder_pages(words, &pages);
    pages.extend(folders);
    pages
}

/// Builds every page and data file of the site.
pub fn build_site<'a, 'd: 'a>(
    project: &'d Project,
    analysis: &'d Analysis,
    words: &'a crate::load::theme::Strings,
) -> anyhow::Result<Site<'a, 'd>> {
    let ix = index::NeedsSide(std::sync::Arc::new(index::Index::with_words(
        project, analysis, words,
    )));
    // The open-data tables (every row checked for numbers that are not finite) are made on one
    // core while the pages are made on the other.
    let (mut pages, catalogue) = rayon::join(
        || cycle_pages(&ix, words),
        || catalogue::pages_and_files(words, project, analysis),
    );
    let catalogue = catalogue?;
    pages.extend(catalogue.pages);
    let (files, streamed) = (catalogue.files, catalogue.streamed);
    let documents = feeds::documents(&ix, &pages);
    Ok(Site {
        pages,
        files,
        streamed,
        documents,
    })
}
