# shellcheck shell=bash
# CI recipe: a throwaway PostgreSQL cluster in a project-local folder, TCP on 127.0.0.1 only.
#
#   . postgres.sh       # defines the functions below (sourcing has no side effect)
#   ci_pg_start         # idempotent: reuse a reachable server, else install (apt) if the
#                       # binaries are missing, initdb once, (re)start; exports DATABASE_URL
#   ci_pg_stop          # pg_ctl stop -m fast (keeps the data; ci_pg_start reuses it)
#   ci_pg_destroy       # stop + rm -rf the cluster
#
# Knobs (env): CI_PG_DIR (.ci/pg, git-ignore it), CI_PG_PORT (54329), CI_PG_USER (ci),
#   CI_PG_PASSWORD (ci), CI_PG_DB (ci), CI_PG_AUTH (scram-sha-256 | trust).
# Result: DATABASE_URL=postgresql://ci:ci@127.0.0.1:54329/ci, printed, exported and written
#   to $CI_PG_DIR/url. The test role is the cluster's superuser (it can CREATE DATABASE).
#
# As root, the server runs as the `postgres` system user (created if missing): postgres and
# initdb refuse to run as root. Unix sockets are off (unix_socket_directories=''), so the
# project path's length (sockets are limited to 107 bytes) and /var/run/postgresql don't matter.

CI_PG_DIR="${CI_PG_DIR:-.ci/pg}"
CI_PG_PORT="${CI_PG_PORT:-54329}"
CI_PG_USER="${CI_PG_USER:-ci}"
CI_PG_PASSWORD="${CI_PG_PASSWORD:-ci}"
CI_PG_DB="${CI_PG_DB:-ci}"
CI_PG_AUTH="${CI_PG_AUTH:-scram-sha-256}"

ci_pg_url() { echo "postgresql://$CI_PG_USER:$CI_PG_PASSWORD@127.0.0.1:$CI_PG_PORT/$CI_PG_DB"; }

_ci_pg_log() { echo "== postgres: $*"; }
_ci_pg_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# Directory of pg_ctl/initdb/postgres: $CI_PG_BINDIR, else the newest Debian
# /usr/lib/postgresql/N/bin, else pg_ctl on PATH. Empty if none. "return 0", not a bare "return":
# in an EXIT trap (ci_pg_stop after a failed step) a bare one returns the failed step's status,
# and under "set -e" the trap stopped there, leaving the cluster running.
_ci_pg_bindir() {
    local d
    if [ -n "${CI_PG_BINDIR:-}" ]; then echo "$CI_PG_BINDIR"; return 0; fi
    for d in $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V -r); do
        if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
    done
    if command -v pg_ctl >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; fi
}

_ci_pg_install() {
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    _ci_pg_log "installing postgresql with apt"
    # Don't let the package create (and, with systemd, start) the default 'main' cluster.
    $sudo mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/ci-no-main.conf >/dev/null
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        postgresql postgresql-client >/dev/null
}

# Run a command as the cluster owner: the current user, or `postgres` when we are root.
_ci_pg_as_owner() {
    # From / : the caller's cwd may be out of the postgres user's reach (all paths are absolute).
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# psql: the server's own (same major version) if there, else the one on PATH.
_ci_pg_psql() {
    local b
    b="$(_ci_pg_bindir)"
    if [ -n "$b" ] && [ -x "$b/psql" ]; then echo "$b/psql"; else command -v psql; fi
}

# True if some process has its cwd in the data dir (a postgres of this cluster).
_ci_pg_procs_in() {
    local p
    for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$1" ] && return 0; done
    return 1
}

# Before starting a cluster whose postmaster died (kill -9, OOM): wait until the dead
# postmaster and its children are gone. Its children may hold the shared memory for a moment
# ("pre-existing shared memory block is still in use"), and where PID 1 reaps orphans late
# (as in this sandbox) the dead postmaster lingers as a zombie, which kill -0 -- and so pg_ctl
# and postgres -- take for a live server ("lock file postmaster.pid already exists").
_ci_pg_clear_dead() {
    local data="$1" pid state
    [ -f "$data/postmaster.pid" ] || return 0
    pid="$(head -1 "$data/postmaster.pid")"
    for _ in $(seq 100); do
        state="$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$pid/stat" 2>/dev/null || true)"
        if [ -n "$state" ] && [ "$state" != Z ]; then return 0; fi   # alive: leave it alone
        if [ "$state" != Z ] && ! _ci_pg_procs_in "$data"; then return 0; fi
        sleep 0.1
    done
    if [ "$state" = Z ]; then rm -f "$data/postmaster.pid"; fi      # zombie never reaped
}

