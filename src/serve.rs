//! `commission serve`: builds a project, serves the site on loopback, watches the project and
//! rebuilds on change, and reloads open pages through Server-Sent Events. Owns the dev server's
//! request-path safety rules and its rebuild state; nothing here is written into the built files.
//!
//! When a rebuild fails, HTML requests get an error page naming each problem (file, line,
//! message) while assets keep coming from the last good site; the page reloads itself once a
//! build succeeds again.

mod http;
mod path;

pub(crate) use path::{resolve_request_path, Rejected, Resolved};

use crate::progress::{Reporter, Verbosity};
use anyhow::{bail, Context, Result};
use commission::build::{build_cached, finish_search_unless, BuildOptions, Finished, SearchIndex};
use commission::cache::BuildCache;
use commission::diagnostics::Diagnostics;
use commission::stages::Silent;
use http::Request;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::DebounceEventResult;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The address of the Server-Sent Events stream that open pages listen to.
pub(crate) const EVENTS_PATH: &str = "/__commission/events";

/// Quiet time after a path's last change before its events are delivered (notify's debouncer,
/// which looks every quarter of it). An editor's save (write in place, or write a temporary file
/// and rename it over the old one) is a burst of events within a few milliseconds; a rebuild
/// started on a half-written file is followed by another once the write settles, and the load
/// cache never keeps a file that changed while it was read. 20 ms is a tenth of the time a
/// save may take to reach the page (issue 19's 200 ms); 50 ms cost a quarter of it.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// What `commission serve` was asked to do.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    pub(crate) project: PathBuf,
    /// Where to build; default a folder under the system temp folder (never the project's `public/`).
    pub(crate) output: Option<PathBuf>,
    pub(crate) base_url: Option<String>,
    pub(crate) bind: IpAddr,
    /// 0 picks a free port.
    pub(crate) port: u16,
    /// Open the site in the default browser once it is served.
    pub(crate) open: bool,
    pub(crate) quiet: bool,
    /// Print each rebuild's stages with their times.
    pub(crate) verbose: bool,
}

struct State {
    /// Bumped after every build, good or bad; pages reload when it changes.
    generation: u64,
    /// The error page to show instead of HTML while the last build failed.
    error: Option<String>,
    /// Bumped when a search index that followed a build is published; pages that load the
    /// search scripts reload.
    search_generation: u64,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    root: PathBuf,
}

/// Builds, serves and watches until the process is stopped.
pub(crate) fn serve(options: &ServeOptions) -> Result<()> {
    let project = options
        .project
        .canonicalize()
        .with_context(|| format!("opening the project folder {}", options.project.display()))?;
    if !project.join("commission.toml").is_file() {
        bail!(
            "{} has no commission.toml: is it a commission project?",
            project.display()
        );
    }
    let output = match &options.output {
        Some(o) => o.clone(),
        None => default_output(&project),
    };
    let output = commission::write::check_output_dir(&output, &project)?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: other computers on the network can reach this preview",
            options.bind
        );
    }
    let listener = std::net::TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .with_context(|| format!("cannot listen on {}:{}", options.bind, options.port))?;
    let addr = listener
        .local_addr()
        .context("the server has no IP address")?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            generation: 0,
            error: None,
            search_generation: 0,
        }),
        changed: Condvar::new(),
        root: output.clone(),
    });

    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // Set when a change that can alter the site arrives, cleared when a rebuild takes it: the
    // search index a rebuild leaves to build afterwards is abandoned once it is set.
    let waiting = Arc::new(AtomicBool::new(false));
    let ignored = Ignored::new(&project, &output);
    let handler = {
        let (ignored, waiting) = (ignored.clone(), waiting.clone());
        move |batch: DebounceEventResult| {
            if ignored.relevant(&batch) {
                waiting.store(true, Ordering::SeqCst);
            }
            let _ = tx.send(batch);
        }
    };
    let mut watcher = notify_debouncer_full::new_debouncer(DEBOUNCE, None, handler)
        .context("starting the file watcher")?;
    watcher
        .watch(&project, RecursiveMode::Recursive)
        .with_context(|| format!("watching {}", project.display()))?;

    let build_options = BuildOptions {
        project: project.clone(),
        output: Some(output.clone()),
        base_url: options.base_url.clone(),
    };
    // Kept between rebuilds: a change re-renders only the pages whose template data it changed.
    let mut cache = BuildCache::default();
    cache.defer_search = true;
    rebuild(&build_options, &shared, options, &mut cache, &waiting);

    let server_shared = shared.clone();
    std::thread::spawn(move || {
        http::accept_for_ever(&listener, http::MAX_CONNECTIONS, move |request| {
            handle(request, &server_shared)
        });
    });
    let url = format!("http://{addr}/");
    eprintln!(
        "serving {} at {url} (press Ctrl-C to stop)",
        output.display()
    );
    if options.open {
        open_browser(&url);
    }

    loop {
        let Ok(batch) = rx.recv() else {
            bail!("the file watcher stopped");
        };
        // Batches delivered while the last rebuild ran are folded into one rebuild.
        let mut changed = ignored.relevant(&batch);
        while let Ok(more) = rx.try_recv() {
            changed |= ignored.relevant(&more);
        }
        if changed {
            // Changes from here on are the next rebuild's (one that came since the batches
            // above were taken waits in the channel, and at worst lets this index finish).
            waiting.store(false, Ordering::SeqCst);
            rebuild(&build_options, &shared, options, &mut cache, &waiting);
        }
    }
}

