#!/usr/bin/env bash
# Packs the C# client as a NuGet package: artifacts/sdk/SecurityConsole.Sdk.<version>.nupkg (version from the project,
# or the first argument).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
version_args=()
if [ $# -gt 0 ]; then
    version_args=("-p:Version=$1")
fi
dotnet pack sdk/SecurityConsole.Sdk/SecurityConsole.Sdk.csproj -c Release -o artifacts/sdk "${version_args[@]}"
