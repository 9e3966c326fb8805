#!/bin/sh
# Entry point of `npm start` and `npm test`: installs what a fresh machine lacks, then hands over to
# the pinned Node 24 (a devDependency), whatever Node the machine has.
set -eu
cd "$(dirname "$0")/.."
task="$1"
shift

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "parley: installing dependencies (npm ci)…"
  npm ci --no-fund --no-audit --loglevel=error
fi

if [ "$task" = "test" ] && [ ! -x /usr/bin/chromium ]; then
  echo "parley: installing Debian's chromium for the browser tests…"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

PATH="$(pwd)/node_modules/.bin:$PATH"
export PATH TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
exec node "scripts/$task.ts" "$@"
