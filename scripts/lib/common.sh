# Shared by scripts/run, scripts/test and scripts/gate: install what is missing, manage a
# project-local PostgreSQL cluster. Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

say() { printf '==> %s\n' "$*" >&2; }

# Offers received before their opening session are sealed with the server's key (DMS_SEAL_KEY,
# 32 random bytes in base64). Unless one is given, the scripts use a project-local key kept in
# .dms-seal-key (mode 600, never committed): keep a copy of it with the backups, or sealed offers
# can never be opened.
if [ -z "${DMS_SEAL_KEY:-}" ]; then
    if [ ! -s "$ROOT/.dms-seal-key" ]; then
        (umask 077; head -c 32 /dev/urandom | base64 > "$ROOT/.dms-seal-key")
    fi
    DMS_SEAL_KEY="$(cat "$ROOT/.dms-seal-key")"
    export DMS_SEAL_KEY
fi
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# `swift build`, so that a build with nothing changed recompiles nothing. SwiftPM plans the build
# again whenever the environment differs from the last build's (any variable: PORT=…, a DATABASE_URL
# exported by these scripts), and it passes a package's enabled traits as -D flags in Set order,
# which each process's random hash seed redraws (swiftlang/swift-package-manager#10525). Hummingbird
# enables two traits (ConfigurationSupport, FullFoundation), so one re-plan in two changed their
# command lines and recompiled HummingbirdCore, Hummingbird and all above them (~45 s). Hence a
# fixed hash seed for SwiftPM (the build only, never the server: a fixed seed weakens hash-flooding
# resistance), and none of the server's own settings in the build's environment.
swift_build() {
    (
        unset DATABASE_URL HOST PORT LOG_LEVEL
        for var in "${!DMS_@}"; do unset "$var"; done
        SWIFT_DETERMINISTIC_HASHING=1 swift build "$@"
    )
}

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_install() {
    command -v apt-get >/dev/null || die "apt-get not found: install $* by hand"
    if [ -z "$APT_UPDATED" ]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        APT_UPDATED=1
    fi
    say "installing $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The newest PostgreSQL server binaries on this machine, installing them when there are none.
pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
        apt_install postgresql postgresql-contrib
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    [ -x "$dir/initdb" ] || die "PostgreSQL server binaries not found after install"
    echo "$dir"
}

ensure_tools() {
    command -v swift >/dev/null || die "swift not found: install the Swift 6 toolchain (https://www.swift.org/install/linux/) and put it on PATH"
    command -v psql >/dev/null || apt_install postgresql-client
    command -v python3 >/dev/null || apt_install python3
    [ -x /usr/bin/pdftotext ] || apt_install poppler-utils
    [ -f /usr/include/xlsxwriter.h ] || apt_install libxlsxwriter-dev
    PG_BIN=$(pg_bindir)
    ensure_ocr
}

# PyPI's jsonschema, for scripts/tests/validate_ocds.py (OCDS packages against the official
# schema), in the python3 the Swift tests run: the first of /usr/bin/python3 and
# /usr/local/bin/python3, as Tests/DMSServerTests' `Python` helper. Debian's package for Debian's
# python3, else pip (--user, or --break-system-packages where pip refuses an externally managed
# Python). When it cannot be installed, say why: the OCDS tests then fail and say it too.
ensure_jsonschema() {
    local python
    for python in /usr/bin/python3 /usr/local/bin/python3 ""; do [ -x "$python" ] && break; done
    [ -n "$python" ] || { say "jsonschema not installed: no python3 at /usr/bin or /usr/local/bin (the OCDS tests will fail)"; return 0; }
    "$python" -c 'import jsonschema' 2>/dev/null && return 0
    if [ "$python" = /usr/bin/python3 ] && command -v apt-get >/dev/null; then
        (apt_install python3-jsonschema) || true
        "$python" -c 'import jsonschema' 2>/dev/null && return 0
    fi
    say "installing jsonschema for $python with pip"
    "$python" -m pip install -q --user --disable-pip-version-check jsonschema >/dev/null 2>&1 \
        || "$python" -m pip install -q --user --disable-pip-version-check --break-system-packages jsonschema >&2 \
        || true
    "$python" -c 'import jsonschema' 2>/dev/null \
        || say "jsonschema not installed for $python (no network, or no pip?): the OCDS tests will fail until it is"
    return 0
}

