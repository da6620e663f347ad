//! Benchmark of `serve`'s one-file rebuild, in process: builds a project once with a cache, then
//! changes one KPI value N times, rebuilding with the cache after each, and reports the mean,
//! fastest and median rebuild (load to swap, without the watcher's debounce). Edits the project:
//! run it on a copy.
//!
//! `cargo run --release --example rebuild -- PROJECT OUTPUT N` (a project made by the `synth`
//! example, whose first KPI return has its value in the fifth column).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use commission::build::{build_cached, finish_search, BuildOptions};
use commission::cache::BuildCache;
use commission::stages::Silent;
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
    for i in 0..n {
        // The first return's first value, changed each time.
        let text = std::fs::read_to_string(file)?;
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut cells: Vec<String> = lines[1].split(',').map(String::from).collect();
        cells[4] = format!("{}", 10 + i);
        lines[1] = cells.join(",");
        std::fs::write(file, lines.join("\n") + "\n")?;
        let started = Instant::now();
        let report = build_cached(&options, &Silent, Some(&mut cache))?;
        times.push(started.elapsed());
        if let Some(previous) = report.previous_site {
            commission::write::remove_site(&previous)?;
        }
    }
    if let Some(previous) = finish_search(&PathBuf::from(output), &mut cache)? {
        commission::write::remove_site(&previous)?;
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / n.max(1) as u32;
    if let (Some(min), Some(median)) = (times.first(), times.get(n / 2)) {
        println!("{n} rebuilds: mean {mean:.1?}, fastest {min:.1?}, median {median:.1?}");
    }
    Ok(())
}
