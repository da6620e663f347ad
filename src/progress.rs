//! What the command line shows while building: an indicatif progress bar with stage names and
//! counts when stderr is a terminal, per-stage timings with `--verbose`, nothing with `--quiet`.
//! Times are measured here, for display only; they never reach the built files.

use commission::stages::{Observer, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How much the command line prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// An [`Observer`] that draws a progress bar (terminals only) and prints stage timings.
pub(crate) struct Reporter {
    bar: Option<ProgressBar>,
    verbosity: Verbosity,
    started: Instant,
    current: Mutex<Option<(Stage, Instant)>>,
}

impl Reporter {
    pub(crate) fn new(verbosity: Verbosity) -> Self {
        let bar = (verbosity != Verbosity::Quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:>8} {wide_bar} {pos}/{len}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Reporter {
            bar,
            verbosity,
            started: Instant::now(),
            current: Mutex::new(None),
        }
    }

    /// Time since the reporter was created.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Removes the bar; call before printing the summary.
    pub(crate) fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
}

impl Observer for Reporter {
    fn start(&self, stage: Stage, total: Option<u64>) {
        if let Ok(mut current) = self.current.lock() {
            *current = Some((stage, Instant::now()));
        }
        if let Some(bar) = &self.bar {
            bar.set_prefix(stage.name());
            bar.set_length(total.unwrap_or(0));
            bar.set_position(0);
        }
    }

    fn tick(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    fn finish(&self, stage: Stage) {
        let took = match self.current.lock().ok().and_then(|mut c| c.take()) {
            Some((s, at)) if s == stage => at.elapsed(),
            _ => return,
        };
        if self.verbosity == Verbosity::Verbose {
            let peak = peak_memory_mb().map_or(String::new(), |mb| format!("  peak {mb} MB"));
            self.line(&format!(
                "  {:<8} {:>9.1} ms{peak}",
                stage.name(),
                took.as_secs_f64() * 1000.0
            ));
        }
    }
}

/// The process's peak resident memory so far in MB (`VmHWM`), where the system reports it.
fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
