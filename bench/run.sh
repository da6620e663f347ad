#!/usr/bin/env bash
# Benchmark: builds the release binary once, generates the synthetic project (examples/synth.rs)
# at three sizes and builds each, reporting pages, wall and CPU time, CPU ms per page, peak RSS and
# the time of a one-file incremental rebuild, by `build` and under `serve`. A report, not a test.
#
#   bench/run.sh [SCALES...]        default: 0.1 0.3 1.0  (1x, 3x, 10x a base of scale 0.1)
#   BENCH_DIR=/tmp/commission-bench  where projects and sites go (never committed)
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=("$@")
[ ${#SCALES[@]} -eq 0 ] && SCALES=(0.1 0.3 1.0)
DIR=${BENCH_DIR:-/tmp/commission-bench}
mkdir -p "$DIR"
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y time >/dev/null; else echo "install GNU time (apt-get install time)"; exit 2; fi
fi
cargo build --release --quiet --bin commission --example synth
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/commission
SYNTH=$TARGET/release/examples/synth

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GB RAM"
printf '%-6s %8s %9s %9s %8s %9s %12s %12s\n' scale pages wall_s cpu_s ms/page rss_MB incr_wall_s serve_incr_s
for s in "${SCALES[@]}"; do
  proj="$DIR/project-$s"; out="$DIR/site-$s"
  "$SYNTH" --out "$proj" --scale "$s" --seed 42 2>/dev/null
  rm -rf "$out"
  log="$DIR/time-$s.txt"
  /usr/bin/time -v "$BIN" build "$proj" --output "$out" --verbose 2>"$log"
  pages=$(sed -n 's/^built \([0-9]*\) pages.*/\1/p' "$log")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); t=0; for(i=1;i<=n;i++) t=t*60+a[i]; print t}' "$log")
  user=$(awk -F': ' '/User time/{print $2}' "$log")
  sys=$(awk -F': ' '/System time/{print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident/{printf "%.0f", $2/1024}' "$log")
  cpu=$(echo "$user + $sys" | bc -l)
  per=$(echo "scale=3; 1000 * $cpu / $pages" | bc -l)
  # One-file incremental rebuild: change one KPI return, rebuild over the previous site.
  f=$(ls "$proj"/contracts/kpis/*.csv | head -1)
  sed -i '2s/,\([0-9.]*\),\([0-9.]*\),people/,1\1,\2,people/' "$f"
  ilog="$DIR/time-$s-incremental.txt"
  /usr/bin/time -v "$BIN" build "$proj" --output "$out" --verbose 2>"$ilog"
  iwall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); t=0; for(i=1;i<=n;i++) t=t*60+a[i]; print t}' "$ilog")
  # The same change under `serve`, which keeps its render cache between builds: the time of the
  # rebuild after one more KPI value changes, as serve reports it.
  slog="$DIR/serve-$s.txt"; rm -rf "$DIR/serve-site-$s"
  "$BIN" serve "$proj" --port 0 --output "$DIR/serve-site-$s" >"$slog" 2>&1 &
  spid=$!
  for _ in $(seq 1 600); do grep -q '^serving' "$slog" && break; sleep 0.5; done
  sed -i '3s/,\([0-9.]*\),\([0-9.]*\),people/,1\1,\2,people/' "$f"
  for _ in $(seq 1 600); do [ "$(grep -c '^built' "$slog")" -ge 2 ] && break; sleep 0.5; done
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
  swall=$(grep '^built' "$slog" | sed -n '2s/.* in \([0-9.]*\) s.*/\1/p')
  printf '%-6s %8s %9s %9.2f %8s %9s %12s %12s\n' "$s" "$pages" "$wall" "$cpu" "$per" "$rss" "$iwall" "${swall:-?}"
  grep '^built' "$slog" | sed -n '2s/^/         serve: /p'
  grep -E '^  [a-z]+ +[0-9.]+ ms' "$log" | tr -s ' ' | sed 's/^/         stage:/' | paste -sd' ' -
done