# True if a server at the URL accepts our credentials.
_ci_pg_reachable() {
    [ -n "$(_ci_pg_psql)" ] || return 1
    PGPASSWORD="$CI_PG_PASSWORD" PGCONNECT_TIMEOUT=3 "$(_ci_pg_psql)" -X -q -h 127.0.0.1 -p "$CI_PG_PORT" \
        -U "$CI_PG_USER" -d "$CI_PG_DB" -tAc 'select 1' >/dev/null 2>&1
}

_ci_pg_export() {
    DATABASE_URL="$(ci_pg_url)"
    export DATABASE_URL
    mkdir -p "$CI_PG_DIR"
    echo "$DATABASE_URL" >"$CI_PG_DIR/url"
    _ci_pg_log "DATABASE_URL=$DATABASE_URL"
}

ci_pg_start() {
    local bindir dir data log pwfile t0 t1 alt
    t0=$(date +%s%N)
    if _ci_pg_reachable; then
        _ci_pg_log "reusing the server already answering on 127.0.0.1:$CI_PG_PORT"
        _ci_pg_export
        # Another checkout's cluster: $CI_PG_DIR/url marks a server the tests may stop and start,
        # so it is written only for this checkout's own cluster.
        [ -d "$CI_PG_DIR/data" ] || rm -f "$CI_PG_DIR/url"
        return 0
    fi
    bindir="$(_ci_pg_bindir)"
    if [ -z "$bindir" ] || [ -z "$(_ci_pg_psql)" ]; then
        _ci_pg_install || return 1
        bindir="$(_ci_pg_bindir)"
        _ci_pg_log "apt install in $(_ci_pg_since "$t0")s"
    fi
    [ -n "$bindir" ] || { echo "ci_pg_start: no pg_ctl/initdb found after install" >&2; return 1; }

    mkdir -p "$CI_PG_DIR"
    dir="$(cd "$CI_PG_DIR" && pwd)"
    data="$dir/data"
    log="$dir/server.log"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --user-group --home-dir /var/lib/postgresql \
            --shell /bin/bash postgres || return 1
        chown postgres: "$dir"
        # The owner must be able to reach $dir: every parent needs o+x (e.g. a clone in /root
        # (mode 700) is out of reach). Then the cluster lives in /tmp/ci-pg-<hash of $dir>.
        if ! runuser -u postgres -- test -w "$dir"; then
            alt="/tmp/ci-pg-$(echo "$dir" | sha256sum | cut -c1-12)"
            _ci_pg_log "postgres cannot reach $dir; data goes to $alt"
            mkdir -p "$alt"; chown postgres: "$alt"; chmod 700 "$alt"
            dir="$alt"; data="$alt/data"; log="$alt/server.log"
        fi
    fi

    # A cluster from another major version (or a half-made one) is thrown away.
    if [ -f "$data/PG_VERSION" ] && [ "$(cat "$data/PG_VERSION")" != "$("$bindir/postgres" -V | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')" ]; then
        _ci_pg_log "cluster in $data is for PostgreSQL $(cat "$data/PG_VERSION"); re-creating"
        rm -rf "$data"
    fi
    if [ ! -f "$data/PG_VERSION" ] || [ ! -f "$data/postgresql.auto.conf" ]; then
        rm -rf "$data"
        t1=$(date +%s%N)
        pwfile="$(mktemp)"; echo "$CI_PG_PASSWORD" >"$pwfile"
        if [ "$(id -u)" = 0 ]; then chown postgres "$pwfile"; fi
        # --no-locale -E UTF8: never depends on which locales the machine has (LANG may name
        # one that is not generated); --no-sync: throwaway data, much faster init.
        _ci_pg_as_owner "$bindir/initdb" -D "$data" -U "$CI_PG_USER" --pwfile="$pwfile" \
            --auth="$CI_PG_AUTH" -E UTF8 --no-locale --no-sync --no-instructions >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; rm -f "$pwfile"; return 1; }
        rm -f "$pwfile"
        # Settings live in the data dir, so plain `pg_ctl restart` keeps them.
        {
            echo "listen_addresses = '127.0.0.1'"
            echo "port = $CI_PG_PORT"
            echo "unix_socket_directories = ''"
            # Throwaway cluster: no fsync (the tests crash PostgreSQL, never the machine), but
            # synchronous_commit stays on: the durability test kills PostgreSQL and counts acks.
            echo "fsync = off"
            echo "full_page_writes = off"
            echo "max_connections = 200"
            # Small /dev/shm (Docker's default is 64 MiB) breaks parallel queries with
            # "could not resize shared memory segment": use mmap files instead.
            if [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2{print $2}')" -lt 1048576 ] 2>/dev/null; then
                echo "dynamic_shared_memory_type = mmap"
            fi
        } | _ci_pg_as_owner tee -a "$data/postgresql.conf" >/dev/null
        printf 'host all all 127.0.0.1/32 %s\n' "$CI_PG_AUTH" | _ci_pg_as_owner tee "$data/pg_hba.conf" >/dev/null
        _ci_pg_log "initdb in $(_ci_pg_since "$t1")s ($data)"
    fi

    _ci_pg_clear_dead "$data"
    if ! _ci_pg_as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        # Always -l: without it the server keeps our stdout/stderr open, and whoever reads them
        # through a pipe -- $(...), `| tee`, a CI log collector -- hangs until the server stops.
        # That includes a bare `pg_ctl restart`: use ci_pg_restart, or pass -l yourself.
        _ci_pg_as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null \
            || { tail -20 "$log" >&2; return 1; }
    fi
    # Wait for readiness (a server found running may still be starting or in crash recovery).
    for _ in $(seq 600); do
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$CI_PG_PORT" -t 3 2>/dev/null && break
        sleep 0.1
    done
    if ! _ci_pg_reachable; then   # first start: create the database
        PGPASSWORD="$CI_PG_PASSWORD" "$(_ci_pg_psql)" -X -q -h 127.0.0.1 -p "$CI_PG_PORT" -U "$CI_PG_USER" \
            -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$CI_PG_DB\"" >/dev/null || return 1
    fi
    _ci_pg_reachable || { echo "ci_pg_start: server started but $(ci_pg_url) does not answer" >&2; tail -20 "$log" >&2; return 1; }
    _ci_pg_log "up in $(_ci_pg_since "$t0")s ($("$bindir/postgres" -V), data $data)"
    _ci_pg_export
}

