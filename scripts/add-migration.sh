#!/usr/bin/env bash
# Adds a migration for both providers: scripts/add-migration.sh NameOfChange
set -euo pipefail
name="${1:?usage: scripts/add-migration.sh NameOfChange}"
cd "$(dirname "$0")/../Console.Server"
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --context SqliteConsoleDbContext --output-dir Data/Migrations/Sqlite --namespace SecurityConsole.Server.Data.Migrations.Sqlite
dotnet ef migrations add "$name" --context PostgresConsoleDbContext --output-dir Data/Migrations/Postgres --namespace SecurityConsole.Server.Data.Migrations.Postgres
for p in Sqlite Postgres; do
  if [ -d SecurityConsole/Server/Data/Migrations/$p ]; then mv SecurityConsole/Server/Data/Migrations/$p/*.cs Data/Migrations/$p/; fi
done
rm -rf SecurityConsole design.db
