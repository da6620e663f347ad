//! The build pipeline: load → validated model → analysis → pages → render → write. The only place
//! the stages meet; the CLI and the tests call `check` and `build`.

use crate::analysis::{analyse, analyse_releasing, Analysis};
use crate::cache::{records_key, BuildCache, CachedPage, PendingSearch, PublishedTable};
use crate::diagnostics::Diagnostics;
use crate::diagnostics::{Diagnostic, Location};
use crate::load::cache::FileReads;
use crate::load::theme::{load_theme, Theme};
use crate::load::{load_project, load_project_cached};
use crate::model::Project;
use crate::output::{FileBytes, StreamedFile};
use crate::publish::search::{record_url, search_index_of, search_index_unless};
use crate::publish::search_text::SharedRecord;
use crate::render::pages::{PageContext, RenderedPage};
use crate::render::{Renderer, TemplateError};
use crate::site::{build_site, Page};
use crate::stages::{Observer, Silent, Stage};
use crate::write::{check_output_dir, OutputFile, Staging};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub project: PathBuf,
    /// Defaults to `public/` inside the project.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
}

/// The result of a build: what was published, and every diagnostic.
#[derive(Debug)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    /// `None` when errors stopped the build before anything was written.
    pub output: Option<PathBuf>,
    pub pages: usize,
    pub data_files: usize,
    /// The pages this build rendered, by output path: every page, unless a cache supplied some.
    pub rendered: Vec<String>,
    /// What became of the search index.
    pub search: SearchIndex,
    /// With a cache, the previous site is put aside rather than removed: kept by the cache as
    /// the next build's starting point, or here to remove with `write::remove_site` (a server
    /// does so in the background).
    pub previous_site: Option<PathBuf>,
    /// With a cache, how the load came by its input files: those read from disk, and those only
    /// hashed (their size or modification time moved, their bytes did not). Empty without one.
    pub reads: FileReads,
}

/// What a build did with the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchIndex {
    /// Built from this build's pages.
    Built,
    /// The cache's index, built from the same records.
    Unchanged,
    /// The previous index published for now; `finish_search` builds the new one.
    Pending,
    /// No site was built (the project has errors).
    NotBuilt,
}

/// The site's language: the project's, or the base language when the project did not load.
fn language(project: Option<&Project>) -> &str {
    project.map_or(crate::load::theme::BASE_LANGUAGE, |p| {
        p.config.language.as_str()
    })
}

/// Loads and validates a project without building it. When the project overrides templates,
/// every page is also rendered (and thrown away), so a template that fails on some page's data
/// fails `check` as it would fail `build`.
pub fn check(root: &Path) -> (Option<Project>, Diagnostics) {
    let (project, mut diags) = load_project(root);
    let theme = load_theme(root, &mut diags);
    match Renderer::new(&theme, language(project.as_ref())) {
        Err(e) => diags.push(template_diagnostic(&e)),
        Ok(renderer) => {
            let renders = project
                .as_ref()
                .filter(|_| !diags.has_errors() && !theme.overridden.is_empty());
            if let Some(project) = renders {
                let analysis = analyse(project);
                let discard = &mut |_: Vec<RenderedPage>| Ok(());
                let sink = SiteSink::pages(discard);
                let rendered =
                    rendered_site(project, &analysis, &renderer, &theme, &Silent, None, sink);
                if let Err(e) = rendered {
                    diags.push(template_diagnostic(&e));
                }
            }
        }
    }
    (project, diags)
}

/// The diagnostic for any failure to compile or render the templates under `check`: the
/// template's own ([`template_problem`]) when it names one, else one for the templates folder.
fn template_diagnostic(e: &anyhow::Error) -> Diagnostic {
    template_problem(e)
        .unwrap_or_else(|| Diagnostic::error("templates", Location::File, format!("{e:#}")))
}

/// The diagnostic for a template that does not compile or render ([`TemplateError`]): the
/// project's error, listed with the others, rather than a failure of the command.
fn template_problem(e: &anyhow::Error) -> Option<Diagnostic> {
    let problem = e.chain().find_map(|c| c.downcast_ref::<TemplateError>())?;
    let file = match &problem.template {
        Some(name) => format!("templates/{name}"),
        None => "templates".to_string(),
    };
    Some(Diagnostic::error(file, Location::File, format!("{e:#}")))
}

