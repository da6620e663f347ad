//! What `serve` keeps from one build to the next so that a change re-renders only the pages it
//! touches: each page's render key (a hash of everything its template receives) with its HTML and
//! search record, and the search index with the hash of the records it was built from. In memory
//! only; a `commission build` starts without one and renders everything.

use crate::analysis::performance::{analyse_kpis_reusing, KpiAnalysis};
use crate::analysis::{analyse, analyse_with, needs::analyse_needs, Analysis};
use crate::load::LoadCache;
use crate::model::Project;
use crate::output::{FileBytes, OutputFile, PackedBytes, StreamedFile};
use crate::publish::search_text::SharedRecord;
use crate::render::Renderer;
use crate::write::{Commit, Manifest, Spare};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// Rendered pages, other files and the search index of the previous build.
#[derive(Default)]
pub struct BuildCache {
    /// Each input file as the previous load read it (see `load::cache`).
    pub load: LoadCache,
    /// The previous build's model and analysis, for [`BuildCache::analyse`].
    model: Option<(Project, Analysis)>,
    pages: BTreeMap<String, CachedPage>,
    /// The previous build's files other than pages and the search index (data, feeds, assets).
    files: Vec<OutputFile>,
    /// The previous build's files copied from the project (static files): path, source.
    copies: Vec<(String, std::path::PathBuf)>,
    /// The data tables of the published site, each with the key of the bytes it holds there.
    streamed: Vec<PublishedTable>,
    /// The published data tables are the previous build's (see `defer_search`): `finish_search`
    /// streams this build's from the kept model.
    tables_pending: bool,
    search: Option<(u64, Vec<OutputFile>)>,
    /// When set, a build whose pages' indexed text changed publishes its pages with the previous
    /// search index and leaves the new one to `build::finish_search`, so a preview reloads
    /// without waiting for the index; likewise it publishes the previous build's data tables, and
    /// `finish_search` streams the new ones.
    pub defer_search: bool,
    pending: Option<PendingSearch>,
    /// The previous build's compiled templates, with the key they were compiled from
    /// (`Renderer::key`): a build whose theme and words are unchanged does not compile them again.
    renderer: Option<(u64, Arc<Renderer>)>,
    /// What the site the last build published holds, and the site before it, kept to be the
    /// next build's temporary folder (`write::Staging::begin_tracked`).
    site: Option<Manifest>,
    spare: Option<Spare>,
}

/// `a == b`, the values first compared by pointer: a KPI read again from an unchanged return
/// shares them with the last build's.
fn same_kpi(a: &crate::model::Kpi, b: &crate::model::Kpi) -> bool {
    let crate::model::Kpi {
        contract_id,
        kpi_id,
        name,
        unit,
        polarity,
        stock_or_flow,
        points,
        origin,
    } = a;
    (Arc::ptr_eq(points, &b.points) || **points == *b.points)
        && (contract_id, kpi_id, name, unit) == (&b.contract_id, &b.kpi_id, &b.name, &b.unit)
        && (polarity, stock_or_flow, origin) == (&b.polarity, &b.stock_or_flow, &b.origin)
}

/// Frees `value` on a thread of its own: the last build's model and pages take milliseconds to
/// free, which a rebuild need not wait for. Where no thread can be started, the failed spawn
/// frees it here.
fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("freeing".into())
        .spawn(move || drop(value));
}

/// A search index still to build: the records of the published pages.
pub struct PendingSearch {
    pub key: u64,
    pub records: Vec<(String, SharedRecord)>,
    pub language: String,
}

/// One page as the previous build rendered it: its HTML packed, which holds a national site's
/// pages in a fraction of their size.
#[derive(Clone)]
pub struct CachedPage {
    pub key: u64,
    pub html: Arc<PackedBytes>,
    pub record: Option<SharedRecord>,
}

/// A data table of the published site: its path, and the key of the bytes it holds there
/// ([`StreamedFile::key`]; `None` when the build that wrote them could not tell it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedTable {
    pub path: String,
    pub key: Option<u64>,
}

