//! Rendering: turns page views into HTML with tera (the theme's templates) and the views' charts
//! into SVG. Knows nothing of files on disk.

pub mod charts;
pub mod pages;

use crate::load::theme::Theme;
use anyhow::{anyhow, Result};
use tera::Tera;

/// Escapes text for HTML content and double-quoted attributes (inline SVG, the dev server's pages).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The compiled templates of a theme.
pub struct Renderer {
    tera: Tera,
    /// A hash of every template's name and source, so a cache of rendered pages knows when the
    /// theme changed.
    fingerprint: u64,
}

/// Describes a tera error with its whole cause chain (tera hides the useful part in `source`).
pub fn describe(err: &tera::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

impl Renderer {
    /// Compiles every template; a broken template (theme or project override) is an error naming it.
    pub fn new(theme: &Theme) -> Result<Renderer> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        let templates: Vec<(String, String)> = theme
            .templates
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        tera.add_raw_templates(templates).map_err(|e| {
            let overridden = if theme.overridden.is_empty() {
                String::new()
            } else {
                format!(
                    " (project overrides: templates/{})",
                    theme.overridden.join(", templates/")
                )
            };
            anyhow!("a template does not compile{overridden}: {}", describe(&e))
        })?;
        let mut hasher = std::hash::DefaultHasher::new();
        for (name, source) in &theme.templates {
            std::hash::Hash::hash(&(name, source), &mut hasher);
        }
        Ok(Renderer {
            tera,
            fingerprint: std::hash::Hasher::finish(&hasher),
        })
    }

    /// Changes whenever any template changes.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Renders `template` with a serialisable context.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(template, context)
            .map_err(|e| anyhow!("rendering {template}: {}", describe(&e)))
    }
}
