#!/usr/bin/env bash
# Key verification over HTTP on loopback: the console's POST /api/v1/keys/verify (real Console.Server,
# SQLite, Production, a fresh data directory, caller authenticated with its own keys:verify key)
# against a bare minimal-API endpoint returning a constant (bench/BareEndpoint), same machine, same run,
# same request bytes. wrk -t2 -c32 -d20s --latency, alternating targets, ROUNDS rounds each (default 2).
#
#   bench/wrk/verify.sh                      # from the repository root
#   ROUNDS=3 DURATION=30s bench/wrk/verify.sh
#   VARIANT_ENV="OTEL_SDK_DISABLED=true" bench/wrk/verify.sh   # a third target: the console with extra environment, same rounds
#   RATE_LIMIT=100000000 REDIS_PORT=6391 VARIANT_ENV="ConnectionStrings__Redis=127.0.0.1:6391" bench/wrk/verify.sh
#                                            # the verified key rate-limited (high enough never to refuse): "console"
#                                            # takes its tokens in process, "variant" in Redis (ADR 0042); the script
#                                            # starts a throwaway redis-server on REDIS_PORT
#   VARIANT_DIR=/path/to/other/Console.Server/bin/Release/net10.0 bench/wrk/verify.sh
#                                            # a third target: another build of the console (say, main before a change)
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
if [[ -n "${RATE_LIMIT:-}" ]]; then
  # The command line issues keys without a limit; a key request sets this column.
  sqlite3 "$WORK/console.db" "UPDATE api_keys SET RateLimitPerMinute = $RATE_LIMIT WHERE Service = 'payments'"
  echo "   the verified key is limited to $RATE_LIMIT/min"
fi
if [[ -n "${REDIS_PORT:-}" ]]; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
  PIDS+=($!)
fi

declare -A PID_OF=()
(cd "$SERVER_DIR" && exec dotnet Console.Server.dll --urls "http://127.0.0.1:$CONSOLE_PORT") >"$WORK/console.log" 2>&1 &
PIDS+=($!); PID_OF[console]=$!
(cd "$BARE_DIR" && exec dotnet BareEndpoint.dll --urls "http://127.0.0.1:$BARE_PORT") >"$WORK/bare.log" 2>&1 &
PIDS+=($!); PID_OF[bare]=$!

CONSOLE_URL=http://127.0.0.1:$CONSOLE_PORT/api/v1/keys/verify
BARE_URL=http://127.0.0.1:$BARE_PORT/
declare -A URLS=([bare]=$BARE_URL [console]=$CONSOLE_URL)
TARGETS=(bare console)
if [[ -n "${VARIANT_ENV:-}" || -n "${VARIANT_DIR:-}" ]]; then
  # Same database, same keys, its own port; only the extra environment or the build differs.
  VARIANT_PORT=$((CONSOLE_PORT + 10))
  # shellcheck disable=SC2086
  (cd "${VARIANT_DIR:-$SERVER_DIR}" && exec env ${VARIANT_ENV:-} dotnet Console.Server.dll --urls "http://127.0.0.1:$VARIANT_PORT") >"$WORK/variant.log" 2>&1 &
  PIDS+=($!); PID_OF[variant]=$!
  URLS[variant]=http://127.0.0.1:$VARIANT_PORT/api/v1/keys/verify
  TARGETS+=(variant)
  echo "   variant = console ${VARIANT_DIR:+built in $VARIANT_DIR }${VARIANT_ENV:+with: $VARIANT_ENV}"
fi
BODY="{\"key\":\"$VERIFY_KEY\",\"requiredScope\":\"events:write\",\"clientIp\":\"10.1.2.3\"}"
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$CONSOLE_PORT/health/live" >/dev/null && curl -fs -X POST "$BARE_URL" >/dev/null \
    && { [[ -z "${URLS[variant]:-}" ]] || curl -fs "http://127.0.0.1:$VARIANT_PORT/health/live" >/dev/null; }; then break; fi
  sleep 0.5
