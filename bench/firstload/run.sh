#!/usr/bin/env bash
# First load of the console, cold cache, in Debian's Chromium (bench/RESULTS.md, "First load").
#   bench/firstload/run.sh published [runs]   dotnet publish -c Release, then the published Console.Server.dll (Production)
#   bench/firstload/run.sh readme [runs]      the README's run command, as a newcomer types it
# Each mode uses a throwaway SQLite database and a free port, creates one admin with the CLI, signs in, then loads the
# dashboard [runs] times (default 5), each time in a new browser context (empty cache).
set -euo pipefail
mode=${1:?published or readme}
runs=${2:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/bench/firstload"
work=$(mktemp -d /tmp/console-firstload.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
password='Quiet-Meadow-Lantern-47'
db=(--Database:Provider=Sqlite "--ConnectionStrings:Console=Data Source=$work/console.db")

[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)

case "$mode" in
  published)
    # What docs/operations.md tells an operator to run; CONSOLE_PUBLISHED=<folder> measures an earlier publish instead
    # (to compare two builds side by side, minutes apart, on a machine whose load changes).
    if [ -n "${CONSOLE_PUBLISHED:-}" ]; then
      cp -r "$CONSOLE_PUBLISHED" "$work/app"
    else
      dotnet publish "$repo/Console.Server/Console.Server.csproj" -c Release -o "$work/app" -nologo -v q >/dev/null
    fi
    echo "published output: $(du -sh "$work/app" | cut -f1), _framework: $(find "$work/app/wwwroot/_framework" -type f | wc -l) files"
    run=(env ASPNETCORE_ENVIRONMENT=Production dotnet "$work/app/Console.Server.dll")
    cd "$work/app"
    ;;
  readme)
    # The README's command, word for word, plus a throwaway database and a free port.
    command=$(grep -m1 -oE '^dotnet run --project Console.Server[^#]*' "$repo/README.md" | sed 's/ *$//')
    echo "README's run command: $command"
    cd "$repo"
    # Built beforehand, as the command builds it, so that the timing is the server's and the browser's.
    dotnet build Console.Server $(grep -oE -- '(-c|--configuration) [A-Za-z]+' <<<"$command" || true) -nologo -v q >/dev/null
    run=($command --no-build --)
    ;;
  *) echo "published or readme" >&2; exit 64 ;;
esac

echo "$password" | "${run[@]}" admin create-user --email measure@example.com --role Admin --password-stdin "${db[@]}" >/dev/null
"${run[@]}" "${db[@]}" --Jobs:RunServer=false --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 180); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/live" && break; sleep 1; done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$here/firstload.mjs" --url "http://127.0.0.1:$port" --email measure@example.com --password "$password" --runs "$runs" --label "$mode" ${CONSOLE_LIST:+--list $CONSOLE_LIST}
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
