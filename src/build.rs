//! The build pipeline: load → validated model → analysis → pages → render → write. The only place
//! the stages meet; the CLI and the tests call `check` and `build`.

use crate::analysis::{analyse, Analysis};
use crate::diagnostics::Diagnostics;
use crate::load::{load_project, theme::load_theme};
use crate::model::Project;
use crate::publish::search::{search_index_of, search_records};
use crate::publish::search_text::SearchRecord;
use crate::render::Renderer;
use crate::site::{build_site, Page};
use crate::stages::{Observer, Silent, Stage};
use crate::write::{check_output_dir, OutputFile, Staging};
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

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
}

/// Loads and validates a project without building it.
pub fn check(root: &Path) -> (Option<Project>, Diagnostics) {
    let (project, mut diags) = load_project(root);
    let theme = load_theme(root, &mut diags);
    if let Err(e) = Renderer::new(&theme) {
        diags.push(crate::diagnostics::Diagnostic::error(
            "templates",
            crate::diagnostics::Location::File,
            format!("{e:#}"),
        ));
    }
    (project, diags)
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    organisation: &'a str,
    language: &'a str,
    base_url: String,
    licence: &'a str,
    licence_url: &'a str,
    contact_email: Option<&'a str>,
    has_pages: Vec<(String, String)>,
}

#[derive(Serialize)]
struct NavItem {
    key: &'static str,
    title: &'static str,
    href: &'static str,
}

const NAV: [NavItem; 5] = [
    NavItem {
        key: "needs",
        title: "Needs",
        href: "needs/index.html",
    },
    NavItem {
        key: "planning",
        title: "Planning",
        href: "planning/index.html",
    },
    NavItem {
        key: "procurement",
        title: "Procurement",
        href: "procurement/index.html",
    },
    NavItem {
        key: "performance",
        title: "Performance",
        href: "performance/index.html",
    },
    NavItem {
        key: "data",
        title: "Open data",
        href: "data/index.html",
    },
];

/// Relative prefix from a page to the site root, so the site opens from disk and under any sub-path.
fn root_prefix(path: &str, base_path: &str) -> String {
    if path.ends_with(".html") {
        // The 404 page is served at any depth: use the absolute base path when known.
        return if base_path.is_empty() {
            String::new()
        } else {
            base_path.to_string()
        };
    }
    "../".repeat(path.matches('/').count())
}

fn output_path(path: &str) -> String {
    if path.is_empty() {
        "index.html".into()
    } else if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{path}index.html")
    }
}

/// Renders every page of a site to HTML files.
pub fn render_pages(
    project: &Project,
    renderer: &Renderer,
    pages: Vec<Page>,
    base_url: &str,
) -> Result<Vec<OutputFile>> {
    render_pages_observed(project, renderer, pages, base_url, &Silent)
}

/// [`render_pages`], ticking `observer` once per page. Pages are consumed: each page's view moves
/// into its template context (no copy) and is freed as soon as the page is rendered.
pub fn render_pages_observed(
    project: &Project,
    renderer: &Renderer,
    pages: Vec<Page>,
    base_url: &str,
    observer: &dyn Observer,
) -> Result<Vec<OutputFile>> {
    use serde_json::Value;
    let base_path = base_url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_default();
    let site = SiteInfo {
        title: &project.config.title,
        organisation: &project.config.organisation,
        language: &project.config.language,
        base_url: base_url.to_string(),
        licence: &project.config.licence,
        licence_url: &project.config.licence_url,
        contact_email: project.config.contact_email.as_deref(),
        has_pages: project
            .pages
            .values()
            .map(|p| {
                (
                    crate::site::href(&format!("{}/", crate::model::slug(&p.stem))),
                    p.title.clone(),
                )
            })
            .collect(),
    };
    let mut shared = serde_json::Map::new();
    shared.insert("site".into(), serde_json::to_value(&site)?);
    shared.insert("nav".into(), serde_json::to_value(NAV)?);
    pages
        .into_par_iter()
        .map(|page| {
            let path = output_path(&page.path);
            let mut ctx = shared.clone();
            let root = root_prefix(&page.path, &base_path);
            let canonical = if base_url.is_empty() {
                String::new()
            } else {
                format!("{base_url}{}", page.path)
            };
            let page_path = page.path;
            ctx.insert("page".into(), page.view.to_value());
            ctx.insert("title".into(), Value::String(page.title));
            ctx.insert("description".into(), Value::String(page.description));
            ctx.insert("section".into(), Value::String(page.section.into()));
            ctx.insert(
                "breadcrumbs".into(),
                serde_json::to_value(&page.breadcrumbs)?,
            );
            ctx.insert("root".into(), Value::String(root));
            ctx.insert("canonical".into(), Value::String(canonical));
            let ctx = tera::Context::from_value(Value::Object(ctx))?;
            let html = renderer
                .render(page.template, &ctx)
                .with_context(|| format!("page /{page_path}"))?;
            observer.tick(1);
            Ok(OutputFile {
                path,
                bytes: html.into_bytes(),
            })
        })
        .collect()
}

