//! The `commission` command line: parses arguments, calls the library, prints diagnostics.

mod progress;
mod serve;

use clap::{Parser, Subcommand};
use commission::build::{build_observed, check, BuildOptions};
use commission::diagnostics::Diagnostics;
use progress::{Reporter, Verbosity};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: a build allocates and frees millions of small
/// strings across threads, where glibc's allocator spent about a sixth of all CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the bundled mimalloc.h's `mi_option_e` (libmimalloc-sys names no
/// constant; a test reads it back with its default).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// `mi_option_allow_thp`, likewise.
const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Keeps memory the process frees for `ms` milliseconds before returning it to the system
/// (mimalloc's `purge_delay`; its default is one second; negative is never). A server
/// rebuilding on each save then reuses the memory the last rebuild and search index freed,
/// rather than having the kernel zero fresh pages for it: at scale 0.1 that fault-in was about
/// 40% of a one-file rebuild.
/// Called before any other thread starts (mimalloc's options are not thread-safe).
pub(crate) fn keep_freed_memory(ms: i64) {
    // SAFETY: sets a plain integer option; no other thread is running yet.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, ms as _) };
}

/// Has the process's memory faulted in 4 KiB pages rather than 2 MiB transparent huge pages
/// (mimalloc's `allow_thp` off, and on Linux the process's THP flag cleared, for memory mapped
/// before this call too). A build touches its memory once, as it fills it: with huge pages each
/// first touch zeroed 2 MiB at a time, including the parts of a page never used, and in a virtual
/// machine the host backed each of them too. At scale 0.3, in six builds each in turn, system
/// time fell from 1.6-2.4 s to 0.8-1.1 s and wall time from 4.7-5.3 s to 3.9-5.0 s.
/// Called first thing, before any other thread starts (mimalloc's options are not thread-safe).
fn no_huge_pages() {
    // SAFETY: sets a plain integer option; no other thread is running yet.
    unsafe { libmimalloc_sys::mi_option_set(ALLOW_THP, 0) };
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flag; a
    // kernel that refuses it leaves huge pages as they were, which is harmless.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Publish a council's commissioning cycle — needs, planning, procurement and performance — as a
/// static website with open data.
///
/// Exit codes: 0 success; 1 the project has errors (every problem is listed); 2 the command could
/// not run (bad arguments, unsafe output folder, unreadable files).
#[derive(Parser)]
#[command(name = "commission", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the website from a project folder.
    Build {
        /// The project folder (the one holding commission.toml).
        #[arg(default_value = ".")]
        project: PathBuf,
        /// Where to write the site; default `public/` inside the project. Replaced whole, and only
        /// when the build succeeds.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The address the site will be published at (overrides base_url in commission.toml).
        #[arg(long, value_parser = base_url_argument)]
        base_url: Option<String>,
        /// Print nothing but errors.
        #[arg(short, long, conflicts_with = "verbose")]
        quiet: bool,
        /// Also print how long each stage took.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Build the site, serve it for preview, and rebuild and reload pages when the project changes.
    Serve {
        /// The project folder (the one holding commission.toml).
        #[arg(default_value = ".")]
        project: PathBuf,
        /// The port to listen on; 0 picks a free one.
        #[arg(short, long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on. Anything but loopback lets other computers see the preview.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Where to build; default a folder under the system temp folder, not the project's public/.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The address the site will be published at (overrides base_url in commission.toml).
        #[arg(long, value_parser = base_url_argument)]
        base_url: Option<String>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Also print each rebuild's stages with their times and peak memory.
        #[arg(short, long, conflicts_with = "quiet")]
        verbose: bool,
    },
    /// Check a project and list every problem, without building.
    Check {
        #[arg(default_value = ".")]
        project: PathBuf,
    },
    /// Start a new project in DIR, copied from the sample council.
    Init {
        dir: PathBuf,
        /// Write only commission.toml and the empty input folders, for the council's own files.
        #[arg(long)]
        empty: bool,
    },
}

/// `--base-url`, held to the policy of `base_url` in commission.toml.
fn base_url_argument(url: &str) -> Result<String, String> {
    commission::model::config::check_base_url_argument(url).map(|()| url.to_string())
}

fn print(diags: &Diagnostics, quiet: bool) {
    for d in diags.sorted() {
        if quiet && !d.is_error() {
            continue;
        }
        eprintln!("{d}");
    }
}

fn summary(diags: &Diagnostics) -> String {
    format!(
        "{} error(s), {} warning(s)",
        diags.error_count(),
        diags.warning_count()
    )
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            project,
            output,
            base_url,
            quiet,
            verbose,
        } => {
            // A build's memory goes back when it exits. Returned as it is freed, it came back as
            // freshly zeroed huge pages: at scale 0.3 the kernel zeroing them was a sixth of the
            // build's CPU time (14,199 page faults; 705 when kept).
            keep_freed_memory(-1);
            let reporter = Reporter::new(match (quiet, verbose) {
                (true, _) => Verbosity::Quiet,
                (_, true) => Verbosity::Verbose,
                _ => Verbosity::Normal,
            });
            let result = build_observed(
                &BuildOptions {
                    project,
                    output,
                    base_url,
                },
                &reporter,
            );
            reporter.clear();
            match result {
                Ok(report) => {
                    print(&report.diagnostics, quiet);
                    match report.output {
                        Some(out) => {
                            if !quiet {
                                eprintln!(
                                    "built {} pages and {} data files into {} in {:.2} s ({} warning(s))",
                                    report.pages,
                                    report.data_files,
                                    out.display(),
                                    reporter.elapsed().as_secs_f64(),
                                    report.diagnostics.warning_count()
                                );
                            }
                            ExitCode::SUCCESS
                        }
                        None => {
                            eprintln!(
                                "not built: {}; the previous site, if any, is unchanged",
                                summary(&report.diagnostics)
                            );
                            ExitCode::from(1)
                        }
                    }
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Serve {
            project,
            port,
            bind,
            open,
            output,
            base_url,
            quiet,
            verbose,
        } => {
            let options = serve::ServeOptions {
                project,
                output,
                base_url,
                bind,
                port,
                open,
                quiet,
                verbose,
            };
            // Ten minutes: memory comes back to the system once editing pauses that long.
            keep_freed_memory(600_000);
            match serve::serve(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check { project } => {
            // As `build`: `check` loads the whole project, and renders every page when templates
            // are overridden.
            keep_freed_memory(-1);
            let (_, diags) = check(&project);
            print(&diags, false);
            eprintln!("{}", summary(&diags));
            if diags.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Init { dir, empty } => match if empty {
            commission::init::init_empty(&dir)
        } else {
            commission::init::init(&dir)
        } {
            Ok(n) => {
                // The command as it was run (`commission` once installed, or the path cargo ran,
                // such as target/release/commission), so the hint works as printed.
                let command = std::env::args()
                    .next()
                    .unwrap_or_else(|| "commission".into());
                let files = if n == 1 { "file" } else { "files" };
                eprintln!(
                    "wrote {n} {files} to {}; build it with: {command} build {}",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option numbers name the options meant, in the mimalloc this crate bundles: each reads
    /// back as that option's default (a purge delay of 1,000 ms; huge pages allowed), which its
    /// neighbours in `mi_option_e` do not have. An upgrade that renumbers them fails here.
    #[test]
    fn the_mimalloc_option_numbers_are_purge_delay_and_allow_thp() {
        for name in ["MIMALLOC_PURGE_DELAY", "MIMALLOC_ALLOW_THP"] {
            assert!(std::env::var_os(name).is_none(), "run without {name} set");
        }
        // SAFETY: reads plain integer options.
        let (purge_delay, allow_thp) = unsafe {
            (
                libmimalloc_sys::mi_option_get(PURGE_DELAY),
                libmimalloc_sys::mi_option_get(ALLOW_THP),
            )
        };
        assert_eq!((purge_delay, allow_thp), (1000, 1));
    }
}
