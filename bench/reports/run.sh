#!/usr/bin/env bash
# Report benchmarks of issue 13; results in bench/RESULTS.md ("Reports (issue 13)"). Builds the Release console and the
# benchmark project first, so it works from a clean checkout.
#
#   bench/reports/run.sh e2e   [--rows 2500] [--repeat 3] [--cached 5] [--runs 10] [--verify-rate 200] [--idle-seconds 20]
#       a real Console.Server process (Release, Production settings) on a throwaway PostgreSQL (CONSOLE_BENCH_PG names a
#       server to use instead), Chromium at /usr/bin/chromium:
#       (a) the security summary of 2,500 alerts (about 50 A4 pages with charts) as a PDF, warm browser and console
#           (--warm-ups 5 prints first, not counted, shown in the table): data to PDF ≤ 3 s
#       (b) the same request again, from the artifact cache, with the download over HTTP: ≤ 50 ms
#       (c) key verify p99 (open loop, 200/s) while 10 uncached PDF runs execute: ≤ 2 × idle
#   bench/reports/run.sh csv-e2e          the audit extract of a 1,000,000-entry trail as CSV through a real console's API
#       (PostgreSQL, Release) and its download: ≥ 100,000 rows/s, the console's resident-set growth ≤ 150 MB
#   bench/reports/run.sh csv   [rows]     CSV writer alone, in process, 1,000,000 generated rows: rows/s and growth
#   bench/reports/run.sh cache [kb]       artifact cache lookups in process (the cache's share of (b))
#   bench/reports/run.sh all              the three, one after the other
#
# Each prints its result with the date, the core count and the load average; e2e ends with one table.
set -euo pipefail

cd "$(dirname "$0")/../.."
mode=${1:?"usage: bench/reports/run.sh e2e|csv-e2e|csv|cache|all [options]"}
shift

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (Release): Console.Server and bench/Console.Benchmarks"
dotnet build -c Release -nologo -v q bench/Console.Benchmarks/Console.Benchmarks.csproj
BENCH=bench/Console.Benchmarks/bin/Release/net10.0/Console.Benchmarks.dll

run() {
  echo "== reports $* — start: $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet "$BENCH" reports "$@"
  echo "== reports $1 — end: $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
case "$mode" in
  e2e | csv-e2e | csv | cache) run "$mode" "$@" ;;
  all) run csv 1000000 && run cache 1024 && run csv-e2e && run e2e ;;
  *) echo "unknown mode $mode: e2e, csv-e2e, csv, cache or all"; exit 64 ;;
esac
