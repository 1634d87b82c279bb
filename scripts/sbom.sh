#!/usr/bin/env bash
# CycloneDX software bills of materials for what ships: the server with the client and shared contracts it carries
# (NuGet packages, from the CycloneDX dotnet tool pinned in dotnet-tools.json) and the client's npm packages (npm's own
# `npm sbom`, from Console.Client/package-lock.json). Tests, benchmarks and fuzz harnesses are left out.
#
#   scripts/sbom.sh [OUTPUT_DIR]     default artifacts/sbom; writes bom.nuget.json and bom.npm.json
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/artifacts/sbom}"
cd "$repo"
version="$(git describe --tags --always 2>/dev/null || echo 0.0.0)"
mkdir -p "$out"

dotnet tool restore >/dev/null
dotnet CycloneDX Console.Server/Console.Server.csproj --output "$out" --filename bom.nuget.json \
    --output-format Json --set-name security-console --set-version "$version" --set-type Application >/dev/null
(cd Console.Client && npm sbom --sbom-format cyclonedx --sbom-type application --package-lock-only --omit dev) >"$out/bom.npm.json"

python3 - "$out" <<'PY'
import json, os, sys
for name in ("bom.nuget.json", "bom.npm.json"):
    bom = json.load(open(os.path.join(sys.argv[1], name)))
    print(f"{os.path.join(sys.argv[1], name)}: CycloneDX {bom['specVersion']}, {len(bom.get('components', []))} components")
PY
