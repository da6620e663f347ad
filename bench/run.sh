#!/usr/bin/env bash
# Benchmark: builds the release binary once, generates the synthetic project (examples/synth.rs)
# at three sizes and builds each, reporting pages, wall and CPU time, CPU ms per page, peak RSS and
# the time of a one-file incremental rebuild, by `build` and under `serve`. In the same run it
# builds a plain-Markdown site of the same page count with Hugo (Debian's `hugo`, installed if
# missing) and prints commission's figures as ratios of Hugo's, so every comparison is measured on
# one machine at one moment. A report, not a test.
#
#   bench/run.sh [SCALES...]        default: 0.1 0.3 1.0  (1x, 3x, 10x a base of scale 0.1)
#   BENCH_DIR=/tmp/commission-bench  where projects and sites go (never committed)
#   BENCH_PROFILE=1                  also profile the largest build with perf (when installed)
#   BENCH_CARGO_PROFILE=release      the Cargo profile built and measured: `release` (the README's
#                                    build) or `release-lto` (whole-program optimised, Cargo.toml)
#   BENCH_RUNS=3                     full builds of each size, commission's and Hugo's in turn;
#                                    the fastest of each is reported (a shared machine's noise
#                                    only ever adds time)
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=("$@")
[ ${#SCALES[@]} -eq 0 ] && SCALES=(0.1 0.3 1.0)
DIR=${BENCH_DIR:-/tmp/commission-bench}
mkdir -p "$DIR"
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y time >/dev/null; else echo "install GNU time (apt-get install time)"; exit 2; fi
fi
if ! command -v hugo >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y hugo >/dev/null; else echo "install Hugo (apt-get install hugo)"; exit 2; fi
fi
PROFILE=${BENCH_CARGO_PROFILE:-release}
cargo build --profile "$PROFILE" --quiet --bin commission --example synth
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/$PROFILE/commission
SYNTH=$TARGET/$PROFILE/examples/synth

# Seconds of wall clock, CPU seconds and peak RSS (MB) from a GNU time -v log.
wall_of() { awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); t=0; for(i=1;i<=n;i++) t=t*60+a[i]; print t}' "$1"; }
cpu_of() { awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f", u+s}' "$1"; }
rss_of() { awk -F': ' '/Maximum resident/{printf "%.0f", $2/1024}' "$1"; }

# A plain Hugo site of N Markdown pages (a title, three paragraphs and a list each: about the
# text of a commission page without its tables and charts), with the smallest layouts that
# publish every page, a list page per section and the home page.
hugo_site() {
  local dir=$1 n=$2
  rm -rf "$dir"; mkdir -p "$dir/layouts/_default" "$dir/content"
  printf 'baseURL = "https://example.org/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n' >"$dir/config.toml"
  printf '<!doctype html><html lang="en"><head><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>\n' >"$dir/layouts/_default/baseof.html"
  printf '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n' >"$dir/layouts/_default/single.html"
  printf '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n' >"$dir/layouts/_default/list.html"
  awk -v n="$n" -v dir="$dir/content" 'BEGIN {
    for (i = 1; i <= n; i++) {
      sec = sprintf("%s/section-%02d", dir, i % 20);
      if (i <= 20) system("mkdir -p " sec);
      f = sprintf("%s/page-%06d.md", sec, i);
      printf "---\ntitle: \"Page %d\"\n---\n\n", i > f;
      printf "Needs assessment for area %d. Rates of admission per 100,000 population, compared with England, with 95%% confidence intervals and the recent trend.\n\n", i > f;
      printf "The service specification sets out outcomes, social value and the key performance indicators the provider reports each month.\n\n", i > f;
      printf "- Indicator %d: value %d.%d\n- Benchmark: %d.%d\n- Trend: improving\n\n", i, i % 97, i % 10, (i * 7) % 89, i % 9 > f;
      printf "Performance is judged with statistical process control: common cause variation unless a point falls outside the process limits.\n", i > f;
      close(f);
    }
  }'
}

echo "commission built with the $PROFILE profile"
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GB RAM"
printf '%-6s %8s %9s %9s %8s %9s %12s %12s %14s\n' scale pages wall_s cpu_s ms/page rss_MB incr_wall_s serve_incr_s save_to_page_ms
hugo_rows=(); walls=()
for s in "${SCALES[@]}"; do
  proj="$DIR/project-$s"; out="$DIR/site-$s"
  "$SYNTH" --out "$proj" --scale "$s" --seed 42 2>/dev/null
  log="$DIR/time-$s.txt"
  hsrc="$DIR/hugo-$s"; hout="$DIR/hugo-site-$s"; hlog="$DIR/time-hugo-$s.txt"
  # Commission's build and Hugo's in turn, BENCH_RUNS times; the fastest of each is kept. Hugo's
  # site has the page count of commission's, known after its first build.
  best=""; hbest=""
  for run in $(seq 1 "${BENCH_RUNS:-3}"); do
    rm -rf "$out"
    /usr/bin/time -v "$BIN" build "$proj" --output "$out" --verbose 2>"$log.$run"
    [ -z "$best" ] || [ "$(echo "$(wall_of "$log.$run") < $(wall_of "$best")" | bc -l)" = 1 ] && best="$log.$run"
    pages=$(sed -n 's/^built \([0-9]*\) pages.*/\1/p' "$log.$run")
    [ "$run" = 1 ] && hugo_site "$hsrc" "$pages"
    rm -rf "$hout"
    /usr/bin/time -v hugo --quiet --source "$hsrc" --destination "$hout" 2>"$hlog.$run" >/dev/null
    [ -z "$hbest" ] || [ "$(echo "$(wall_of "$hlog.$run") < $(wall_of "$hbest")" | bc -l)" = 1 ] && hbest="$hlog.$run"
  done
  cp "$best" "$log"; cp "$hbest" "$hlog"; rm -f "$log".[0-9]* "$hlog".[0-9]*
  wall=$(wall_of "$log"); cpu=$(cpu_of "$log"); rss=$(rss_of "$log"); walls+=("$wall")
  per=$(echo "scale=3; 1000 * $cpu / $pages" | bc -l)
  # One-file incremental rebuild: change one KPI return, rebuild over the previous site.
  f=$(ls "$proj"/contracts/kpis/*.csv | head -1)
  sed -i '2s/,\([0-9.]*\),\([0-9.]*\),people/,1\1,\2,people/' "$f"
  ilog="$DIR/time-$s-incremental.txt"
  /usr/bin/time -v "$BIN" build "$proj" --output "$out" --verbose 2>"$ilog"
  iwall=$(wall_of "$ilog")
  # The same change under `serve`, which keeps its caches between builds, five times four
  # seconds apart (the search index of each follows it): the time from the file's save to the
  # changed KPI page's new file on disk, their median, and each rebuild's own time as serve
  # reports it (the median's). The clock is bash's own ($EPOCHREALTIME) and the page is polled
  # every 2 ms with builtins only (is it newer than a stamp made before the edit?): reading the
  # clock with `date`, the page with `cksum` and pausing with `sleep`, each a fork, read 30-50 ms
  # more for the same binary on a busy 2-core machine.
  slog="$DIR/serve-$s.txt"; rm -rf "$DIR/serve-site-$s"
  "$BIN" serve "$proj" --port 0 --output "$DIR/serve-site-$s" --verbose >"$slog" 2>&1 &
  spid=$!
  for _ in $(seq 1 600); do grep -q '^serving' "$slog" && break; sleep 0.5; done
  page="$DIR/serve-site-$s/performance/contracts/c-00000/k0/index.html"
  saves=(); edits=()
  stamp="$DIR/serve-stamp-$s"
  exec {pause}<> <(:)   # `read -t` on this waits its timeout out: a sleep without a fork
  for _ in 1 2 3 4 5; do
    sleep 4
    touch "$stamp"
    te=${EPOCHREALTIME/./}
    sed -i '3s/,\([0-9.]*\),\([0-9.]*\),people/,1\1,\2,people/' "$f"
    # The save is done when sed has renamed its new file over the old one: timed from there.
    # (sed's own reading and rewriting of the 1.4 MB file, 10-16 ms here, is the editor's.)
    t0=${EPOCHREALTIME/./}
    edits+=($(( (10#$t0 - 10#$te) / 1000 )))
    for _ in $(seq 1 30000); do [[ "$page" -nt "$stamp" ]] && break; read -rt 0.002 -u "$pause" || :; done
    t1=${EPOCHREALTIME/./}
    saves+=($(( (10#$t1 - 10#$t0) / 1000 )))
  done
  exec {pause}<&-
  for _ in $(seq 1 600); do [ "$(grep -c '^built' "$slog")" -ge 6 ] && break; sleep 0.5; done
  sleep 3
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
  save_ms=$(printf '%s\n' "${saves[@]}" | sort -n | sed -n 3p)
  swall=$(grep '^built' "$slog" | tail -n +2 | sed 's/.* in \([0-9.]*\) s.*/\1/' | sort -n | sed -n 3p)
  printf '%-6s %8s %9s %9.2f %8s %9s %12s %12s %14s\n' "$s" "$pages" "$wall" "$cpu" "$per" "$rss" "$iwall" "${swall:-?}" "$save_ms"
  echo "         serve: save to page ${saves[*]} ms (the edits took ${edits[*]} ms); $(grep '^built' "$slog" | sed -n '2p')"
  stages() { sed -E 's/^ +([a-z]+) +([0-9.]+) ms +peak ([0-9]+ MB)/\1 \2 ms (\3)/' | paste -sd',' - | sed 's/,/, /g'; }
  echo "         build stages: $(grep -E '^  [a-z]+ +[0-9.]+ ms' "$log" | stages)"
  echo "         last serve rebuild stages: $(awk '/^serving/{f=1; next} f && /^  [a-z]+ +[0-9.]+ ms/' "$slog" | tail -7 | stages)"
  # Hugo's fastest build of a plain site of the same page count, in turn with commission's.
  hpages=$(find "$hout" -name index.html | wc -l)
  hwall=$(wall_of "$hlog"); hcpu=$(cpu_of "$hlog"); hrss=$(rss_of "$hlog")
  hper=$(echo "scale=3; 1000 * $hcpu / $hpages" | bc -l)
  hugo_rows+=("$(printf '%-6s %8s %9s %9s %8s %9s %11.2fx %9.2fx %9.2fx' "$s" "$hpages" "$hwall" "$hcpu" "$hper" "$hrss" \
    "$(echo "$wall / $hwall" | bc -l)" "$(echo "$per / $hper" | bc -l)" "$(echo "$rss / $hrss" | bc -l)")")
done
echo
echo "Hugo $(hugo version | awk '{print $2}') on plain Markdown sites of the same page counts, same run; ratios are commission / Hugo:"
printf '%-6s %8s %9s %9s %8s %9s %12s %10s %10s\n' scale pages wall_s cpu_s ms/page rss_MB wall_ratio cpu/page rss_ratio
printf '%s\n' "${hugo_rows[@]}"
if [ -n "${BENCH_PROFILE:-}" ] && command -v perf >/dev/null; then
  # Where the CPU of the largest build goes: perf's sampled call graph, by function, inclusive
  # of what it calls (commission's own functions, then the libraries'), and the top self times.
  s=${SCALES[-1]}; rm -rf "$DIR/site-$s"
  perf record --call-graph dwarf,16384 -F 199 -o "$DIR/perf-$s.data" \
    "$BIN" build "$DIR/project-$s" --output "$DIR/site-$s" >/dev/null 2>&1
  echo
  echo "profile of the scale-$s build (percent of all samples, children included):"
  # (`head` closes the pipe early: under pipefail that is not a failure of the benchmark.)
  { perf report -i "$DIR/perf-$s.data" --children --sort symbol 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | grep -E 'commission::|tera::|plotters::' | head -30 \
    | awk '{printf "  %7s  %s\n", $1, $4}'; } || true
  echo "top self times:"
  { perf report -i "$DIR/perf-$s.data" --no-children --sort symbol 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | head -15 | awk '{printf "  %7s  %s %s\n", $1, $2, $3}'; } || true
fi
if [ ${#SCALES[@]} -ge 2 ]; then
  echo
  echo "scaling: ${SCALES[-1]} / ${SCALES[0]} of the data took $(echo "scale=2; ${walls[-1]} / ${walls[0]}" | bc -l)x the wall time (target: <= $(echo "scale=1; 1.1 * ${SCALES[-1]} / ${SCALES[0]}" | bc -l)x)"
fi
