#!/usr/bin/env bash
# Installs and runs the Temporal dev server (it ships with the `temporal` CLI, Web UI included).
#   ./temporal-dev.sh install   make sure a `temporal` CLI exists; print its path
#   ./temporal-dev.sh start     run the dev server with a file database; says "ready" when healthy
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1 # v1.6+ carries a `replace` directive, which `go install` refuses
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_dir=${SOCKTECH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/socktech}
bin_dir=$cache_dir/temporal-$TEMPORAL_CLI_VERSION

log() { printf '[temporal-dev] %s\n' "$*" >&2; }

find_cli() {
  if [ -x "$bin_dir/temporal" ]; then echo "$bin_dir/temporal"; return; fi
  command -v temporal 2>/dev/null || true
}

go_is_recent() {
  command -v go >/dev/null || return 1
  local v; v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
  [ "$(printf '%s\n1.25\n' "$v" | sort -V | head -n1)" = "1.25" ]
}

install() {
  local cli; cli=$(find_cli)
  if [ -n "$cli" ]; then echo "$cli"; return; fi
  if ! go_is_recent; then
    log "no temporal CLI found, and no Go >= 1.25 to build one. Install it with one of:"
    log "  brew install temporal"
    log "  the official installer or a release archive: https://docs.temporal.io/cli#install"
    log "then run this again (or put \`temporal\` on PATH)."
    exit 1
  fi
  log "building temporal CLI $TEMPORAL_CLI_VERSION with go install (once; about 5 minutes on 2 cores)"
  log "cache: $bin_dir"
  mkdir -p "$bin_dir"
  local started=$SECONDS
  # -x lists each download and compile step: a dot every few keeps progress visible, quietly.
  GOBIN=$bin_dir go install -x "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" 2>&1 |
    awk '/^go: downloading/ { if (++d % 5 == 0) { printf "."; fflush() } }
         /^(mkdir|cd|.*compile|.*link)/ { if (++n % 40 == 0) { printf "."; fflush() } }
         END { print "" }' >&2
  [ -x "$bin_dir/temporal" ] || { log "build failed; run it by hand to see why: GOBIN=$bin_dir go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"; exit 1; }
  log "built in $((SECONDS - started)) s"
  echo "$bin_dir/temporal"
}

search_attribute_flags() {
  node -e 'for (const [k, t] of Object.entries(require(process.argv[1]))) console.log(`--search-attribute=${k}=${t}`)' \
    "$here/src/temporal/search-attributes.json"
}

start() {
  local cli; cli=$(install)
  local host=${TEMPORAL_DEV_HOST:-127.0.0.1}
  local port=${TEMPORAL_DEV_PORT:-7233}
  local ui_port=${TEMPORAL_DEV_UI_PORT:-8233}
  local namespace=${TEMPORAL_NAMESPACE:-default}
  local db=${TEMPORAL_DEV_DB:-$here/.data/temporal.db}
  local retention=${TEMPORAL_DEV_RETENTION:-87600h}
  mkdir -p "$(dirname "$db")"

  local ui_flags=(--ui-port "$ui_port")
  [ "${TEMPORAL_DEV_HEADLESS:-}" = 1 ] && ui_flags=(--headless)
  mapfile -t sa_flags < <(search_attribute_flags)

  "$cli" server start-dev --ip "$host" --port "$port" "${ui_flags[@]}" \
    --namespace "$namespace" --db-filename "$db" --log-level "${TEMPORAL_DEV_LOG_LEVEL:-error}" \
    "${sa_flags[@]}" \
    --dynamic-config-value system.forceSearchAttributesCacheRefreshOnRead=true \
    --dynamic-config-value frontend.enableExecuteMultiOperation=true &
  server_pid=$!
  trap 'kill -TERM $server_pid 2>/dev/null; wait $server_pid 2>/dev/null' INT TERM EXIT

  local started=$SECONDS
  until "$cli" operator cluster health --address "$host:$port" >/dev/null 2>&1; do
    kill -0 $server_pid 2>/dev/null || { log "the dev server exited before it was healthy"; exit 1; }
    [ $((SECONDS - started)) -lt 60 ] || { log "not healthy after 60 s"; exit 1; }
    sleep 0.1
  done
  # The dev server creates its namespace with 24 h retention; per-user dedupe of `once` flows
  # relies on Temporal remembering closed runs, so keep them for ten years.
  "$cli" operator namespace update --address "$host:$port" -n "$namespace" --retention "$retention" >/dev/null
  log "ready in $((SECONDS - started)) s: gRPC $host:$port, namespace $namespace, db $db"
  [ "${TEMPORAL_DEV_HEADLESS:-}" = 1 ] || log "Web UI http://$host:$ui_port"
  echo "ready"
  wait $server_pid
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  *) echo "usage: $0 install|start" >&2; exit 2 ;;
esac