done
verifies() {
  local answer
  answer=$(curl -fsS -X POST "$1" -H "Authorization: Bearer $VERIFIER_KEY" -H 'Content-Type: application/json' -d "$BODY")
  [[ "$answer" == *'"valid":true'* ]] || { echo "The key does not verify at $1: $answer"; cat "$WORK"/*.log; exit 1; }
  echo "$answer"
}
echo "   verify answers: $(verifies "$CONSOLE_URL")"
[[ -z "${URLS[variant]:-}" ]] || verifies "${URLS[variant]}" >/dev/null
[[ "$(curl -fsS -X POST "$BARE_URL" -d "$BODY")" == "ok" ]] || { echo "The bare endpoint does not answer ok"; exit 1; }

# The target process's CPU time so far (user + system), in clock ticks: what a request costs the server, which a busy
# machine disturbs far less than requests per second (the process also does its own background work, the same for all).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# wrk's summary → "requests/s p99-in-ms server-CPU-µs-per-request"; any non-2xx response fails the run.
run_wrk() {
  local name=$1 url=$2 duration=$3 out before after
  before=$(cpu_ticks "${PID_OF[$name]}")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -s "$ROOT/bench/wrk/verify.lua" "$url")
  after=$(cpu_ticks "${PID_OF[$name]}")
  echo "$out" >>"$WORK/wrk-$name.txt"
  if grep -q "Non-2xx" <<<"$out"; then echo "$out"; echo "$name answered non-2xx responses"; exit 1; fi
  awk -v ticks=$((after - before)) -v tick_us="$TICK_US" '
       / requests in / { requests = $1 }
       /Requests\/sec:/ { rps = $2 }
       $1 == "99%" { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
                     p99 = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v }
       END { printf "%s %s %.2f\n", rps, p99, ticks * tick_us / requests }' <<<"$out"
}

echo "== warm-up, 5 s each (not counted)"
for name in "${TARGETS[@]}"; do run_wrk "$name" "${URLS[$name]}" 5s >/dev/null; done

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS rounds, alternating"
printf '%-6s %-8s %12s %10s %14s\n' round target "requests/s" "p99 (ms)" "CPU µs/request"
declare -A RPS_SUM=() P99_SUM=() CPU_SUM=()
for round in $(seq 1 "$ROUNDS"); do
  # Rotate which goes first, so that drift in the machine's load falls on every target.
  n=${#TARGETS[@]}; order=()
  for i in $(seq 0 $((n - 1))); do order+=("${TARGETS[$(((i + round - 1) % n))]}"); done
  for name in "${order[@]}"; do
    read -r rps p99 cpu < <(run_wrk "$name" "${URLS[$name]}" "$DURATION")
    printf '%-6s %-8s %12.0f %10.2f %14.2f\n' "$round" "$name" "$rps" "$p99" "$cpu"
    CPU_SUM[$name]=$(awk -v a="${CPU_SUM[$name]:-0}" -v b="$cpu" 'BEGIN { print a + b }')
    RPS_SUM[$name]=$(awk -v a="${RPS_SUM[$name]:-0}" -v b="$rps" 'BEGIN { print a + b }')
    P99_SUM[$name]=$(awk -v a="${P99_SUM[$name]:-0}" -v b="$p99" 'BEGIN { print a + b }')
  done
done
for name in "${TARGETS[@]}"; do [[ $name == bare ]] || verifies "${URLS[$name]}" >/dev/null; done

for name in "${TARGETS[@]}"; do
  awk -v name="$name" -v r="${RPS_SUM[$name]}" -v p="${P99_SUM[$name]}" -v c="${CPU_SUM[$name]}" -v n="$ROUNDS" \
    'BEGIN { printf "%-6s %-8s %12.0f %10.2f %14.2f\n", "mean", name, r / n, p / n, c / n }'
done
for name in "${TARGETS[@]}"; do
  [[ $name == bare ]] && continue
  awk -v name="$name" -v br="${RPS_SUM[bare]}" -v cr="${RPS_SUM[$name]}" 'BEGIN {
    ratio = cr / br
    printf "ratio %s/bare (requests/s): %.2f — goal >= 0.60: %s\n", name, ratio, (ratio >= 0.60) ? "met" : "not met"
  }'
done
echo "== done $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
