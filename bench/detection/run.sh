#!/usr/bin/env bash
# Detection benchmarks of issue 5, each against a real Console.Server process (Release, Production settings) on a throwaway
# PostgreSQL 15 (durable defaults, fsync on) started by the benchmark; results in bench/RESULTS.md ("Detection (issue 5)").
#
#   bench/detection/run.sh ingest       [--seconds 20] [--rounds 3] [--senders 8] [--batch 500]
#       events/s through POST /api/v1/events against raw binary COPY of the same rows (and the console's writer in-process),
#       same run, alternating order; goal: console >= 0.5 × raw COPY
#   bench/detection/run.sh latency      [--seconds 60] [--batch 10] [--every-ms 10] [--trip-ms 200]
#       2xx of an event that trips a rule → alertChanged at a signed-in analyst's hub connection, under 1,000 events/s;
#       goal: p99 < 100 ms
#   bench/detection/run.sh hub-memory   [--clients 1000] [--seconds 30] [--analysts 5] [--alerts-per-second 5]
#       the console's peak resident memory (VmHWM) with 1,000 analyst hub connections receiving alerts, against the same
#       process before any client connected; goal: < 600 MB
#   bench/detection/run.sh all          the three, one after the other
#
# Set CONSOLE_BENCH_PG to a PostgreSQL server connection string to use that server instead of a throwaway one.
set -euo pipefail

cd "$(dirname "$0")/../.."
mode=${1:?"usage: bench/detection/run.sh ingest|latency|hub-memory|all [options]"}
shift

# 1,000 WebSocket clients plus the console's own sockets, in this shell's children.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (Release): Console.Server and bench/Console.Benchmarks"
dotnet build -c Release -nologo -v q bench/Console.Benchmarks/Console.Benchmarks.csproj
BENCH=bench/Console.Benchmarks/bin/Release/net10.0/Console.Benchmarks.dll

run() { dotnet "$BENCH" "detect-$1" "${@:2}"; }
case "$mode" in
  ingest | latency | hub-memory) run "$mode" "$@" ;;
  all) run ingest && run latency && run hub-memory ;;
  *) echo "unknown mode $mode: ingest, latency, hub-memory or all"; exit 64 ;;
esac