# Tesseract reads scanned PDFs. It is optional: when it cannot be installed, say why and go on
# (scanned offers then stay REVUE MANUELLE with a warning, and the OCR tests are skipped).
ensure_ocr() {
    if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx fra; then return 0; fi
    if ! command -v apt-get >/dev/null; then
        say "OCR unavailable: apt-get not found, install tesseract-ocr and tesseract-ocr-fra by hand (scanned PDFs will not be read; OCR tests skipped)"
    elif ! (apt_install tesseract-ocr tesseract-ocr-fra); then
        say "OCR unavailable: installing tesseract-ocr tesseract-ocr-fra failed (no network or no root?): scanned PDFs will not be read; OCR tests skipped"
    fi
    return 0
}

# prometheus_client (Python) parses a real scrape in the metrics test, as Prometheus would. Installed
# only when missing: pip for this python3 (a user install), else Debian's package; without it the
# test that needs it is skipped, saying so.
ensure_prometheus_client() {
    python3 -c 'import prometheus_client' 2>/dev/null && return 0
    say "installing prometheus_client (Python) for the metrics test"
    python3 -m pip install --quiet --user prometheus_client >/dev/null 2>&1 \
        || python3 -m pip install --quiet --user --break-system-packages prometheus_client >/dev/null 2>&1 \
        || (apt_install python3-prometheus-client) 2>/dev/null \
        || true
    python3 -c 'import prometheus_client' 2>/dev/null \
        || say "prometheus_client unavailable (no network?): the metrics parsing test will be skipped"
}

# PostgreSQL refuses to run as root: as root, clusters belong to the `postgres` user (created by
# the Debian package); otherwise to the current user.
pg_user() {
    if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

as_pg() {
    # From / so that a working directory the postgres user cannot enter is not an issue.
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# A data directory the cluster owner can reach: under the project when it can traverse the path,
# otherwise (e.g. a clone under /root, mode 700) under /var/tmp, keyed by the project path.
cluster_dir() {
    local wanted="$1"
    if [ "$(id -u)" -eq 0 ] && ! world_traversable "$(dirname "$wanted")"; then
        wanted="/var/tmp/dms-pg-$(printf '%s' "$wanted" | sha256sum | cut -c1-12)"
    fi
    mkdir -p "$wanted"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$wanted"; fi
    chmod 700 "$wanted"
    echo "$wanted"
}

# True when every directory from / to $1 can be traversed by other users.
world_traversable() {
    local dir="$1"
    while [ "$dir" != "/" ]; do
        case "$(stat -c %A "$dir")" in *x|*t) ;; *) return 1;; esac
        dir=$(dirname "$dir")
    done
}

# start_cluster DATADIR PORT [extra postgres -c settings…]: initdb when empty, start when stopped.
start_cluster() {
    local data="$1" port="$2"
    shift 2
    if [ ! -f "$data/PG_VERSION" ]; then
        say "initialising PostgreSQL cluster in $data"
        as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
            || as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
    fi
    if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        say "PostgreSQL already running ($data)"
        return 0
    fi
    local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data"
    for setting in "$@"; do opts="$opts -c $setting"; done
    say "starting PostgreSQL on 127.0.0.1:$port"
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 -o "$opts" start >/dev/null \
        || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start (log: $data/server.log)"; }
}

stop_cluster() {
    local data="$1"
    [ -f "$data/PG_VERSION" ] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# A TCP port nobody listens on, from a range unlikely to clash with services.
free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}
