#!/usr/bin/env bash
# One key limited to RATE/min, verified as fast as THREADS clients can through nginx in front of NODES console nodes
# (deploy/local/cluster.sh: PostgreSQL, Redis, nginx), for MINUTES minutes. Prints the calls accepted in each minute,
# summed over the nodes. Goal (issue 15): after the first minute (which also spends the bucket's burst of RATE), at most
# RATE a minute plus one refill interval's worth, whatever the number of nodes.
#
#   bench/cluster/ratelimit.sh                          # NODES=3 RATE=100 MINUTES=3 THREADS=6
#   NODES=3 RATE=100 MINUTES=2 bench/cluster/ratelimit.sh
#   DLL=/path/to/Console.Server.dll bench/cluster/ratelimit.sh   # another build (default: the newest under Console.Server/bin)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
NODES=${NODES:-3}
RATE=${RATE:-100}
MINUTES=${MINUTES:-3}
THREADS=${THREADS:-6}
DIR=$(mktemp -d /tmp/ratelimit-bench.XXXXXX)
chmod 755 "$DIR" # PostgreSQL runs as postgres under root and must reach its data folder inside
CLUSTER_PID=""
cleanup() {
  if [[ -n "$CLUSTER_PID" ]]; then
    deploy/local/cluster.sh stop --dir "$DIR/cluster" >/dev/null 2>&1 || true
    wait "$CLUSTER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
DLL=${DLL:-$(ls -t "$ROOT"/Console.Server/bin/{Release,Debug}/net10.0/Console.Server.dll 2>/dev/null | head -n 1)}
deploy/local/cluster.sh start --nodes "$NODES" --dll "$DLL" --dir "$DIR/cluster" >"$DIR/cluster.log" 2>&1 &
CLUSTER_PID=$!
for _ in $(seq 1 600); do
  grep -q CLUSTER_READY "$DIR/cluster.log" && break
  kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$DIR/cluster.log"; exit 1; }
  sleep 1
done
grep -q CLUSTER_READY "$DIR/cluster.log" || { echo "The cluster did not start"; tail -50 "$DIR/cluster.log"; exit 1; }
set -a; . "$DIR/cluster/console.env"; set +a
DLL_DIR=$(dirname "$DLL")
console() { (cd "$DLL_DIR" && ASPNETCORE_ENVIRONMENT=Production dotnet Console.Server.dll "$@"); }
key_of() { grep -E '^sc_[a-z]+_[A-Za-z0-9]{49}$' | tail -1; }
printf 'correct horse battery staple\n' | console admin create-user --email bench@example.test --role Developer --password-stdin >"$DIR/admin.log" 2>&1
CALLER=$(console admin create-token --email bench@example.test --scopes keys:verify --name verifier 2>>"$DIR/admin.log" | key_of)
LIMITED=$(console admin create-token --email bench@example.test --scopes events:write --name limited --service limited 2>>"$DIR/admin.log" | key_of)
[[ -n "$CALLER" && -n "$LIMITED" ]] || { cat "$DIR/admin.log"; exit 1; }
# The command line issues keys without a limit; the limit is a column of the key (what a key request sets).
PGCONN=$(tr ';' '\n' <<<"$ConnectionStrings__Console" | awk -F= '
  tolower($1)=="host"{h=$2} tolower($1)=="port"{p=$2} tolower($1)=="database"{d=$2} tolower($1)=="username"{u=$2}
  END{printf "host=%s port=%s dbname=%s user=%s", h, p, d, u}')
psql "$PGCONN" -qc "UPDATE api_keys SET \"RateLimitPerMinute\" = $RATE WHERE \"Service\" = 'limited'"
echo "== $NODES nodes behind nginx at $CLUSTER_URL; one key at $RATE/min; $THREADS clients for $MINUTES min"

python3 - "$CLUSTER_URL" "$CALLER" "$LIMITED" "$MINUTES" "$THREADS" "$RATE" <<'PY'
import http.client, json, sys, threading, time, urllib.parse
url, caller, limited, minutes, threads, rate = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
u = urllib.parse.urlparse(url)
body = json.dumps({"key": limited, "requiredScope": "events:write"})
headers = {"Authorization": f"Bearer {caller}", "Content-Type": "application/json"}
start = time.monotonic(); end = start + 60 * minutes
accepted = [0] * minutes; refused = [0] * minutes; other = [0]
lock = threading.Lock()
def run():
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    while True:
        now = time.monotonic()
        if now >= end: return
        try:
            conn.request("POST", "/api/v1/keys/verify", body, headers)
            r = conn.getresponse(); text = r.read()
        except Exception:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30); other[0] += 1; continue
        minute = min(int((now - start) // 60), minutes - 1)
        with lock:
            if r.status == 200 and b'"valid":true' in text: accepted[minute] += 1
            elif r.status == 200 and b'rate_limited' in text: refused[minute] += 1
            else: other[0] += 1
ts = [threading.Thread(target=run) for _ in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
print(f"{'minute':>6} {'accepted':>9} {'refused':>9}")
for i in range(minutes): print(f"{i + 1:>6} {accepted[i]:>9} {refused[i]:>9}")
print(f"other answers (errors, non-200): {other[0]}")
steady = accepted[1:]
if steady:
    worst = max(steady)
    print(f"after the first minute: at most {worst} accepted a minute (goal: <= {rate} + one refill interval's worth)")
PY
echo "== done $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
