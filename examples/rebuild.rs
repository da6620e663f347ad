//! Benchmark of `serve`'s one-file rebuild, in process: builds a project once with a cache, then
//! changes one KPI value N times, rebuilding with the cache after each (and bringing the search
//! index and data tables up to date after it, untimed, as `serve` does), and reports the mean,
//! fastest and median rebuild (load to swap, without the watcher's debounce) and each stage's
//! median. Edits the project:
//! run it on a copy.
//!
//! `cargo run --release --example rebuild -- PROJECT OUTPUT N` (a project made by the `synth`
//! example, whose first KPI return has its value in the fifth column).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use commission::build::{build_cached, finish_search, BuildOptions};
use commission::cache::BuildCache;
use commission::stages::{Observer, Silent, Stage};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Each stage's times, one per rebuild.
#[derive(Default)]
struct Stages {
    started: Mutex<Option<Instant>>,
    times: Mutex<Vec<(Stage, Duration)>>,
}

impl Observer for Stages {
    fn start(&self, _: Stage, _: Option<u64>) {
        *self.started.lock().unwrap() = Some(Instant::now());
    }

    fn finish(&self, stage: Stage) {
        if let Some(started) = *self.started.lock().unwrap() {
            self.times.lock().unwrap().push((stage, started.elapsed()));
        }
    }
}

/// The median of `times`.
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [project, output, n] = args.as_slice() else {
        anyhow::bail!("usage: rebuild PROJECT OUTPUT N");
    };
    let n: usize = n.parse()?;
    let mut returns: Vec<PathBuf> =
        std::fs::read_dir(PathBuf::from(project).join("contracts/kpis"))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
    returns.sort();
    let file = returns
        .first()
        .ok_or_else(|| anyhow::anyhow!("no KPI returns"))?;
    let options = BuildOptions {
        project: project.into(),
        output: Some(output.into()),
        base_url: None,
    };
    let mut cache = BuildCache::default();
    cache.defer_search = true;
    build_cached(&options, &Silent, Some(&mut cache))?;
    let mut times = Vec::new();
    let stages = Stages::default();
    for i in 0..n {
        // The first return's first value, changed each time.
        let text = std::fs::read_to_string(file)?;
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut cells: Vec<String> = lines[1].split(',').map(String::from).collect();
        cells[4] = format!("{}", 10 + i);
        lines[1] = cells.join(",");
        std::fs::write(file, lines.join("\n") + "\n")?;
        let started = Instant::now();
        let report = build_cached(&options, &stages, Some(&mut cache))?;
        times.push(started.elapsed());
        if let Some(previous) = report.previous_site {
            commission::write::remove_site(&previous)?;
        }
        // As `serve` does once the page is up: the search index and data tables follow.
        if let Some(previous) = finish_search(&PathBuf::from(output), &mut cache)? {
            commission::write::remove_site(&previous)?;
        }
    }
    let stage_times = stages.times.into_inner().unwrap();
    for stage in Stage::ALL {
        let of_stage = stage_times
            .iter()
            .filter(|(s, _)| *s == stage)
            .map(|(_, t)| *t);
        println!(
            "  {:8} median {:.1?}",
            stage.name(),
            median(of_stage.collect())
        );
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / n.max(1) as u32;
    if let (Some(min), Some(median)) = (times.first(), times.get(n / 2)) {
        println!("{n} rebuilds: mean {mean:.1?}, fastest {min:.1?}, median {median:.1?}");
    }
    Ok(())
}
