#!/usr/bin/env bash
# Install axe-core from npm, the accessibility engine that the tests run in
# Chromium against every page type of the citizen portal.
#
# Usage: scripts/install-axe.sh VERSION DEST     (e.g. 4.14.1 .web/axe)
#
# Only axe.min.js is kept: the tests inject it into the pages.
set -euo pipefail

version=${1:?usage: $0 VERSION DEST}
dest=${2:?usage: $0 VERSION DEST}

for tool in npm tar; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "install-axe: '$tool' is missing; on Debian/Ubuntu:" \
            "apt-get install nodejs npm" >&2
        exit 1
    fi
done

mkdir -p "$dest"
work=$(mktemp -d "$dest/.axe-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "Installing axe-core $version into $dest"
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null)
tar -xzf "$work/axe-core-$version.tgz" -C "$work"
test -s "$work/package/axe.min.js"
mv "$work/package/axe.min.js" "$dest/axe.min.js"
