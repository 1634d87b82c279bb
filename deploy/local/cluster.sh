#!/usr/bin/env bash
# The compose topology (deploy/compose.yaml) without containers, from Debian's packages: a throwaway PostgreSQL
# (/usr/lib/postgresql/*/bin), redis-server, 2-3 console nodes of this build and nginx with deploy/nginx/console.conf
# (only its upstreams' `server` lines and `listen` port replaced), all on free unprivileged loopback ports.
#
#   deploy/local/cluster.sh [start] [--nodes N] [--dll PATH] [--dir DIR] [--port PORT]
#   deploy/local/cluster.sh stop [--dir DIR]
#   deploy/local/cluster.sh restart --node N [--dir DIR]
#
# `start` stays in the foreground, prints the URL and stops everything it started on Ctrl-C, SIGTERM or `stop`.
# `restart --node N` asks it to restart node N as a rolling restart does: SIGTERM (the node drains: not ready, hub
# connections closed, batches in flight answered), wait for it to exit, start it again on the same port, and wait until
# it is ready; it prints `RESTARTED N` and exits 0 then, or says what went wrong and exits 1.
# Once ready it prints `CLUSTER_READY <url>` and writes DIR/console.env: the console settings of the nodes (to run
# `dotnet Console.Server.dll admin ...` against the same database) and CLUSTER_URL, CLUSTER_NODE_1, ... .
# Needs: dotnet, postgresql, redis-server, nginx, curl, python3. As root, PostgreSQL runs as the user postgres.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command="start"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    command="$1"
    shift
fi
nodes=2
node=""
dll=""
dir="${TMPDIR:-/tmp}/console-cluster"
lb_port=""
while [ $# -gt 0 ]; do
    case "$1" in
        --nodes) nodes="$2"; shift 2 ;;
        --node) node="$2"; shift 2 ;;
        --dll) dll="$2"; shift 2 ;;
        --dir) dir="$2"; shift 2 ;;
        --port) lb_port="$2"; shift 2 ;;
        *) echo "Unknown argument '$1'. Usage: cluster.sh [start|stop|restart] [--nodes N] [--node N] [--dll PATH] [--dir DIR] [--port PORT]" >&2; exit 64 ;;
    esac
done

say() { echo "cluster: $*" >&2; }

stop_cluster() {
    # The foreground `start` owns everything; asking it to stop lets its trap stop each part in order.
    if [ -f "$dir/cluster.pid" ]; then
        local pid
        pid="$(cat "$dir/cluster.pid")"
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            for _ in $(seq 1 120); do
                kill -0 "$pid" 2>/dev/null || return 0
                sleep 0.5
            done
            say "cluster.sh $pid did not stop in 60 s; killing what it started"
        fi
    fi
    kill_recorded KILL
}

# Each started process is one line of DIR/pids: "name pid".
kill_recorded() {
    local signal="$1"
    [ -f "$dir/pids" ] || return 0
    while read -r name pid; do
        kill "-$signal" "$pid" 2>/dev/null && say "sent SIG$signal to $name ($pid)" || true
    done < <(tac "$dir/pids")
}

# The running `start` does the restart (it owns the nodes and watches them): asked through a file in DIR, answered
# through another.
restart_node_request() {
    case "$node" in [1-9]) ;; *) echo "restart needs --node N (1 to 5)." >&2; exit 64 ;; esac
    if ! { [ -f "$dir/cluster.pid" ] && kill -0 "$(cat "$dir/cluster.pid")" 2>/dev/null; }; then
        echo "No cluster runs from $dir." >&2
        exit 1
    fi
    rm -f "$dir/restart.$node.result"
    echo "$node" > "$dir/restart.request.tmp"
    mv "$dir/restart.request.tmp" "$dir/restart.$node.request"
    # A node's start takes minutes on a loaded two-core machine: up to 15 for the drain, the start and readiness.
    for _ in $(seq 1 1800); do
        if [ -f "$dir/restart.$node.result" ]; then
            local result
            result="$(cat "$dir/restart.$node.result")"
            rm -f "$dir/restart.$node.result"
            echo "$result"
            [ "$result" = "RESTARTED $node" ] && return 0
            return 1
        fi
        kill -0 "$(cat "$dir/cluster.pid" 2>/dev/null || echo 0)" 2>/dev/null || { echo "The cluster stopped before node $node was restarted." >&2; return 1; }
        sleep 0.5
    done
    echo "node $node was not restarted within 15 minutes" >&2
    return 1
}

if [ "$command" = "stop" ]; then
    stop_cluster
    exit 0
fi
if [ "$command" = "restart" ]; then
    restart_node_request
    exit $?
fi
if [ "$command" != "start" ]; then
    echo "Unknown command '$command': start, stop or restart." >&2
    exit 64
fi
case "$nodes" in 1|2|3|4|5) ;; *) echo "--nodes must be 1 to 5." >&2; exit 64 ;; esac

