#!/bin/sh
# Installs the project's dependencies when they are missing or older than package-lock.json.
# Runs with the system's npm; the pinned Node 24 arrives as the devDependency `node`.
set -e
cd "$(dirname "$0")/.."
marker=node_modules/.package-lock.json
if [ ! -x node_modules/.bin/node ] || [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  echo "comity: installing dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
