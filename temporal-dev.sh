#!/usr/bin/env bash
# Installs and runs the Temporal dev server (it ships with the `temporal` CLI, Web UI included).
#   ./temporal-dev.sh install   make sure a `temporal` CLI exists; print its path
#   ./temporal-dev.sh start     run the dev server with a file database; says "ready" when healthy
#   ./temporal-dev.sh cluster   build the Temporal server itself (cached), set up its databases on
#                               PostgreSQL and run it, as a self-hosted cluster; says "ready" too
#   ./temporal-dev.sh install-server   only build (or find) what `cluster` runs; print its folder
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1 # v1.6+ carries a `replace` directive, which `go install` refuses
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_dir=${SOCKTECH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/socktech}
bin_dir=$cache_dir/temporal-$TEMPORAL_CLI_VERSION
TEMPORAL_SERVER_MODULE=go.temporal.io/server
TEMPORAL_SERVER_VERSION=v1.29.1 # the one CLI $TEMPORAL_CLI_VERSION embeds: `go version -m` on it
server_dir=$cache_dir/temporal-server-$TEMPORAL_SERVER_VERSION

log() { printf '[temporal-dev] %s\n' "$*" >&2; }

find_cli() {
  if [ -x "$bin_dir/temporal" ]; then echo "$bin_dir/temporal"; return; fi
  command -v temporal 2>/dev/null || true
}

# `go install -x` lists each download and compile step: a dot every few keeps progress visible, quietly.
dots() {
  awk '/^go: downloading/ { if (++d % 5 == 0) { printf "."; fflush() } }
       /^(mkdir|cd|.*compile|.*link)/ { if (++n % 40 == 0) { printf "."; fflush() } }
       END { print "" }' >&2
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
  GOBIN=$bin_dir go install -x "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" 2>&1 | dots
  [ -x "$bin_dir/temporal" ] || { log "build failed; run it by hand to see why: GOBIN=$bin_dir go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"; exit 1; }
  log "built in $((SECONDS - started)) s"
  echo "$bin_dir/temporal"
}