impl PublishedTable {
    /// True when these are the bytes `file` would be written as: same path, and a key that is
    /// known and equal.
    pub fn holds(&self, file: &StreamedFile<'_>) -> bool {
        self.path == file.path && file.key.is_some() && self.key == file.key
    }
}

impl From<&StreamedFile<'_>> for PublishedTable {
    /// The table `file` becomes once written.
    fn from(file: &StreamedFile<'_>) -> PublishedTable {
        PublishedTable {
            path: file.path.clone(),
            key: file.key,
        }
    }
}

impl BuildCache {
    /// The analysis of `project` (`analysis::analyse`), keeping from the previous build's its
    /// needs statistics when the indicators, areas, maps, observations and settings are equal
    /// (the needs side that `NeedsAnalysis::identity` stands for), and each KPI's
    /// analysis when the KPI and the performance settings are equal. The analysis functions stay
    /// pure functions of the model; this only decides which of them to run again.
    pub fn analyse(&mut self, project: &Project) -> Analysis {
        let Some((old, old_analysis)) = self.model.take() else {
            return analyse(project);
        };
        let Analysis { needs, kpis, .. } = old_analysis;
        // Areas and maps are not read by the needs analysis, but pages keyed by its identity
        // (`NeedsAnalysis::identity`) read them.
        let same_needs = old.config == project.config
            && old.indicators == project.indicators
            && old.areas == project.areas
            && old.maps == project.maps
            && (Arc::ptr_eq(&old.observations, &project.observations)
                || old.observations == project.observations);
        let needs = if same_needs {
            needs
        } else {
            analyse_needs(project)
        };
        let same_settings = old.config.performance == project.config.performance;
        let mut previous: BTreeMap<(String, String), KpiAnalysis> = kpis
            .into_iter()
            .filter(|_| same_settings)
            .map(|k| ((k.contract_id.clone(), k.kpi_id.clone()), k))
            .collect();
        let kpis = analyse_kpis_reusing(project, |kpi| {
            let key = (kpi.contract_id.clone(), kpi.kpi_id.clone());
            let analysis = previous.remove(&key)?;
            old.kpis
                .get(&key)
                .is_some_and(|old| same_kpi(old, kpi))
                .then_some(analysis)
        });
        drop_in_background((old, previous));
        analyse_with(project, needs, kpis)
    }

    /// The previous build's renderer, if it was compiled from a theme with this `key`.
    pub fn renderer(&self, key: u64) -> Option<Arc<Renderer>> {
        match &self.renderer {
            Some((k, renderer)) if *k == key => Some(Arc::clone(renderer)),
            _ => None,
        }
    }

    pub fn set_renderer(&mut self, renderer: Arc<Renderer>) {
        self.renderer = Some((renderer.fingerprint(), renderer));
    }

    /// The model and analysis the last build kept ([`BuildCache::keep_model`]).
    pub fn model(&self) -> Option<(&Project, &Analysis)> {
        self.model.as_ref().map(|(p, a)| (p, a))
    }

    /// Whether the published data tables are an earlier build's, for `build::finish_search` to
    /// bring up to date.
    pub fn tables_pending(&self) -> bool {
        self.tables_pending
    }

    pub fn set_tables_pending(&mut self, pending: bool) {
        self.tables_pending = pending;
    }

    /// Keeps this build's model and analysis for the next build's [`BuildCache::analyse`].
    pub fn keep_model(&mut self, project: Project, analysis: Analysis) {
        self.model = Some((project, analysis));
    }

    /// The previous rendering of the page written at `path`, if its render key is still `key`.
    pub fn page(&self, path: &str, key: u64) -> Option<&CachedPage> {
        self.pages.get(path).filter(|p| p.key == key)
    }

    /// Replaces the cached pages with this build's (pages no longer built are forgotten).
    pub fn set_pages(&mut self, pages: BTreeMap<String, CachedPage>) {
        drop_in_background(std::mem::replace(&mut self.pages, pages));
    }