/// A rendered site, before its search index, once its pages' HTML has gone to the caller's
/// sink: what each page gives the search index, and every other file (open data, feeds, theme
/// assets).
pub struct RenderedSite<'a> {
    /// How many pages were rendered (or taken from the cache) and handed to the sink.
    pub pages: usize,
    pub records: Vec<(String, SharedRecord)>,
    pub files: Vec<OutputFile>,
    /// The data tables, to stream into the site while the project and analysis they borrow live.
    pub streamed: Vec<StreamedFile<'a>>,
    /// How many of `files` and `streamed` are published data files (under `data/`).
    pub data_files: usize,
    /// The pages rendered by this build (the others were the cache's), by output path.
    pub rendered: Vec<String>,
}

/// Every file of the site for a loaded and analysed project, search index included, sorted by
/// path (no IO). Returns the files, the number of pages and the number of data files.
pub fn site_files(
    project: &Project,
    analysis: &Analysis,
    renderer: &Renderer,
    theme: &Theme,
) -> Result<(Vec<OutputFile>, usize, usize)> {
    let mut files = Vec::new();
    let site = rendered_site(
        project,
        analysis,
        renderer,
        theme,
        &Silent,
        None,
        SiteSink::pages(&mut |pages| {
            for page in pages {
                files.push(page.into_file()?);
            }
            Ok(())
        }),
    )?;
    let pages = site.pages;
    files.extend(search_index_of(
        site.records,
        &project.config.language,
        &Silent,
    )?);
    files.extend(site.files);
    for streamed in &site.streamed {
        files.push(streamed.to_file()?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, pages, site.data_files))
}

/// At most how many pages are rendered before they go to the sink: enough to keep both cores
/// busy, few enough that a national site's HTML is never all in memory.
const RENDER_CHUNK: usize = 256;

/// About how many bytes of HTML a chunk holds before it goes to the sink: a chunk is as many
/// pages as the last chunk's average page makes this (at least [`MIN_RENDER_CHUNK`]). A KPI page
/// is about 30 KB, so its chunks are whole; a needs page at scale 1.0 is 300 KB, and 256 of them
/// raised the build's peak by 50 MB.
const RENDER_CHUNK_BYTES: usize = 16 << 20;

/// The fewest pages in a chunk: enough to keep both cores busy.
const MIN_RENDER_CHUNK: usize = 16;

/// Builds the pages and renders them, reporting the pages and render stages to `observer`, and
/// hands the rendered pages to `sink` a chunk at a time, each either rendered or the cache's
/// (then it has the bytes the previous build published, shared with the cache). With a `cache`,
/// pages whose render key it holds are taken from it, and it is then replaced by this build's
/// pages.
pub fn rendered_site<'a>(
    project: &'a Project,
    analysis: &'a Analysis,
    renderer: &Renderer,
    theme: &Theme,
    observer: &dyn Observer,
    cache: Option<&mut BuildCache>,
    sink: SiteSink<'_, 'a>,
) -> Result<RenderedSite<'a>> {
    let SiteSink {
        pages: sink,
        tables,
    } = sink;
    observer.start(Stage::Pages, None);
    let words = theme.strings_for(&project.config.language);
    let mut site = build_site(project, analysis, &words)?;
    observer.finish(Stage::Pages);
    let pages = std::mem::take(&mut site.pages);
    let page_count = pages.len();
    let render = |sink: &mut dyn FnMut(Vec<RenderedPage>) -> Result<()>| {
        render_in_chunks(project, renderer, &words, observer, cache, sink, pages)
    };
    let RenderedPages { records, rendered } = match tables {
        None => render(sink)?,
        Some(write_tables) => {
            // The tables are written on a thread of their own while the pages render: both share
            // the two cores, and the tables take up what rendering leaves idle.
            let streamed = &site.streamed;
            let (rendered, written) = std::thread::scope(|scope| {
                let writer = scope.spawn(move || write_tables(streamed));
                (render(sink), writer.join())
            });
            let rendered = rendered?;
            written.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            rendered
        }
    };
    let data_files = site
        .files
        .iter()
        .map(|f| &f.path)
        .chain(site.streamed.iter().map(|f| &f.path))
        .filter(|path| path.starts_with("data/"))
        .count();
    let mut files = site.files;
    for document in site.documents {
        files.push(renderer.render_document(document)?);
    }
    for (path, bytes) in &theme.static_files {
        files.push(OutputFile {
            path: format!("assets/{path}"),
            bytes: bytes.clone(),
        });
    }
    Ok(RenderedSite {
        pages: page_count,
        records,
        files,
        streamed: if tables.is_some() {
            Vec::new()
        } else {
            site.streamed
        },
        data_files,
        rendered,
    })
}

