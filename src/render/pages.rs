//! Pages into HTML: the template context every page receives (site, navigation, its view, its
//! relative root), each page's render key for the `serve` cache, and its search record read from
//! the HTML it rendered to. Pure: pages in, bytes out.

use crate::cache::BuildCache;
use crate::load::theme::Strings;
use crate::model::Project;
use crate::output::{FileBytes, OutputFile, PackedBytes};
use crate::publish::search_text::{search_record, SharedRecord};
use crate::render::template_value::{to_template_data, to_template_value, TemplateData};
use crate::render::Renderer;
use crate::site::Page;
use crate::stages::{Observer, Silent};
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    organisation: &'a str,
    language: &'a str,
    base_url: String,
    licence: &'a str,
    licence_url: &'a str,
    contact_email: Option<&'a str>,
    /// The attribution line the boundary files' licence requires (the theme's default when unset).
    map_attribution: Option<&'a str>,
    has_pages: Vec<(String, String)>,
}

#[derive(Serialize)]
struct NavItem {
    key: &'static str,
    title: String,
    href: &'static str,
}

/// The main navigation: each section's key and page; its title is the theme's `nav.KEY`.
const NAV: [(&str, &str); 5] = [
    ("needs", "needs/index.html"),
    ("planning", "planning/index.html"),
    ("procurement", "procurement/index.html"),
    ("performance", "performance/index.html"),
    ("data", "data/index.html"),
];

fn nav(words: &Strings) -> Vec<NavItem> {
    NAV.iter()
        .map(|&(key, href)| NavItem {
            key,
            title: words.get(&format!("nav.{key}")).to_string(),
            href,
        })
        .collect()
}

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
    words: &Strings,
) -> Result<Vec<OutputFile>> {
    PageContext::new(project, renderer, base_url, words)?
        .render(renderer, pages, &Silent, None)?
        .into_iter()
        .map(RenderedPage::into_file)
        .collect()
}

/// A page's HTML: rendered by this build (with its packed copy when a cache keeps it), or the
/// cache's packed copy, shared rather than copied.
pub enum PageBytes {
    Rendered(Vec<u8>, Option<Arc<PackedBytes>>),
    Cached(Arc<PackedBytes>),
}

impl PageBytes {
    /// The length of the HTML.
    pub fn len(&self) -> usize {
        match self {
            PageBytes::Rendered(bytes, _) => bytes.len(),
            PageBytes::Cached(packed) => packed.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The HTML as `write` takes it.
    pub fn file_bytes(&self) -> FileBytes<'_> {
        match self {
            PageBytes::Rendered(bytes, _) => FileBytes::Plain(bytes),
            PageBytes::Cached(packed) => FileBytes::Packed(packed),
        }
    }

    /// The packed HTML for a cache to keep: packed as the page rendered, when a cache was
    /// given to the render.
    pub fn packed(&self) -> Arc<PackedBytes> {
        match self {
            PageBytes::Rendered(_, Some(packed)) | PageBytes::Cached(packed) => Arc::clone(packed),
            PageBytes::Rendered(bytes, None) => Arc::new(PackedBytes::pack(bytes)),
        }
    }

    pub fn into_vec(self) -> Result<Vec<u8>> {
        match self {
            PageBytes::Rendered(bytes, _) => Ok(bytes),
            PageBytes::Cached(packed) => packed.unpack(),
        }
    }
}

/// A rendered page with its search record and its render key (0 without a cache).
pub struct RenderedPage {
    /// Where the page is written, under the site root.
    pub path: String,
    pub html: PageBytes,
    pub record: Option<SharedRecord>,
    pub key: u64,
}

impl RenderedPage {
    /// Taken from the cache rather than rendered.
    pub fn reused(&self) -> bool {
        matches!(self.html, PageBytes::Cached(_))
    }

    pub fn into_file(self) -> Result<OutputFile> {
        Ok(OutputFile {
            path: self.path,
            bytes: self.html.into_vec()?,
        })
    }
}

/// What every page's template receives (the site, the navigation) and its hash, built once per
/// build however many chunks the pages are rendered in.
pub struct PageContext {
    shared: tera::Context,
    /// The templates, the base address and `shared`, hashed: part of every render key.
    shared_key: u64,
    base_url: String,
    /// The path part of `base_url`, for each page's relative root.
    base_path: String,
}

impl PageContext {
    pub fn new(
        project: &Project,
        renderer: &Renderer,
        base_url: &str,
        words: &Strings,
    ) -> Result<PageContext> {
        use std::hash::{Hash, Hasher};
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
            map_attribution: project.config.maps.attribution.as_deref(),
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
        shared.insert("nav".into(), serde_json::to_value(nav(words))?);
        let mut hasher = std::hash::DefaultHasher::new();
        (
            renderer.fingerprint(),
            base_url,
            serde_json::Value::Object(shared.clone()).to_string(),
        )
            .hash(&mut hasher);
        let mut context = tera::Context::new();
        for (name, value) in shared {
            context.insert_value(name, to_template_value(&value)?);
        }
        Ok(PageContext {
            shared: context,
            shared_key: hasher.finish(),
            base_url: base_url.to_string(),
            base_path,
        })
    }