    /// The previous search index, if it was built from records with this `key`.
    pub fn search(&self, key: u64) -> Option<&[OutputFile]> {
        match &self.search {
            Some((k, files)) if *k == key => Some(files),
            _ => None,
        }
    }

    pub fn set_search(&mut self, key: u64, files: Vec<OutputFile>) {
        self.search = Some((key, files));
    }

    /// The last search index built, whatever records it came from.
    pub fn last_search(&self) -> Option<&[OutputFile]> {
        self.search.as_ref().map(|(_, files)| files.as_slice())
    }

    /// Every cached page: its output path, HTML and render key.
    pub fn pages(&self) -> impl Iterator<Item = (&str, FileBytes<'_>, u64)> {
        self.pages
            .iter()
            .map(|(path, p)| (path.as_str(), FileBytes::Packed(&p.html), p.key))
    }

    /// The site before the one the last build published, for the next build to start from.
    pub fn take_spare(&mut self) -> Option<Spare> {
        self.spare.take()
    }

    /// Keeps what a tracked commit published, and the previous site as the next spare; returns
    /// the previous site's path when it is to be removed instead, and the commit's warnings.
    pub fn published(&mut self, commit: Commit) -> (Option<std::path::PathBuf>, Vec<String>) {
        self.site = Some(commit.manifest);
        self.spare = commit.spare;
        (commit.remove, commit.warnings)
    }

    /// Gives the cache a spare made from the site the last build published at `output` when it
    /// has none (after the first build, which had no earlier site to keep), so the next build
    /// also writes only what changed. Nothing when the site is not the one the cache describes.
    pub fn make_spare(&mut self, output: &std::path::Path) -> anyhow::Result<()> {
        if let (None, Some(site)) = (&self.spare, &self.site) {
            self.spare = Some(crate::write::spare_of_published(output, site)?);
        }
        Ok(())
    }

    /// What the site the last build published holds (taken by the next commit).
    pub fn take_site(&mut self) -> Option<Manifest> {
        self.site.take()
    }

    pub fn files(&self) -> &[OutputFile] {
        &self.files
    }

    pub fn set_files(&mut self, files: Vec<OutputFile>) {
        self.files = files;
    }

    /// The paths of the published site's data tables (see [`BuildCache::set_streamed`]).
    pub fn streamed_paths(&self) -> Vec<String> {
        self.streamed.iter().map(|t| t.path.clone()).collect()
    }

    /// The data table the published site holds at `path`, if any.
    pub fn table_in_site(&self, path: &str) -> Option<&PublishedTable> {
        self.streamed.iter().find(|t| t.path == path)
    }

    /// True when the published site holds `file` as it would be written now: its key is known
    /// and equal to the key of the bytes the site holds at its path.
    pub fn holds(&self, file: &StreamedFile<'_>) -> bool {
        self.table_in_site(&file.path)
            .is_some_and(|table| table.holds(file))
    }

    /// Remembers the data tables of the site a build published, with the keys of the bytes each
    /// holds there: a site published again from the cache links them from that site, and a later
    /// build links those it would write with the same key ([`BuildCache::holds`]).
    pub fn set_streamed(&mut self, tables: Vec<PublishedTable>) {
        self.streamed = tables;
    }

    /// The files the previous build copied from the project: (path in the site, source).
    pub fn copies(&self) -> &[(String, std::path::PathBuf)] {
        &self.copies
    }

    pub fn set_copies(&mut self, copies: Vec<(String, std::path::PathBuf)>) {
        self.copies = copies;
    }

    pub fn set_pending(&mut self, pending: PendingSearch) {
        self.pending = Some(pending);
    }

    pub fn take_pending(&mut self) -> Option<PendingSearch> {
        self.pending.take()
    }

    /// Whether a search index waits to be built by `build::finish_search`.
    pub fn search_pending(&self) -> bool {
        self.pending.is_some()
    }
}

/// The hash of the search records an index is built from, in order, and its language.
pub fn records_key(records: &[(String, SharedRecord)], language: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    language.hash(&mut hasher);
    for (url, record) in records {
        (url, record.key()).hash(&mut hasher);
    }
    hasher.finish()
}