/// Writes a site's data tables into the new site ([`Staging::write_streamed`]).
pub type WriteTables<'a> = dyn Fn(&[StreamedFile<'a>]) -> Result<()> + Sync + 'a;

/// Where [`rendered_site`] hands what it makes, as it makes it.
pub struct SiteSink<'s, 'a> {
    /// Each chunk of rendered pages, in order.
    pub pages: &'s mut dyn FnMut(Vec<RenderedPage>) -> Result<()>,
    /// When given, the data tables are written by it while the pages render (on a thread of
    /// their own), and are not returned.
    pub tables: Option<&'s WriteTables<'a>>,
}

impl<'s> SiteSink<'s, '_> {
    /// Pages only: the tables are returned, to write later.
    pub fn pages(pages: &'s mut dyn FnMut(Vec<RenderedPage>) -> Result<()>) -> Self {
        SiteSink {
            pages,
            tables: None,
        }
    }
}

/// What rendering gives besides the pages: each page's search record (by its address), and the
/// output paths of the pages rendered (not taken from the cache).
struct RenderedPages {
    records: Vec<(String, SharedRecord)>,
    rendered: Vec<String>,
}

/// Renders `pages` a chunk at a time ([`RENDER_CHUNK`], [`RENDER_CHUNK_BYTES`]), handing each
/// chunk to `sink`; returns each page's search record and the output paths of the pages rendered
/// (not the cache's).
fn render_in_chunks(
    project: &Project,
    renderer: &Renderer,
    words: &crate::load::theme::Strings,
    observer: &dyn Observer,
    cache: Option<&mut BuildCache>,
    sink: &mut dyn FnMut(Vec<RenderedPage>) -> Result<()>,
    pages: Vec<Page>,
) -> Result<RenderedPages> {
    let context = PageContext::new(
        project,
        renderer,
        &project.config.base_url_normalised(),
        words,
    )?;
    observer.start(Stage::Render, Some(pages.len() as u64));
    let mut records = Vec::new();
    let mut rerendered = Vec::new();
    let mut cached = std::collections::BTreeMap::new();
    let mut pages = pages.into_iter();
    let mut chunk_pages = MIN_RENDER_CHUNK;
    loop {
        let chunk: Vec<Page> = pages.by_ref().take(chunk_pages).collect();
        if chunk.is_empty() {
            break;
        }
        let mut rendered = context.render(renderer, chunk, observer, cache.as_deref())?;
        let bytes: usize = rendered.iter().map(|p| p.html.len()).sum();
        let average = bytes / rendered.len();
        chunk_pages = (RENDER_CHUNK_BYTES / average.max(1)).clamp(MIN_RENDER_CHUNK, RENDER_CHUNK);
        for page in &mut rendered {
            if !page.reused() {
                rerendered.push(page.path.clone());
            }
            if let Some(cache) = cache.as_deref() {
                // A page from the cache keeps its entry (and its shared HTML); a new one its
                // packed HTML.
                let entry = match cache.page(&page.path, page.key) {
                    Some(entry) if page.reused() => entry.clone(),
                    _ => CachedPage {
                        key: page.key,
                        html: page.html.packed(),
                        record: page.record.clone(),
                    },
                };
                cached.insert(page.path.clone(), entry);
            }
            if let Some(record) = page.record.take() {
                records.push((record_url(&page.path), record));
            }
        }
        sink(rendered)?;
    }
    if let Some(cache) = cache {
        cache.set_pages(cached);
    }
    observer.finish(Stage::Render);
    Ok(RenderedPages {
        records,
        rendered: rerendered,
    })
}

/// The theme's compiled templates: the cache's when it compiled the same templates and words for
/// the last build, else compiled now (and kept by the cache for the next build).
fn renderer_for(
    theme: &Theme,
    language: &str,
    cache: Option<&mut BuildCache>,
) -> Result<Arc<Renderer>> {
    let Some(cache) = cache else {
        return Ok(Arc::new(Renderer::new(theme, language)?));
    };
    let words = theme.strings_for(language);
    if let Some(renderer) = cache.renderer(Renderer::key(theme, &words)) {
        return Ok(renderer);
    }
    let renderer = Arc::new(Renderer::with_words(theme, &words)?);
    cache.set_renderer(Arc::clone(&renderer));
    Ok(renderer)
}