# pg_ctl restart that keeps the server's output off our stdout (always pass -l).
# ci_pg_restart [fast|immediate]: immediate is a crash (no checkpoint; WAL replayed at start).
ci_pg_restart() {
    local data
    data="$(_ci_pg_data)" || { ci_pg_start; return; }
    _ci_pg_as_owner "$(_ci_pg_bindir)/pg_ctl" -D "$data" -l "$(dirname "$data")/server.log" \
        -m "${1:-fast}" -w restart >/dev/null && _ci_pg_log "restarted (${1:-fast})"
}

_ci_pg_data() {
    local dir
    dir="$(cd "$CI_PG_DIR" 2>/dev/null && pwd)" || return 1
    if [ -f "$dir/data/PG_VERSION" ]; then echo "$dir/data"
    elif [ -f "/tmp/ci-pg-$(echo "$dir" | sha256sum | cut -c1-12)/data/PG_VERSION" ]; then
        echo "/tmp/ci-pg-$(echo "$dir" | sha256sum | cut -c1-12)/data"
    else return 1; fi
}

ci_pg_stop() {
    local data bindir
    data="$(_ci_pg_data)" || return 0
    bindir="$(_ci_pg_bindir)"
    _ci_pg_as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
    _ci_pg_as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null && _ci_pg_log "stopped"
}

ci_pg_destroy() {
    local data
    ci_pg_stop
    data="$(_ci_pg_data)" && rm -rf "$(dirname "$data")"
    rm -rf "$CI_PG_DIR"
}