    /// Renders `pages`, ticking `observer` once per page and reading each page's search record.
    /// When pages fail, the error is the first failing page's in `pages`' order, whichever thread
    /// failed first, so a build reports the same page every time.
    /// Pages are consumed: each page's view becomes template data only while the page renders.
    /// With a `cache`, each page's render key (a hash of everything its template receives, with
    /// the templates) is computed, and a page whose key the cache holds is not rendered again.
    pub fn render(
        &self,
        renderer: &Renderer,
        pages: Vec<Page>,
        observer: &dyn Observer,
        cache: Option<&BuildCache>,
    ) -> Result<Vec<RenderedPage>> {
        let (shared, shared_key) = (&self.shared, self.shared_key);
        let (base_url, base_path) = (self.base_url.as_str(), self.base_path.as_str());
        pages
            .into_par_iter()
            .map(|page| {
                let path = output_path(&page.path);
                let key = cache.map_or(0, |_| render_key(shared_key, &page));
                if let Some(hit) = cache.and_then(|c| c.page(&path, key)) {
                    observer.tick(1);
                    return Ok(RenderedPage {
                        path,
                        html: PageBytes::Cached(Arc::clone(&hit.html)),
                        record: hit.record.clone(),
                        key,
                    });
                }
                let mut ctx = shared.clone();
                let root = root_prefix(&page.path, base_path);
                let canonical = if base_url.is_empty() {
                    String::new()
                } else {
                    format!("{base_url}{}", page.path)
                };
                let page_path = &page.path;
                ctx.insert_value("title", tera::Value::from(page.title.as_str()));
                ctx.insert_value("description", tera::Value::from(page.description.as_str()));
                ctx.insert_value("section", tera::Value::from(page.section));
                ctx.insert_value("breadcrumbs", to_template_value(&page.breadcrumbs)?);
                ctx.insert_value("root", tera::Value::from(root));
                ctx.insert_value("canonical", tera::Value::from(canonical));
                // A deferred view is built here, so it lives only while its page renders.
                let view = page.view.build();
                let plain = renderer
                    .plain_loops(page.template)
                    .and_then(|loops| plain_data(view.as_ref(), loops))
                    .and_then(|data| {
                        ctx.insert_value("page", data);
                        renderer.render_plain(page.template, &ctx).ok()
                    });
                let html = match plain {
                    Some(html) => html,
                    // As the template was written: it has no plain loops, its loops could not
                    // be written from this view, or the page failed (and the error is tera's
                    // for the template as written).
                    None => {
                        ctx.insert_value("page", template_data(view.as_ref())?);
                        renderer
                            .render(page.template, &ctx)
                            .with_context(|| format!("page /{page_path}"))?
                    }
                };
                drop(view);
                let record = search_record(&html).map(Arc::new);
                // Packed here, on every core, for the cache to keep.
                let packed = cache.map(|_| Arc::new(PackedBytes::pack(html.as_bytes())));
                observer.tick(1);
                Ok(RenderedPage {
                    path,
                    html: PageBytes::Rendered(html.into_bytes(), packed),
                    record,
                    key,
                })
            })
            .collect::<Vec<Result<RenderedPage>>>()
            .into_iter()
            .collect()
    }
}

/// A view as its template's data, its charts drawn as it is serialised. A view with maps (the
/// needs page and each indicator's) goes through JSON, where each map is drawn once every outline
/// on its page is known; the others (thousands of KPI pages) are serialised straight into tera's
/// values.
fn template_data(view: &dyn crate::site::PageView) -> Result<tera::Value> {
    use crate::render::charts::drawn_value;
    use crate::site::chart::drawn_while_serialising;
    let data = drawn_while_serialising(drawn_value, || to_template_data(view.as_serialize()))?;
    if let TemplateData::Ready(value) = data {
        return Ok(value);
    }
    let mut json =
        drawn_while_serialising(drawn_value, || serde_json::to_value(view.as_serialize()))?;
    crate::render::map::draw_maps(&mut json);
    Ok(to_template_value(&json)?)
}

/// A view as its template's data with the template's plain loops written (its charts drawn as
/// it is serialised); `None` when the page is to be rendered as its template was written.
fn plain_data(
    view: &dyn crate::site::PageView,
    loops: &[crate::render::plain_loops::PlainLoop],
) -> Option<tera::Value> {
    use crate::render::charts::drawn_value;
    use crate::render::plain_loops::LoopRun;
    use crate::render::template_value::to_template_data_with_loops;
    use crate::site::chart::drawn_while_serialising;
    let run = LoopRun::new(loops);
    drawn_while_serialising(drawn_value, || {
        to_template_data_with_loops(view.as_serialize(), &run)
    })
}

/// The render key: a hash of everything a page's template receives besides what all pages share
/// (`shared_key`); a deferred view is hashed by what it is built from, without being built.
fn render_key(shared_key: u64, page: &Page) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    (
        shared_key,
        &page.path,
        page.template,
        &page.title,
        &page.description,
        page.section,
    )
        .hash(&mut hasher);
    for crumb in &page.breadcrumbs {
        (&crumb.title, &crumb.href).hash(&mut hasher);
    }
    page.view.fingerprint(&mut hasher);
    hasher.finish()
}