/// A site rendered in memory, before its search index: the pages' HTML, what each page gives the
/// search index, and every other file (open data, feeds, theme assets).
pub struct RenderedSite {
    pub pages: Vec<OutputFile>,
    pub records: Vec<(String, SearchRecord)>,
    pub files: Vec<OutputFile>,
    /// How many of `files` are published data files (under `data/`).
    pub data_files: usize,
}

/// Every file of the site for a loaded and analysed project, search index included, sorted by
/// path (no IO). Returns the files, the number of pages and the number of data files.
pub fn site_files(
    project: &Project,
    analysis: &Analysis,
    renderer: &Renderer,
    theme_static: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Result<(Vec<OutputFile>, usize, usize)> {
    let site = rendered_site(project, analysis, renderer, theme_static, &Silent)?;
    let pages = site.pages.len();
    let mut files = site.pages;
    files.extend(search_index_of(
        site.records,
        &project.config.language,
        &Silent,
    )?);
    files.extend(site.files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, pages, site.data_files))
}

/// Builds the pages and renders them, reporting the pages and render stages to `observer`; each
/// page's search record is read as part of rendering.
pub fn rendered_site(
    project: &Project,
    analysis: &Analysis,
    renderer: &Renderer,
    theme_static: &std::collections::BTreeMap<String, Vec<u8>>,
    observer: &dyn Observer,
) -> Result<RenderedSite> {
    observer.start(Stage::Pages, None);
    let site = build_site(project, analysis)?;
    observer.finish(Stage::Pages);
    let base = project.config.base_url_normalised();
    observer.start(Stage::Render, Some(site.pages.len() as u64));
    let pages = render_pages_observed(project, renderer, site.pages, &base, observer)?;
    let records = search_records(&pages);
    observer.finish(Stage::Render);
    let data_files = site
        .files
        .iter()
        .filter(|f| f.path.starts_with("data/"))
        .count();
    let mut files = site.files;
    for (path, bytes) in theme_static {
        files.push(OutputFile {
            path: format!("assets/{path}"),
            bytes: bytes.clone(),
        });
    }
    Ok(RenderedSite {
        pages,
        records,
        files,
        data_files,
    })
}

/// Builds a project into its output folder. Refuses to publish when any error was found.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_observed(options, &Silent)
}

/// [`build`], reporting each stage to `observer`.
pub fn build_observed(options: &BuildOptions, observer: &dyn Observer) -> Result<BuildReport> {
    observer.start(Stage::Load, None);
    let (project, mut diags) = load_project(&options.project);
    let theme = load_theme(&options.project, &mut diags);
    observer.finish(Stage::Load);
    let Some(mut project) = project else {
        return Ok(BuildReport {
            diagnostics: diags,
            output: None,
            pages: 0,
            data_files: 0,
        });
    };
    if diags.has_errors() {
        return Ok(BuildReport {
            diagnostics: diags,
            output: None,
            pages: 0,
            data_files: 0,
        });
    }
    if let Some(url) = &options.base_url {
        project.config.base_url = url.clone();
    }
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.project.join("public"));
    let output = check_output_dir(&output, &options.project)?;
    let renderer = Renderer::new(&theme)?;
    observer.start(Stage::Analyse, None);
    let analysis = analyse(&project);
    observer.finish(Stage::Analyse);
    let site = rendered_site(
        &project,
        &analysis,
        &renderer,
        &theme.static_files,
        observer,
    )?;
    let language = project.config.language.clone();
    // Only the search index is left to build: free the model and the analysis, write the pages
    // and free their HTML, so Pagefind's memory is not added to theirs.
    drop((project, analysis, renderer, theme));
    let (pages, data_files) = (site.pages.len(), site.data_files);
    let staging = Staging::begin(&output)?;
    observer.start(
        Stage::Write,
        Some((site.pages.len() + site.files.len()) as u64),
    );
    staging.write(&site.pages, observer)?;
    drop(site.pages);
    staging.write(&site.files, observer)?;
    drop(site.files);
    observer.finish(Stage::Write);
    observer.start(Stage::Search, Some(site.records.len() as u64));
    let index = search_index_of(site.records, &language, observer)?;
    staging.write(&index, &Silent)?;
    observer.finish(Stage::Search);
    observer.start(Stage::Swap, None);
    staging.commit()?;
    observer.finish(Stage::Swap);
    Ok(BuildReport {
        diagnostics: diags,
        output: Some(output),
        pages,
        data_files,
    })
}