/// The report of a build that stopped before publishing: the project has errors.
fn not_built(diagnostics: Diagnostics, reads: FileReads) -> BuildReport {
    BuildReport {
        diagnostics,
        output: None,
        pages: 0,
        data_files: 0,
        rendered: Vec::new(),
        search: SearchIndex::NotBuilt,
        previous_site: None,
        reads,
    }
}

/// Builds a project into its output folder. Refuses to publish when any error was found.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_observed(options, &Silent)
}

/// [`build`], reporting each stage to `observer`.
pub fn build_observed(options: &BuildOptions, observer: &dyn Observer) -> Result<BuildReport> {
    build_cached(options, observer, None)
}

/// [`build_observed`] keeping `cache` from one build to the next (as `serve` does): only pages
/// whose template data changed are rendered again, and the search index is rebuilt only when a
/// page's indexed text changed.
pub fn build_cached(
    options: &BuildOptions,
    observer: &dyn Observer,
    mut cache: Option<&mut BuildCache>,
) -> Result<BuildReport> {
    if let Some(url) = &options.base_url {
        crate::model::config::check_base_url_argument(url)
            .map_err(|e| anyhow::anyhow!("--base-url {e}"))?;
    }
    observer.start(Stage::Load, None);
    let (project, mut diags) = match cache.as_deref_mut() {
        Some(cache) => load_project_cached(&options.project, &mut cache.load),
        None => load_project(&options.project),
    };
    let reads = cache
        .as_deref()
        .map(|c| c.load.reads().clone())
        .unwrap_or_default();
    let mut theme = load_theme(&options.project, &mut diags);
    observer.finish(Stage::Load);
    let renderer = match renderer_for(&theme, language(project.as_ref()), cache.as_deref_mut()) {
        Ok(renderer) => Some(renderer),
        Err(e) => {
            diags.push(template_problem(&e).ok_or(e)?);
            None
        }
    };
    let (Some(mut project), Some(renderer)) = (project.filter(|_| !diags.has_errors()), renderer)
    else {
        return Ok(not_built(diags, reads));
    };
    if let Some(url) = &options.base_url {
        project.config.base_url = url.clone();
    }
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.project.join("public"));
    let output = check_output_dir(&output, &options.project)?;
    observer.start(Stage::Analyse, None);
    let mut releasing = None;
    let analysis = match cache.as_deref_mut() {
        Some(cache) => cache.analyse(&project),
        None => {
            let (analysis, released) = analyse_releasing(&mut project);
            // The raw series are freed on a thread of their own while the pages are made, where
            // the main thread stopped to free millions of rows before going on.
            releasing = Some(std::thread::spawn(move || drop(released)));
            analysis
        }
    };
    observer.finish(Stage::Analyse);
    // Pages are written into the new site as they are rendered, a chunk at a time, so their HTML
    // is never all in memory; nothing reaches the output folder before the swap.
    let staging = match cache.as_deref_mut() {
        Some(cache) => Staging::begin_tracked(&output, cache.take_spare())?,
        None => Staging::begin(&output)?,
    };
    // Without a cache every table is written as it is, so it is written while the pages render.
    let write_tables = |tables: &[StreamedFile<'_>]| staging.write_streamed(tables, &Silent);
    let alongside: Option<&WriteTables> = cache.is_none().then_some(&write_tables);
    let RenderedSite {
        pages,
        records,
        files,
        streamed: tables,
        data_files,
        rendered,
    } = match rendered_site(
        &project,
        &analysis,
        &renderer,
        &theme,
        observer,
        cache.as_deref_mut(),
        SiteSink {
            pages: &mut |pages| {
                // Pages from the cache have the bytes the previous build published.
                let mut same = Vec::new();
                let mut new = Vec::new();
                for page in &pages {
                    let item = (page.path.as_str(), page.html.file_bytes(), page.key);
                    if page.reused() {
                        same.push(item);
                    } else {
                        new.push(item);
                    }
                }
                staging.write_pages(&same, true)?;
                staging.write_pages(&new, false)
            },
            tables: alongside,
        },
    ) {
        Ok(site) => site,
        // A template that fails on a page is the project's error; the new site is dropped.
        Err(e) => {
            diags.push(template_problem(&e).ok_or(e)?);
            return Ok(not_built(diags, reads));
        }
    };
    // The data tables borrow the analysis: streamed into the new site before it is freed. A
    // server publishes the previous build's tables first and streams these after the pages are
    // up (`finish_search`); a table the previous site lacks is streamed now.
    // A table the previous site holds as this build would write it (its key is unchanged: the
    // needs tables while the needs side is) is linked, and is not left pending. `streamed` is
    // each table's path with the key of the bytes the new site holds there: a linked table keeps
    // the previous site's.
    observer.start(Stage::Write, Some((files.len() + tables.len()) as u64));
    let previous = cache.as_deref().filter(|_| staging.has_previous());
    let mut streamed: Vec<PublishedTable> = Vec::with_capacity(tables.len());
    let (mut linked, mut now, mut pending) = (Vec::new(), Vec::new(), false);
    for table in tables {
        let held = previous.and_then(|cache| {
            let held = cache.table_in_site(&table.path)?;
            let same = held.holds(&table);
            (same || cache.defer_search).then(|| (held.clone(), same))
        });
        match held {
            Some((held, same)) => {
                pending |= !same;
                streamed.push(held);
                linked.push(table.path);
            }
            None => {
                streamed.push(PublishedTable::from(&table));
                now.push(table);
            }
        }
    }
    staging.write_streamed(&now, observer)?;
    staging.link_previous(&linked)?;
    drop(now);
    if let Some(cache) = cache.as_deref_mut() {
        cache.set_tables_pending(pending);
    }
    let language = project.config.language.clone();
    let copies: Vec<(String, PathBuf)> = std::mem::take(&mut theme.static_sources)
        .into_iter()
        .map(|(path, source)| (format!("assets/{path}"), source))
        .collect();
    // Only the other files and the search index are left to write: the model and the analysis
    // are freed meanwhile, on a thread of their own, so the index's memory is not added to
    // theirs for long, and the freeing fills the time the index's serial steps leave a core idle
    // (a cache keeps them for the next build).
    let freed = match cache.as_deref_mut() {
        Some(cache) => {
            cache.keep_model(project, analysis);
            None
        }
        None => Some((project, analysis)),
    };
    drop((renderer, theme));
    let freeing = freed.map(|freed| std::thread::spawn(move || drop(freed)));
    staging.write(&files, observer)?;
    staging.copy(&copies)?;
    match cache.as_deref_mut() {
        Some(cache) => {
            cache.set_files(files);
            cache.set_copies(copies);
        }
        None => drop(files),
    }
    observer.finish(Stage::Write);
    observer.start(Stage::Search, Some(records.len() as u64));
    let search = match cache.as_deref_mut() {
        None => {
            staging.write(&search_index_of(records, &language, observer)?, &Silent)?;
            SearchIndex::Built
        }
        Some(cache) => {
            // This build's records supersede an index still pending from an earlier one.
            cache.take_pending();
            let key = records_key(&records, &language);
            // The cache's index is the one the output folder holds: linked, not read again.
            if let Some(index) = cache.search(key) {
                staging.write_unchanged_files(index)?;
                SearchIndex::Unchanged
            } else if let Some(previous) = cache.last_search().filter(|_| cache.defer_search) {
                // Published with the previous index for now; `finish_search` brings it up to date.
                staging.write_unchanged_files(previous)?;
                cache.set_pending(PendingSearch {
                    key,
                    records,
                    language,
                });
                SearchIndex::Pending
            } else {
                let index = search_index_of(records, &language, observer)?;
                staging.write(&index, &Silent)?;
                cache.set_search(key, index);
                SearchIndex::Built
            }
        }
    };
    observer.finish(Stage::Search);
    // Freed before the build reports (a `build`, which keeps nothing): its caller, a test
    // building again or the command about to exit, is not left with a thread still freeing.
    for freeing in [releasing, freeing].into_iter().flatten() {
        let _ = freeing.join();
    }
    observer.start(Stage::Swap, None);
    // A server removes the previous site in the background; a build waits for it.
    let (previous_site, warnings) = match cache {
        Some(cache) => {
            let commit = staging.commit_tracked(cache.take_site())?;
            // Only once published: a later build links a table by the key recorded here.
            cache.set_streamed(streamed);
            cache.published(commit)
        }
        None => (None, staging.commit()?),
    };
    for warning in warnings {
        diags.push(crate::diagnostics::Diagnostic::warning(
            "output",
            crate::diagnostics::Location::File,
            warning,
        ));
    }
    observer.finish(Stage::Swap);
    Ok(BuildReport {
        diagnostics: diags,
        output: Some(output),
        pages,
        data_files,
        rendered,
        search,
        previous_site,
        reads,
    })
}