/// A per-project folder under the system temp folder, reused across runs.
fn default_output(project: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    project.hash(&mut hasher);
    std::env::temp_dir()
        .join(format!("commission-serve-{:016x}", hasher.finish()))
        .join("site")
}

/// Which watcher events can change the site.
#[derive(Clone)]
struct Ignored {
    output: PathBuf,
    public: PathBuf,
}

impl Ignored {
    fn new(project: &Path, output: &Path) -> Self {
        Ignored {
            output: output.to_path_buf(),
            public: project.join("public"),
        }
    }

    /// Whether a debounced batch holds a change that can alter the site (a watcher error holds
    /// none).
    fn relevant(&self, batch: &DebounceEventResult) -> bool {
        batch
            .as_ref()
            .is_ok_and(|events| events.iter().any(|e| self.changes_site(&e.event)))
    }

    fn changes_site(&self, event: &notify::Event) -> bool {
        // notify 8 reports opens and reads on Linux: a build's own reads must not trigger builds.
        if matches!(event.kind, EventKind::Access(_)) {
            return false;
        }
        event.paths.iter().any(|p| !self.ignores(p))
    }

    fn ignores(&self, path: &Path) -> bool {
        path.starts_with(&self.output)
            || path.starts_with(&self.public)
            || path.components().any(|c| {
                let c = c.as_os_str().to_string_lossy();
                c == ".git" || (c.starts_with('.') && c.contains(".commission-"))
            })
    }
}

