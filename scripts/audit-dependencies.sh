#!/usr/bin/env bash
# Known vulnerabilities in the console's dependencies: fails when npm reports one of moderate severity or worse in
# Console.Client, and says whether the NuGet side (checked by every restore: NuGetAudit in Directory.Build.props,
# NU1901-NU1904 are errors) has advisory data to check against.
#
# A registry that serves no advisory data (as the mirrors on the project's build machines do) cannot prove anything
# either way: that is reported on a line starting "audit unavailable", and fails only when AUDIT_REQUIRED=1.
# docs/security/threat-model.md ("Dependencies") says what this does and does not show.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
required="${AUDIT_REQUIRED:-0}"
status=0

unavailable() {
    echo "audit unavailable: $1"
    if [ "$required" = "1" ]; then
        status=1
    fi
}

# npm: the lock file is what the build installs (npm ci), so it is what is audited.
cd "$repo/Console.Client"
report="$(npm audit --json --package-lock-only --audit-level=moderate 2>/dev/null)"

verdict="$(python3 -c '
import json, sys
try:
    data = json.load(sys.stdin)
except ValueError:
    print("unreadable"); sys.exit()
if "statusCode" in data or ("error" in data and "vulnerabilities" not in data and "metadata" not in data):
    print("unavailable " + str(data.get("statusCode") or data.get("error", {}).get("summary", "")))
    sys.exit()
counts = data.get("metadata", {}).get("vulnerabilities", {})
bad = sum(counts.get(level, 0) for level in ("moderate", "high", "critical"))
print(f"found {bad} " + ", ".join(f"{n} {level}" for level, n in counts.items() if level != "total" and n))
' <<<"$report")"
case "$verdict" in
    unavailable*|unreadable)
        unavailable "npm audit: the registry answered no advisories (${verdict#unavailable }); npm packages were not checked" ;;
    "found 0"*)
        echo "npm audit: no known vulnerability of moderate severity or worse in Console.Client (${verdict#found 0 })" ;;
    *)
        echo "npm audit: known vulnerabilities in Console.Client: ${verdict#found }"
        (cd "$repo/Console.Client" && npm audit --package-lock-only --audit-level=moderate)
        status=1 ;;
esac

# NuGet: restore audits every package against each source that offers vulnerability data; say whether one does.
cd "$repo"
nuget="$(dotnet nuget list source --format short 2>/dev/null | awk '$1 ~ /^E/ {print $2}')"
live=0
for source in $nuget; do
    if python3 - "$source" <<'PY' 2>/dev/null; then
import json, sys, urllib.request
index = json.load(urllib.request.urlopen(sys.argv[1], timeout=20))
sys.exit(0 if any("VulnerabilityInfo" in r.get("@type", "") for r in index.get("resources", [])) else 1)
PY
        live=1
    fi
done
if [ "$live" -eq 1 ]; then
    echo "NuGet audit: a package source serves vulnerability data; every restore checks against it (NU1901-NU1904 fail the build)"
else
    unavailable "NuGet audit: no package source serves vulnerability data ($nuget); restores check nothing"
fi
exit "$status"