need() { command -v "$1" >/dev/null || { echo "$1 not found: $2" >&2; exit 69; }; }
need dotnet "install the .NET SDK (global.json)"
need redis-server "apt-get install redis-server"
need nginx "apt-get install nginx"
need curl "apt-get install curl"
need python3 "apt-get install python3"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || { echo "PostgreSQL not found under /usr/lib/postgresql: apt-get install postgresql" >&2; exit 69; }

if [ -z "$dll" ]; then
    dll="$(ls -t "$repo"/Console.Server/bin/{Release,Debug}/net10.0/Console.Server.dll 2>/dev/null | head -n 1 || true)"
    if [ -z "$dll" ]; then
        say "no build found: publishing Console.Server (Release) into $dir/app"
        dotnet publish "$repo/Console.Server" -c Release -o "$dir/app" >&2
        dll="$dir/app/Console.Server.dll"
    fi
fi
[ -f "$dll" ] || { echo "No console at $dll" >&2; exit 66; }
dll="$(cd "$(dirname "$dll")" && pwd)/$(basename "$dll")"

if [ -f "$dir/cluster.pid" ] && kill -0 "$(cat "$dir/cluster.pid")" 2>/dev/null; then
    echo "A cluster already runs from $dir (cluster.sh stop --dir $dir)." >&2
    exit 1
fi
rm -rf "$dir/pg" "$dir/nginx" "$dir/pids"
mkdir -p "$dir"
rm -f "$dir"/restart.*
echo $$ > "$dir/cluster.pid"
: > "$dir/pids"