fn rebuild(
    options: &BuildOptions,
    shared: &Shared,
    serve: &ServeOptions,
    cache: &mut BuildCache,
    waiting: &AtomicBool,
) {
    let quiet = serve.quiet;
    let started = Instant::now();
    let result = if serve.verbose {
        let reporter = Reporter::new(Verbosity::Verbose);
        let result = build_cached(options, &reporter, Some(cache));
        reporter.clear();
        result
    } else {
        build_cached(options, &Silent, Some(cache))
    };
    let mut published = None;
    let error = match result {
        Ok(report) => {
            published.clone_from(&report.output);
            remove_in_background(report.previous_site.clone());
            for d in report.diagnostics.sorted() {
                if !quiet || d.is_error() {
                    eprintln!("{d}");
                }
            }
            match report.output {
                Some(_) => {
                    if !quiet {
                        eprintln!(
                            "built {} pages ({} rendered, search index {}) in {:.2} s ({} warning(s))",
                            report.pages,
                            report.rendered.len(),
                            match report.search {
                                SearchIndex::Built => "rebuilt",
                                SearchIndex::Pending => "to follow",
                                SearchIndex::Unchanged | SearchIndex::NotBuilt => "unchanged",
                            },
                            started.elapsed().as_secs_f64(),
                            report.diagnostics.warning_count()
                        );
                    }
                    None
                }
                None => {
                    eprintln!(
                        "not built: {} error(s); still serving the last good site",
                        report.diagnostics.error_count()
                    );
                    Some(error_page_for(&report.diagnostics))
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            Some(error_page(&[format!("{e:#}")]))
        }
    };
    if let Ok(mut state) = shared.state.lock() {
        state.generation += 1;
        state.error = error;
    }
    shared.changed.notify_all();
    // The pages are up: now the search index their text changed (pages reloaded without it).
    let pending = cache.search_pending() || cache.tables_pending();
    if let Some(output) = published.as_ref().filter(|_| pending) {
        let started = Instant::now();
        match finish_search_unless(output, cache, &|| waiting.load(Ordering::SeqCst)) {
            // A save arrived: the next rebuild leaves its own index to build.
            Ok(Finished::Stopped) => {
                if !quiet {
                    eprintln!("search index left to the next build (a file changed)");
                }
            }
            Ok(Finished::Published(previous)) => {
                remove_in_background(previous);
                if !quiet {
                    eprintln!(
                        "search index and data files brought up to date in {:.2} s",
                        started.elapsed().as_secs_f64()
                    );
                }
                if let Ok(mut state) = shared.state.lock() {
                    state.search_generation += 1;
                }
                shared.changed.notify_all();
            }
            Err(e) => eprintln!("error: building the search index: {e:#}"),
        }
    }
    // The next build starts from a copy of this site when the cache kept no earlier one (after
    // the first build): hard links, made while no change waits. Where links cannot be made the
    // next build writes every file, as a build does.
    if let Some(output) = &published {
        let _ = cache.make_spare(output);
    }
}

/// Removes a previous site a rebuild put aside, without holding up the next reload.
fn remove_in_background(previous: Option<PathBuf>) {
    if let Some(path) = previous {
        std::thread::spawn(move || {
            if let Err(e) = commission::write::remove_site(&path) {
                eprintln!("warning: {e:#}");
            }
        });
    }
}

fn error_page_for(diags: &Diagnostics) -> String {
    let lines: Vec<String> = diags
        .sorted()
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    error_page(&lines)
}

/// The overlay shown instead of pages while the project has errors.
fn error_page(problems: &[String]) -> String {
    let items: String = problems
        .iter()
        .map(|p| {
            format!(
                "<li><pre>{}</pre></li>\n",
                commission::render::escape_html(p)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title>\n\
<style>body{{margin:0;font-family:system-ui,sans-serif;background:#1d1d1d;color:#f4f4f4}}\
main{{max-width:60rem;margin:2rem auto;padding:1rem 2rem;border-left:8px solid #d4351c;background:#2b2b2b}}\
pre{{white-space:pre-wrap;font-size:1rem;margin:.5rem 0}}li{{margin-bottom:1rem}}</style></head>\n\
<body><main role=\"alert\"><h1>The site could not be built</h1>\n\
<p>Fix these problems in the project; this page reloads when the build succeeds.</p>\n<ol>\n{items}</ol></main></body></html>\n"
    )
}

/// The reload script injected into served HTML (never into the built files).
fn reload_script(generation: u64) -> String {
    format!(
        "<script>/* commission serve: live reload */(function(){{if(!window.EventSource)return;\
var g={generation},s=new EventSource(\"{EVENTS_PATH}\");\
s.addEventListener(\"hello\",function(e){{if(+e.data!==g)location.reload()}});\
s.addEventListener(\"reload\",function(){{location.reload()}});\
s.addEventListener(\"search\",function(){{if(document.querySelector('script[src$=\"assets/search.js\"]'))location.reload()}})}})();</script>"
    )
}

/// Inserts the reload script before the last `</body>`, or at the end.
pub(crate) fn inject(html: &str, generation: u64) -> String {
    let script = reload_script(generation);
    match html.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &html[..i], &html[i..]),
        None => format!("{html}{script}"),
    }
}

/// The `Content-Type` of a served file, from its extension (mime_guess); text types are UTF-8.
fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text =
        mime.type_() == mime_guess::mime::TEXT || mime.subtype() == mime_guess::mime::JAVASCRIPT;
    if text && mime.get_param(mime_guess::mime::CHARSET).is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

fn respond(request: Request, status: u16, kind: &str, body: Vec<u8>) {
    request.respond(
        status,
        &[("Content-Type", kind), ("Cache-Control", "no-store")],
        &body,
    );
}

fn handle(request: Request, shared: &Shared) {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return respond(request, 405, "text/plain", b"method not allowed\n".to_vec());
    }
    let url = request.target.clone();
    let path = url.split(['?', '#']).next().unwrap_or("").to_string();
    if path == EVENTS_PATH {
        return events(request, shared);
    }
    let (generation, error) = match shared.state.lock() {
        Ok(s) => (s.generation, s.error.clone()),
        Err(_) => (0, None),
    };
    match resolve_request_path(&shared.root, &path) {
        Err(Rejected::BadRequest) => respond(request, 400, "text/plain", b"bad request\n".to_vec()),
        Ok(Resolved::Redirect(to)) => {
            request.respond(301, &[("Location", &to)], b"");
        }
        Ok(Resolved::File(file)) => {
            let kind = content_type(&file);
            let kind = kind.as_str();
            let is_html = kind.starts_with("text/html");
            if let (true, Some(page)) = (is_html, &error) {
                return respond(request, 500, kind, inject(page, generation).into_bytes());
            }
            match std::fs::read(&file) {
                Ok(bytes) if is_html => {
                    let html = inject(&String::from_utf8_lossy(&bytes), generation);
                    respond(request, 200, kind, html.into_bytes())
                }
                Ok(bytes) => respond(request, 200, kind, bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    respond(request, 404, "text/plain", b"not found\n".to_vec())
                }
                // Out of descriptors, or the file is being replaced: worth a retry, not a 404.
                Err(_) => request.respond(
                    503,
                    &[("Retry-After", "1"), ("Content-Type", "text/plain")],
                    b"busy: the file cannot be read just now\n",
                ),
            }
        }
        Err(Rejected::NotFound) => {
            if let Some(page) = &error {
                return respond(
                    request,
                    500,
                    "text/html; charset=utf-8",
                    inject(page, generation).into_bytes(),
                );
            }
            match std::fs::read(shared.root.join("404.html")) {
                Ok(bytes) => {
                    let html = inject(&String::from_utf8_lossy(&bytes), generation);
                    respond(request, 404, "text/html; charset=utf-8", html.into_bytes())
                }
                Err(_) => respond(request, 404, "text/plain", b"not found\n".to_vec()),
            }
        }
    }
}

/// The Server-Sent Events stream: the headers are written by hand and every event is flushed.
fn events(request: Request, shared: &Shared) {
    let (mut seen, mut seen_search) = shared
        .state
        .lock()
        .map(|s| (s.generation, s.search_generation))
        .unwrap_or((0, 0));
    let mut out = request.into_stream();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\nevent: hello\ndata: {seen}\n\n"
    );
    if out
        .write_all(head.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let (now, now_search) = match shared.state.lock() {
            Ok(guard) => {
                match shared
                    .changed
                    .wait_timeout_while(guard, Duration::from_secs(15), |s| {
                        s.generation == seen && s.search_generation == seen_search
                    }) {
                    Ok((guard, _)) => (guard.generation, guard.search_generation),
                    Err(_) => return,
                }
            }
            Err(_) => return,
        };
        let message = if now != seen {
            seen = now;
            seen_search = now_search;
            format!("event: reload\ndata: {now}\n\n")
        } else if now_search != seen_search {
            seen_search = now_search;
            format!("event: search\ndata: {now_search}\n\n")
        } else {
            ": keep-alive\n\n".to_string()
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            return;
        }
    }
}

fn open_browser(url: &str) {
    let result = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = result {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let html = inject("<html><body><p>x</p></body></html>", 3);
        assert!(html.contains("var g=3"));
        assert!(html.ends_with("</script></body></html>"));
        assert!(inject("<p>no body</p>", 1).ends_with("</script>"));
    }

    #[test]
    fn content_types_come_from_the_extension_and_text_is_utf8() {
        let kinds: Vec<String> = [
            "a.html",
            "a.css",
            "a.js",
            "a.json",
            "a.csv",
            "a.svg",
            "a.png",
            "a.woff2",
            "a.xml",
            "a.txt",
            "a.unknown",
        ]
        .iter()
        .map(|f| content_type(Path::new(f)))
        .collect();
        assert_eq!(
            kinds,
            [
                "text/html; charset=utf-8",
                "text/css; charset=utf-8",
                "text/javascript; charset=utf-8",
                "application/json",
                "text/csv; charset=utf-8",
                "image/svg+xml",
                "image/png",
                "font/woff2",
                "text/xml; charset=utf-8",
                "text/plain; charset=utf-8",
                "application/octet-stream",
            ]
        );
    }

    #[test]
    fn the_error_page_escapes_messages() {
        let page = error_page(&["error: needs/values.csv:12: <b>bad</b>".into()]);
        assert!(page.contains("needs/values.csv:12: &lt;b&gt;bad&lt;/b&gt;"));
    }

    #[test]
    fn watcher_ignores_reads_and_the_output() {
        let ignored = Ignored::new(Path::new("/p"), Path::new("/tmp/out/site"));
        let event = |kind, path: &str| {
            Ok(vec![notify_debouncer_full::DebouncedEvent::new(
                notify::Event::new(kind).add_path(PathBuf::from(path)),
                Instant::now(),
            )])
        };
        use notify::event::{AccessKind, ModifyKind};
        assert!(!ignored.relevant(&event(EventKind::Access(AccessKind::Any), "/p/a.csv")));
        assert!(ignored.relevant(&event(EventKind::Modify(ModifyKind::Any), "/p/a.csv")));
        assert!(!ignored.relevant(&event(
            EventKind::Modify(ModifyKind::Any),
            "/tmp/out/site/x"
        )));
        assert!(!ignored.relevant(&event(EventKind::Modify(ModifyKind::Any), "/p/public/x")));
        assert!(!ignored.relevant(&event(
            EventKind::Create(notify::event::CreateKind::Any),
            "/p/.public.commission-tmp-3/x"
        )));
        // A batch is relevant when any of its events is; a watcher error is not a change.
        let mut batch = event(EventKind::Access(AccessKind::Any), "/p/a.csv").unwrap();
        batch.extend(event(EventKind::Modify(ModifyKind::Any), "/p/b.csv").unwrap());
        assert!(ignored.relevant(&Ok(batch)));
        assert!(!ignored.relevant(&Err(vec![notify::Error::generic("gone")])));
    }
}
