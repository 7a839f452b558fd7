#!/usr/bin/env bash
# `npm test` runs this first (pretest): what the tests need beyond `npm install`.
#   - Debian's Chromium at /usr/bin/chromium, for the page tests: installed with apt-get when
#     running as root, otherwise the exact command is printed and the tests do not start.
#   - the temporal CLI (the dev server the tests start), built once and cached by temporal-dev.sh.
#   - the Temporal server and its sql tool (the cluster test), built once and cached likewise.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test tools] %s\n' "$*" >&2; }

# Only this script's own test points it elsewhere, to see what happens when the browser is missing.
chromium=${SOCKTECH_CHROMIUM_PATH:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" != 0 ]; then
    log "$chromium is missing: the page tests drive Debian's Chromium. Install it with"
    log "  sudo apt-get update && sudo apt-get install -y chromium"
    log "then run npm test again."
    exit 1
  fi
  if ! command -v apt-get >/dev/null; then
    log "$chromium is missing, and there is no apt-get here to install Debian's chromium with."
    log "Install Chromium so that $chromium runs it, then run npm test again."
    exit 1
  fi
  log "$chromium is missing: installing Debian's chromium with apt-get (once)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  if [ ! -x "$chromium" ]; then
    log "apt-get installed chromium, but $chromium is still missing"
    exit 1
  fi
  log "installed $chromium"
fi

./temporal-dev.sh install >/dev/null
# The Temporal server itself, for the test that runs Socktech on a cluster on PostgreSQL.
./temporal-dev.sh install-server >/dev/null
