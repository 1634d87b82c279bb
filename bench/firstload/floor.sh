#!/usr/bin/env bash
# The floor under the first-load benchmark's "interactive" on this machine: the empty Blazor WebAssembly template,
# published Release with invariant globalisation, served as static files, loaded cold in the same Chromium.
#   bench/firstload/floor.sh [runs]
set -euo pipefail
runs=${1:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/console-floor.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
dotnet new blazorwasm -o "$work/src" -n Floor >/dev/null
dotnet publish "$work/src" -c Release -o "$work/app" -p:InvariantGlobalization=true -nologo -v q >/dev/null
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/app/wwwroot" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 30); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$here/floor.mjs" --url "http://127.0.0.1:$port" --runs "$runs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
