//! Build stages and the observer the pipeline reports them to, so a front end (progress bar,
//! timings, dev server) can follow a build without the library measuring or printing anything.

/// A stage of the build pipeline, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Load,
    Analyse,
    /// Which pages exist, their eager views, and the open-data files.
    Pages,
    /// Deferred views (KPI pages and their charts) built, every page rendered, and the HTML
    /// written into the new site beside the output folder, a chunk at a time.
    Render,
    /// Data files and assets written into the new site beside the output folder (pages are
    /// written there as they render).
    Write,
    /// The search index built from the pages' records and written into the new site.
    Search,
    /// The new site swapped in for the output folder and the previous one removed.
    Swap,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Load,
        Stage::Analyse,
        Stage::Pages,
        Stage::Render,
        Stage::Write,
        Stage::Search,
        Stage::Swap,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Analyse => "analyse",
            Stage::Pages => "pages",
            Stage::Render => "render",
            Stage::Search => "search",
            Stage::Write => "write",
            Stage::Swap => "swap",
        }
    }
}

/// Receives stage boundaries and per-item progress. Called from rayon worker threads, hence `Sync`.
pub trait Observer: Sync {
    /// A stage starts; `total` is the number of items it will tick through, when known.
    fn start(&self, _stage: Stage, _total: Option<u64>) {}
    /// `n` more items of the current stage are done.
    fn tick(&self, _n: u64) {}
    /// A stage has finished.
    fn finish(&self, _stage: Stage) {}
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {}