# The server, its schema tool and the schema, from the server module the CLI above embeds.
install_server() {
  if [ -x "$server_dir/server" ] && [ -x "$server_dir/sql" ] && [ -d "$server_dir/schema" ]; then
    echo "$server_dir"
    return
  fi
  go_is_recent || { log "building the Temporal server needs Go >= 1.25 (https://go.dev/dl)"; exit 1; }
  local pkgs=("$TEMPORAL_SERVER_MODULE/cmd/server@$TEMPORAL_SERVER_VERSION"
    "$TEMPORAL_SERVER_MODULE/cmd/tools/sql@$TEMPORAL_SERVER_VERSION")
  log "building Temporal server $TEMPORAL_SERVER_VERSION and its sql tool with go install (once; about 5 minutes on 2 cores)"
  log "cache: $server_dir"
  mkdir -p "$server_dir"
  local started=$SECONDS
  GOBIN=$server_dir go install -x "${pkgs[@]}" 2>&1 | dots
  [ -x "$server_dir/server" ] && [ -x "$server_dir/sql" ] ||
    { log "build failed; run it by hand to see why: GOBIN=$server_dir go install ${pkgs[*]}"; exit 1; }
  local module; module=$(go mod download -json "$TEMPORAL_SERVER_MODULE@$TEMPORAL_SERVER_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$server_dir/schema"
  cp -r "$module/schema/postgresql/v12" "$server_dir/schema"
  chmod -R u+w "$server_dir/schema" # the module cache is read-only, the copy need not be
  log "built in $((SECONDS - started)) s"
  echo "$server_dir"
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

schema_tool() {
  "$server_dir/sql" --plugin postgres12 --endpoint "$PGHOST" --port "$PGPORT" \
    --user "$PGUSER" --password "$PGPASSWORD" --database "$@"
}

# Creates the database if it is missing and brings its schema to the server's version; each
# step is a no-op on a database that has it already.
setup_schema() {
  local db=$1 kind=$2 out
  out=$({ schema_tool "$db" create-database &&
    schema_tool "$db" setup-schema -v 0.0 &&
    schema_tool "$db" update-schema -d "$server_dir/schema/$kind/versioned"; } 2>&1) || {
    printf '%s\n' "$out" | tail -n 20 >&2
    log "could not set up database $db on $PGHOST:$PGPORT as $PGUSER"
    exit 1
  }
}

run_server() {
  # Its log goes to stderr: stdout is for "ready" alone.
  "$server_dir/server" --root / --config "$here/scripts/cluster" --env temporal --allow-no-auth \
    start >&2 &
  server_pid=$!
  local started=$SECONDS
  until "$cli" operator cluster health --address "$address" >/dev/null 2>&1; do
    kill -0 $server_pid 2>/dev/null || { log "the server exited before it was healthy"; exit 1; }
    [ $((SECONDS - started)) -lt 120 ] || { log "not healthy after 120 s"; exit 1; }
    sleep 0.2
  done
}

stop_server() {
  kill -TERM $server_pid 2>/dev/null || true
  wait $server_pid 2>/dev/null || true
}

# Creates the namespace with Socktech's retention and registers the search attributes it lacks;
# sets `added` when there were any.
register() {
  local ns=(--address "$address" -n "$namespace")
  if "$cli" operator namespace describe "${ns[@]}" >/dev/null 2>&1; then
    "$cli" operator namespace update "${ns[@]}" --retention "$retention" >/dev/null
  else
    "$cli" operator namespace create "${ns[@]}" --retention "$retention" >/dev/null
  fi
  local known started=$SECONDS
  # A new namespace reaches the frontend's cache a moment after it is created.
  until known=$("$cli" operator search-attribute list "${ns[@]}" 2>/dev/null); do
    [ $((SECONDS - started)) -lt 30 ] || { log "namespace $namespace still unknown after 30 s"; exit 1; }
    sleep 0.2
  done
  local missing=() flag
  while read -r flag; do
    grep -qw "${flag%%=*}" <<<"$known" || missing+=(--name "${flag%%=*}" --type "${flag#*=}")
  done < <(search_attribute_flags | sed 's/^--search-attribute=//')
  added=${#missing[@]}
  [ "$added" -eq 0 ] || "$cli" operator search-attribute create "${ns[@]}" "${missing[@]}" >/dev/null
}

cluster() {
  cli=$(install)
  install_server >/dev/null
  export TEMPORAL_CLUSTER_HOST=${TEMPORAL_CLUSTER_HOST:-127.0.0.1}
  export TEMPORAL_CLUSTER_PORT=${TEMPORAL_CLUSTER_PORT:-7433}
  export TEMPORAL_CLUSTER_METRICS_PORT=${TEMPORAL_CLUSTER_METRICS_PORT:-$((TEMPORAL_CLUSTER_PORT + 30))}
  export TEMPORAL_CLUSTER_DB=${TEMPORAL_CLUSTER_DB:-socktech_temporal}
  export TEMPORAL_CLUSTER_SHARDS=${TEMPORAL_CLUSTER_SHARDS:-4}
  export TEMPORAL_CLUSTER_LOG_LEVEL=${TEMPORAL_CLUSTER_LOG_LEVEL:-error}
  export TEMPORAL_CLUSTER_CONFIG_DIR=$here/scripts/cluster
  export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
  export PGPASSWORD=${PGPASSWORD:-}
  address=$TEMPORAL_CLUSTER_HOST:$TEMPORAL_CLUSTER_PORT
  namespace=${TEMPORAL_NAMESPACE:-default}
  retention=${TEMPORAL_CLUSTER_RETENTION:-87600h}
  local started=$SECONDS

  log "schema: databases $TEMPORAL_CLUSTER_DB and ${TEMPORAL_CLUSTER_DB}_visibility on $PGHOST:$PGPORT"
  setup_schema "$TEMPORAL_CLUSTER_DB" temporal
  setup_schema "${TEMPORAL_CLUSTER_DB}_visibility" visibility
  trap stop_server INT TERM EXIT
  run_server
  register
  if [ "$added" -gt 0 ]; then
    # Each service caches search attributes for a minute; a restart is quicker than waiting.
    log "registered the search attributes; restarting so that every service sees them"
    stop_server
    run_server
  fi
  log "ready in $((SECONDS - started)) s: gRPC $address, namespace $namespace, server metrics http://127.0.0.1:$TEMPORAL_CLUSTER_METRICS_PORT/metrics"
  echo "ready"
  wait $server_pid
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  cluster) cluster ;;
  install-server) install_server ;;
  *) echo "usage: $0 install|start|cluster|install-server" >&2; exit 2 ;;
esac
