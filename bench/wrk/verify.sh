#!/usr/bin/env bash
# Key verification over HTTP on loopback: the console's POST /api/v1/keys/verify (real Console.Server,
# SQLite, Production, a fresh data directory, caller authenticated with its own keys:verify key)
# against a bare minimal-API endpoint returning a constant (bench/BareEndpoint), same machine, same run,
# same request bytes. wrk -t2 -c32 -d20s --latency, alternating targets, ROUNDS rounds each (default 2).
#
#   bench/wrk/verify.sh                      # from the repository root
#   ROUNDS=3 DURATION=30s bench/wrk/verify.sh
#
# Prints requests/s and p99 latency per run, the means, and the ratio console/bare (goal: at least 0.60).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
CONSOLE_PORT=${CONSOLE_PORT:-5181}
BARE_PORT=${BARE_PORT:-5182}
WORK=$(mktemp -d /tmp/verify-bench.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (Release)"
dotnet build -c Release -nologo -v q Console.Server/Console.Server.csproj
dotnet build -c Release -nologo -v q bench/BareEndpoint/BareEndpoint.csproj
SERVER_DIR=$ROOT/Console.Server/bin/Release/net10.0
BARE_DIR=$ROOT/bench/BareEndpoint/bin/Release/net10.0

# Both run from their output folder, so that each reads its own appsettings.json (log levels) as when deployed.
export ASPNETCORE_ENVIRONMENT=Production
export ConnectionStrings__Console="Data Source=$WORK/console.db"
console() { (cd "$SERVER_DIR" && dotnet Console.Server.dll "$@"); }
key_of() { grep -E '^sc_[a-z]+_[A-Za-z0-9]{49}$' | tail -1; }

echo "== fresh console in $WORK: a user, the caller's keys:verify key, and the key to verify"
printf 'correct horse battery staple\n' | console admin create-user --email bench@example.test --role Developer --password-stdin >"$WORK/admin.log" 2>&1
VERIFIER_KEY=$(console admin create-token --email bench@example.test --scopes keys:verify --name verifier 2>>"$WORK/admin.log" | key_of)
VERIFY_KEY=$(console admin create-token --email bench@example.test --scopes events:write --name payments --service payments 2>>"$WORK/admin.log" | key_of)
if [[ -z "$VERIFIER_KEY" || -z "$VERIFY_KEY" ]]; then
  echo "Could not create the keys:"; cat "$WORK/admin.log"; exit 1
fi
export VERIFIER_KEY VERIFY_KEY

(cd "$SERVER_DIR" && exec dotnet Console.Server.dll --urls "http://127.0.0.1:$CONSOLE_PORT") >"$WORK/console.log" 2>&1 &
PIDS+=($!)
(cd "$BARE_DIR" && exec dotnet BareEndpoint.dll --urls "http://127.0.0.1:$BARE_PORT") >"$WORK/bare.log" 2>&1 &
PIDS+=($!)

CONSOLE_URL=http://127.0.0.1:$CONSOLE_PORT/api/v1/keys/verify
BARE_URL=http://127.0.0.1:$BARE_PORT/
BODY="{\"key\":\"$VERIFY_KEY\",\"requiredScope\":\"events:write\",\"clientIp\":\"10.1.2.3\"}"
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$CONSOLE_PORT/health/live" >/dev/null && curl -fs -X POST "$BARE_URL" >/dev/null; then break; fi
  sleep 0.5
done
ANSWER=$(curl -fsS -X POST "$CONSOLE_URL" -H "Authorization: Bearer $VERIFIER_KEY" -H 'Content-Type: application/json' -d "$BODY")
echo "   verify answers: $ANSWER"
[[ "$ANSWER" == *'"valid":true'* ]] || { echo "The key does not verify"; cat "$WORK/console.log"; exit 1; }
[[ "$(curl -fsS -X POST "$BARE_URL" -d "$BODY")" == "ok" ]] || { echo "The bare endpoint does not answer ok"; exit 1; }

# wrk's summary → "requests/s p99-in-ms"; any non-2xx response fails the run.
run_wrk() {
  local name=$1 url=$2 duration=$3 out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -s "$ROOT/bench/wrk/verify.lua" "$url")
  echo "$out" >>"$WORK/wrk-$name.txt"
  if grep -q "Non-2xx" <<<"$out"; then echo "$out"; echo "$name answered non-2xx responses"; exit 1; fi
  awk '/Requests\/sec:/ { rps = $2 }
       $1 == "99%" { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
                     p99 = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v }
       END { printf "%s %s\n", rps, p99 }' <<<"$out"
}

echo "== warm-up, 5 s each (not counted)"
run_wrk bare "$BARE_URL" 5s >/dev/null
run_wrk console "$CONSOLE_URL" 5s >/dev/null

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS rounds, alternating"
printf '%-6s %-8s %12s %10s\n' round target "requests/s" "p99 (ms)"
declare -A RPS_SUM=() P99_SUM=()
for round in $(seq 1 "$ROUNDS"); do
  # Alternate which goes first, so that drift in the machine's load falls on both.
  if (( round % 2 == 1 )); then order=(bare console); else order=(console bare); fi
  for name in "${order[@]}"; do
    url=$BARE_URL; [[ $name == console ]] && url=$CONSOLE_URL
    read -r rps p99 < <(run_wrk "$name" "$url" "$DURATION")
    printf '%-6s %-8s %12.0f %10.2f\n' "$round" "$name" "$rps" "$p99"
    RPS_SUM[$name]=$(awk -v a="${RPS_SUM[$name]:-0}" -v b="$rps" 'BEGIN { print a + b }')
    P99_SUM[$name]=$(awk -v a="${P99_SUM[$name]:-0}" -v b="$p99" 'BEGIN { print a + b }')
  done
done
ANSWER=$(curl -fsS -X POST "$CONSOLE_URL" -H "Authorization: Bearer $VERIFIER_KEY" -H 'Content-Type: application/json' -d "$BODY")
[[ "$ANSWER" == *'"valid":true'* ]] || { echo "The key stopped verifying: $ANSWER"; exit 1; }

awk -v br="${RPS_SUM[bare]}" -v cr="${RPS_SUM[console]}" -v bp="${P99_SUM[bare]}" -v cp="${P99_SUM[console]}" -v n="$ROUNDS" 'BEGIN {
  printf "%-6s %-8s %12.0f %10.2f\n", "mean", "bare", br / n, bp / n
  printf "%-6s %-8s %12.0f %10.2f\n", "mean", "console", cr / n, cp / n
  ratio = cr / br
  printf "ratio console/bare (requests/s): %.2f — goal >= 0.60: %s\n", ratio, (ratio >= 0.60) ? "met" : "not met"
}'
echo "== done $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