cleanup() {
    trap - INT TERM EXIT
    say "stopping"
    # Nodes first (SIGTERM: they turn not-ready, answer what is in flight and stop), then nginx, Redis, PostgreSQL.
    kill_recorded TERM
    for _ in $(seq 1 60); do
        local alive=0
        while read -r _ pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$dir/pids"
        [ "$alive" -eq 0 ] && break
        sleep 0.5
    done
    kill_recorded KILL >/dev/null 2>&1
    rm -rf "$dir/pg" "$dir/pids" "$dir/cluster.pid"
    say "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

record() { echo "$1 $2" >> "$dir/pids"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {
    local what="$1" seconds="$2"
    shift 2
    for _ in $(seq 1 $((seconds * 2))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "$what did not come up within $seconds s" >&2
    return 1
}

# ---- PostgreSQL ----------------------------------------------------------------------------------------------
pg_port="$(free_port)"
mkdir -p "$dir/pg"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$dir/pg"
    as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi
"${as_pg[@]}" "$pg_bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/postgres-init.log" 2>&1
"${as_pg[@]}" "$pg_bin/postgres" -D "$dir/pg/data" -p "$pg_port" -h 127.0.0.1 -k "$dir/pg" >"$dir/postgres.log" 2>&1 &
record postgres $!
wait_for "PostgreSQL" 60 "$pg_bin/pg_isready" -h 127.0.0.1 -p "$pg_port"
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE console" >/dev/null

# ---- Redis ---------------------------------------------------------------------------------------------------
redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$dir/redis.log" 2>&1 &
record redis $!
wait_for "Redis" 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$redis_port"

# ---- the console's settings: as compose.yaml sets them -------------------------------------------------------
lb_port="${lb_port:-$(free_port)}"
url="http://127.0.0.1:$lb_port"
console_env=(
    "Database__Provider=Postgres"
    "ConnectionStrings__Console=Host=127.0.0.1;Port=$pg_port;Database=console;Username=postgres"
    "ConnectionStrings__Redis=127.0.0.1:$redis_port"
    "Proxies__KnownProxies__0=127.0.0.1"
    "Console__PublicUrl=$url"
)
# Quoted for `set -a; . console.env` (the connection string has semicolons).
: > "$dir/console.env"
for setting in "${console_env[@]}"; do
    echo "${setting%%=*}='${setting#*=}'" >> "$dir/console.env"
done

# Migrations once, before any node starts (as the compose `migrate` service and the Helm hook).
(cd "$(dirname "$dll")" && env "${console_env[@]}" ASPNETCORE_ENVIRONMENT=Production dotnet "$dll" migrate) >"$dir/migrate.log" 2>&1 \
    || { cat "$dir/migrate.log" >&2; exit 1; }

# ---- nodes ---------------------------------------------------------------------------------------------------
node_ports=()
# Node $1 on port $2; its log grows across restarts.
start_node() {
    (cd "$(dirname "$dll")" && exec env "${console_env[@]}" ASPNETCORE_ENVIRONMENT=Production \
        ASPNETCORE_URLS="http://127.0.0.1:$2" OTEL_SERVICE_NAME="console-node$1" \
        dotnet "$dll") >>"$dir/node$1.log" 2>&1 &
    record "node$1" $!
}
for i in $(seq 1 "$nodes"); do
    port="$(free_port)"
    node_ports+=("$port")
    : > "$dir/node$i.log"
    start_node "$i" "$port"
    echo "CLUSTER_NODE_$i='http://127.0.0.1:$port'" >> "$dir/console.env"
done
for i in $(seq 1 "$nodes"); do
    wait_for "node$i (see $dir/node$i.log)" 600 curl -fsS "http://127.0.0.1:${node_ports[$((i - 1))]}/health/ready"
done

# ---- nginx: deploy/nginx/console.conf with these nodes and this port -----------------------------------------
mkdir -p "$dir/nginx/tmp"
chmod 777 "$dir/nginx/tmp"   # nginx's workers run as nobody when started as root
servers=""
for port in "${node_ports[@]}"; do
    servers+="    server 127.0.0.1:$port max_fails=3 fail_timeout=10s;\n"
done
awk -v servers="$servers" -v listen="    listen 127.0.0.1:$lb_port;" '
    /^[[:space:]]*server node[0-9]+:8080/ { if (!in_servers) { printf "%s", servers; in_servers = 1 } next }
    { in_servers = 0 }
    /^[[:space:]]*listen 8080;/ { print listen; next }
    { print }
' "$repo/deploy/nginx/console.conf" > "$dir/nginx/console.conf"
cat > "$dir/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log $dir/nginx/access.log;
    client_body_temp_path $dir/nginx/tmp/body;
    proxy_temp_path $dir/nginx/tmp/proxy;
    fastcgi_temp_path $dir/nginx/tmp/fastcgi;
    uwsgi_temp_path $dir/nginx/tmp/uwsgi;
    scgi_temp_path $dir/nginx/tmp/scgi;
    include $dir/nginx/console.conf;
}
NGINX
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log" >"$dir/nginx/stdout.log" 2>&1 &
record nginx $!
wait_for "nginx (see $dir/nginx/error.log)" 30 curl -fsS "$url/health/live"
echo "CLUSTER_URL='$url'" >> "$dir/console.env"

echo "Security Console cluster: $url ($nodes nodes behind nginx; logs and settings in $dir)"
echo "First admin: (cd $(dirname "$dll") && set -a && . $dir/console.env && dotnet Console.Server.dll admin setup-link)"
echo "Stop: Ctrl-C, or $0 stop --dir $dir"
echo "CLUSTER_READY $url"

# A rolling restart's step for node $1: SIGTERM, wait for the exit (60 s, then SIGKILL), start on the same port, wait
# until ready. Prints what happened; the last line is the answer to `restart`.
restart_node() {
    local i="$1" pid port
    if [ "$i" -lt 1 ] || [ "$i" -gt "$nodes" ]; then
        echo "no node $i: the cluster has $nodes"
        return 1
    fi
    pid="$(awk -v n="node$i" '$1 == n { p = $2 } END { print p }' "$dir/pids")"
    port="${node_ports[$((i - 1))]}"
    say "restarting node$i ($pid): SIGTERM"
    echo "--- $(date -u +%FT%TZ) cluster.sh: SIGTERM (rolling restart)" >> "$dir/node$i.log"
    kill -TERM "$pid" 2>/dev/null || true
    local stopped=0
    for _ in $(seq 1 120); do
        if ! kill -0 "$pid" 2>/dev/null; then stopped=1; break; fi
        sleep 0.5
    done
    if [ "$stopped" -eq 0 ]; then
        say "node$i ($pid) did not stop within 60 s of SIGTERM; SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    # Its line in DIR/pids goes; start_node records the new process.
    awk -v n="node$i" '$1 != n' "$dir/pids" > "$dir/pids.tmp" && mv "$dir/pids.tmp" "$dir/pids"
    echo "--- $(date -u +%FT%TZ) cluster.sh: starting again" >> "$dir/node$i.log"
    start_node "$i" "$port"
    if ! wait_for "node$i after its restart (see $dir/node$i.log)" 600 curl -fsS "http://127.0.0.1:$port/health/ready"; then
        echo "node $i did not become ready after its restart (see $dir/node$i.log)"
        return 1
    fi
    say "node$i ready again"
    echo "RESTARTED $i"
}

# Stay until stopped, or until a part dies (then stop the rest and say which); restart a node when asked.
while true; do
    for request in "$dir"/restart.*.request; do
        [ -e "$request" ] || continue
        i="$(cat "$request")"
        rm -f "$request"
        # In this shell, not a subshell: the new node is this script's child, like the others.
        if restart_node "$i" > "$dir/restart.$i.out"; then :; fi
        tail -n 1 "$dir/restart.$i.out" > "$dir/restart.$i.result.tmp"
        rm -f "$dir/restart.$i.out"
        mv "$dir/restart.$i.result.tmp" "$dir/restart.$i.result"
    done
    while read -r name pid; do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "$name ($pid) exited; stopping the cluster"
            exit 1
        fi
    done < "$dir/pids"
    sleep 1 &
    wait $! || true
done
