#!/usr/bin/env bash
# Regenerates the C# client (sdk/SecurityConsole.Sdk/Generated) from the released contract, docs/openapi/v1.baseline.json,
# with the Kiota version pinned in dotnet-tools.json. Run it after writing the baseline anew (ApiCompatibilityTests with
# CONSOLE_UPDATE_DOCS=1) and commit the result; the same input and tool version give the same code (ADR 0052).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
dotnet tool restore >/dev/null
# Kiota looks for a newer version of itself on the network unless told not to.
export KIOTA_OFFLINE_ENABLED=true
dotnet tool run kiota generate --language CSharp \
    --openapi docs/openapi/v1.baseline.json \
    --output sdk/SecurityConsole.Sdk/Generated \
    --class-name ConsoleApiClient --namespace-name SecurityConsole.Sdk \
    --exclude-backward-compatible --clean-output --log-level Warning
# The lock file and the log record where and when it was generated; keep only what the same input reproduces.
rm -f sdk/SecurityConsole.Sdk/Generated/kiota-lock.json sdk/SecurityConsole.Sdk/Generated/.kiota.log