/// Builds the search index and streams the data tables a deferred build left pending (see
/// `BuildCache::defer_search`) and publishes the site again with them: the pages and files are
/// the cache's, so the site is the one just published plus its up-to-date index and tables. Like
/// a cached build, it starts from the cache's spare site and keeps the previous site as the next
/// spare, or returns its path for `write::remove_site`; `None` when nothing is left to remove.
pub fn finish_search(output: &Path, cache: &mut BuildCache) -> Result<Option<PathBuf>> {
    finish_search_unless(output, cache, &|| false).map(|finished| match finished {
        Finished::Published(aside) => aside,
        Finished::Stopped => None,
    })
}

/// What [`finish_search_unless`] did.
#[derive(Debug, PartialEq)]
pub enum Finished {
    /// The site was published with its index and tables (nothing was left to do when nothing was
    /// pending); the previous site to remove, if any.
    Published(Option<PathBuf>),
    /// `stop` said a newer build is coming: nothing was published, and the index and tables are
    /// still pending (the next build supersedes them).
    Stopped,
}

/// [`finish_search`], giving up while the search index is built as soon as `stop` returns true
/// (and once more before the site is put together): `serve` stops when a save arrives, so the
/// next preview does not wait for an index that save makes stale. Putting the site together (at
/// national scale, streaming hundreds of megabytes of data tables) is not stopped: it starts from
/// the cache's spare site, which stopping would lose.
pub fn finish_search_unless(
    output: &Path,
    cache: &mut BuildCache,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Finished> {
    let pending = cache.take_pending();
    if pending.is_none() && !cache.tables_pending() {
        return Ok(Finished::Published(None));
    }
    let index = match pending {
        Some(p) => {
            // The records are shared, so they stay the cache's if the index is not finished.
            match search_index_unless(p.records.clone(), &p.language, &Silent, stop) {
                // Asked once more before the site is put together: once begun, the new site
                // starts from the cache's spare, which a stop would lose.
                Ok(_) if stop() => {
                    cache.set_pending(p);
                    return Ok(Finished::Stopped);
                }
                Ok(index) => Some((p.key, index)),
                Err(e) if e.is::<crate::publish::search::Stopped>() => {
                    cache.set_pending(p);
                    return Ok(Finished::Stopped);
                }
                Err(e) => return Err(e),
            }
        }
        None => None,
    };
    let staging = Staging::begin_tracked(output, cache.take_spare())?;
    let pages: Vec<(&str, FileBytes<'_>, u64)> = cache.pages().collect();
    staging.write_pages(&pages, true)?;
    staging.write_unchanged_files(cache.files())?;
    staging.copy(cache.copies())?;
    let published = match cache.model().filter(|_| cache.tables_pending()) {
        // The tables of the model the pages were built from: those the site being replaced
        // holds as they would be written now are linked from it.
        Some((project, analysis)) => {
            let words = crate::load::theme::Strings::base();
            let tables =
                crate::site::catalogue::pages_and_files(words, project, analysis)?.streamed;
            let published: Vec<PublishedTable> = tables.iter().map(PublishedTable::from).collect();
            let (held, changed): (Vec<StreamedFile>, Vec<StreamedFile>) = tables
                .into_iter()
                .partition(|t| staging.has_previous() && cache.holds(t));
            staging.link_previous(&held.into_iter().map(|t| t.path).collect::<Vec<_>>())?;
            staging.write_streamed(&changed, &Silent)?;
            Some(published)
        }
        // The data tables were streamed into the site being replaced, and are unchanged.
        None => {
            staging.link_previous(&cache.streamed_paths())?;
            None
        }
    };
    match index {
        Some((key, index)) => {
            staging.write(&index, &Silent)?;
            cache.set_search(key, index);
        }
        // The published index is up to date: linked, as the build that published it did.
        _ => {
            if let Some(current) = cache.last_search() {
                staging.write_unchanged_files(current)?;
            }
        }
    }
    // Leftovers that could not be removed were reported by the build this completes.
    let commit = staging.commit_tracked(cache.take_site())?;
    let (aside, _) = cache.published(commit);
    if let Some(tables) = published {
        cache.set_streamed(tables);
    }
    cache.set_tables_pending(false);
    Ok(Finished::Published(aside))
}
