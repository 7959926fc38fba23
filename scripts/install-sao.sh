#!/usr/bin/env bash
# Install the Tryton staff web client (sao) from npm into a folder that
# trytond serves as its [web] root.
#
# Usage: scripts/install-sao.sh VERSION DEST     (e.g. 8.0.11 .web/sao)
#
# sao's index.html loads its libraries from node_modules/ next to itself, so
# the npm package is unpacked into DEST and its runtime dependencies are
# installed inside it; OSSIS's translations of web/sao/locale are compiled
# into its locale/ folder.  The new client is built in a temporary folder
# beside DEST and swapped in at the end: a failed install leaves the old one
# intact.
set -euo pipefail

version=${1:?usage: $0 VERSION DEST}
dest=${2:?usage: $0 VERSION DEST}

for tool in node npm tar; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "install-sao: '$tool' is missing; on Debian/Ubuntu:" \
            "apt-get install nodejs npm" >&2
        exit 1
    fi
done
npm_major=$(npm --version | cut -d. -f1)
if [ "$npm_major" -lt 7 ]; then
    echo "install-sao: npm $(npm --version) is too old (7 or later needed)" >&2
    exit 1
fi

parent=$(dirname "$dest")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.sao-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "Installing tryton-sao $version into $dest"
(cd "$work" && npm pack --silent "tryton-sao@$version" >/dev/null)
tar -xzf "$work/tryton-sao-$version.tgz" -C "$work"
client="$work/package"

# Keep only what the browser loads.  The devDependencies (test and lint
# tools) have conflicting peer dependencies that stop "npm install" even with
# --omit=dev, and grunt* only rebuild dist/, which the package already ships.
node - "$client/package.json" <<'EOF'
const fs = require('fs');
const file = process.argv[2];
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
delete pkg.devDependencies;
for (const name of Object.keys(pkg.dependencies || {})) {
    if (name.startsWith('grunt')) {
        delete pkg.dependencies[name];
    }
}
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
EOF
# No install scripts: none of these libraries needs one.
(cd "$client" && npm install --omit=dev --no-audit --no-fund \
    --ignore-scripts --loglevel=error)

# Every file that index.html loads from node_modules must be there.
missing=0
for file in dist/tryton-sao.js dist/tryton-sao.css index.html \
        $(grep -o 'node_modules/[^"]*' "$client/index.html"); do
    if [ ! -f "$client/$file" ]; then
        echo "install-sao: $file is missing from the installed client" >&2
        missing=1
    fi
done
if [ "$missing" -ne 0 ]; then
    exit 1
fi

# OSSIS's translations of the client (web/sao/locale/<lang>.po, e.g.
# Albanian), compiled into the JSON that sao loads for the user's language.
root=$(cd "$(dirname "$0")/.." && pwd)
for po in "$root"/web/sao/locale/*.po; do
    [ -e "$po" ] || continue
    node "$root/scripts/sao-po2json.js" "$po" \
        "$client/locale/$(basename "$po" .po).json"
done

# sao loads these two files for the customisation of an installation:
# OSSIS's corrections of the client (web/sao/custom.js) and an empty style
# sheet, which spares every page an error in the browser console.
cp "$root/web/sao/custom.js" "$client/custom.js"
: > "$client/custom.css"

if [ -e "$dest" ]; then
    mv "$dest" "$work/previous"
fi
mv "$client" "$dest"
echo "tryton-sao $version installed in $dest"
