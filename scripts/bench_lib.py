#!/usr/bin/env python3
"""The benchmark harness behind scripts/bench (standard library only).

scripts/bench builds the release binary, installs what is missing and starts a throw-away
PostgreSQL cluster; this file does the rest, in steps (`--steps`, run in this order):

- `cases`: per row count it loads a fresh database, measures the database's own limit with
  pgbench, drives the service with wrk and samples the server's memory and CPU;
- `tls`: the same create/get/list/decide runs over TLS to a cloud-style profile: an own
  PostgreSQL cluster started by `scripts/cloud_postgres start tls` (ssl, SCRAM, a non-superuser
  role owning its database) in .pgbench/cloudpg, stopped at the end; pgbench runs over TLS too
  (`sslmode=require` in its connection string) and is the reference of the ratios;
- `search`: GET /api/memory/search at 100,000 cases (10,000 with --quick) whose titles are varied
  French procurement titles, the search rows written by the triggers of migration 0004; the
  service's SQL (captured from the statement log) with pgbench and EXPLAIN (ANALYZE, BUFFERS),
  then ~500 sequential requests (p50/p95/p99) and wrk. Target p95 ≤ 50 ms;
- `upload`: POST /api/upload/{case_id}/offer of a valid 10 MB PDF, 20 times (5 with --quick),
  each to a fresh case, then the same bytes again to the first case (200, nothing stored again);
  pgbench inserts the same bytes server-side as the reference. Target ≤ 0.5 s per upload;
- `cba`: GET /api/download/{case_id}/cba of a case with 50 suppliers and 500 criteria, its analysis
  written in SQL as the service stores one; ~10 downloads (median and max) and the snapshot's SQL
  with pgbench. Target ≤ 0.3 s;
- `market`: a fresh database with the seeded catalogs (migration 0009) gets 1,000,000 market
  signals (100,000 with --quick) through the table's triggers, ~90 % of them then validated;
  the statistics query of GET /api/market/stats is measured with pgbench and EXPLAIN (ANALYZE,
  BUFFERS), and the endpoint itself with sequential requests and wrk when the service has it
  (a 404 skips that part, with the reason in the report);

and writes one markdown report. Each figure is shown beside the same figure of a previous run
(`docs/bench-results.json`, written by each full run, or `--baseline FILE`) with their ratio.
It only reports numbers: nothing here passes or fails.

Run directly (not through scripts/bench) it needs BENCH_PG_PORT, BENCH_PG_DATA (the cluster's
data directory, for its CPU), BENCH_WORK, BENCH_HTTP_PORT, DMS_BIN and PG_BIN; BENCH_DB names the
database it drops and creates again (default `dms`), so it can run on a shared server;
BENCH_CLOUDPG_DIR is the state directory of the `tls` step's cluster (default: `cloudpg` beside
BENCH_WORK), CLOUDPG_PG_PORT its port (default: a free one).
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STARTED = time.monotonic()

# Targets for a 2-core machine at 16 connections (issue 5). Only reported, never enforced.
TARGETS = {
    "post_case": "≥ 2,500 req/s and ≥ 30 % of pgbench INSERT",
    "get_case": "≥ 9,000 req/s",
    "list_first": "≥ 4,000 req/s, flat 1k→100k",
    "list_deep": "≥ 4,000 req/s, flat 1k→100k",
    "decide": "≥ 1,000 req/s and p99 ≤ 50 ms",
}
TARGET_CONNECTIONS = 16
# DMS_POOL_SIZE for the measurements: 8 was best or level in three sweeps (8,16,32) on 2 cores,
# within the noise of a shared machine; `--pool-sweep` measures it again.
DEFAULT_POOL = 8
RSS_TARGET_MB = 150
FLAT_TOLERANCE = 0.85  # "flat": the largest row count keeps at least 85 % of the smallest's rate

TEST_LABELS = {
    "pg_insert": "pgbench INSERT (1 row, copy of `cases`)",
    "pg_select": "pgbench SELECT by primary key",
    "get_case": "GET /api/cases/{id}",
    "list_first": "GET /api/cases?limit=50 (first page)",
    "list_deep": "GET /api/cases?limit=50&cursor= (deep page)",
    "health": "GET /api/health",
    "post_case": "POST /api/cases",
    "decide": "POST /api/decide/{id}",
    "sql_get_case": "pgbench: the SQL of GET /api/cases/{id}",
    "sql_list_first": "pgbench: the SQL of GET /api/cases?limit=50 (first page)",
    "sql_list_deep": "pgbench: the SQL of GET /api/cases?limit=50&cursor= (deep page)",
    "sql_health": "pgbench: the SQL of GET /api/health",
    "sql_post_case": "pgbench: the SQL of POST /api/cases",
}
READS = ["get_case", "list_first", "list_deep", "health"]
# Which pgbench figure each endpoint is compared with.
REFERENCE = {"post_case": "pg_insert", "decide": "pg_insert",
             "get_case": "pg_select", "list_first": "pg_select", "list_deep": "pg_select", "health": "pg_select"}

CASE_PREFIX = "dms-bench-"
CREATE_BODY = '{"case_type":"DAO","title":"Fourniture de ciment — Mopti","lot":"Lot 1"}'
DECIDE_BODY = '{"chosen_supplier":"Ets Diallo & Fils","decision_reason":"Offre conforme, délai 15 jours"}'


# ---------------------------------------------------------------------------------------------
# small helpers

def say(message):
    print(f"==> [{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def die(message):
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def int_list(text):
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of integers, got '{text}'")
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, got '{text}'")
    return values


def case_id(prefix, n):
    """The id of bench case n: md5(prefix || n)::uuid, computed the same way in SQL."""
    return str(uuid.UUID(hashlib.md5(f"{prefix}{n}".encode()).hexdigest()))


def cursor_token(created_at, case_uuid):
    """The service's opaque cursor: base64url of `v1|<created_at>|<id>`, unpadded."""
    raw = f"v1|{created_at}|{case_uuid}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def fmt_int(value):
    return "—" if value is None else f"{value:,.0f}"


def fmt_ms(value_us):
    if value_us is None:
        return "—"
    ms = value_us / 1000
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}"


def sql_literal(text):
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------------------------------------
# processes: PostgreSQL, CPU and memory accounting

class Postgres:
    def __init__(self, port, data, pg_bin, db="dms"):
        self.port = str(port)
        self.data = data
        self.pg_bin = pg_bin
        self.db = db  # the benchmark's database, dropped and created again for each load
        self.env = dict(os.environ, PGCLIENTENCODING="UTF8", PGCONNECT_TIMEOUT="10")

    def url(self, db=None):
        return f"postgres://postgres@127.0.0.1:{self.port}/{db or self.db}?sslmode=disable"

    def conn_args(self, db=None):
        """psql's and pgbench's arguments to reach a database (the database last)."""
        return ["-h", "127.0.0.1", "-p", self.port, "-U", "postgres", db or self.db]

    def psql(self, sql, db=None, timeout=900):
        *where, dbname = self.conn_args(db)
        result = subprocess.run(
            ["psql"] + where + ["-d", dbname, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-"],
            input=sql, capture_output=True, text=True, env=self.env, timeout=timeout)
        if result.returncode != 0:
            die(f"psql failed: {result.stderr.strip()}\nSQL: {sql[:500]}")
        return result.stdout

    def recreate(self):
        """Drops the benchmark database and creates it again, empty."""
        self.psql(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE);\nCREATE DATABASE {self.db};\n", db="postgres")

    def checkpoint(self):
        self.psql("CHECKPOINT;")

    def postmaster_pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def cpu_seconds(self):
        """CPU of the postmaster, its live children and its exited (waited-for) children."""
        master = self.postmaster_pid()
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            fields = proc_stat(pid)
            if fields is None:
                continue
            if int(pid) == master:
                total += fields[11] + fields[12] + fields[13] + fields[14]  # utime stime cutime cstime
            elif fields[1] == master:
                total += fields[11] + fields[12]
        return total / CLOCK_TICKS


class CloudPostgres(Postgres):
    """The `tls` profile of scripts/cloud_postgres, in a state directory of the bench's own: a
    PostgreSQL cluster with ssl=on, `hostssl` + SCRAM-SHA-256 only and a non-superuser role that
    owns the database `dms`. psql, pgbench and the service connect with the profile's
    DATABASE_URL (`sslmode=require`); only CHECKPOINT goes through the cluster owner's socket."""

    SCRIPT = os.path.join(ROOT, "scripts", "cloud_postgres")

    def __init__(self, state_dir, port, pg_bin):
        super().__init__(port, os.path.join(state_dir, "data"), pg_bin, db="dms")
        self.state_dir = state_dir
        self.env = dict(self.env, CLOUDPG_DIR=state_dir, CLOUDPG_PG_PORT=str(port))
        self.database_url = None
        self.started = False

    def script(self, *words, timeout=300):
        """Runs scripts/cloud_postgres; returns (exit status, stdout, stderr)."""
        result = subprocess.run([self.SCRIPT] + list(words), capture_output=True, text=True, env=self.env, timeout=timeout)
        return result.returncode, result.stdout, result.stderr

    def start(self):
        """Starts the profile; None when it is ready, else why not."""
        self.started = True
        status, out, err = self.script("start", "tls")
        line = next((l for l in reversed(out.splitlines()) if l.startswith("DATABASE_URL=")), None)
        if status != 0 or line is None:
            return f"`scripts/cloud_postgres start tls` failed (exit {status}): " + " ".join(err.strip().splitlines()[-3:])
        self.database_url = line[len("DATABASE_URL="):]
        return None

    def stop(self):
        if self.started:
            status, _, err = self.script("stop")
            if status != 0:
                say(f"warning: scripts/cloud_postgres stop failed: {err.strip()}")

    def url(self, db=None):
        return self.database_url

    def conn_args(self, db=None):
        return [self.database_url]

    def recreate(self):
        status, _, err = self.script("reset")
        if status != 0:
            die(f"scripts/cloud_postgres reset failed: {err.strip()}")

    def checkpoint(self):
        """CHECKPOINT needs a superuser: the cluster owner's, through the profile's unix socket."""
        import pwd
        owner = "postgres" if os.getuid() == 0 else pwd.getpwuid(os.getuid()).pw_name  # as scripts/cloud_postgres's initdb
        command = ["psql", "-h", os.path.join(self.state_dir, "run"), "-p", self.port, "-U", owner,
                   "-d", self.db, "-X", "-q", "-c", "CHECKPOINT"]
        if os.getuid() == 0:
            command = ["runuser", "-u", owner, "--"] + command
        result = subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=600)
        if result.returncode != 0:
            say(f"warning: CHECKPOINT on the TLS cluster failed: {result.stderr.strip()}")

    def describe(self):
        """What the service and pgbench connect to, from a connection over TLS."""
        line = self.psql("SELECT current_setting('server_version'), current_user, r.rolsuper, r.rolconnlimit, "
                         "current_setting('shared_buffers'), current_setting('max_connections'), current_setting('TimeZone'), "
                         "s.version, s.cipher, s.bits "
                         "FROM pg_roles r, pg_stat_ssl s WHERE r.rolname = current_user AND s.pid = pg_backend_pid();").strip()
        keys = ("server_version", "role", "superuser", "connection_limit", "shared_buffers", "max_connections", "timezone",
                "tls_version", "cipher", "bits")
        info = dict(zip(keys, line.split("|")))
        info["url"] = re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", self.database_url or "")
        return info


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """/proc/PID/stat fields after the command name: [state, ppid, …]; index 11 = utime."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    rest = text[text.rfind(")") + 2:].split()
    return [rest[0]] + [int(x) for x in rest[1:]]


def process_cpu_seconds(pid):
    fields = proc_stat(pid)
    return 0.0 if fields is None else (fields[11] + fields[12]) / CLOCK_TICKS


def proc_status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def machine_busy_seconds():
    """CPU seconds all cores spent not idle, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Sampler:
    """Samples the server's VmRSS while a run goes on, and CPU of server, database and client."""

    def __init__(self, pg, server):
        self.pg = pg
        self.server = server
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        self.t0 = time.monotonic()
        self.pg0 = self.pg.cpu_seconds()
        self.client0 = children_cpu_seconds()
        self.machine0 = machine_busy_seconds()
        self.app0 = process_cpu_seconds(self.server.pid) if self.server else 0.0
        if self.server:
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def _loop(self):
        while not self._stop.wait(0.2):
            rss = proc_status_kb(self.server.pid, "VmRSS")
            if rss:
                self.peak_kb = max(self.peak_kb, rss)

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)
        self.wall = time.monotonic() - self.t0
        self.pg_cpu = self.pg.cpu_seconds() - self.pg0
        self.client_cpu = children_cpu_seconds() - self.client0
        self.machine_cpu = machine_busy_seconds() - self.machine0
        self.app_cpu = (process_cpu_seconds(self.server.pid) - self.app0) if self.server else 0.0
        return False


# ---------------------------------------------------------------------------------------------
# the service's own SQL, captured from PostgreSQL's statement log while the service answers requests

LOG_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] ([A-Z]+):  (.*)$")
PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MARKER = "dms-bench-capture:"


def log_entries(text):
    """(pid, level, message) of each entry of a PostgreSQL stderr log (continuation lines joined)."""
    entries = []
    for line in text.split("\n"):
        match = LOG_ENTRY.match(line)
        if match:
            entries.append([int(match.group(1)), match.group(2), match.group(3)])
        elif entries and line.startswith("\t"):
            entries[-1][2] += "\n" + line[1:]
    return entries


def typed_literal(value):
    """A logged parameter value as a literal of the type PostgresNIO binds it with: Swift UUID →
    uuid, Int → bigint, String → text. `'…'::text`, not a bare `'…'`: a bare literal would take
    whatever type its context asks for, a text value goes through the same casts as the service's."""
    if value == "NULL":
        return "NULL"
    inner = value[1:-1].replace("''", "'")
    if UUID_TEXT.match(inner):
        return sql_literal(inner) + "::uuid"
    if re.fullmatch(r"-?\d{1,18}", inner):
        return inner + "::bigint"
    return sql_literal(inner) + "::text"


def captured_statements(text):
    """{request name: [(sql with $n, {n: logged value}, sql with literals)]} from the log text of a
    capture: the statements between `SELECT 'dms-bench-capture:<name>'` markers."""
    requests, current, pending = {}, None, None
    for pid, level, message in log_entries(text):
        if level == "LOG":
            body = re.sub(r"^(?:statement|execute [^:]*): ", "", message, count=1)
            if body == message:
                continue
            marker = re.search(re.escape(MARKER) + r"([\w-]+)", body)
            if marker:
                current = requests.setdefault(marker.group(1), []) if marker.group(1) != "end" else None
                pending = None
                continue
            if current is not None:
                pending = [body, {}, pid]
                current.append(pending)
        elif level == "DETAIL" and pending is not None and pid == pending[2] and message.startswith("parameters: "):
            pending[1] = {int(n): v for n, v in PARAMETER.findall(message)}
    out = {}
    for name, statements in requests.items():
        out[name] = []
        for sql, params, _ in statements:
            literal = sql
            for n in sorted(params, reverse=True):
                literal = re.sub(r"\$%d(?!\d)" % n, lambda _m, v=typed_literal(params[n]): v, literal)
            out[name].append((sql, {str(k): v for k, v in params.items()}, literal))
    return out


def capture_sql(ctx, rows, requests):
    """Runs each request once against a service whose database session logs every statement with
    its parameters (log_statement = all for the `dms` database), and returns what it sent."""
    pg, args = ctx.pg, ctx.args
    log_path = os.path.join(pg.data, "server.log")
    pg.psql(f"ALTER DATABASE {pg.db} SET log_statement = 'all';", db="postgres")
    server = Server(args, pg, 1, os.path.join(args.work, f"server_capture_{rows}.log"), port=free_port(),
                    pid_file=os.path.join(args.work, "server-capture.pid"))
    try:
        start = os.path.getsize(log_path)
        server.start()
        for name, method, path, body in requests:
            pg.psql(f"SELECT '{MARKER}{name}';")
            request = urllib.request.Request(server.base() + path, method=method, data=body.encode() if body else None,
                                             headers={"Content-Type": "application/json", "X-DMS-Actor": "bench"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                say(f"warning: capture of {name}: {method} {path} answered {error.code}")
        pg.psql(f"SELECT '{MARKER}end';")
        time.sleep(0.3)
        with open(log_path, encoding="utf-8", errors="replace") as f:
            f.seek(start)
            text = f.read()
    finally:
        server.stop()
        pg.psql(f"ALTER DATABASE {pg.db} RESET log_statement;", db="postgres")
    return captured_statements(text)


# ---------------------------------------------------------------------------------------------
# loading the database

# Titles of loaded cases: varied French procurement titles, CASE_TITLES[n % 40] with the place
# CASE_PLACES[(n / 40) % 20] for {p}: 800 different titles, each 1 case in 800.
CASE_TITLES = [
    "Fourniture de ciment — {p}", "Fourniture de fer à béton — {p}", "Réhabilitation de l'école de {p}",
    "Construction d'un forage à {p}", "Construction de salles de classe à {p}", "Acquisition de fournitures de bureau — {p}",
    "Acquisition de matériel informatique — {p}", "Achat de médicaments essentiels pour le CSCOM de {p}",
    "Entretien des véhicules de la mairie de {p}", "Fourniture de carburant — {p}", "Travaux de bitumage de la route de {p}",
    "Réhabilitation du centre de santé de {p}", "Fourniture de table-bancs pour les écoles de {p}",
    "Acquisition d'un groupe électrogène — {p}", "Construction d'un marché à {p}",
    "Fourniture de riz pour les cantines scolaires de {p}", "Aménagement de périmètres maraîchers à {p}",
    "Curage des caniveaux de {p}", "Installation de lampadaires solaires à {p}", "Fourniture de moustiquaires imprégnées — {p}",
    "Réfection de la toiture de la mairie de {p}", "Construction d'une latrine publique à {p}",
    "Fourniture de tôles et de pointes — {p}", "Location de véhicules 4x4 — {p}",
    "Gardiennage des bâtiments administratifs de {p}", "Nettoyage des locaux de la préfecture de {p}",
    "Fourniture de gasoil pour la station de pompage de {p}", "Étude de faisabilité d'une adduction d'eau à {p}",
    "Contrôle et surveillance des travaux de voirie de {p}", "Formation des agents de santé de {p}",
    "Impression des registres d'état civil — {p}", "Acquisition de motos pour les agents de {p}",
    "Équipement du laboratoire du lycée de {p}", "Fourniture de semences de mil et de sorgho — {p}",
    "Fourniture d'engrais — {p}", "Réalisation d'un château d'eau à {p}", "Fourniture de kits scolaires — {p}",
    "Réparation de pompes à motricité humaine à {p}", "Pavage de la place publique de {p}",
    "Acquisition de mobilier de bureau — {p}",
]
CASE_PLACES = ["Ségou", "Kati", "Mopti", "Sikasso", "Kayes", "Koulikoro", "Gao", "Tombouctou", "Bougouni", "Koutiala",
               "San", "Djenné", "Bandiagara", "Nioro du Sahel", "Kita", "Bamako", "Banamba", "Dioïla", "Niono", "Kolondiéba"]


def title_sql(n):
    """SQL of case n's title (n: an integer expression), the same text as case_title(n)."""
    titles = "ARRAY[" + ", ".join(sql_literal(t) for t in CASE_TITLES) + "]"
    places = "ARRAY[" + ", ".join(sql_literal(p) for p in CASE_PLACES) + "]"
    return (f"replace(({titles})[1 + {n} % {len(CASE_TITLES)}], '{{p}}', "
            f"({places})[1 + ({n} / {len(CASE_TITLES)}) % {len(CASE_PLACES)}])")


def case_title(n):
    return CASE_TITLES[n % len(CASE_TITLES)].replace("{p}", CASE_PLACES[(n // len(CASE_TITLES)) % len(CASE_PLACES)])


def load_cases(pg, count, prefix, dated_before=None, decide_half=False, batch=5000):
    """Inserts `count` cases (ids md5(prefix || n)::uuid, n = 1…count; titles case_title(n)) with
    their `case_created` events, in batches (the events_link trigger takes one advisory lock per
    event, held until commit). dated_before: a timestamp literal; case n is then (count − n) × 7 s
    older, so the newest-first order is n descending. decide_half: even n get a decision, `decided`
    status and a `decision_recorded` event, like POST /api/decide does."""
    if dated_before:
        dates = (f", t.at, t.at FROM generate_series({{a}}, {{b}}) AS i, LATERAL (SELECT timestamptz {sql_literal(dated_before)}"
                 f" - ({count} - i) * interval '7 seconds' - (i % 997) * interval '1 microsecond' AS at) AS t")
        columns = "id, case_type, title, lot, created_by, created_at, updated_at"
    else:
        dates = " FROM generate_series({a}, {b}) AS i"
        columns = "id, case_type, title, lot, created_by"
    template = (
        "WITH c AS (\n"
        f"  INSERT INTO cases ({columns})\n"
        f"  SELECT md5({sql_literal(prefix)} || i)::uuid, CASE WHEN i % 4 = 0 THEN 'RFQ' ELSE 'DAO' END,\n"
        "         " + title_sql("i").replace("{", "{{").replace("}", "}}") + ", CASE WHEN i % 5 = 0 THEN NULL ELSE 'Lot ' || (i % 9 + 1) END,\n"
        "         'bench'" + dates + "\n"
        "  RETURNING id, case_type, title, lot)\n"
        "INSERT INTO events (case_id, type, actor, payload)\n"
        "SELECT id, 'case_created', 'bench', jsonb_build_object('case_type', case_type, 'title', title, 'lot', lot) FROM c;\n")
    decide = (
        "WITH d AS (\n"
        "  INSERT INTO decisions (case_id, chosen_supplier, decision_reason, decided_by)\n"
        f"  SELECT md5({sql_literal(prefix)} || i)::uuid, 'Ets Diallo & Fils', 'Offre conforme, délai 15 jours', 'bench'\n"
        "  FROM generate_series({a}, {b}) AS i WHERE i % 2 = 0\n"
        "  RETURNING case_id, chosen_supplier, decision_reason\n"
        "), u AS (\n"
        "  UPDATE cases SET status = 'decided', updated_at = now() FROM d WHERE cases.id = d.case_id RETURNING cases.id\n"
        ")\n"
        "INSERT INTO events (case_id, type, actor, payload)\n"
        "SELECT case_id, 'decision_recorded', 'bench', jsonb_build_object('chosen_supplier', chosen_supplier,\n"
        "       'decision_reason', decision_reason, 'next_action', NULL, 'previous_status', 'open') FROM d;\n")
    statements = []
    for a in range(1, count + 1, batch):
        statements.append(template.format(a=a, b=min(count, a + batch - 1)))
    if decide_half:
        for a in range(1, count + 1, batch):
            statements.append(decide.format(a=a, b=min(count, a + batch - 1)))
    pg.psql("".join(statements))


# ---------------------------------------------------------------------------------------------
# the service

class ServerGone(Exception):
    """The service exited during a measurement (exit 0: something outside sent it SIGTERM/SIGINT)."""


class Server:
    def __init__(self, args, pg, pool_size, log_path, port=None, pid_file=None):
        self.args = args
        self.pg = pg
        self.pool_size = pool_size
        self.log_path = log_path
        self.port = port or args.port
        self.pid_file = pid_file or args.pid_file
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid

    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        env = dict(os.environ, DATABASE_URL=self.pg.url(), HOST="127.0.0.1", PORT=str(self.port),
                   DMS_POOL_SIZE=str(self.pool_size), LOG_LEVEL="warning", DMS_AUTH="off",
                   DMS_RATE_LIMIT_WRITES_PER_MIN="0")  # no write limit: the benchmark measures the service, not the limiter
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.args.dms_bin, "serve", "--no-migrate"], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        with open(self.pid_file, "w") as f:
            f.write(str(self.proc.pid))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                die(f"the server exited with {self.proc.returncode} (log: {self.log_path})")
            try:
                with urllib.request.urlopen(self.base() + "/api/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        die(f"the server did not answer /api/health within 60 s (log: {self.log_path})")

    def check_alive(self):
        if self.proc.poll() is not None:
            raise ServerGone(self.proc.returncode)

    def hwm_kb(self):
        return proc_status_kb(self.proc.pid, "VmHWM")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc:
            self.log.close()
        try:
            os.remove(self.pid_file)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# wrk

LUA_COMMON = r"""
threads = {}
local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end
c409 = 0
exhausted = 0
function done(summary, latency, requests)
  local n409, nexhausted = 0, 0
  for _, t in ipairs(threads) do
    n409 = n409 + (t:get("c409") or 0)
    nexhausted = nexhausted + (t:get("exhausted") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,"c409":%d,"exhausted":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max, n409, nexhausted))
end
"""

LUA_GET_CASE = r"""
local ids = {}
function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  math.randomseed(os.time() * 7919 + (tid or 0))
end
function request()
  return wrk.format("GET", "/api/cases/" .. ids[math.random(#ids)])
end
"""

LUA_POST_CASE = r"""
wrk.method = "POST"
wrk.body = '%s'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-DMS-Actor"] = "bench"
""" % CREATE_BODY

# Each thread takes every n-th id of the file (its own slice) and hands out each once; past the
# end it starts again (those requests answer 409 and are counted as `exhausted`).
LUA_DECIDE = r"""
local ids = {}
local position = 0
local headers = {["Content-Type"] = "application/json", ["X-DMS-Actor"] = "bench"}
local body = '%s'
function init(args)
  local nthreads, index = tonumber(args[1]), 0
  for line in io.lines(args[2]) do
    if index %% nthreads == (tid or 0) then ids[#ids + 1] = line end
    index = index + 1
  end
end
function request()
  position = position + 1
  if position > #ids then exhausted = exhausted + 1 end
  return wrk.format("POST", "/api/decide/" .. ids[(position - 1) %% #ids + 1], headers, body)
end
function response(status, headers, body)
  if status == 409 then c409 = c409 + 1 end
end
""" % DECIDE_BODY


# A random path of a file, one per line (GET /api/market/stats with varying parameters).
LUA_PATHS = r"""
local paths = {}
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() * 7919 + (tid or 0))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def write_lua(work):
    scripts = {"plain": "", "get_case": LUA_GET_CASE, "post_case": LUA_POST_CASE, "decide": LUA_DECIDE,
               "paths": LUA_PATHS}
    paths = {}
    for name, body in scripts.items():
        path = os.path.join(work, f"wrk_{name}.lua")
        with open(path, "w", encoding="utf-8") as f:
            f.write(body + LUA_COMMON)
        paths[name] = path
    return paths


def run_wrk(ctx, server, test, path, connections, duration, script, script_args=()):
    threads = max(1, min(ctx.args.threads, connections))
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
               "-s", script, server.base() + path]
    if script_args:
        command += ["--"] + [str(a) for a in script_args]
    with Sampler(ctx.pg, server) as sample:
        result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    server.check_alive()
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        die(f"wrk failed ({' '.join(command)}):\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len("BENCH_JSON "):])
    seconds = data["duration_us"] / 1e6
    requests = data["requests"]
    return {
        "test": test, "connections": connections, "rate": requests / seconds, "requests": requests,
        "p50_us": data["p50_us"], "p95_us": data.get("p95_us"), "p99_us": data["p99_us"],
        "non2xx": data["status"] - data["c409"], "c409": data["c409"], "exhausted": data["exhausted"],
        "socket_errors": data["connect"] + data["read"] + data["write"] + data["timeout"],
        "rss_peak_mb": sample.peak_kb / 1024 if sample.peak_kb else None,
        "cpu_app_us": sample.app_cpu / requests * 1e6 if requests else None,
        "cpu_pg_us": sample.pg_cpu / requests * 1e6 if requests else None,
        "cpu_client_us": sample.client_cpu / requests * 1e6 if requests else None,
        "cores_busy": (sample.app_cpu + sample.pg_cpu + sample.client_cpu) / sample.wall,
        "machine_busy": sample.machine_cpu / sample.wall,
        "threads": threads,
    }


# ---------------------------------------------------------------------------------------------
# pgbench

def run_pgbench(ctx, test, script_text, connections, duration, rows, server=None, transactions=None):
    """pgbench -M extended on the context's database for `duration` seconds (or `transactions`
    per client), the latencies from its per-transaction log."""
    work = ctx.args.work
    script = os.path.join(work, f"pgbench_{test}.sql")
    with open(script, "w", encoding="utf-8") as f:
        f.write(script_text)
    log_dir = os.path.join(work, "pgbench_logs")
    shutil.rmtree(log_dir, ignore_errors=True)
    os.makedirs(log_dir)
    jobs = 1 if connections == 1 else 2
    command = [os.path.join(ctx.args.pg_bin, "pgbench") if os.path.exists(os.path.join(ctx.args.pg_bin, "pgbench")) else "pgbench",
               "-n", "-M", "extended", "-c", str(connections), "-j", str(jobs)]
    command += ["-t", str(transactions)] if transactions else ["-T", str(duration)]
    command += ["-D", f"rows={rows}", "-l", f"--log-prefix={log_dir}/tx", "-f", script] + ctx.pg.conn_args()
    with Sampler(ctx.pg, None) as sample:
        result = subprocess.run(command, capture_output=True, text=True, env=ctx.pg.env,
                                timeout=duration + 120 if not transactions else 3600, cwd=work)
    if result.returncode != 0:
        die(f"pgbench failed ({test}):\n{result.stdout}\n{result.stderr}")
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", result.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    done = re.search(r"number of transactions actually processed: (\d+)", result.stdout)
    latencies = []
    for name in os.listdir(log_dir):
        with open(os.path.join(log_dir, name)) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    latencies.append(int(parts[2]))
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] if latencies else None

    count = int(done.group(1)) if done else len(latencies)
    return {
        "test": test, "connections": connections, "rate": float(tps.group(1)) if tps else None, "requests": count,
        "p50_us": pct(50), "p95_us": pct(95), "p99_us": pct(99), "non2xx": int(failed.group(1)) if failed else 0, "c409": 0,
        "exhausted": 0, "socket_errors": 0, "rss_peak_mb": None, "cpu_app_us": None,
        "cpu_pg_us": sample.pg_cpu / count * 1e6 if count else None,
        "cpu_client_us": sample.client_cpu / count * 1e6 if count else None,
        "cores_busy": (sample.pg_cpu + sample.client_cpu) / sample.wall,
        "machine_busy": sample.machine_cpu / sample.wall, "threads": jobs,
    }


PG_INSERT = ("INSERT INTO bench_insert (case_type, title, lot, created_by)\n"
             "VALUES ('DAO', 'Fourniture de ciment — Mopti', 'Lot 1', 'pgbench');\n")
PG_SELECT = ("\\set n random(1, :rows)\n"
             "SELECT id, case_type, title, lot, status, created_at, updated_at\n"
             f"FROM cases WHERE id = md5('{CASE_PREFIX}' || (:n)::text)::uuid;\n")


def replay_script(statements, case_uuid=None):
    """A pgbench script replaying one request's statements; the case id, if given, becomes a
    random loaded case."""
    lines = []
    if case_uuid:
        lines.append("\\set n random(1, :rows)")
    for _, _, literal in statements:
        if case_uuid:
            literal = literal.replace(sql_literal(case_uuid) + "::uuid", f"md5('{CASE_PREFIX}' || (:n)::text)::uuid")
        lines.append(literal.rstrip().rstrip(";") + ";")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# one row count

class Context:
    def __init__(self, args, pg, lua, tag=""):
        self.args = args
        self.pg = pg
        self.lua = lua
        self.tag = tag           # in the names of the service's log files ("tls_" for the tls step)
        self.results = []        # dicts with "rows" and "pool" added
        self.explains = []
        self.captured = {}       # rows -> {request: [(sql, params, literal)]}
        self.rows_info = {}      # rows -> {"hwm_mb", "load_s", …}
        self.sweep = []
        self.notes = []          # things that happened during the run, for the report
        self.decide_batch = 0
        self.market = {}         # the market step's figures (see run_market)
        self.tls = {}            # the tls step's (run_tls), search's (run_search), upload's (run_upload), cba's (run_cba)
        self.search = {}
        self.upload = {}
        self.cba = {}
        self.baseline = None     # a previous run's figures (load_baseline), for the before → after columns


def fresh_database(ctx):
    """Drops and creates the benchmark database, then `dms migrate` (the binary's own migrations)."""
    pg = ctx.pg
    pg.recreate()
    migrate = subprocess.run([ctx.args.dms_bin, "migrate"], env=dict(os.environ, DATABASE_URL=pg.url(), LOG_LEVEL="warning"),
                             capture_output=True, text=True, timeout=600)
    if migrate.returncode != 0:
        die(f"dms migrate failed:\n{migrate.stdout}\n{migrate.stderr}")


def prepare_database(ctx, rows):
    pg = ctx.pg
    say(f"rows={rows:,}: fresh database, migrate, load {rows:,} cases (half decided) with their events")
    t0 = time.monotonic()
    fresh_database(ctx)
    base = pg.psql("SELECT now() - interval '1 minute';").strip()
    load_cases(pg, rows, CASE_PREFIX, dated_before=base, decide_half=True)
    pg.psql("CREATE TABLE bench_insert (LIKE cases INCLUDING ALL);\nVACUUM ANALYZE;\n")
    pg.checkpoint()
    counts = pg.psql("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM decisions), (SELECT count(*) FROM events);")
    load_s = time.monotonic() - t0
    say(f"rows={rows:,}: loaded in {load_s:.1f} s (cases|decisions|events = {counts.strip()})")
    ids_file = os.path.join(ctx.args.work, f"ids_{rows}.txt")
    with open(ids_file, "w") as f:
        for n in range(1, rows + 1):
            f.write(case_id(CASE_PREFIX, n) + "\n")
    return ids_file, load_s


def deep_cursor(pg, rows, status=None):
    """The cursor of the page 90 % of the way down the newest-first list."""
    where = f"WHERE status = {sql_literal(status)}" if status else ""
    total = int(pg.psql(f"SELECT count(*) FROM cases {where};").strip())
    offset = max(0, int(total * 0.9) - 1)
    line = pg.psql(f"SELECT iso_utc(created_at), id FROM cases {where} ORDER BY created_at DESC, id DESC "
                   f"OFFSET {offset} LIMIT 1;").strip()
    created_at, case_uuid = line.split("|")
    return created_at, case_uuid


LIST_CAPTURES = [("list_first", None, False), ("list_deep", None, True),
                 ("list_open_first", "open", False), ("list_open_deep", "open", True)]


def explain_lists(ctx, rows, captured):
    say(f"rows={rows:,}: EXPLAIN (ANALYZE, BUFFERS) of the list queries the service sent")
    for name, status, deep in LIST_CAPTURES:
        statements = captured.get(name) or []
        if len(statements) != 1:
            say(f"warning: {name}: expected one statement, captured {len(statements)}")
        for sql, params, literal in statements:
            plan = ctx.pg.psql("EXPLAIN (ANALYZE, BUFFERS)\n" + literal + ";")
            indexes = sorted(set(re.findall(
                r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)", plan)))
            ctx.explains.append({
                "rows": rows, "status": status, "deep": deep, "sql": sql, "params": params, "literal": literal,
                "plan": plan.rstrip(), "indexes": indexes, "seq_scan": "Seq Scan" in plan,
                "removed": sum(int(n) for n in re.findall(r"Rows Removed by Filter: (\d+)", plan)),
                "cursor_in_index": bool(re.search(r"Index Cond: .*ROW\(created_at, id\)", plan)),
                "time_ms": float((re.search(r"Execution Time: ([0-9.]+)", plan) or [0, 0])[1])})


def record(ctx, rows, pool, result):
    result = dict(result, rows=rows, pool=pool)
    ctx.results.append(result)
    extra = ""
    if result["test"] == "decide":
        extra = f", 409={result['c409']}"
    say(f"   {TEST_LABELS[result['test']]} c{result['connections']}: {result['rate']:,.0f}/s, "
        f"p50 {fmt_ms(result['p50_us'])} ms, p99 {fmt_ms(result['p99_us'])} ms, "
        f"errors {result['non2xx']}+{result['socket_errors']}{extra}; cores busy {result['cores_busy']:.2f} "
        f"(machine {result['machine_busy']:.2f})")
    return result


def make_decide_pool(ctx, rows, connections, create_rate, duration):
    """Fresh open cases (with their `case_created` event) for one decide run, one id per request."""
    ctx.decide_batch += 1
    need = int(min(150_000, max(2_000, 1.5 * (create_rate or 2_000) * duration)))
    prefix = f"dms-bench-decide-{ctx.decide_batch}-"
    say(f"rows={rows:,}: creating {need:,} open cases for POST /api/decide c{connections}")
    load_cases(ctx.pg, need, prefix)
    ctx.pg.psql("ANALYZE cases; ANALYZE events;")
    path = os.path.join(ctx.args.work, f"decide_{ctx.decide_batch}.txt")
    with open(path, "w") as f:
        for n in range(1, need + 1):
            f.write(case_id(prefix, n) + "\n")
    return path


def run_rows(ctx, rows, connections, duration, pool, tests, explain=False, baselines=False, pg_connections=None):
    """One row count: load, pgbench (at pg_connections, default the same as wrk's), the service with wrk."""
    args = ctx.args
    ids_file, load_s = prepare_database(ctx, rows)
    info = ctx.rows_info.setdefault((rows, pool), {})
    info["load_s"] = load_s
    cursor_all = deep_cursor(ctx.pg, rows)
    deep_path = "/api/cases?limit=50&cursor=" + cursor_token(*cursor_all)
    statements = {}
    if explain or baselines:
        say(f"rows={rows:,}: capturing the SQL the service sends for each endpoint (log_statement = all)")
        decided_case = case_id(CASE_PREFIX, 2)
        open_cursor = "/api/cases?limit=50&status=open&cursor=" + cursor_token(*deep_cursor(ctx.pg, rows, "open"))
        requests = [("get_case", "GET", f"/api/cases/{decided_case}", None),
                    ("list_first", "GET", "/api/cases?limit=50", None), ("list_deep", "GET", deep_path, None),
                    ("list_open_first", "GET", "/api/cases?limit=50&status=open", None),
                    ("list_open_deep", "GET", open_cursor, None), ("health", "GET", "/api/health", None)]
        if baselines:
            requests += [("post_case", "POST", "/api/cases", CREATE_BODY),
                         ("decide", "POST", f"/api/decide/{case_id(CASE_PREFIX, 1)}", DECIDE_BODY)]
        captured = capture_sql(ctx, rows, requests)
        ctx.captured[rows] = captured
        if explain:
            explain_lists(ctx, rows, captured)
        if baselines:
            for name in ("get_case", "list_first", "list_deep", "health", "post_case"):
                if captured.get(name):
                    statements["sql_" + name] = replay_script(captured[name], decided_case if name == "get_case" else None)

    # The database alone, before the service runs.
    for c in (connections if pg_connections is None else pg_connections):
        if "pg_select" in tests:
            say(f"rows={rows:,}: pgbench SELECT by primary key, c{c}, {duration} s")
            record(ctx, rows, pool, run_pgbench(ctx, "pg_select", PG_SELECT, c, duration, rows))
        if "pg_insert" in tests:
            say(f"rows={rows:,}: pgbench INSERT, c{c}, {duration} s")
            record(ctx, rows, pool, run_pgbench(ctx, "pg_insert", PG_INSERT, c, duration, rows))
    for name in ("sql_get_case", "sql_list_first", "sql_list_deep", "sql_health"):
        if statements.get(name):
            say(f"rows={rows:,}: {TEST_LABELS[name]}, c{TARGET_CONNECTIONS}, {duration} s")
            record(ctx, rows, pool, run_pgbench(ctx, name, statements[name], TARGET_CONNECTIONS, duration, rows))

    server = Server(args, ctx.pg, pool, os.path.join(args.work, f"server_{ctx.tag}{rows}_{pool}.log"))
    say(f"rows={rows:,}: starting the service (DMS_POOL_SIZE={pool}, LOG_LEVEL=warning)")
    server.start()

    def measure(test, path, c, script, script_args=(), prepare=None):
        """One wrk run; if the service exits meanwhile, start it again and repeat the run once."""
        for attempt in (1, 2):
            extra = prepare() if prepare else []
            try:
                return run_wrk(ctx, server, test, path, c, duration, script, list(script_args) + extra)
            except ServerGone as gone:
                note = (f"rows={rows:,}, pool {pool}: the service exited (status {gone.args[0]}) during {TEST_LABELS[test]} "
                        f"c{c}; it was started again and the run repeated")
                if attempt == 2:
                    die(note.replace("was started again and the run repeated", "exited again on the repeated run"))
                say("warning: " + note)
                ctx.notes.append(note)
                server.stop()
                server.start()
                run_wrk(ctx, server, "get_case", "/", max(connections), 2, ctx.lua["get_case"], [ids_file])

    try:
        say(f"rows={rows:,}: warm-up, GET /api/cases/{{id}} c{max(connections)}, 2 s")
        run_wrk(ctx, server, "get_case", "/", max(connections), 2, ctx.lua["get_case"], [ids_file])
        paths = {"list_first": "/api/cases?limit=50", "list_deep": deep_path, "health": "/api/health"}
        for test in READS:
            if test not in tests:
                continue
            for c in connections:
                say(f"rows={rows:,}: {TEST_LABELS[test]}, c{c}, {duration} s")
                if test == "get_case":
                    r = measure(test, "/", c, ctx.lua["get_case"], [ids_file])
                else:
                    r = measure(test, paths[test], c, ctx.lua["plain"])
                record(ctx, rows, pool, r)
        create_rates = {}
        if "post_case" in tests:
            for c in connections:
                say(f"rows={rows:,}: POST /api/cases, c{c}, {duration} s")
                r = record(ctx, rows, pool, measure("post_case", "/api/cases", c, ctx.lua["post_case"]))
                create_rates[c] = r["rate"]
        if "decide" in tests:
            for c in connections:
                threads = max(1, min(args.threads, c))

                def fresh_pool(c=c):
                    return [make_decide_pool(ctx, rows, c, create_rates.get(c), duration)]

                say(f"rows={rows:,}: POST /api/decide/{{id}}, c{c}, {duration} s")
                record(ctx, rows, pool, measure("decide", "/", c, ctx.lua["decide"], [threads], prepare=fresh_pool))
        info["hwm_mb"] = (server.hwm_kb() or 0) / 1024
    finally:
        server.stop()
    if statements.get("sql_post_case"):
        say(f"rows={rows:,}: {TEST_LABELS['sql_post_case']}, c{TARGET_CONNECTIONS}, {duration} s")
        record(ctx, rows, pool, run_pgbench(ctx, "sql_post_case", statements["sql_post_case"], TARGET_CONNECTIONS,
                                            duration, rows))


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_sweep(ctx, sizes):
    """One service per pool size on one database, measured in turn test by test (interleaved, so a
    change in the machine's load mid-sweep does not favour one size)."""
    args = ctx.args
    rows, duration, connections = args.sweep_rows, args.sweep_duration, [16, 64]
    ids_file, _ = prepare_database(ctx, rows)
    servers = {}
    try:
        for i, size in enumerate(sizes):
            server = Server(args, ctx.pg, size, os.path.join(args.work, f"server_sweep_{size}.log"), port=free_port(),
                            pid_file=os.path.join(args.work, f"server-sweep-{i}.pid"))
            server.start()
            run_wrk(ctx, server, "get_case", "/", 64, 2, ctx.lua["get_case"], [ids_file])
            servers[size] = server
        create_rates = {}
        plan = [("post_case", "/api/cases", "post_case"), ("get_case", "/", "get_case"),
                ("list_first", "/api/cases?limit=50", "plain"), ("decide", "/", "decide")]
        for test, path, script in plan:
            for c in connections:
                for size, server in servers.items():
                    say(f"pool sweep: DMS_POOL_SIZE={size}, {TEST_LABELS[test]}, c{c}, {duration} s")
                    extra = [ids_file] if test == "get_case" else []
                    if test == "decide":
                        extra = [max(1, min(args.threads, c)),
                                 make_decide_pool(ctx, rows, c, create_rates.get((c, size)), duration)]
                    try:
                        r = run_wrk(ctx, server, test, path, c, duration, ctx.lua[script], extra)
                    except ServerGone as gone:
                        note = f"pool sweep: the service with pool {size} exited (status {gone.args[0]}); sweep stopped"
                        say("warning: " + note)
                        ctx.notes.append(note)
                        return
                    if test == "post_case":
                        create_rates[(c, size)] = r["rate"]
                    r = dict(r, rows=rows, pool=size)
                    ctx.sweep.append(r)
                    say(f"   {r['rate']:,.0f}/s, p99 {fmt_ms(r['p99_us'])} ms, CPU µs/req app · pg "
                        f"{r['cpu_app_us']:,.0f} · {r['cpu_pg_us']:,.0f}, machine busy {r['machine_busy']:.2f} cores")
    finally:
        for server in servers.values():
            server.stop()


# ---------------------------------------------------------------------------------------------
# the market step: statistics of validated market signals (Couche B, SPEC §5)

MARKET_SIGNALS = 1_000_000
MARKET_SIGNALS_QUICK = 100_000
MARKET_TARGET_P95_MS = 50          # GET /api/market/stats, p95 (only reported)
MARKET_FIRST_DAY = "2023-01-01"    # signals are observed on one of the 1,096 days from here (3 years)
MARKET_DAYS = 1096
MARKET_WINDOW_DAYS = 365           # from–to of the measured queries: one year, starting anywhere in the first two
MARKET_BATCH = 100_000             # signals per INSERT and per UPDATE (one transaction each)
MARKET_VALIDATED_BELOW = 230       # a signal is validated when the last byte of its id is below this: 230/256 ≈ 90 %
MARKET_SEQUENTIAL = 500            # sequential requests for the endpoint's percentiles
MARKET_GROUPS = ("month", "quarter", "year")

# What the signals are about: seeded items (migration 0009), a price in XOF per base unit on the
# first day, and the seeded units their prices are entered in (one drawn per signal).
MARKET_ITEMS = [
    ("Ciment CPA 42.5", 110, ["sac 50 kg", "tonne", "kg"]),
    ("Ciment CPJ 35", 100, ["sac 50 kg", "tonne"]),
    ("Fer à béton HA 8", 650, ["barre HA 8 (12 m)", "tonne", "kg"]),
    ("Fer à béton HA 10", 640, ["barre HA 10 (12 m)", "tonne", "kg"]),
    ("Fer à béton HA 12", 630, ["barre HA 12 (12 m)", "tonne", "kg"]),
    ("Sable", 7000, ["m3"]),
    ("Gravier", 14000, ["m3"]),
    ("Moellons", 8000, ["m3"]),
    ("Tôle ondulée galvanisée", 4500, ["pièce", "paquet de 10"]),
    ("Parpaing creux de 15", 450, ["pièce"]),
    ("Carreaux de sol", 6500, ["m2"]),
    ("Peinture à eau", 2200, ["litre", "bidon 20 L"]),
    ("Pointes (clous)", 1000, ["kg", "sac 25 kg"]),
    ("Riz brisé", 400, ["kg", "sac 25 kg", "sac 50 kg"]),
    ("Riz local", 450, ["kg", "sac 50 kg", "sac 100 kg"]),
    ("Mil", 260, ["kg", "sac 100 kg"]),
    ("Maïs", 210, ["kg", "sac 100 kg"]),
    ("Sorgho", 240, ["kg", "sac 100 kg"]),
    ("Fonio", 750, ["kg", "sac 50 kg"]),
    ("Niébé", 550, ["kg", "sac 100 kg"]),
    ("Sucre", 650, ["kg", "sac 50 kg"]),
    ("Huile végétale", 1200, ["litre", "bidon 5 L", "bidon 20 L"]),
    ("Lait en poudre", 3800, ["kg", "sac 25 kg"]),
    ("Sel", 200, ["kg", "sac 50 kg"]),
    ("Farine de blé", 550, ["kg", "sac 50 kg"]),
    ("Gasoil", 775, ["litre", "fût 200 L"]),
    ("Essence super", 775, ["litre", "fût 200 L"]),
    ("Pétrole lampant", 700, ["litre", "bidon 20 L"]),
    ("Gaz butane", 700, ["bouteille de gaz 6 kg", "bouteille de gaz 12,5 kg"]),
    ("Papier A4 80 g (rame de 500 feuilles)", 3500, ["rame", "carton de 5 rames"]),
    ("Cartouche d'encre (jet d'encre)", 25000, ["pièce"]),
    ("Toner (imprimante laser)", 45000, ["pièce"]),
    ("Stylo à bille", 125, ["pièce", "boîte de 50"]),
    ("Savon de ménage", 300, ["pièce", "carton de 24"]),
    ("Eau de javel", 800, ["litre", "bidon 5 L"]),
    ("Détergent en poudre", 1100, ["kg"]),
    ("Moustiquaire imprégnée", 3000, ["pièce"]),
    ("Gel hydroalcoolique", 4500, ["litre", "bidon 5 L"]),
    ("Location de véhicule 4x4 avec chauffeur", 65000, ["jour"]),
    ("Main-d'œuvre maçon", 6000, ["jour"]),
]

# The statistics GET /api/market/stats runs (group=month), by item, place (a région or commune:
# every place under it counts, through place_ancestors) and observation dates.
MARKET_STATS_SQL = """SELECT s.item_id, to_char(date_trunc('month', s.observed_on), 'YYYY-MM') AS period, s.currency, count(*),
       min(s.base_unit_price), max(s.base_unit_price), round(avg(s.base_unit_price), 2),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s.base_unit_price)
FROM market_signals s JOIN place_ancestors a ON a.place_id = s.place_id AND a.ancestor_id = {place}
WHERE s.status = 'validated' AND s.item_id = {item} AND s.observed_on BETWEEN {start} AND {end}
GROUP BY 1, 2, 3 ORDER BY 2"""

MARKET_LABELS = {"region": "a région", "commune": "a commune"}  # what :place is in a pgbench run


def migrations_from_tree(ctx):
    """Applies the migrations of Sources/ that the binary does not have (a binary built before
    0009 has no seeded catalog), each in one transaction and recorded like `dms migrate` does.
    Returns their names."""
    pg = ctx.pg
    applied = {int(v) for v in pg.psql("SELECT version FROM schema_migrations;").split()}
    folder = os.path.join(ROOT, "Sources", "DMSStore", "Migrations")
    added = []
    for name in sorted(os.listdir(folder)):
        match = re.match(r"(\d+).*\.sql$", name)
        if not match or int(match.group(1)) in applied:
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            sql = f.read()
        pg.psql(f"BEGIN;\n{sql}\n;\nINSERT INTO schema_migrations (version, name) VALUES "
                f"({int(match.group(1))}, {sql_literal(name[:-4])});\nCOMMIT;\n")
        added.append(name[:-4])
    return added


def market_tables(ctx):
    """The bench's own lookup tables: items with their price and units, the places signals are
    observed at (seeded markets and communes), and the régions and communes queries ask for."""
    pg = ctx.pg
    items = ",\n".join(f"({n}, {sql_literal(name)}, {price}, {len(units)})"
                       for n, (name, price, units) in enumerate(MARKET_ITEMS, start=1))
    units = ",\n".join(f"({n}, {k}, {sql_literal(unit)})" for n, (_, _, us) in enumerate(MARKET_ITEMS, start=1)
                       for k, unit in enumerate(us, start=1))
    pg.psql(f"""
CREATE TABLE bench_market_items (n integer PRIMARY KEY, item_id uuid NOT NULL, name text NOT NULL,
                                 price numeric NOT NULL, nunits integer NOT NULL);
INSERT INTO bench_market_items SELECT v.n, i.id, i.name, v.price, v.nunits
FROM (VALUES {items}) AS v (n, name, price, nunits) JOIN catalog_items i ON i.name = v.name;
CREATE TABLE bench_market_units (item_n integer, k integer, unit_id uuid NOT NULL, factor numeric NOT NULL,
                                 PRIMARY KEY (item_n, k));
INSERT INTO bench_market_units SELECT v.item_n, v.k, u.id, u.factor
FROM (VALUES {units}) AS v (item_n, k, name) JOIN catalog_units u ON u.name = v.name;
CREATE TABLE bench_market_places (n integer PRIMARY KEY, place_id uuid NOT NULL);
INSERT INTO bench_market_places SELECT row_number() OVER (ORDER BY level, name), id
FROM catalog_places WHERE level IN ('marche', 'commune');
CREATE TABLE bench_market_targets (level text, n integer, id uuid NOT NULL, name text NOT NULL, PRIMARY KEY (level, n));
INSERT INTO bench_market_targets
SELECT p.level, row_number() OVER (PARTITION BY p.level ORDER BY p.name), p.id, p.name
FROM catalog_places p
WHERE p.level IN ('region', 'commune')
  AND EXISTS (SELECT 1 FROM place_ancestors a JOIN bench_market_places b ON b.place_id = a.place_id WHERE a.ancestor_id = p.id);
""")
    got = pg.psql("SELECT (SELECT count(*) FROM bench_market_items), (SELECT count(*) FROM bench_market_units), "
                  "(SELECT count(*) FROM bench_market_places), "
                  "(SELECT count(*) FROM bench_market_targets WHERE level = 'region'), "
                  "(SELECT count(*) FROM bench_market_targets WHERE level = 'commune');").strip().split("|")
    nitems, nunits, nplaces, nregions, ncommunes = (int(x) for x in got)
    want_units = sum(len(u) for _, _, u in MARKET_ITEMS)
    if nitems != len(MARKET_ITEMS) or nunits != want_units or not nplaces or not nregions or not ncommunes:
        die(f"market step: the seeded catalog lacks what the bench uses: items {nitems}/{len(MARKET_ITEMS)}, "
            f"units {nunits}/{want_units}, places {nplaces}, régions {nregions}, communes {ncommunes} "
            "(MARKET_ITEMS in scripts/bench_lib.py names items and units of migration 0009)")
    return {"items": nitems, "units": nunits, "places": nplaces, "regions": nregions, "communes": ncommunes}


def load_signals(ctx, count):
    """Inserts `count` survey signals through the table's triggers (each becomes `proposed` with
    its price per base unit), then validates ~90 % of them by UPDATE (the review trigger allows
    proposed → validated once and sets reviewed_at), both in batches; then VACUUM ANALYZE."""
    pg = ctx.pg
    timings = {}
    t0 = time.monotonic()
    # One psql session, so setseed() makes the data the same from one run to the next (the ids,
    # gen_random_uuid(), differ). Price = item price × unit factor × (+6 %/year) × (±8 % over the
    # year) × uniform noise ±15 %, rounded to the franc.
    statements = ["SELECT setseed(0.42);"]
    for a in range(1, count + 1, MARKET_BATCH):
        b = min(count, a + MARKET_BATCH - 1)
        statements.append(f"""
INSERT INTO market_signals (item_id, unit_id, unit_price, currency, place_id, observed_on, source, proposed_by)
SELECT i.item_id, u.unit_id,
       greatest(1, round(i.price * u.factor * (1 + 0.06 * r.day / 365.0) * (1 + 0.08 * sin(2 * pi() * r.day / 365.0))
                         * (0.85 + 0.30 * r.noise))),
       'XOF', p.place_id, DATE '{MARKET_FIRST_DAY}' + r.day, 'survey', 'bench'
FROM (SELECT g, 1 + floor(random() * {len(MARKET_ITEMS)})::int AS item_n, random() AS unit_draw,
             1 + floor(random() * (SELECT count(*) FROM bench_market_places))::int AS place_n,
             floor(random() * {MARKET_DAYS})::int AS day, random() AS noise
      FROM generate_series({a}, {b}) AS g) AS r
JOIN bench_market_items i ON i.n = r.item_n
JOIN bench_market_units u ON u.item_n = r.item_n AND u.k = 1 + floor(r.unit_draw * i.nunits)::int
JOIN bench_market_places p ON p.n = r.place_n;""")
    pg.psql("\n".join(statements), timeout=3600)
    timings["insert_s"] = time.monotonic() - t0
    say(f"market: {count:,} signals inserted in {timings['insert_s']:.1f} s")

    # Validation in 16 batches of the id space (the primary key finds each batch's rows).
    t1 = time.monotonic()
    bounds = [f"{h:x}0000000-0000-0000-0000-000000000000" for h in range(16)] + [None]
    statements = []
    for lo, hi in zip(bounds, bounds[1:]):
        upper = f" AND id < '{hi}'" if hi else ""
        statements.append(f"UPDATE market_signals SET status = 'validated', reviewed_by = 'bench' "
                          f"WHERE id >= '{lo}'{upper} AND status = 'proposed' "
                          f"AND get_byte(uuid_send(id), 15) < {MARKET_VALIDATED_BELOW};")
    pg.psql("\n".join(statements), timeout=3600)
    timings["validate_s"] = time.monotonic() - t1
    say(f"market: validated in {timings['validate_s']:.1f} s")

    t2 = time.monotonic()
    pg.psql("VACUUM ANALYZE market_signals;\nVACUUM ANALYZE place_ancestors;\nCHECKPOINT;", timeout=3600)
    timings["vacuum_s"] = time.monotonic() - t2
    timings["total_s"] = time.monotonic() - t0
    counts = pg.psql("SELECT count(*), count(*) FILTER (WHERE status = 'validated'), count(*) FILTER (WHERE status = 'proposed'), "
                     "count(DISTINCT item_id), count(DISTINCT place_id), min(observed_on), max(observed_on), "
                     "count(*) FILTER (WHERE status = 'validated' AND reviewed_at IS NULL), "
                     "pg_total_relation_size('market_signals'), pg_relation_size('market_signals_stats_idx') "
                     "FROM market_signals;").strip().split("|")
    timings.update(signals=int(counts[0]), validated=int(counts[1]), proposed=int(counts[2]), items=int(counts[3]),
                   places=int(counts[4]), first_day=counts[5], last_day=counts[6], unreviewed=int(counts[7]),
                   table_mb=int(counts[8]) / 2**20, stats_index_mb=int(counts[9]) / 2**20)
    say(f"market: {timings['signals']:,} signals ({timings['validated']:,} validated) in {timings['total_s']:.1f} s "
        f"with VACUUM ANALYZE; table and indexes {timings['table_mb']:,.0f} MB")
    return timings


PLAN_NODE = re.compile(r"^\s*(?:->\s+)?(.+?)\s+\(cost=[^)]*\)\s+\(actual time=[0-9.]+\.\.[0-9.]+ rows=(\d+) loops=(\d+)\)")


def plan_summary(plan):
    """Figures of an EXPLAIN (ANALYZE, BUFFERS) text plan: rows read from market_signals (returned
    by its scans, times loops, plus those a filter removed), the scans used, heap fetches, the
    statement's buffers and times."""
    nodes = []
    for line in plan.splitlines():
        match = PLAN_NODE.match(line)
        if match:
            nodes.append({"node": match.group(1), "rows": int(match.group(2)), "loops": int(match.group(3)), "attrs": []})
        elif nodes:
            nodes[-1]["attrs"].append(line.strip())
    read, scans, fetches = 0, [], 0
    for node in nodes:
        if re.search(r" on market_signals\b", node["node"]):
            removed = sum(int(n) for a in node["attrs"] for n in re.findall(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", a))
            read += node["rows"] * node["loops"] + removed * node["loops"]
            scans.append(re.sub(r"\s+on market_signals.*$", "", node["node"]).strip())
            fetches += sum(int(n) for a in node["attrs"] for n in re.findall(r"Heap Fetches: (\d+)", a))
    buffers = next((a for n in nodes[:1] for a in n["attrs"] if a.startswith("Buffers:")), "")
    hit = re.search(r"hit=(\d+)", buffers)
    disk = re.search(r"read=(\d+)", buffers)
    return {"read": read, "scans": scans, "heap_fetches": fetches,
            "hit": int(hit.group(1)) if hit else 0, "disk": int(disk.group(1)) if disk else 0,
            "time_ms": float((re.search(r"Execution Time: ([0-9.]+)", plan) or [0, 0])[1]),
            "planning_ms": float((re.search(r"Planning Time: ([0-9.]+)", plan) or [0, 0])[1]),
            "seq_scan": "Seq Scan on market_signals" in plan, "groups": nodes[0]["rows"] if nodes else 0}


def explain_market(ctx):
    """EXPLAIN (ANALYZE, BUFFERS) of the statistics of one item over one year, for the District de
    Bamako (the région with the most places) and for one of its communes, after one warm-up run."""
    pg = ctx.pg
    out = []
    item_id = pg.psql("SELECT id FROM catalog_items WHERE name = 'Riz local';").strip()
    for level, place in (("region", "District de Bamako"), ("commune", "Commune III")):
        place_id = pg.psql(f"SELECT id FROM catalog_places WHERE level = '{level}' AND name = {sql_literal(place)};").strip()
        literal = MARKET_STATS_SQL.format(place=sql_literal(place_id) + "::uuid", item=sql_literal(item_id) + "::uuid",
                                          start="DATE '2024-01-01'", end="DATE '2024-12-31'")
        # In one session: the first run warms the backend's caches as well as shared buffers.
        out_lines = pg.psql(f"SELECT coalesce(sum(count), 0) FROM ({literal}) AS q;\n"
                            f"EXPLAIN (ANALYZE, BUFFERS)\n{literal};").rstrip().split("\n")
        counted, plan = out_lines[0].strip(), "\n".join(out_lines[1:])
        summary = plan_summary(plan)
        summary.update(level=level, place=place, item="Riz local", literal=literal, plan=plan, counted=int(counted))
        say(f"market: EXPLAIN, Riz local in 2024, {level} {place}: {summary['time_ms']:.1f} ms, "
            f"{summary['read']:,} rows read from market_signals ({', '.join(summary['scans']) or 'no scan'}), "
            f"{summary['counted']:,} signals counted")
        out.append(summary)
    return out


def market_pgbench_script(level, tables):
    """A transaction: draw an item, a région or commune and a one-year window; look their ids up
    (\\gset, one round trip), then the statistics query with them as parameters."""
    targets = tables["regions"] if level == "region" else tables["communes"]
    return (f"\\set i random(1, {tables['items']})\n"
            f"\\set t random(1, {targets})\n"
            f"\\set d random(0, {MARKET_DAYS - MARKET_WINDOW_DAYS})\n"
            "SELECT i.item_id AS item, t.id AS place FROM bench_market_items i, bench_market_targets t\n"
            f"WHERE i.n = :i AND t.level = '{level}' AND t.n = :t \\gset\n"
            + MARKET_STATS_SQL.format(place=":place", item=":item",
                                      start=f"DATE '{MARKET_FIRST_DAY}' + (:d)::int",
                                      end=f"DATE '{MARKET_FIRST_DAY}' + (:d)::int + {MARKET_WINDOW_DAYS - 1}") + ";\n")


def market_paths(pg, count, seed=7):
    """`count` GET /api/market/stats paths: a random item (by name one time in two, else by id), a
    random région or commune (by id; by name for the District de Bamako and Bamako's communes, whose
    names are unique), a random one-year window, a random group."""
    import random
    import urllib.parse
    rng = random.Random(seed)
    items = [line.split("|") for line in pg.psql("SELECT item_id, name FROM bench_market_items ORDER BY n;").splitlines() if line]
    targets = [line.split("|") for line in pg.psql("SELECT level, id, name FROM bench_market_targets ORDER BY level, n;").splitlines() if line]
    first = datetime.date.fromisoformat(MARKET_FIRST_DAY)
    paths = []
    for _ in range(count):
        item_id, item_name = rng.choice(items)
        level, place_id, place_name = rng.choice(targets)
        unique_name = place_name == "District de Bamako" or place_name.startswith("Commune ")
        start = first + datetime.timedelta(days=rng.randrange(MARKET_DAYS - MARKET_WINDOW_DAYS + 1))
        end = start + datetime.timedelta(days=MARKET_WINDOW_DAYS - 1)
        query = {"item": item_name if rng.random() < 0.5 else item_id,
                 "place": place_name if unique_name and rng.random() < 0.5 else place_id,
                 "from": start.isoformat(), "to": end.isoformat(), "group": rng.choice(MARKET_GROUPS)}
        paths.append("/api/market/stats?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote))
    return paths


def sequential_requests(server, paths, items="rows", by_path=False):
    """Each path once, one after the other on one keep-alive connection: latency percentiles
    measured by the client (time to the whole response), and the statuses. `items`: the list of a
    200 response's JSON counted in rows_per_request; by_path: also each path's latencies (µs)."""
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    latencies, statuses, rows, each = [], {}, 0, {}
    try:
        for path in paths:
            t0 = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            latencies.append((time.perf_counter() - t0) * 1e6)
            each.setdefault(path, []).append(latencies[-1])
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status == 200:
                try:
                    rows += len(json.loads(body).get(items, []))
                except (ValueError, AttributeError):
                    pass
    finally:
        connection.close()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]

    out = {"requests": len(latencies), "p50_us": pct(50), "p95_us": pct(95), "p99_us": pct(99),
           "mean_us": sum(latencies) / len(latencies), "statuses": {str(k): v for k, v in sorted(statuses.items())},
           "rows_per_request": rows / max(1, statuses.get(200, 0))}
    if by_path:
        out["by_path"] = each
    return out


def probe_market_endpoint(server, path):
    """None when GET path answers 200 with a JSON object holding `rows`, else why not."""
    try:
        with urllib.request.urlopen(server.base() + path, timeout=30) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return (f"GET /api/market/stats answered 404: the service (`{os.path.basename(server.args.dms_bin)}`) "
                    "has no such endpoint yet; its SQL was measured with pgbench only")
        return f"GET /api/market/stats answered {error.code}: {error.read()[:200].decode('utf-8', 'replace')}"
    except (urllib.error.URLError, OSError) as error:
        return f"GET /api/market/stats failed: {error}"
    try:
        if isinstance(json.loads(body).get("rows"), list):
            return None
    except (ValueError, AttributeError):
        pass
    return f"GET /api/market/stats answered 200 without a `rows` list: {body[:200].decode('utf-8', 'replace')}"


def run_market(ctx, connections, duration, pool):
    args = ctx.args
    pg = ctx.pg
    count = args.market_signals
    market = ctx.market
    market.update(signals_wanted=count, connections=connections, duration=duration, pool=pool,
                  sql=MARKET_STATS_SQL.format(place=":place", item=":item", start=":from", end=":to"))
    say(f"market: fresh database, migrate, {count:,} signals")
    fresh_database(ctx)
    added = migrations_from_tree(ctx)
    if added:
        say(f"market: the binary's migrations end before {added[0]}: applied {', '.join(added)} from Sources/ with psql")
    market["migrations_from_tree"] = added
    tables = market_tables(ctx)
    market["tables"] = tables
    market["load"] = load_signals(ctx, count)
    market["explains"] = explain_market(ctx)

    market["pgbench"] = []
    for level in ("region", "commune"):
        script = market_pgbench_script(level, tables)
        market["pgbench_script_" + level] = script
        for c in connections:
            say(f"market: pgbench, the statistics SQL for {MARKET_LABELS[level]}, c{c}, {duration} s")
            r = run_pgbench(ctx, "market_" + level, script, c, duration, count)
            r["level"] = level
            market["pgbench"].append(r)
            say(f"   {r['rate']:,.0f} tx/s, p50 {fmt_ms(r['p50_us'])} ms, p95 {fmt_ms(r['p95_us'])} ms, "
                f"p99 {fmt_ms(r['p99_us'])} ms, failed {r['non2xx']}; CPU {r['cpu_pg_us']:,.0f} µs/tx in PostgreSQL")

    server = Server(args, pg, pool, os.path.join(args.work, f"server_market_{pool}.log"))
    say(f"market: starting the service (DMS_POOL_SIZE={pool}) for GET /api/market/stats")
    server.start()
    try:
        paths = market_paths(pg, 2000)
        # The probe names item and place by id (a name could be refused as ambiguous, a 422 that
        # says nothing about whether the endpoint exists).
        probe = pg.psql("SELECT i.item_id, t.id FROM bench_market_items i, bench_market_targets t "
                        "WHERE i.n = 1 AND t.level = 'region' AND t.name = 'District de Bamako';").strip().split("|")
        reason = probe_market_endpoint(server, f"/api/market/stats?item={probe[0]}&place={probe[1]}"
                                               f"&from={MARKET_FIRST_DAY}&to=2025-12-31&group=month")
        if reason:
            say("market: skipping the endpoint measurements: " + reason)
            market["endpoint_skipped"] = reason
            return
        say(f"market: {MARKET_SEQUENTIAL} sequential requests")
        market["sequential"] = sequential_requests(server, paths[:MARKET_SEQUENTIAL])
        seq = market["sequential"]
        say(f"   p50 {fmt_ms(seq['p50_us'])} ms, p95 {fmt_ms(seq['p95_us'])} ms, p99 {fmt_ms(seq['p99_us'])} ms; "
            f"statuses {seq['statuses']}")
        if shutil.which("wrk") is None:
            market["wrk_skipped"] = "wrk is not installed (scripts/bench installs it)"
            say("market: skipping wrk: " + market["wrk_skipped"])
            return
        paths_file = os.path.join(args.work, "market_paths.txt")
        with open(paths_file, "w") as f:
            f.write("\n".join(paths) + "\n")
        market["wrk"] = []
        for c in sorted({TARGET_CONNECTIONS} | set(connections)):
            say(f"market: wrk GET /api/market/stats, c{c}, {duration} s")
            try:
                r = run_wrk(ctx, server, "market_wrk", "/", c, duration, ctx.lua["paths"], [paths_file])
            except ServerGone as gone:
                note = f"market: the service exited (status {gone.args[0]}) during wrk c{c}; the market step stopped there"
                say("warning: " + note)
                ctx.notes.append(note)
                return
            market["wrk"].append(r)
            say(f"   {r['rate']:,.0f}/s, p50 {fmt_ms(r['p50_us'])} ms, p95 {fmt_ms(r['p95_us'])} ms, "
                f"p99 {fmt_ms(r['p99_us'])} ms, errors {r['non2xx']}+{r['socket_errors']}")
        market["hwm_mb"] = (server.hwm_kb() or 0) / 1024
    finally:
        server.stop()


def market_section(ctx):
    """The report's section for the market step (empty when it did not run)."""
    m = ctx.market
    if not m or "load" not in m:
        return []
    load, tables = m["load"], m["tables"]
    target = MARKET_TARGET_P95_MS * 1000
    parts = [
        "## Market statistics (GET /api/market/stats)", "",
        f"{load['signals']:,} market signals ({load['validated']:,} validated, {load['proposed']:,} left proposed) on "
        f"{load['items']} items, each priced in its own seeded units, at {load['places']} places (the seeded markets "
        f"and communes), observed from {load['first_day']} to {load['last_day']}. Loaded through the table's triggers "
        f"in {load['total_s']:.1f} s: INSERT {load['insert_s']:.1f} s ({load['signals'] / load['insert_s']:,.0f} rows/s, "
        f"batches of {MARKET_BATCH:,}), validation by UPDATE {load['validate_s']:.1f} s "
        f"({load['validated'] / max(load['validate_s'], 1e-9):,.0f} rows/s), VACUUM ANALYZE and CHECKPOINT "
        f"{load['vacuum_s']:.1f} s. Table and indexes {load['table_mb']:,.0f} MB, of which the statistics index "
        f"(`market_signals_stats_idx`, validated signals only) {load['stats_index_mb']:,.0f} MB."
        + (f" The binary's migrations end before {m['migrations_from_tree'][0]}: "
           f"{', '.join(m['migrations_from_tree'])} came from Sources/ (psql)." if m.get("migrations_from_tree") else ""), "",
        "The statement (the endpoint's SQL for group=month; quarter and year change only the period's format):", "",
        "```sql", m["sql"] + ";", "```", "",
        f"pgbench -M extended runs it with a random item (of {tables['items']}), a random région (of the "
        f"{tables['regions']} with signals) or commune (of {tables['communes']}) and a random one-year window; each "
        "transaction first "
        "looks the two ids up (`\\gset`, one short round trip included in the latency). "
        f"Target: p95 < {MARKET_TARGET_P95_MS} ms (reported, not enforced).", "",
        "| :place | conns | tx/s | p50 ms | p95 ms | p99 ms | failed | CPU µs/tx pg · pgbench | p95 < 50 ms? "
        "| before p95 ms → ×now |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in m.get("pgbench", []):
        met = "yes" if r["p95_us"] is not None and r["p95_us"] < target else "**no**"
        was = before(ctx, f"market pgbench {r['level']} c{r['connections']} p95 ms", us_ms(r["p95_us"]))
        parts.append(f"| {MARKET_LABELS[r['level']]} | {r['connections']} | {fmt_int(r['rate'])} | {fmt_ms(r['p50_us'])} "
                     f"| {fmt_ms(r['p95_us'])} | {fmt_ms(r['p99_us'])} | {r['non2xx']} "
                     f"| {r['cpu_pg_us']:,.0f} · {r['cpu_client_us']:,.0f} | {met} | {was} |")
    parts += ["", "EXPLAIN (ANALYZE, BUFFERS) of one typical query each (Riz local, 2024, after one run of the same "
              "query in the same session): rows read from `market_signals` are those its scans returned plus any a "
              "filter removed. EXPLAIN ANALYZE times every row it passes between nodes, so its execution time is above "
              "the query's own (compare pgbench at c1).", "",
              "| :place | execution ms | planning ms | rows read from market_signals | scans | heap fetches "
              "| buffers hit · read | signals counted | periods |", "|---|---|---|---|---|---|---|---|---|"]
    for e in m.get("explains", []):
        scans = ", ".join(sorted(set(e["scans"]))) + (" (**sequential scan**)" if e["seq_scan"] else "")
        parts.append(f"| {e['place']} ({e['level']}) | {e['time_ms']:.2f} | {e['planning_ms']:.2f} | {e['read']:,} "
                     f"| {scans} | {e['heap_fetches']:,} | {e['hit']:,} · {e['disk']:,} | {e['counted']:,} | {e['groups']} |")
    parts.append("")
    if m.get("endpoint_skipped"):
        parts += [f"The endpoint was not measured: {m['endpoint_skipped']}.", ""]
    elif m.get("sequential"):
        seq = m["sequential"]
        met = "yes" if seq["p95_us"] < target else "**no**"
        parts += [f"The endpoint, {seq['requests']} sequential requests on one keep-alive connection (item by name or "
                  "id, place by id or by name, one-year windows, group month, quarter or year): "
                  f"p50 {fmt_ms(seq['p50_us'])} ms, p95 {fmt_ms(seq['p95_us'])} ms (< {MARKET_TARGET_P95_MS} ms: {met}; "
                  f"before → ×now: {before(ctx, 'market sequential p95 ms', us_ms(seq['p95_us']))}), "
                  f"p99 {fmt_ms(seq['p99_us'])} ms; statuses "
                  + ", ".join(f"{code} × {n:,}" for code, n in seq["statuses"].items()) + "; "
                  f"{seq['rows_per_request']:.1f} rows per 200 response.", ""]
        if m.get("wrk"):
            parts += ["| test | conns | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket err | CPU µs/req app · pg · wrk "
                      "| before req/s → ×now |", "|---|---|---|---|---|---|---|---|---|---|"]
            for r in m["wrk"]:
                cpu = " · ".join("—" if r[k] is None else f"{r[k]:,.0f}" for k in ("cpu_app_us", "cpu_pg_us", "cpu_client_us"))
                was = before(ctx, f"market wrk c{r['connections']} req/s", r["rate"])
                parts.append(f"| wrk GET /api/market/stats | {r['connections']} | {fmt_int(r['rate'])} | {fmt_ms(r['p50_us'])} "
                             f"| {fmt_ms(r.get('p95_us'))} | {fmt_ms(r['p99_us'])} | {r['non2xx']} | {r['socket_errors']} | {cpu} | {was} |")
            parts.append("")
        elif m.get("wrk_skipped"):
            parts += [f"wrk was not run: {m['wrk_skipped']}.", ""]
    for e in m.get("explains", []):
        parts += [f"### Plan: Riz local in 2024, {e['level']} {e['place']}", "", "```", e["plan"], "```", ""]
    return parts


# ---------------------------------------------------------------------------------------------
# requests timed by the client, and helpers of the tls, search, upload and cba steps

def timed_requests(server, requests):
    """Each (method, path, body, headers) in turn on one keep-alive connection: [(status, body,
    seconds to the whole response)]."""
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    out = []
    try:
        for method, path, body, headers in requests:
            t0 = time.perf_counter()
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            out.append((response.status, data, time.perf_counter() - t0))
    finally:
        connection.close()
    return out


def probe_json(server, path, key):
    """None when GET path answers 200 with a JSON object holding a list `key`, else why not."""
    method_path = "GET " + path.split("?")[0]
    try:
        with urllib.request.urlopen(server.base() + path, timeout=60) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        return f"{method_path} answered {error.code}: {error.read()[:200].decode('utf-8', 'replace')}"
    except (urllib.error.URLError, OSError) as error:
        return f"{method_path} failed: {error}"
    try:
        if isinstance(json.loads(body).get(key), list):
            return None
    except (ValueError, AttributeError):
        pass
    return f"{method_path} answered 200 without a `{key}` list: {body[:200].decode('utf-8', 'replace')}"


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def replay_first(ctx, label, method, path, what):
    """The statements the service sends for one request (capture_sql), or (None, why not)."""
    captured = capture_sql(ctx, label, [(label, method, path, None)]).get(label) or []
    if not captured:
        return None, f"no statement captured for {method} {path} ({what}; see the warning above)"
    return captured, None


# ---------------------------------------------------------------------------------------------
# the tls step: the cases runs over TLS, to a cloud-style PostgreSQL (scripts/cloud_postgres)

TLS_ROWS = 10_000
# The profile's role has CONNECTION LIMIT 40 (max_connections 60), as a provider's plan would:
# pgbench does not run above this many connections (the service keeps DMS_POOL_SIZE of them).
TLS_PGBENCH_MAX_CONNECTIONS = 32
CASE_TESTS = ["pg_select", "pg_insert"] + READS + ["post_case", "decide"]


def run_tls(ctx, connections, duration, pool):
    """The cases step's runs at one row count (--tls-rows), on the `tls` profile of
    scripts/cloud_postgres started in the bench's own state directory and stopped at the end:
    loads as the non-superuser role over TLS, pgbench over TLS, the service with
    DATABASE_URL=…?sslmode=require. No statement capture (it needs a superuser)."""
    args = ctx.args
    tls = ctx.tls
    rows = args.tls_rows
    state_dir = os.environ.get("BENCH_CLOUDPG_DIR") or os.path.join(os.path.dirname(os.path.abspath(args.work)), "cloudpg")
    port = int(os.environ.get("CLOUDPG_PG_PORT") or free_port())
    pg_connections = [c for c in connections if c <= TLS_PGBENCH_MAX_CONNECTIONS]
    shown_dir = os.path.relpath(state_dir, ROOT) if state_dir.startswith(ROOT + os.sep) else state_dir
    tls.update(rows=rows, connections=connections, pg_connections=pg_connections, duration=duration, pool=pool,
               state_dir=shown_dir, port=port)
    cloud = CloudPostgres(state_dir, port, args.pg_bin)
    say(f"tls: scripts/cloud_postgres start tls (CLOUDPG_DIR={shown_dir}, CLOUDPG_PG_PORT={port})")
    try:
        reason = cloud.start()
        if reason:
            say("tls: skipped: " + reason)
            tls["skipped"] = reason
            return
        profile = tls["profile"] = cloud.describe()
        say(f"tls: PostgreSQL {profile['server_version']}, role {profile['role']} (superuser: {profile['superuser']}), "
            f"{profile['tls_version']} {profile['cipher']}")
        tctx = Context(args, cloud, ctx.lua, tag="tls_")
        run_rows(tctx, rows, connections, duration, pool, CASE_TESTS, pg_connections=pg_connections)
        tls["results"] = tctx.results
        tls["rows_info"] = [[r, p, info] for (r, p), info in tctx.rows_info.items()]
        ctx.notes += [f"tls step: {note}" for note in tctx.notes]
    finally:
        say("tls: scripts/cloud_postgres stop")
        cloud.stop()


# ---------------------------------------------------------------------------------------------
# the search step: GET /api/memory/search over 100,000 cases

SEARCH_CASES = 100_000
SEARCH_CASES_QUICK = 10_000
SEARCH_TARGET_P95_MS = 50          # sequential requests, p95 (only reported)
SEARCH_SEQUENTIAL = 500
SEARCH_SLOWEST_SHOWN = 12         # queries listed one by one in the report
SEARCH_PROBE = "ciment"            # the query whose SQL is captured, replayed and explained
# What people type: words of the loaded titles (CASE_TITLES, CASE_PLACES), with and without
# accents, a phrase, an exclusion, a supplier of the decided cases, a common word.
SEARCH_QUERIES = [
    "ciment", "ciment Ségou", "fer à béton", "réhabilitation école", "ecole kati", "forage", "forage Mopti",
    "médicaments CSCOM", "fournitures de bureau", "matériel informatique Sikasso", "carburant", "bitumage route",
    "centre de santé", "table-bancs", "groupe électrogène", "marché Kayes", "riz cantines scolaires", "maraîchers",
    "caniveaux", "lampadaires solaires", "moustiquaires", "toiture mairie", "latrine", "tôles pointes",
    "véhicules 4x4", "gardiennage", "nettoyage préfecture", "gasoil pompage", "adduction d'eau",
    "surveillance travaux voirie", "formation agents de santé", "registres état civil", "motos", "laboratoire lycée",
    "semences mil sorgho", "engrais Koutiala", "château d'eau", "kits scolaires", "pompes motricité humaine",
    "pavage", "mobilier de bureau", '"fourniture de ciment"', "ciment -Mopti", "Tombouctou", "djenne",
    "Diallo", "fourniture",
]


def run_search(ctx, connections, duration, pool):
    import random
    import urllib.parse
    args, pg, s = ctx.args, ctx.pg, ctx.search
    count = args.search_cases
    s.update(cases_wanted=count, connections=connections, duration=duration, pool=pool)
    say(f"search: fresh database, migrate, {count:,} cases (half decided) with varied French titles")
    t0 = time.monotonic()
    fresh_database(ctx)
    base = pg.psql("SELECT now() - interval '1 minute';").strip()
    load_cases(pg, count, CASE_PREFIX, dated_before=base, decide_half=True)
    values = ",\n".join(f"({n}, {sql_literal(q)})" for n, q in enumerate(SEARCH_QUERIES, start=1))
    pg.psql(f"CREATE TABLE bench_search_queries (n integer PRIMARY KEY, q text NOT NULL);\n"
            f"INSERT INTO bench_search_queries VALUES {values};\nVACUUM ANALYZE;\n")
    pg.checkpoint()
    s["load_s"] = time.monotonic() - t0
    got = pg.psql("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_search), (SELECT count(DISTINCT title) FROM cases), "
                  "(SELECT count(*) FROM cases WHERE status = 'decided'), pg_total_relation_size('case_search'), "
                  "pg_relation_size('case_search_vector_idx');").strip().split("|")
    s.update(cases=int(got[0]), search_rows=int(got[1]), titles=int(got[2]), decided=int(got[3]),
             table_mb=int(got[4]) / 2**20, gin_mb=int(got[5]) / 2**20)
    say(f"search: {s['cases']:,} cases ({s['titles']:,} titles, {s['decided']:,} decided), {s['search_rows']:,} search rows, "
        f"loaded in {s['load_s']:.1f} s; case_search {s['table_mb']:,.0f} MB (GIN index {s['gin_mb']:,.0f} MB)")
    matches = pg.psql("SELECT n, (SELECT count(*) FROM case_search s WHERE s.vector @@ websearch_to_tsquery('dms_fr', q.q)) "
                      "FROM bench_search_queries q ORDER BY n;")
    counts = {int(n): int(m) for n, m in (line.split("|") for line in matches.split())}
    s["queries"] = [{"q": q, "matches": counts.get(n, 0)} for n, q in enumerate(SEARCH_QUERIES, start=1)]

    # The service's SQL for one query, replayed by pgbench with a random query of the list, and explained.
    say("search: capturing the SQL of GET /api/memory/search (log_statement = all)")
    probe_path = "/api/memory/search?q=" + urllib.parse.quote(SEARCH_PROBE)
    captured, why = replay_first(ctx, "search", "GET", probe_path, "the search")
    token = sql_literal(SEARCH_PROBE) + "::text"
    if captured and len(captured) == 1 and token in captured[0][2]:
        sql, params, literal = captured[0]
        literal = literal.rstrip().rstrip(";")
        s.update(sql=sql, params=params)
        script = (f"\\set n random(1, {len(SEARCH_QUERIES)})\n"
                  + literal.replace(token, "(SELECT q FROM bench_search_queries WHERE n = :n)") + ";\n")
        s["pgbench_script"] = script
        s["pgbench"] = []
        for c in connections:
            say(f"search: pgbench, the service's search SQL with a random query of {len(SEARCH_QUERIES)}, c{c}, {duration} s")
            r = run_pgbench(ctx, "search_sql", script, c, duration, count)
            s["pgbench"].append(r)
            say(f"   {r['rate']:,.0f} tx/s, p50 {fmt_ms(r['p50_us'])} ms, p95 {fmt_ms(r['p95_us'])} ms, p99 {fmt_ms(r['p99_us'])} ms")
        s["explains"] = []
        broadest = max(s["queries"], key=lambda x: x["matches"])["q"]
        for q in dict.fromkeys([SEARCH_PROBE, broadest]):
            statement = literal.replace(token, sql_literal(q) + "::text")
            out_lines = pg.psql(f"SELECT count(*) FROM ({statement}) AS warm;\nEXPLAIN (ANALYZE, BUFFERS)\n{statement};").rstrip().split("\n")
            plan = "\n".join(out_lines[1:])
            s["explains"].append({
                "q": q, "matches": next(x["matches"] for x in s["queries"] if x["q"] == q), "plan": plan,
                "time_ms": float((re.search(r"Execution Time: ([0-9.]+)", plan) or [0, 0])[1]),
                "planning_ms": float((re.search(r"Planning Time: ([0-9.]+)", plan) or [0, 0])[1]),
                "gin": "case_search_vector_idx" in plan, "seq_scan": "Seq Scan on case_search" in plan})
            say(f"search: EXPLAIN q={q!r}: {s['explains'][-1]['time_ms']:.1f} ms")
    else:
        s["sql_skipped"] = why or (f"the captured SQL was not one statement with the query as {token} "
                                   f"({len(captured or [])} statements): pgbench and EXPLAIN not run")
        say("search: " + s["sql_skipped"])

    server = Server(args, pg, pool, os.path.join(args.work, f"server_search_{pool}.log"))
    say(f"search: starting the service (DMS_POOL_SIZE={pool}) for GET /api/memory/search")
    server.start()
    try:
        reason = probe_json(server, probe_path, "items")
        if reason:
            say("search: skipping the endpoint measurements: " + reason)
            s["endpoint_skipped"] = reason
            return
        paths = ["/api/memory/search?q=" + urllib.parse.quote(q) for q in SEARCH_QUERIES]
        rng = random.Random(11)
        order = []
        while len(order) < SEARCH_SEQUENTIAL:
            block = paths[:]
            rng.shuffle(block)
            order += block
        order = order[:SEARCH_SEQUENTIAL]
        say(f"search: {len(order)} sequential requests over {len(paths)} queries")
        seq = sequential_requests(server, order, items="items", by_path=True)
        each = seq.pop("by_path")
        for query, path in zip(s["queries"], paths):
            latencies = sorted(each.get(path, []))
            query.update(requests=len(latencies), median_us=median(latencies) if latencies else None,
                         max_us=latencies[-1] if latencies else None)
        s["sequential"] = seq
        say(f"   p50 {fmt_ms(seq['p50_us'])} ms, p95 {fmt_ms(seq['p95_us'])} ms, p99 {fmt_ms(seq['p99_us'])} ms; "
            f"statuses {seq['statuses']}; {seq['rows_per_request']:.1f} items per 200")
        paths_file = os.path.join(args.work, "search_paths.txt")
        with open(paths_file, "w") as f:
            f.write("\n".join(paths) + "\n")
        s["wrk"] = []
        for c in sorted({TARGET_CONNECTIONS} | set(connections)):
            say(f"search: wrk GET /api/memory/search (a random query of {len(paths)}), c{c}, {duration} s")
            try:
                r = run_wrk(ctx, server, "search_wrk", "/", c, duration, ctx.lua["paths"], [paths_file])
            except ServerGone as gone:
                note = f"search: the service exited (status {gone.args[0]}) during wrk c{c}; the search step stopped there"
                say("warning: " + note)
                ctx.notes.append(note)
                return
            s["wrk"].append(r)
            say(f"   {r['rate']:,.0f}/s, p50 {fmt_ms(r['p50_us'])} ms, p95 {fmt_ms(r['p95_us'])} ms, "
                f"p99 {fmt_ms(r['p99_us'])} ms, errors {r['non2xx']}+{r['socket_errors']}")
        s["hwm_mb"] = (server.hwm_kb() or 0) / 1024
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# the upload step: POST /api/upload/{case_id}/offer with a 10 MB PDF

UPLOAD_BYTES = 10 * 2**20
UPLOADS = 20
UPLOADS_QUICK = 5
UPLOAD_TARGET_S = 0.5              # per upload, the median (only reported)
UPLOAD_PREFIX = "dms-bench-upload-"
UPLOAD_FILENAME = "offre-technique-et-financiere.pdf"


def make_pdf(size, seed=42):
    """A valid PDF of exactly `size` bytes: one A4 page with a line of text, and an attached file
    (an /EmbeddedFile stream of seeded pseudo-random, incompressible bytes) that brings it to the
    size; a cross-reference table with the objects' offsets, the trailer, `%%EOF` at the end."""
    import random
    text = b"BT /F1 14 Tf 72 770 Td (Offre technique et financiere - banc d'essai DMS) Tj ET"
    filler = random.Random(seed).randbytes(size)

    def build(payload):
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(annexe-bordereau.bin) 6 0 R] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Filespec /F (annexe-bordereau.bin) /EF << /F 7 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream",
        ]
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return bytes(out)

    length = size - len(build(b""))
    for _ in range(4):  # the digits of /Length and of the offsets grow with the payload
        pdf = build(filler[:length])
        if len(pdf) == size:
            break
        length += size - len(pdf)
    if b"/Encrypt" in pdf:
        die("make_pdf: the filler holds /Encrypt; change the seed")
    return pdf


def run_upload(ctx, duration, pool):
    args, pg, u = ctx.args, ctx.pg, ctx.upload
    n = args.uploads
    pdf = make_pdf(UPLOAD_BYTES)
    sha = hashlib.sha256(pdf).hexdigest()
    u.update(uploads_wanted=n, bytes=len(pdf), sha256=sha, pool=pool)
    say(f"upload: fresh database, migrate, {n + 1} open cases; a PDF of {len(pdf):,} bytes")
    fresh_database(ctx)
    load_cases(pg, n + 1, UPLOAD_PREFIX)

    # The reference: the database storing the same bytes (TOAST, WAL, fsync at commit, the same
    # CHECK on their hash), copied from a table so that no transfer is counted.
    pg.psql("CREATE TABLE bench_blob_source (sha256 text NOT NULL, content bytea NOT NULL);\n"
            "ALTER TABLE bench_blob_source ALTER COLUMN content SET STORAGE EXTERNAL;\n"
            f"INSERT INTO bench_blob_source VALUES ('{sha}', decode('{pdf.hex()}', 'hex'));\n"
            "CREATE TABLE bench_blob (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sha256 text NOT NULL,\n"
            "                         content bytea NOT NULL CHECK (encode(sha256(content), 'hex') = sha256));\n"
            "ALTER TABLE bench_blob ALTER COLUMN content SET STORAGE EXTERNAL;\nVACUUM ANALYZE;\n", timeout=1800)
    if pg.psql("SELECT encode(sha256(content), 'hex') FROM bench_blob_source;").strip() != sha:
        die("upload: the PDF loaded into bench_blob_source does not have the PDF's SHA-256")
    pg.checkpoint()
    say(f"upload: pgbench, INSERT of the same {len(pdf) / 2**20:.0f} MB copied server-side, c1, {n} transactions")
    r = run_pgbench(ctx, "upload_sql", "INSERT INTO bench_blob (sha256, content) SELECT sha256, content FROM bench_blob_source;\n",
                    1, duration, n, transactions=n)
    u["pgbench"] = r
    say(f"   {r['rate']:,.1f} tx/s, p50 {fmt_ms(r['p50_us'])} ms, p99 {fmt_ms(r['p99_us'])} ms")
    pg.psql("DROP TABLE bench_blob;\nDROP TABLE bench_blob_source;\n")
    pg.checkpoint()

    boundary = "dms-bench-" + uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{UPLOAD_FILENAME}"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-DMS-Actor": "bench"}

    def upload(k):
        return ("POST", f"/api/upload/{case_id(UPLOAD_PREFIX, k)}/offer", body, headers)

    server = Server(args, pg, pool, os.path.join(args.work, f"server_upload_{pool}.log"))
    say(f"upload: starting the service (DMS_POOL_SIZE={pool})")
    server.start()
    try:
        status, answer, seconds = timed_requests(server, [upload(n + 1)])[0]  # warm-up, on the last case
        if status not in (200, 201):
            u["endpoint_skipped"] = f"POST /api/upload answered {status}: {answer[:300].decode('utf-8', 'replace')}"
            say("upload: skipping the measurements: " + u["endpoint_skipped"])
            return
        u["warmup_s"] = seconds
        say(f"upload: {n} uploads of {len(body):,} bytes, one after the other, each to a fresh case")
        with Sampler(pg, server) as sample:
            done = timed_requests(server, [upload(k) for k in range(1, n + 1)])
        server.check_alive()
        times = [t for _, _, t in done]
        statuses = {}
        for code, _, _ in done:
            statuses[str(code)] = statuses.get(str(code), 0) + 1
        u.update(times_s=times, statuses=statuses, median_s=median(times), max_s=max(times), min_s=min(times),
                 mean_s=sum(times) / len(times), body_bytes=len(body),
                 rss_peak_mb=sample.peak_kb / 1024 if sample.peak_kb else None,
                 cpu_app_ms=sample.app_cpu / n * 1e3, cpu_pg_ms=sample.pg_cpu / n * 1e3,
                 machine_busy=sample.machine_cpu / sample.wall)
        say(f"   median {u['median_s']:.3f} s, max {u['max_s']:.3f} s ({len(pdf) / 2**20 / u['median_s']:,.0f} MB/s); "
            f"statuses {statuses}; CPU per upload app {u['cpu_app_ms']:,.0f} ms, pg {u['cpu_pg_ms']:,.0f} ms")
        status, answer, seconds = timed_requests(server, [upload(1)])[0]
        u["repeat"] = {"status": status, "s": seconds}
        say(f"upload: the same bytes again to the first case: {status} in {seconds:.3f} s")
        u["hwm_mb"] = (server.hwm_kb() or 0) / 1024
    finally:
        server.stop()
    got = pg.psql(f"SELECT count(*), count(DISTINCT d.case_id), coalesce(sum(d.size), 0), count(c.document_id), "
                  f"count(*) FILTER (WHERE d.sha256 = '{sha}' AND d.size = {len(pdf)}), "
                  f"coalesce(sum(octet_length(c.content)), 0) FROM documents d "
                  f"LEFT JOIN document_contents c ON c.document_id = d.id;").strip().split("|")
    u["stored"] = dict(zip(("documents", "cases", "bytes", "contents", "same_bytes", "content_bytes"), map(int, got)))
    say(f"upload: stored {u['stored']}")


# ---------------------------------------------------------------------------------------------
# the cba step: GET /api/download/{case_id}/cba of a case with 50 suppliers and 500 criteria

CBA_SUPPLIERS = 50                 # CaseReport.maxWorkbookSuppliers: the most a CBA holds
CBA_CRITERIA = 500
CBA_DOWNLOADS = 10
CBA_DOWNLOADS_QUICK = 3
CBA_TARGET_S = 0.3                 # per download, the median (only reported)
CBA_PREFIX = "dms-bench-cba-"
CBA_SUPPLIER_FORMS = ["Ets {} & Fils", "Société {} BTP SARL", "{} Distribution SA", "Groupe {} Services",
                      "Entreprise {} et Frères"]
CBA_SURNAMES = ["Diallo", "Traoré", "Keïta", "Coulibaly", "Koné", "Sangaré", "Touré", "Cissé", "Diarra", "Maïga"]
CBA_CRITERIA_LABELS = [
    "Registre de commerce en cours de validité", "Attestation de régularité fiscale", "Attestation de la CNSS",
    "Caution de soumission de 2 %", "Délai de livraison inférieur ou égal à 30 jours",
    "Conformité aux spécifications techniques", "Certificat d'origine des matériaux",
    "Expérience de marchés similaires (trois dernières années)", "Chiffre d'affaires moyen annuel",
    "Capacité de production mensuelle", "Service après-vente à Bamako", "Garantie de 12 mois minimum",
    "Personnel qualifié (chef de chantier, conducteur de travaux)", "Matériel de transport disponible",
    "Prix unitaire du sac de 50 kg", "Montant total de l'offre TTC", "Validité de l'offre d'au moins 90 jours",
    "Plan de gestion environnementale", "Recyclage des emballages", "Emploi de main-d'œuvre locale",
    "Échantillons fournis", "Planning d'exécution détaillé", "Références bancaires", "Attestation de non-faillite",
    "Procès-verbal de visite de site",
]
LEGAL_FORMS = {"sarl", "sarlu", "suarl", "sa", "sas", "sasu", "gie", "ets", "etablissements", "etablissement", "ste",
               "societe", "entreprise", "ent", "cie", "compagnie", "scoop", "coop", "snc", "ltd", "inc", "eurl", "scs",
               "sca", "su"}


def supplier_key(name):
    """About SupplierName.key: folded (no accents, lower case), & → et, without legal forms."""
    import unicodedata
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).lower()
    return " ".join(w for w in re.findall(r"[a-z0-9]+", folded.replace("&", " et ")) if w not in LEGAL_FORMS)


def cba_suppliers():
    """(k, name, key, position): k = 1…50 in the order of the names, position in the keys' order."""
    names = [form.format(surname) for form in CBA_SUPPLIER_FORMS for surname in CBA_SURNAMES][:CBA_SUPPLIERS]
    keys = [supplier_key(name) for name in names]
    rank = {key: i for i, key in enumerate(sorted(keys), start=1)}
    return [(k, name, key, rank[key]) for k, (name, key) in enumerate(zip(names, keys), start=1)]


def cba_sql(case_uuid):
    """The case's documents (a DAO and one offer per supplier, with their bytes and events), its
    analysis as AnalysisRepository.save writes one (analyses, criteria, offers, offer_fields, run 1
    in analysis_runs, the `analysis_run` event, status `analyzed`)."""
    case = sql_literal(case_uuid) + "::uuid"
    prefix = CBA_PREFIX
    suppliers = ",\n".join(f"({k}, {sql_literal(name)}, {sql_literal(key)}, {position})"
                           for k, name, key, position in cba_suppliers())
    labels = "ARRAY[" + ", ".join(sql_literal(label) for label in CBA_CRITERIA_LABELS) + "]"
    content = "convert_to('%PDF-1.7 dms-bench ' || n || E'\\n%%EOF\\n', 'UTF8')"
    return f"""
CREATE TABLE bench_cba_suppliers (k integer PRIMARY KEY, name text NOT NULL, key text NOT NULL, position integer NOT NULL);
INSERT INTO bench_cba_suppliers VALUES {suppliers};
INSERT INTO documents (id, case_id, kind, filename, media_type, size, sha256, uploaded_by)
SELECT md5('{prefix}doc-' || n)::uuid, {case}, CASE WHEN n = 0 THEN 'dao' ELSE 'offer' END,
       CASE WHEN n = 0 THEN 'DAO-fourniture-de-ciment.pdf' ELSE 'offre-' || lpad(n::text, 2, '0') || '.pdf' END,
       'application/pdf', octet_length({content}), encode(sha256({content}), 'hex'), 'bench'
FROM generate_series(0, {CBA_SUPPLIERS}) AS n;
INSERT INTO document_contents (document_id, sha256, content)
SELECT md5('{prefix}doc-' || n)::uuid, encode(sha256({content}), 'hex'), {content}
FROM generate_series(0, {CBA_SUPPLIERS}) AS n;
INSERT INTO events (case_id, type, actor, payload)
SELECT case_id, 'document_uploaded', 'bench', jsonb_build_object('document_id', id, 'kind', kind, 'filename', filename,
       'media_type', media_type, 'size', size, 'sha256', sha256)
FROM documents WHERE case_id = {case} ORDER BY filename;
INSERT INTO analyses (case_id, run, run_by, inputs, documents, warnings)
SELECT {case}, 1, 'bench',
       jsonb_agg(jsonb_build_object('document_id', d.id, 'kind', d.kind, 'filename', d.filename, 'sha256', d.sha256) ORDER BY d.filename),
       jsonb_agg(jsonb_build_object('document_id', d.id, 'filename', d.filename, 'status', 'read', 'reason', NULL) ORDER BY d.filename),
       '[]'::jsonb
FROM documents d WHERE d.case_id = {case};
INSERT INTO criteria (case_id, id, position, label, category, points, weight_percent, eliminatory, document_id, sha256, location, snippet)
SELECT {case}, md5('{prefix}criterion-' || p)::uuid, p, ({labels})[1 + p % {len(CBA_CRITERIA_LABELS)}] || ' — article ' || p,
       c.category, CASE c.category WHEN 'technique' THEN 1 + p % 10 WHEN 'durabilite' THEN 2 END,
       CASE WHEN c.category = 'commercial' THEN 1 + p % 20 END, c.category = 'essentiel', d.id, d.sha256,
       'page ' || (1 + p / 10), 'Article ' || p || ' : ' || ({labels})[1 + p % {len(CBA_CRITERIA_LABELS)}]
FROM generate_series(1, {CBA_CRITERIA}) AS p,
     LATERAL (SELECT (ARRAY['essentiel', 'technique', 'technique', 'commercial', 'durabilite'])[1 + p % 5] AS category) AS c,
     documents d
WHERE d.id = md5('{prefix}doc-0')::uuid;
INSERT INTO offers (case_id, supplier_key, position, parts, document_ids)
SELECT {case}, s.key, s.position, ARRAY['ADMINISTRATIVE', 'FINANCIAL', 'TECHNICAL'], ARRAY[md5('{prefix}doc-' || s.k)::uuid]
FROM bench_cba_suppliers s;
INSERT INTO offer_fields (case_id, supplier_key, field, value, confidence, document_id, sha256, location, snippet)
SELECT {case}, s.key, f.field, f.value, CASE WHEN f.value IS NOT NULL THEN 'high' END,
       CASE WHEN f.value IS NOT NULL THEN d.id END, CASE WHEN f.value IS NOT NULL THEN d.sha256 END,
       CASE WHEN f.value IS NOT NULL THEN 'page ' || f.page END, CASE WHEN f.value IS NOT NULL THEN f.snippet END
FROM bench_cba_suppliers s JOIN documents d ON d.id = md5('{prefix}doc-' || s.k)::uuid,
     LATERAL (VALUES
       ('supplier', to_jsonb(s.name), 1, 'Soumissionnaire : ' || s.name),
       ('total_amount', jsonb_build_object('amount', 12000000 + s.k * 137500, 'currency', 'XOF', 'tax', 'TTC'), 3,
        'Montant total TTC : ' || (12000000 + s.k * 137500) || ' FCFA'),
       ('delivery_days', to_jsonb(15 + s.k % 30), 2, 'Délai de livraison : ' || (15 + s.k % 30) || ' jours'),
       ('validity_days', CASE WHEN s.k % 7 = 0 THEN NULL ELSE to_jsonb(90) END, 2, 'Validité de l''offre : 90 jours')
     ) AS f (field, value, page, snippet);
INSERT INTO analysis_runs (case_id, run, run_at, run_by, inputs, documents, warnings, criteria, offers, fields)
SELECT a.case_id, 1, a.run_at, a.run_by, a.inputs, a.documents, a.warnings,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', c.id, 'position', c.position, 'label', c.label, 'category', c.category, 'points', c.points,
               'weight_percent', c.weight_percent, 'eliminatory', c.eliminatory, 'document_id', c.document_id,
               'sha256', c.sha256, 'location', c.location, 'snippet', c.snippet) ORDER BY c.position), '[]'::jsonb)
        FROM criteria c WHERE c.case_id = a.case_id),
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
               'supplier_key', o.supplier_key, 'position', o.position, 'parts', o.parts, 'document_ids', o.document_ids)
               ORDER BY o.position), '[]'::jsonb)
        FROM offers o WHERE o.case_id = a.case_id),
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
               'supplier_key', f.supplier_key, 'field', f.field, 'value', f.value, 'confidence', f.confidence,
               'document_id', f.document_id, 'sha256', f.sha256, 'location', f.location, 'snippet', f.snippet,
               'candidates', f.candidates)), '[]'::jsonb)
        FROM offer_fields f WHERE f.case_id = a.case_id)
FROM analyses a WHERE a.case_id = {case};
INSERT INTO events (case_id, type, actor, payload)
SELECT {case}, 'analysis_run', 'bench', jsonb_build_object(
       'inputs', (SELECT inputs FROM analyses WHERE case_id = {case}),
       'criteria', (SELECT count(*) FROM criteria WHERE case_id = {case}),
       'suppliers', (SELECT jsonb_agg(key ORDER BY position) FROM bench_cba_suppliers),
       'fields_in_manual_review', (SELECT count(*) FROM offer_fields WHERE case_id = {case} AND value IS NULL),
       'warnings', '[]'::jsonb);
UPDATE cases SET status = 'analyzed', updated_at = now() WHERE id = {case};
"""


def xlsx_check(data, needles):
    """Whether the bytes are a workbook, its sheets, and whether each needle is in its XML."""
    import io
    import zipfile
    from xml.sax.saxutils import escape
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        text = "".join(archive.read(n).decode("utf-8", "replace") for n in names if n.startswith("xl/") and n.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return {"valid": False, "error": str(error)}
    return {"valid": "xl/workbook.xml" in names, "sheets": sum(1 for n in names if n.startswith("xl/worksheets/sheet")),
            "found": {needle: escape(needle) in text for needle in needles}}


def run_cba(ctx, duration, pool):
    args, pg, c = ctx.args, ctx.pg, ctx.cba
    n = args.cba_downloads
    the_case = case_id(CBA_PREFIX, 1)
    c.update(downloads_wanted=n, suppliers_wanted=CBA_SUPPLIERS, criteria_wanted=CBA_CRITERIA, pool=pool, case_id=the_case)
    say(f"cba: fresh database, migrate, one case with {CBA_SUPPLIERS} suppliers and {CBA_CRITERIA} criteria (SQL)")
    t0 = time.monotonic()
    fresh_database(ctx)
    load_cases(pg, 1, CBA_PREFIX)
    pg.psql(cba_sql(the_case))
    pg.psql("VACUUM ANALYZE;")
    pg.checkpoint()
    c["load_s"] = time.monotonic() - t0
    case = sql_literal(the_case) + "::uuid"
    got = pg.psql(f"SELECT (SELECT count(*) FROM criteria WHERE case_id = {case}), (SELECT count(*) FROM offers WHERE case_id = {case}), "
                  f"(SELECT count(*) FROM offer_fields WHERE case_id = {case}), "
                  f"(SELECT count(*) FROM offer_fields WHERE case_id = {case} AND value IS NULL), "
                  f"(SELECT count(*) FROM documents WHERE case_id = {case}), (SELECT count(*) FROM events WHERE case_id = {case}), "
                  f"(SELECT status FROM cases WHERE id = {case});").strip().split("|")
    c["stored"] = dict(zip(("criteria", "offers", "fields", "fields_in_review", "documents", "events"), map(int, got[:6])))
    c["stored"]["status"] = got[6]
    say(f"cba: stored {c['stored']} in {c['load_s']:.1f} s")

    path = f"/api/download/{the_case}/cba"
    say("cba: capturing the SQL of the download (log_statement = all)")
    captured, why = replay_first(ctx, "cba", "GET", path, "the download")
    if captured:
        script = replay_script(captured)
        c.update(statements=len(captured), pgbench_script=script)
        say(f"cba: pgbench, the download's {len(captured)} statements (the snapshot), c1, {duration} s")
        r = run_pgbench(ctx, "cba_sql", script, 1, duration, 1)
        c["pgbench"] = r
        say(f"   {r['rate']:,.0f} tx/s, p50 {fmt_ms(r['p50_us'])} ms, p99 {fmt_ms(r['p99_us'])} ms")
    else:
        c["sql_skipped"] = why
        say("cba: " + why)

    server = Server(args, pg, pool, os.path.join(args.work, f"server_cba_{pool}.log"))
    say(f"cba: starting the service (DMS_POOL_SIZE={pool})")
    server.start()
    try:
        status, answer, seconds = timed_requests(server, [("GET", path, None, None)])[0]  # warm-up
        if status != 200:
            c["endpoint_skipped"] = f"GET /api/download/{{case_id}}/cba answered {status}: {answer[:300].decode('utf-8', 'replace')}"
            say("cba: skipping the measurements: " + c["endpoint_skipped"])
            return
        c["warmup_s"] = seconds
        say(f"cba: {n} downloads, one after the other")
        with Sampler(pg, server) as sample:
            done = timed_requests(server, [("GET", path, None, None)] * n)
        server.check_alive()
        times = [t for _, _, t in done]
        suppliers = cba_suppliers()
        last_supplier = max(suppliers, key=lambda s: s[3])[1]
        last_label = f"{CBA_CRITERIA_LABELS[CBA_CRITERIA % len(CBA_CRITERIA_LABELS)]} — article {CBA_CRITERIA}"
        c.update(times_s=times, statuses=sorted({str(code) for code, _, _ in done}), median_s=median(times), max_s=max(times),
                 min_s=min(times), bytes=len(done[-1][1]), identical=len({hashlib.sha256(b).hexdigest() for _, b, _ in done}) == 1,
                 workbook=xlsx_check(done[-1][1], [last_supplier, last_label]),
                 rss_peak_mb=sample.peak_kb / 1024 if sample.peak_kb else None,
                 cpu_app_ms=sample.app_cpu / n * 1e3, cpu_pg_ms=sample.pg_cpu / n * 1e3,
                 machine_busy=sample.machine_cpu / sample.wall)
        say(f"   median {c['median_s']:.3f} s, max {c['max_s']:.3f} s; {c['bytes']:,} bytes, statuses {c['statuses']}, "
            f"the same bytes each time: {c['identical']}; workbook {c['workbook']}")
        c["hwm_mb"] = (server.hwm_kb() or 0) / 1024
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# the report

def machine_info(args, pg):
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=ROOT).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    commit = os.environ.get("BENCH_BINARY_COMMIT") or os.environ.get("DMS_COMMIT")
    if not commit:
        commit = run(["git", "rev-parse", "--short=12", "HEAD"]) + " (HEAD of the tree; the binary was not built by scripts/bench)"
    return {
        "cores": os.cpu_count(), "model": model, "memory_gb": mem_kb / 1024 / 1024,
        "kernel": platform.release(), "commit": commit,
        "postgres": pg.psql("SHOW server_version;", db="postgres").strip(),
        "dms": run([args.dms_bin, "--version"]),
        "wrk": run(["sh", "-c", "wrk -v 2>&1 | head -n 1"]),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def ratio_for(ctx, r):
    ref_test = REFERENCE.get(r["test"])
    if not ref_test:
        return None, None
    ref = next((x for x in ctx.results if x["test"] == ref_test and x["rows"] == r["rows"]
                and x["connections"] == r["connections"] and x["pool"] == r["pool"]), None)
    if not ref or not ref["rate"]:
        return None, None
    return ref["rate"], r["rate"] / ref["rate"]


def target_check(ctx, r, ratio):
    """(target text, met?) for rows measured at the target concurrency."""
    if r["connections"] != TARGET_CONNECTIONS or r["test"] not in TARGETS:
        return "", ""
    rate, test = r["rate"], r["test"]
    if test == "post_case":
        met = rate >= 2500 and (ratio is None or ratio >= 0.30)
    elif test == "get_case":
        met = rate >= 9000
    elif test in ("list_first", "list_deep"):
        met = rate >= 4000
    elif test == "decide":
        met = rate >= 1000 and r["p99_us"] is not None and r["p99_us"] <= 50_000
    else:
        return "", ""
    return TARGETS[test], "yes" if met else "**no**"


def ceiling(r, cores):
    """Requests per second if the test had every core to itself and were limited by CPU alone."""
    total = sum(r[k] or 0 for k in ("cpu_app_us", "cpu_pg_us", "cpu_client_us"))
    return cores * 1e6 / total if total else None


def main_table(ctx, pool, cores, prefix="cases"):
    """The cases table (prefix: the step, in the keys of the before → after column)."""
    header = ("| rows | test | conns | req/s | before req/s → ×now | p50 ms | p99 ms | non-2xx | socket err | 409 | server RSS peak MB "
              "| CPU µs/req app · pg · client | CPU-bound ceiling req/s | cores busy: bench · machine | pgbench ref tps | ratio "
              "| target (c16) | met? |")
    lines = [header, "|" + "---|" * 18]
    order = ["pg_insert", "pg_select", "post_case", "get_case", "list_first", "list_deep", "decide", "health"]
    for rows in sorted({r["rows"] for r in ctx.results if r["pool"] == pool}):
        for test in order:
            for r in [x for x in ctx.results if x["rows"] == rows and x["test"] == test and x["pool"] == pool]:
                ref, ratio = ratio_for(ctx, r)
                target, met = target_check(ctx, r, ratio)
                cpu = " · ".join("—" if r[k] is None else f"{r[k]:,.0f}" for k in ("cpu_app_us", "cpu_pg_us", "cpu_client_us"))
                rss = "—" if r["rss_peak_mb"] is None else f"{r['rss_peak_mb']:.0f}"
                c409 = str(r["c409"]) + (f" ({r['exhausted']} past the pool)" if r["exhausted"] else "") if r["test"] == "decide" else "—"
                lines.append(
                    f"| {rows:,} | {TEST_LABELS[test]} | {r['connections']} | {fmt_int(r['rate'])} "
                    f"| {before(ctx, result_key(prefix, r), r['rate'])} | {fmt_ms(r['p50_us'])} "
                    f"| {fmt_ms(r['p99_us'])} | {r['non2xx']} | {r['socket_errors']} | {c409} "
                    f"| {rss} | {cpu} | {fmt_int(ceiling(r, cores))} | {r['cores_busy']:.2f} · {r['machine_busy']:.2f} | {fmt_int(ref)} "
                    f"| {'—' if ratio is None else f'{ratio * 100:.0f} %'} | {target} | {met} |")
    return "\n".join(lines)


def summary_lines(ctx, pool):
    out = []
    at = [r for r in ctx.results if r["pool"] == pool and r["connections"] == TARGET_CONNECTIONS]
    all_rows = sorted({r["rows"] for r in at})
    for test in ("list_first", "list_deep"):
        series = [(rows, next((r["rate"] for r in at if r["rows"] == rows and r["test"] == test), None)) for rows in all_rows]
        series = [(rows, rate) for rows, rate in series if rate]
        if len(series) >= 2:
            low, high = series[0], series[-1]
            flat = high[1] >= FLAT_TOLERANCE * low[1]
            out.append(f"- {TEST_LABELS[test]}, c{TARGET_CONNECTIONS}: "
                       + " → ".join(f"{rows:,} rows {rate:,.0f}/s" for rows, rate in series)
                       + f" ({(high[1] / low[1] - 1) * 100:+.0f} %): flat (≥ {FLAT_TOLERANCE:.0%} kept)? "
                       + ("yes" if flat else "**no**"))
    for rows in all_rows:
        first = next((r["rate"] for r in at if r["rows"] == rows and r["test"] == "list_first"), None)
        deep = next((r["rate"] for r in at if r["rows"] == rows and r["test"] == "list_deep"), None)
        if first and deep:
            out.append(f"- {rows:,} rows, c{TARGET_CONNECTIONS}: deep page {deep:,.0f}/s vs first page {first:,.0f}/s "
                       f"({(deep / first - 1) * 100:+.0f} %)")
    peaks = [(rows, info.get("hwm_mb")) for (rows, p), info in sorted(ctx.rows_info.items()) if p == pool and info.get("hwm_mb")]
    if peaks:
        worst = max(mb for _, mb in peaks)
        out.append("- Server peak RSS (VmHWM over the whole run of each row count): "
                   + ", ".join(f"{rows:,} rows {mb:.0f} MB" for rows, mb in peaks)
                   + f"; target ≤ {RSS_TARGET_MB} MB: " + ("met" if worst <= RSS_TARGET_MB else "**missed**"))
    return "\n".join(out)


def sweep_table(ctx):
    if not ctx.sweep:
        return ""
    lines = ["| test | conns | pool | req/s | p50 ms | p99 ms | errors | CPU µs/req app · pg | machine busy (cores) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in ctx.sweep:
        lines.append(f"| {TEST_LABELS[r['test']]} | {r['connections']} | {r['pool']} | {fmt_int(r['rate'])} "
                     f"| {fmt_ms(r['p50_us'])} | {fmt_ms(r['p99_us'])} | {r['non2xx'] + r['socket_errors']} "
                     f"| {r['cpu_app_us']:,.0f} · {r['cpu_pg_us']:,.0f} | {r['machine_busy']:.2f} |")
    return "\n".join(lines)


def best_pool(ctx):
    """The pool size with the best geometric mean of its rates relative to each test's best."""
    if not ctx.sweep:
        return None
    keys = {(r["test"], r["connections"]) for r in ctx.sweep}
    best = {k: max(r["rate"] for r in ctx.sweep if (r["test"], r["connections"]) == k) for k in keys}
    scores = {}
    for pool in sorted({r["pool"] for r in ctx.sweep}):
        rel = [r["rate"] / best[(r["test"], r["connections"])] for r in ctx.sweep if r["pool"] == pool]
        product = 1.0
        for value in rel:
            product *= value
        scores[pool] = product ** (1 / len(rel))
    return max(scores, key=scores.get), scores


def report(ctx, machine, load_before, load_after, elapsed, pool):
    args = ctx.args
    table = main_table(ctx, pool, machine["cores"])
    mode = ("quick" if args.quick else "full") + f" (`{getattr(args, 'command', None) or 'scripts/bench'}`)"
    sql_rows = [r for r in ctx.results if r["test"].startswith("sql_") and r["pool"] == pool]
    steps = getattr(args, "steps", None) or ["cases"]
    parts = [
        "# Benchmarks",
        "",
        "Generated by `scripts/bench`; do not edit by hand, run it again. These are measurements, not a",
        "test: nothing fails when a target is missed. How to read and reproduce them is at the end.",
        "",
        f"- **Run**: {mode}, {machine['date']}, {elapsed / 60:.1f} min; steps {', '.join(steps)}; "
        + (f"rows {', '.join(f'{r:,}' for r in args.rows)}; " if "cases" in steps else "")
        + (f"over TLS {args.tls_rows:,} rows; " if "tls" in steps else "")
        + (f"search over {args.search_cases:,} cases; " if "search" in steps else "")
        + (f"{args.uploads} uploads of 10 MB; " if "upload" in steps else "")
        + (f"{args.cba_downloads} CBA downloads (500 × 50); " if "cba" in steps else "")
        + (f"{args.market_signals:,} market signals; " if "market" in steps else "")
        + f"connections {', '.join(map(str, args.connections))}; {args.duration} s per measurement.",
        f"- **Commit**: `{machine['commit']}` (`{machine['dms']}`, release build).",
        f"- **Machine**: {machine['cores']} cores ({machine['model']}), {machine['memory_gb']:.1f} GB memory, "
        f"Linux {machine['kernel']}; the service, PostgreSQL and the load generator share these cores.",
        f"- **Load average** (1, 5, 15 min) before: {load_before}; after: {load_after}.",
        f"- **PostgreSQL** {machine['postgres']}, throw-away cluster on 127.0.0.1: fsync and synchronous_commit on "
        "(defaults), shared_buffers=256MB, max_connections=200, max_wal_size=2GB.",
        f"- **Service**: `dms serve`, DMS_POOL_SIZE={pool}, LOG_LEVEL=warning (the default `info` writes one access-log "
        "line per request, which is part of what is measured otherwise).",
        f"- **Load generators**: {machine['wrk']} ({args.threads} thread, `--timeout 10s`); pgbench -M extended "
        "(parse/bind/execute per statement, like the service's unnamed statements), -j 2.",
        baseline_line(ctx),
    ] + [f"- **Incident**: {note}." for note in ctx.notes] + [
        "",
        "## Results",
        "",
        table if ctx.results else "No case measurements in this run (`--steps` without `cases`).",
        "",
    ] + ([] if not ctx.results else [
        "Ratios: POST /api/cases and POST /api/decide against pgbench INSERT, the GETs against pgbench SELECT, "
        "same row count and connections. CPU µs/req: CPU time of the service process, of all PostgreSQL processes "
        "and of the load generator (wrk or pgbench) over the run, divided by the requests served; their sum bounds "
        "the rate: with N cores, at most N × 1,000,000 / (sum of µs) requests per second. Cores busy: that CPU per "
        "second of the run (bench) and the whole machine's busy time (/proc/stat), which also counts anything "
        "else running: when machine is well above bench, something else competed for the cores. CPU-bound ceiling: "
        "cores × 1,000,000 / (app + pg + client µs per request), the rate the same work would reach with the "
        "whole machine to itself (an upper bound: it ignores waits on locks, fsync and the network).",
        "",
        summary_lines(ctx, pool),
        "",
    ])
    if sql_rows:
        parts += ["## The service's own SQL in pgbench", "",
                  "The statements the service sent for one request of each endpoint (captured from PostgreSQL's log with "
                  "`log_statement = all`, parameters written in as typed literals; for GET /api/cases/{id} the case is "
                  f"a random loaded one), replayed by pgbench -M extended at c{TARGET_CONNECTIONS} on the same database: "
                  "what PostgreSQL alone does for each endpoint, one transaction = one request's statements.", ""]
        captured = ctx.captured.get(max(ctx.captured)) if ctx.captured else None
        if captured:
            parts += ["Statements (round trips) per request: " + ", ".join(
                f"{TEST_LABELS.get(name, name)} {len(statements)}" for name, statements in captured.items()
                if not name.startswith("list_open")) + ".", ""]
        parts += ["| rows | statements | conns | tps | before tps → ×now | p50 ms | p99 ms | CPU µs/tx pg · pgbench |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in sql_rows:
            parts.append(f"| {r['rows']:,} | {TEST_LABELS[r['test']]} | {r['connections']} | {fmt_int(r['rate'])} "
                         f"| {before(ctx, result_key('cases', r), r['rate'])} "
                         f"| {fmt_ms(r['p50_us'])} | {fmt_ms(r['p99_us'])} | {r['cpu_pg_us']:,.0f} · {r['cpu_client_us']:,.0f} |")
        parts.append("")
    if ctx.sweep:
        best, scores = best_pool(ctx)
        parts += ["## Pool size sweep", "",
                  f"{args.sweep_rows:,} rows, {args.sweep_duration} s per measurement, one service per pool size on the same "
                  "database, measured in turn for each test. Geometric mean of each test's rate "
                  "relative to the best pool size: " + ", ".join(f"{p}: {s:.2f}" for p, s in scores.items())
                  + f". Best: **{best}**.", "", sweep_table(ctx), ""]
    if ctx.explains:
        rows = ctx.explains[0]["rows"]
        parts += [f"## List queries: EXPLAIN (ANALYZE, BUFFERS) at {rows:,} rows", "",
                  "Each statement is the one the service sent for the request (captured from PostgreSQL's log with "
                  "`log_statement = all`), with its logged parameters written in as literals of the type PostgresNIO "
                  "binds them with (`String` → `'…'::text`, `UUID` → `'…'::uuid`, `Int` → `…::bigint`). The service "
                  "sends unnamed statements, which PostgreSQL plans with the parameter values, so this is the plan it "
                  "gets. The type matters: a bare `'…'` would take the type its context asks for, a text value goes "
                  "through the casts the service's does. The deep page starts 90 % of the way down the list.", ""]
        for e in ctx.explains:
            what = ("deep page (cursor)" if e["deep"] else "first page") + (f", status = '{e['status']}'" if e["status"] else ", no filter")
            verdict = f"index used: {', '.join(e['indexes'])}" if e["indexes"] else "**no index used**"
            if e["seq_scan"]:
                verdict += "; **a sequential scan is in the plan**"
            if e["deep"]:
                verdict += ("; the cursor is an index condition: the scan starts at the cursor" if e["cursor_in_index"]
                            else f"; **the cursor is only a filter: {e['removed']:,} rows read and discarded before the page**")
            verdict += f"; execution {e['time_ms']:.2f} ms"
            params = ", ".join(f"${n} = {v}" for n, v in sorted(e["params"].items(), key=lambda kv: int(kv[0])))
            parts += [f"### {what}", "", verdict, "", "```sql", e["literal"], "```", "",
                      f"Sent as: `{' '.join(e['sql'].split())}` with {params or 'no parameters'}.", "",
                      "```", e["plan"], "```", ""]
    parts += tls_section(ctx, pool, machine["cores"])
    parts += search_section(ctx)
    parts += upload_section(ctx)
    parts += cba_section(ctx)
    parts += market_section(ctx)
    parts += [
        "## Method",
        "",
        "- One fresh database per row count: `dms migrate`, then the cases are inserted with SQL in batches of "
        "5,000 (`INSERT INTO cases … SELECT … FROM generate_series` with the `case_created` event in the same "
        "statement, so the `events_link` trigger chains and hashes every event), one case in two then gets a "
        "decision, status `decided` and its `decision_recorded` event; `VACUUM ANALYZE` and `CHECKPOINT` follow. "
        "Cases are 7 s apart in `created_at`; ids are `md5('dms-bench-' || n)::uuid`; titles are varied French "
        f"procurement titles, {len(CASE_TITLES)} kinds of purchase or works (`CASE_TITLES`) × {len(CASE_PLACES)} places "
        f"(`CASE_PLACES`), such as \"{case_title(0)}\" or \"{case_title(42)}\".",
        "- pgbench runs on that database before the service starts: INSERT of one row into `bench_insert` "
        "(`CREATE TABLE … (LIKE cases INCLUDING ALL)`: same columns, defaults, checks and indexes as `cases`), and "
        "a SELECT of one case by primary key (random among the loaded ones). Latency percentiles come from "
        "pgbench's per-transaction log.",
        "- Before the measurements, a service with one pooled connection answers one request of each endpoint while "
        "the database logs every statement with its parameters (`log_statement = all`, for that phase only): that is "
        "the SQL shown in the EXPLAIN section and replayed by pgbench in \"The service's own SQL\" (full runs).",
        "- wrk then drives the service: a 2 s warm-up, the reads (GET of a random loaded case, the first page, a "
        "page 90 % of the way down with a cursor built from the data, health), then POST /api/cases, then "
        "POST /api/decide/{id} where each request decides a different open case created just before the run "
        "(1.5 × the create rate × the duration; each wrk thread takes its own slice; a 409 past the end of the "
        "slice is counted apart). Non-2xx counts every status ≥ 400 except the decide 409s, which have their own "
        "column; socket errors are wrk's connect, read, write and timeout errors.",
        "- Server RSS: VmRSS of the process sampled every 0.2 s during each run (the peak is shown), and VmHWM "
        "when the service stops.",
        "- Market step (`--steps market`): a fresh database migrated by `dms migrate` (plus, with a binary older than "
        "the tree, the tree's missing migrations applied with psql), whose migration 0009 seeds the catalogs. Signals "
        f"are inserted {MARKET_BATCH:,} per statement from `generate_series` with `setseed(0.42)`: an item of "
        f"`MARKET_ITEMS` (scripts/bench_lib.py) with one of its units, a seeded market or commune, a day among {MARKET_DAYS:,}, "
        "a price around the item's with a trend, a season and ±15 % noise; the table's trigger makes each `proposed` and "
        "computes its price per base unit. One `UPDATE … SET status = 'validated'` per sixteenth of the id space then "
        f"validates those whose id's last byte is below {MARKET_VALIDATED_BELOW} (≈ 90 %), through the review trigger. "
        "`VACUUM ANALYZE` and `CHECKPOINT` follow. pgbench, EXPLAIN, then the service: one probe request (a 404 skips "
        f"the endpoint, with the reason), {MARKET_SEQUENTIAL} sequential requests, wrk at c{TARGET_CONNECTIONS} "
        "and the run's other connection counts over 2,000 prepared paths.",
        "- TLS step (`--steps tls`): `scripts/cloud_postgres start tls` with CLOUDPG_DIR in the bench's state "
        "(`.pgbench/cloudpg`, removed like the rest) and CLOUDPG_PG_PORT a free port (or the one given), so a developer's "
        "own `.cloudpg` cluster and its data are never touched; `scripts/cloud_postgres reset` gives the empty database, "
        "`dms migrate` runs as the non-superuser role over TLS, the cases are loaded by psql over TLS as in the cases step "
        "(`--tls-rows`, default 10,000), `VACUUM ANALYZE`, and `CHECKPOINT` through the cluster owner's unix socket (the "
        "role may not). Then the cases step's pgbench runs (over TLS, at most "
        f"{TLS_PGBENCH_MAX_CONNECTIONS} connections: the role's CONNECTION LIMIT is 40) and its wrk runs against a service "
        "whose DATABASE_URL is the profile's. `scripts/cloud_postgres stop` at the end.",
        "- Search step (`--steps search`): a fresh database with the cases loaded as above (100,000, half decided; "
        "`--search-cases`), whose `case_search` rows the triggers of migration 0004 write, and the queries "
        f"(`SEARCH_QUERIES`, {len(SEARCH_QUERIES)}) in a table. The statement the service sends for `q={SEARCH_PROBE}` is "
        "captured as above and replayed by pgbench with a random query of the list (a subquery in its place), then "
        "EXPLAIN (ANALYZE, BUFFERS) for that query and the one matching most cases. The service: a probe, "
        f"{SEARCH_SEQUENTIAL} sequential requests (the queries in shuffled rounds, URL-encoded), wrk at "
        f"c{TARGET_CONNECTIONS} and the run's other connection counts, a random query per request.",
        f"- Upload step (`--steps upload`): a fresh database with {UPLOADS} + 1 open cases (`--uploads`). `make_pdf` writes "
        f"a valid PDF of exactly {UPLOAD_BYTES:,} bytes (one page of text and an embedded file of seeded pseudo-random "
        "bytes, cross-reference table, `%%EOF`); pgbench first inserts it server-side once per transaction at c1 (the "
        "reference), then the service gets one warm-up upload and the measured ones, one after the other from Python's "
        "http.client on one keep-alive connection, each to its own case (`multipart/form-data`, field `file`), then the "
        "same bytes again to the first case (the answer must be 200: nothing is stored twice in a case). The stored "
        "documents are counted afterwards.",
        f"- CBA step (`--steps cba`): a fresh database, one case and `cba_sql`: a DAO and {CBA_SUPPLIERS} offer documents "
        f"(with bytes and `document_uploaded` events), the `analyses` row, {CBA_CRITERIA} criteria sourced in the DAO, "
        f"{CBA_SUPPLIERS} offers with their four fields (one supplier in seven has its validity in REVUE MANUELLE), run 1 "
        "in `analysis_runs`, the `analysis_run` event and status `analyzed`, as AnalysisRepository.save stores an "
        "analysis. The download's SQL is captured and replayed by pgbench at c1; the service gets one warm-up download "
        f"and {CBA_DOWNLOADS} measured ones (`--cba-downloads`); the last workbook is opened (zipfile) and searched for "
        "the last supplier and the last criterion.",
        "- Before → after: every full run writes its figures to `docs/bench-results.json` (keyed by step, row count, "
        "test and connections); the next run reads that file before it measures (or `--baseline FILE`: such a file, or "
        "a saved run such as `.pgbench/results-quick.json`) and shows each figure's previous value and now ÷ before. "
        "Quick and partial runs compare with it too but do not write it.",
        "- Every service runs with DMS_AUTH=off and DMS_RATE_LIMIT_WRITES_PER_MIN=0 (no write limit: the benchmark measures the service, not the limiter).",
        "- Reproduce: `scripts/bench` (full; its duration is in the Run line), `scripts/bench --quick` (a few minutes, "
        "written to `.pgbench/BENCHMARKS-quick.md`), `scripts/bench --steps market` (one step alone, written to "
        "`.pgbench/BENCHMARKS-partial.md`), `scripts/bench --help` for the options.",
        "",
    ]
    return "\n".join(parts), table


# ---------------------------------------------------------------------------------------------
# before → after: the figures of a previous run (docs/bench-results.json, or --baseline FILE)

BASELINE_FILE = os.path.join(ROOT, "docs", "bench-results.json")


def us_ms(value_us):
    return None if value_us is None else value_us / 1000


def result_key(prefix, r):
    """The key of a cases-like measurement (cases and tls steps): `cases 10000 get_case c16 req/s`."""
    return f"{prefix} {r['rows']} {r['test']} c{r['connections']} req/s"


def measurements(state):
    """The run's figures by key ({key: {label, unit, value}}): what docs/bench-results.json keeps
    and what the next run's before → after columns compare with."""
    out = {}

    def add(key, label, unit, value):
        if value is not None:
            out[key] = {"label": label, "unit": unit, "value": round(float(value), 6)}

    pool = state["pool"]
    for prefix, results in (("cases", state.get("results") or []), ("tls", (state.get("tls") or {}).get("results") or [])):
        for r in results:
            if r["pool"] == pool:
                add(result_key(prefix, r), f"{prefix}: {r['rows']:,} rows, {TEST_LABELS[r['test']]}, c{r['connections']}",
                    "req/s", r["rate"])
    search = state.get("search") or {}
    for p in ("p50", "p95", "p99"):
        add(f"search sequential {p} ms", f"search: GET /api/memory/search, sequential, {p}", "ms",
            us_ms((search.get("sequential") or {}).get(f"{p}_us")))
    for r in search.get("wrk") or []:
        add(f"search wrk c{r['connections']} req/s", f"search: wrk GET /api/memory/search, c{r['connections']}", "req/s", r["rate"])
        add(f"search wrk c{r['connections']} p95 ms", f"search: wrk GET /api/memory/search, c{r['connections']}, p95", "ms", us_ms(r.get("p95_us")))
    for r in search.get("pgbench") or []:
        add(f"search pgbench c{r['connections']} tps", f"search: pgbench, the search SQL, c{r['connections']}", "tps", r["rate"])
    upload = state.get("upload") or {}
    add("upload median s", "upload: POST /api/upload of a 10 MB PDF, median", "s", upload.get("median_s"))
    add("upload max s", "upload: POST /api/upload of a 10 MB PDF, max", "s", upload.get("max_s"))
    add("upload pgbench p50 ms", "upload: pgbench INSERT of the same bytes, p50", "ms", us_ms((upload.get("pgbench") or {}).get("p50_us")))
    cba = state.get("cba") or {}
    add("cba median s", "cba: GET /api/download/{case_id}/cba, 500 × 50, median", "s", cba.get("median_s"))
    add("cba max s", "cba: GET /api/download/{case_id}/cba, 500 × 50, max", "s", cba.get("max_s"))
    add("cba pgbench p50 ms", "cba: pgbench, the download's SQL, p50", "ms", us_ms((cba.get("pgbench") or {}).get("p50_us")))
    market = state.get("market") or {}
    for r in market.get("pgbench") or []:
        add(f"market pgbench {r['level']} c{r['connections']} p95 ms",
            f"market: pgbench, the statistics SQL for {MARKET_LABELS[r['level']]}, c{r['connections']}, p95", "ms", us_ms(r["p95_us"]))
    add("market sequential p95 ms", "market: GET /api/market/stats, sequential, p95", "ms",
        us_ms((market.get("sequential") or {}).get("p95_us")))
    for r in market.get("wrk") or []:
        add(f"market wrk c{r['connections']} req/s", f"market: wrk GET /api/market/stats, c{r['connections']}", "req/s", r["rate"])
    return out


def run_summary(state):
    machine, args = state.get("machine") or {}, state.get("args") or {}
    return {"date": machine.get("date"), "commit": machine.get("commit"), "dms": machine.get("dms"),
            "command": args.get("command"), "quick": args.get("quick"), "steps": args.get("steps"), "pool": state.get("pool")}


def load_baseline(path, required=False):
    """A previous run's figures: a results file (docs/bench-results.json) or a run's saved state
    (.pgbench/results*.json). None when the file is missing and not required."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        if required:
            die(f"--baseline {path}: no such file")
        return None
    except ValueError as error:
        die(f"{path}: not JSON ({error})")
    shown = os.path.relpath(os.path.abspath(path), ROOT) if os.path.abspath(path).startswith(ROOT + os.sep) else path
    if isinstance(data.get("measurements"), dict):
        return {"file": shown, "run": data.get("run") or {}, "measurements": data["measurements"]}
    if "results" in data and "pool" in data:
        return {"file": shown, "run": run_summary(data), "measurements": measurements(data)}
    die(f"{path}: neither a results file (docs/bench-results.json) nor a saved run (.pgbench/results.json)")


def write_results_file(state, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"about": "Figures of the last full run of scripts/bench (its report: docs/BENCHMARKS.md); the next run "
                            "shows them in its before → after columns. Written by scripts/bench, do not edit.",
                   "run": run_summary(state), "measurements": measurements(state)}, f, indent=1, ensure_ascii=False)
        f.write("\n")


def fmt_unit(unit, value):
    if unit in ("req/s", "tps"):
        return f"{value:,.0f}"
    if unit == "ms":
        return f"{value:.2f}" if value < 10 else f"{value:.1f}"
    return f"{value:.3f}"


def before(ctx, key, now):
    """The before → after cell of a measurement: `1,962 → ×1.11` (the previous figure, now ÷ before)."""
    base = ((ctx.baseline or {}).get("measurements") or {}).get(key)
    if not base or now is None:
        return "—"
    value = base["value"]
    return fmt_unit(base["unit"], value) + (f" → ×{now / value:.2f}" if value else "")


def baseline_line(ctx):
    b = ctx.baseline
    if not b:
        return ("- **Before → after**: no previous figures (`docs/bench-results.json` is written by each full run; "
                "`--baseline FILE` picks another results file or a saved run).")
    run = b.get("run") or {}
    mode = "quick" if run.get("quick") else "full"
    return (f"- **Before → after**: the *before* columns show the same measurement in `{b['file']}` (a {mode} run of "
            f"{run.get('date') or '?'}, commit `{run.get('commit') or '?'}`), then now ÷ before: above 1 a rate went up, "
            "below 1 a time went down.")


# ---------------------------------------------------------------------------------------------
# the report's sections for the tls, search, upload and cba steps

def met(ok):
    return "yes" if ok else "**no**"


def tls_section(ctx, pool, cores):
    t = ctx.tls
    if not t:
        return []
    parts = ["## Over TLS: a cloud-style PostgreSQL (`scripts/cloud_postgres start tls`)", ""]
    if t.get("skipped"):
        return parts + [f"Not measured: {t['skipped']}.", ""]
    p = t.get("profile") or {}
    parts += [
        f"The create/get/list/decide runs of the cases step at {t['rows']:,} rows, against PostgreSQL {p.get('server_version')} "
        f"started by `scripts/cloud_postgres start tls` in `{t['state_dir']}` (the bench's own, stopped at the end): "
        f"ssl=on with a self-signed CA, `hostssl` + SCRAM-SHA-256 only (plain TCP refused), TimeZone {p.get('timezone')}, "
        f"shared_buffers {p.get('shared_buffers')}, max_connections {p.get('max_connections')}; the role `{p.get('role')}` is not "
        f"a superuser (superuser: {p.get('superuser')}), owns the database and has CONNECTION LIMIT {p.get('connection_limit')}. "
        f"The service connects with `{p.get('url')}` ({p.get('tls_version')}, {p.get('cipher')}); the cases are loaded by psql "
        "over TLS as that role; pgbench runs over TLS too (`sslmode=require` in its connection string) and is the reference "
        "of the ratios. No statement capture, EXPLAIN or SQL replay here: `log_statement` needs a superuser.",
        "",
    ]
    skipped = [c for c in t["connections"] if c not in t["pg_connections"]]
    if skipped:
        parts += [f"pgbench did not run at {', '.join(f'c{c}' for c in skipped)}: above {TLS_PGBENCH_MAX_CONNECTIONS} "
                  f"connections the role's limit ({p.get('connection_limit')}) refuses them, as a provider's plan would; "
                  "those rows have no reference.", ""]
    tctx = Context(ctx.args, None, None)
    tctx.results, tctx.baseline = t.get("results") or [], ctx.baseline
    parts += [main_table(tctx, pool, cores, prefix="tls"), ""]
    # Beside the loopback figures of the same run, when the cases step measured the same row count.
    pairs = []
    for r in tctx.results:
        if r["pool"] != pool:
            continue
        loop = next((x for x in ctx.results if x["rows"] == r["rows"] and x["test"] == r["test"]
                     and x["connections"] == r["connections"] and x["pool"] == pool), None)
        if loop and loop["rate"] and r["rate"]:
            pairs.append((r, loop))
    if pairs:
        parts += [f"Over TLS and over plain loopback TCP (the cases step of this run, {t['rows']:,} rows):", "",
                  "| test | conns | loopback req/s | TLS req/s | TLS ÷ loopback | loopback p99 ms | TLS p99 ms |",
                  "|---|---|---|---|---|---|---|"]
        for r, loop in pairs:
            parts.append(f"| {TEST_LABELS[r['test']]} | {r['connections']} | {fmt_int(loop['rate'])} | {fmt_int(r['rate'])} "
                         f"| {r['rate'] / loop['rate'] * 100:.0f} % | {fmt_ms(loop['p99_us'])} | {fmt_ms(r['p99_us'])} |")
        parts.append("")
    return parts


def search_section(ctx):
    s = ctx.search
    if not s or "cases" not in s:
        return []
    target = SEARCH_TARGET_P95_MS * 1000
    parts = [
        "## Memory search (GET /api/memory/search)", "",
        f"{s['cases']:,} cases ({s['decided']:,} decided, by \"Ets Diallo & Fils\"), {s['titles']:,} different titles "
        f"(`CASE_TITLES` × `CASE_PLACES` in scripts/bench_lib.py: \"{case_title(0)}\", \"{case_title(42)}\"…); their "
        f"{s['search_rows']:,} `case_search` rows written by the triggers of migration 0004. Loaded in {s['load_s']:.1f} s; "
        f"`case_search` {s['table_mb']:,.0f} MB with its indexes, of which the GIN index {s['gin_mb']:,.0f} MB. "
        f"{len(SEARCH_QUERIES)} queries (`SEARCH_QUERIES`), each matching from "
        f"{min(q['matches'] for q in s['queries']):,} to {max(q['matches'] for q in s['queries']):,} cases. "
        f"Target: p95 ≤ {SEARCH_TARGET_P95_MS} ms (sequential requests; reported, not enforced).", "",
    ]
    if s.get("sql_skipped"):
        parts += [f"The search SQL was not measured alone: {s['sql_skipped']}.", ""]
    if s.get("sql"):
        parts += ["The statement the service sent for `q=ciment` (captured with `log_statement = all`; parameters "
                  + ", ".join(f"${k} = {v}" for k, v in sorted(s["params"].items(), key=lambda kv: int(kv[0]))) + "):", "",
                  "```sql", s["sql"].strip(), "```", ""]
    if s.get("pgbench"):
        parts += ["pgbench -M extended replays it with a random query of the list (looked up in a subquery of the same "
                  "statement):", "",
                  "| test | conns | tx/s | p50 ms | p95 ms | p99 ms | failed | CPU µs/tx pg · pgbench | before tx/s → ×now |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in s["pgbench"]:
            was = before(ctx, f"search pgbench c{r['connections']} tps", r["rate"])
            parts.append(f"| pgbench: the search SQL | {r['connections']} | {fmt_int(r['rate'])} | {fmt_ms(r['p50_us'])} "
                         f"| {fmt_ms(r['p95_us'])} | {fmt_ms(r['p99_us'])} | {r['non2xx']} "
                         f"| {r['cpu_pg_us']:,.0f} · {r['cpu_client_us']:,.0f} | {was} |")
        parts.append("")
    if s.get("endpoint_skipped"):
        parts += [f"The endpoint was not measured: {s['endpoint_skipped']}.", ""]
    elif s.get("sequential"):
        seq = s["sequential"]
        parts += [f"The endpoint, {seq['requests']} sequential requests on one keep-alive connection (the queries in "
                  f"shuffled rounds; {seq['rows_per_request']:.1f} hits per 200 response, the default page of 20); statuses "
                  + ", ".join(f"{code} × {n:,}" for code, n in seq["statuses"].items()) + ":", "",
                  "| | p50 ms | p95 ms | p99 ms | mean ms | p95 ≤ 50 ms? |", "|---|---|---|---|---|---|",
                  f"| now | {fmt_ms(seq['p50_us'])} | {fmt_ms(seq['p95_us'])} | {fmt_ms(seq['p99_us'])} | {fmt_ms(seq['mean_us'])} "
                  f"| {met(seq['p95_us'] <= target)} |",
                  f"| before → ×now | {before(ctx, 'search sequential p50 ms', us_ms(seq['p50_us']))} "
                  f"| {before(ctx, 'search sequential p95 ms', us_ms(seq['p95_us']))} "
                  f"| {before(ctx, 'search sequential p99 ms', us_ms(seq['p99_us']))} | | |", ""]
        if s.get("wrk"):
            parts += ["| test | conns | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket err | CPU µs/req app · pg · wrk "
                      "| before req/s → ×now | before p95 ms → ×now |", "|---|---|---|---|---|---|---|---|---|---|---|"]
            for r in s["wrk"]:
                cpu = " · ".join("—" if r[k] is None else f"{r[k]:,.0f}" for k in ("cpu_app_us", "cpu_pg_us", "cpu_client_us"))
                c = r["connections"]
                parts.append(f"| wrk GET /api/memory/search (random query) | {c} | {fmt_int(r['rate'])} | {fmt_ms(r['p50_us'])} "
                             f"| {fmt_ms(r.get('p95_us'))} | {fmt_ms(r['p99_us'])} | {r['non2xx']} | {r['socket_errors']} | {cpu} "
                             f"| {before(ctx, f'search wrk c{c} req/s', r['rate'])} "
                             f"| {before(ctx, f'search wrk c{c} p95 ms', us_ms(r.get('p95_us')))} |")
            parts.append("")
        rows = sorted((q for q in s["queries"] if q.get("median_us") is not None), key=lambda q: -q["median_us"])
        if rows:
            shown, rest = rows[:SEARCH_SLOWEST_SHOWN], rows[SEARCH_SLOWEST_SHOWN:]
            parts += [f"The {len(shown)} slowest queries of the sequential requests (each one's median and max over its "
                      "requests):", "", "| q | cases matched | requests | median ms | max ms |", "|---|---|---|---|---|"]
            for q in shown:
                parts.append(f"| `{q['q']}` | {q['matches']:,} | {q['requests']} | {fmt_ms(q['median_us'])} | {fmt_ms(q['max_us'])} |")
            if rest:
                parts += ["", f"The other {len(rest)}: medians from {fmt_ms(rest[-1]['median_us'])} to "
                          f"{fmt_ms(rest[0]['median_us'])} ms, matching {min(q['matches'] for q in rest):,} to "
                          f"{max(q['matches'] for q in rest):,} cases."]
            parts.append("")
    for e in s.get("explains") or []:
        scan = "the GIN index `case_search_vector_idx`" if e["gin"] else "**no GIN index**"
        if e["seq_scan"]:
            scan += " (**a sequential scan of case_search**)"
        parts += [f"### Plan: q=`{e['q']}` ({e['matches']:,} cases matched)", "",
                  f"Execution {e['time_ms']:.2f} ms, planning {e['planning_ms']:.2f} ms (EXPLAIN ANALYZE, after one run of the "
                  f"same query in the session); {scan}.", "", "```", e["plan"], "```", ""]
    return parts


def upload_section(ctx):
    u = ctx.upload
    if not u or "bytes" not in u:
        return []
    parts = ["## Upload of a 10 MB PDF (POST /api/upload/{case_id}/offer)", "",
             f"A valid PDF of {u['bytes']:,} bytes (`make_pdf`: one page of text and an attached file of incompressible "
             f"bytes; SHA-256 `{u['sha256'][:16]}…`) sent as `multipart/form-data` "
             f"({u.get('body_bytes', 0):,} bytes of body), {u['uploads_wanted']} times one after the other on one keep-alive "
             "connection, each to a fresh open case, after one warm-up upload to another case; the time is the client's, "
             "from the first byte sent to the whole response. "
             f"Target: ≤ {UPLOAD_TARGET_S} s per upload (the median; reported, not enforced).", ""]
    r = u.get("pgbench")
    if r:
        parts += [f"Reference: pgbench inserts the same bytes {r['requests']} times, one per transaction at c1, copied "
                  "server-side from a table into one like `document_contents` (storage EXTERNAL, the CHECK of the hash): the "
                  "database's own cost of storing them (TOAST, WAL, fsync at commit), without any transfer: "
                  f"p50 {fmt_ms(r['p50_us'])} ms, p99 {fmt_ms(r['p99_us'])} ms, {r['rate']:,.1f} tx/s "
                  f"(before: {before(ctx, 'upload pgbench p50 ms', us_ms(r['p50_us']))}).", ""]
    if u.get("endpoint_skipped"):
        return parts + [f"The endpoint was not measured: {u['endpoint_skipped']}.", ""]
    if "median_s" not in u:
        return parts
    target_ok = u["median_s"] <= UPLOAD_TARGET_S
    parts += ["| uploads | statuses | median s | min s | max s | mean s | MB/s (median) | CPU ms/upload app · pg "
              "| server RSS peak MB | ≤ 0.5 s? | before median s → ×now | before max s → ×now |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|",
              f"| {len(u['times_s'])} | " + ", ".join(f"{k} × {v}" for k, v in sorted(u["statuses"].items()))
              + f" | {u['median_s']:.3f} | {u['min_s']:.3f} | {u['max_s']:.3f} | {u['mean_s']:.3f} "
              f"| {u['bytes'] / 2**20 / u['median_s']:,.0f} | {u['cpu_app_ms']:,.0f} · {u['cpu_pg_ms']:,.0f} "
              f"| {'—' if u.get('rss_peak_mb') is None else format(u['rss_peak_mb'], '.0f')} "
              f"| {met(target_ok)}{'' if u['max_s'] <= UPLOAD_TARGET_S else ' (max above)'} "
              f"| {before(ctx, 'upload median s', u['median_s'])} | {before(ctx, 'upload max s', u['max_s'])} |", "",
              "Each upload, s: " + ", ".join(f"{t:.3f}" for t in u["times_s"]) + f" (warm-up {u.get('warmup_s', 0):.3f})."]
    repeat, stored = u.get("repeat") or {}, u.get("stored") or {}
    parts += [f"The same bytes again to the first case: {repeat.get('status')} in {repeat.get('s', 0):.3f} s "
              + ("(200: nothing stored again)." if repeat.get("status") == 200 else "(**expected 200**)."),
              f"Stored: {stored.get('documents', 0)} documents in {stored.get('cases', 0)} cases, {stored.get('same_bytes', 0)} "
              f"with the PDF's hash and size, {stored.get('contents', 0)} contents ({stored.get('content_bytes', 0):,} bytes); "
              f"server peak RSS (VmHWM) {u.get('hwm_mb', 0):.0f} MB.", ""]
    return parts


def cba_section(ctx):
    c = ctx.cba
    if not c or "stored" not in c:
        return []
    st = c["stored"]
    parts = ["## CBA render: 500 criteria × 50 suppliers (GET /api/download/{case_id}/cba)", "",
             f"One case whose analysis is written in SQL as AnalysisRepository.save writes one (`cba_sql` in "
             f"scripts/bench_lib.py): {st['criteria']} criteria read from the DAO, {st['offers']} offers with {st['fields']} "
             f"fields ({st['fields_in_review']} in REVUE MANUELLE), {st['documents']} documents with their bytes, run 1 in "
             f"`analysis_runs`, {st['events']} events, status `{st['status']}`; built in {c['load_s']:.1f} s. "
             f"{c['downloads_wanted']} downloads one after the other after one warm-up; the time is the client's, to the "
             f"whole workbook. Target: ≤ {CBA_TARGET_S} s (the median; reported, not enforced).", ""]
    r = c.get("pgbench")
    if r:
        parts += [f"Reference: pgbench replays the download's {c['statements']} statements (the snapshot: captured with "
                  "`log_statement = all`, one transaction = one download's SQL) at c1: "
                  f"p50 {fmt_ms(r['p50_us'])} ms, p99 {fmt_ms(r['p99_us'])} ms, {r['rate']:,.0f} tx/s "
                  f"(before: {before(ctx, 'cba pgbench p50 ms', us_ms(r['p50_us']))}); the rest of a download is the "
                  "service's: decoding, building the report, writing the workbook.", ""]
    elif c.get("sql_skipped"):
        parts += [f"The download's SQL was not measured alone: {c['sql_skipped']}.", ""]
    if c.get("endpoint_skipped"):
        return parts + [f"The endpoint was not measured: {c['endpoint_skipped']}.", ""]
    if "median_s" not in c:
        return parts
    wb = c.get("workbook") or {}
    found = wb.get("found") or {}
    parts += ["| downloads | statuses | median s | min s | max s | workbook bytes | same bytes each time | CPU ms/download app · pg "
              "| server RSS peak MB | ≤ 0.3 s? | before median s → ×now | before max s → ×now |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|",
              f"| {len(c['times_s'])} | {', '.join(c['statuses'])} | {c['median_s']:.3f} | {c['min_s']:.3f} | {c['max_s']:.3f} "
              f"| {c['bytes']:,} | {'yes' if c['identical'] else 'no'} | {c['cpu_app_ms']:,.0f} · {c['cpu_pg_ms']:,.0f} "
              f"| {'—' if c.get('rss_peak_mb') is None else format(c['rss_peak_mb'], '.0f')} "
              f"| {met(c['median_s'] <= CBA_TARGET_S)}{'' if c['max_s'] <= CBA_TARGET_S else ' (max above)'} "
              f"| {before(ctx, 'cba median s', c['median_s'])} | {before(ctx, 'cba max s', c['max_s'])} |", "",
              "Each download, s: " + ", ".join(f"{t:.3f}" for t in c["times_s"]) + f" (warm-up {c.get('warmup_s', 0):.3f}). "
              f"The workbook: {'a valid' if wb.get('valid') else '**not a valid**'} XLSX, {wb.get('sheets', 0)} sheets; "
              + "; ".join(f"\"{needle}\" {'found' if ok else '**missing**'}" for needle, ok in found.items())
              + f". Server peak RSS (VmHWM) {c.get('hwm_mb', 0):.0f} MB.", ""]
    return parts


def steps_summary(ctx, pool):
    """One line per new step's headline, for the terminal."""
    out = []
    t = ctx.tls
    if t.get("skipped"):
        out.append(f"- tls: not measured: {t['skipped']}")
    for r in t.get("results") or []:
        if r["connections"] == TARGET_CONNECTIONS and r["pool"] == pool and not r["test"].startswith("pg_"):
            out.append(f"- tls, {r['rows']:,} rows, {TEST_LABELS[r['test']]} c{r['connections']}: {r['rate']:,.0f}/s, "
                       f"p99 {fmt_ms(r['p99_us'])} ms")
    seq = (ctx.search or {}).get("sequential")
    if seq:
        out.append(f"- search, {ctx.search['cases']:,} cases, sequential: p50 {fmt_ms(seq['p50_us'])} ms, p95 {fmt_ms(seq['p95_us'])} ms "
                   f"(≤ {SEARCH_TARGET_P95_MS} ms: {met(seq['p95_us'] <= SEARCH_TARGET_P95_MS * 1000)}), p99 {fmt_ms(seq['p99_us'])} ms")
    if (ctx.upload or {}).get("median_s") is not None:
        u = ctx.upload
        out.append(f"- upload, 10 MB PDF × {len(u['times_s'])}: median {u['median_s']:.3f} s, max {u['max_s']:.3f} s "
                   f"(≤ {UPLOAD_TARGET_S} s: {met(u['median_s'] <= UPLOAD_TARGET_S)})")
    if (ctx.cba or {}).get("median_s") is not None:
        c = ctx.cba
        out.append(f"- cba, 500 × 50 × {len(c['times_s'])}: median {c['median_s']:.3f} s, max {c['max_s']:.3f} s "
                   f"(≤ {CBA_TARGET_S} s: {met(c['median_s'] <= CBA_TARGET_S)})")
    for step in ("search", "upload", "cba"):
        reason = (getattr(ctx, step) or {}).get("endpoint_skipped")
        if reason:
            out.append(f"- {step}: endpoint not measured: {reason}")
    return "\n".join(out)


NOTES_BEGIN = "<!-- notes:begin (hand-written; scripts/bench keeps this block when it rewrites the file) -->"
NOTES_END = "<!-- notes:end -->"


def keep_notes(path, document):
    """Carries the hand-written block between the notes markers of the previous report over to the
    new one, after the summary (the analysis of a run is written by people, not by this script)."""
    try:
        with open(path, encoding="utf-8") as f:
            previous = f.read()
    except OSError:
        return document
    start, end = previous.find(NOTES_BEGIN), previous.find(NOTES_END)
    if start < 0 or end < start:
        return document
    notes = previous[start:end + len(NOTES_END)]
    anchors = ["\n## The service's own SQL", "\n## Pool size sweep", "\n## List queries", "\n## Over TLS",
               "\n## Memory search", "\n## Upload of", "\n## CBA render", "\n## Market statistics"]
    anchor = next((a for a in anchors if a in document), "\n## Method")
    at = document.find(anchor)
    if at < 0:
        return document + "\n" + notes + "\n"
    return document[:at] + "\n" + notes + "\n" + document[at:]


# ---------------------------------------------------------------------------------------------

STEPS = ("cases", "tls", "search", "upload", "cba", "market")  # in the order they run


def step_list(text):
    steps = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [step for step in steps if step not in STEPS]
    if not steps or unknown:
        raise argparse.ArgumentTypeError(f"expected steps among {', '.join(STEPS)}, got '{text}'")
    return [step for step in STEPS if step in steps]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Benchmark DMS: a release build on a throw-away PostgreSQL cluster (.pgbench/, loopback only); "
                    "pgbench for the database's limit, wrk against the service; prints a markdown table and writes "
                    "docs/BENCHMARKS.md, each figure beside the previous full run's (docs/bench-results.json) with "
                    "their ratio. It reports numbers and never fails on them. Steps, in this order: "
                    "`cases` (1k/10k/100k cases: create, read, list, decide); "
                    "`tls` (the same runs at 10,000 rows over TLS to a cloud-style PostgreSQL, `scripts/cloud_postgres "
                    "start tls` in .pgbench/cloudpg: ssl, SCRAM, a non-superuser role; pgbench over TLS as the reference); "
                    "`search` (GET /api/memory/search over 100,000 cases with varied French titles: the SQL with "
                    "pgbench and EXPLAIN, ~500 sequential requests for p50/p95/p99, wrk; target p95 ≤ 50 ms); "
                    "`upload` (POST /api/upload/{case_id}/offer of a valid 10 MB PDF, 20 times, each to a fresh case, "
                    "then once more to the first case, which answers 200; pgbench stores the same bytes as the "
                    "reference; target ≤ 0.5 s per upload); "
                    "`cba` (GET /api/download/{case_id}/cba of a case with 50 suppliers and 500 criteria written in SQL, "
                    "~10 downloads, median and max; the snapshot's SQL with pgbench; target ≤ 0.3 s); "
                    "`market` (1,000,000 market signals on the seeded catalogs, loaded through the triggers and ~90 % "
                    "validated; the statistics SQL of GET /api/market/stats with pgbench and EXPLAIN (ANALYZE, BUFFERS), "
                    "then the endpoint with sequential requests and wrk, skipped with the reason when it answers 404; "
                    "target p95 < 50 ms). The services run with DMS_AUTH=off and DMS_RATE_LIMIT_WRITES_PER_MIN=0.",
        epilog="Environment: DMS_BIN=path uses that binary (no build; DMS_COMMIT=label names its code in the report); "
               "the build goes to .build-release/. CLOUDPG_PG_PORT sets the port of the tls step's cluster (default: "
               "a free one); it never uses a developer's own .cloudpg. "
               "The machine's load is recorded, not controlled: run it on an idle machine.")
    parser.add_argument("--quick", action="store_true",
                        help="rows 1000,10000, 16 connections, 5 s per run, no SQL baselines, search over 10,000 cases, "
                             "5 uploads, 3 CBA downloads, 100,000 market signals (a few minutes); writes "
                             ".pgbench/BENCHMARKS-quick.md unless --out, and never docs/bench-results.json")
    parser.add_argument("--steps", type=step_list, metavar="LIST",
                        help="which steps to run, comma-separated: " + ", ".join(STEPS) + " (default all). A run "
                             "without every step writes .pgbench/BENCHMARKS-partial.md unless --out, and not "
                             "docs/bench-results.json, so that both keep a whole run")
    parser.add_argument("--tls-rows", type=int, metavar="N",
                        help=f"cases loaded for the tls step (default {TLS_ROWS:,}, the same with --quick)")
    parser.add_argument("--search-cases", type=int, metavar="N",
                        help=f"cases loaded for the search step (default {SEARCH_CASES:,}; {SEARCH_CASES_QUICK:,} with --quick)")
    parser.add_argument("--uploads", type=int, metavar="N",
                        help=f"10 MB uploads measured by the upload step (default {UPLOADS}; {UPLOADS_QUICK} with --quick)")
    parser.add_argument("--cba-downloads", type=int, metavar="N",
                        help=f"CBA downloads measured by the cba step (default {CBA_DOWNLOADS}; {CBA_DOWNLOADS_QUICK} with --quick)")
    parser.add_argument("--baseline", metavar="FILE",
                        help="the previous figures for the before → after columns (default docs/bench-results.json, "
                             "written by each full run; also a saved run such as .pgbench/results-quick.json)")
    parser.add_argument("--market-signals", type=int, metavar="N",
                        help=f"market signals to load for the market step (default {MARKET_SIGNALS:,}; "
                             f"{MARKET_SIGNALS_QUICK:,} with --quick)")
    parser.add_argument("--rows", type=int_list, help="row counts to load (default 1000,10000,100000)")
    parser.add_argument("--connections", type=int_list, help="wrk/pgbench connections (default 1,16,64)")
    parser.add_argument("--duration", type=int, help="seconds per measurement (default 10)")
    parser.add_argument("--no-build", action="store_true", help="use the existing .build-release/release/dms")
    parser.add_argument("--pool-size", type=int, help="DMS_POOL_SIZE of the service (default: 8, the best of earlier sweeps on 2 cores; "
                             "or the best of --pool-sweep)")
    parser.add_argument("--pool-sweep", type=int_list, metavar="LIST",
                        help="first compare these pool sizes (e.g. 8,16,32) at 10,000 rows, c16 and c64, 5 s each, "
                             "then run the benchmark with the best one")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1: the machine has few cores)")
    parser.add_argument("--no-sql-baselines", action="store_true",
                        help="skip pgbench runs of the service's own statements (skipped by --quick)")
    parser.add_argument("--out", help="report file (default docs/BENCHMARKS.md; .pgbench/BENCHMARKS-quick.md with --quick)")
    parser.add_argument("--from-results", metavar="FILE",
                        help="only rewrite the report from a saved run (.pgbench/results.json, written by every run): "
                             "no build, no cluster, no measurement")
    parser.add_argument("--validate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows = args.rows or [1000, 10000]
        args.connections = args.connections or [16]
        args.duration = args.duration or 5
        args.no_sql_baselines = True
    args.steps = args.steps or list(STEPS)
    args.market_signals = args.market_signals or (MARKET_SIGNALS_QUICK if args.quick else MARKET_SIGNALS)
    if not 1_000 <= args.market_signals <= 10_000_000:
        parser.error("--market-signals must be between 1,000 and 10,000,000")
    args.tls_rows = args.tls_rows or TLS_ROWS
    args.search_cases = args.search_cases or (SEARCH_CASES_QUICK if args.quick else SEARCH_CASES)
    args.uploads = args.uploads or (UPLOADS_QUICK if args.quick else UPLOADS)
    args.cba_downloads = args.cba_downloads or (CBA_DOWNLOADS_QUICK if args.quick else CBA_DOWNLOADS)
    if not 100 <= args.tls_rows <= 5_000_000:
        parser.error("--tls-rows must be between 100 and 5,000,000")
    if not 100 <= args.search_cases <= 5_000_000:
        parser.error("--search-cases must be between 100 and 5,000,000")
    if not 1 <= args.uploads <= 200:
        parser.error("--uploads must be between 1 and 200")
    if not 1 <= args.cba_downloads <= 200:
        parser.error("--cba-downloads must be between 1 and 200")
    if args.baseline and not os.path.isfile(args.baseline):
        parser.error(f"--baseline {args.baseline}: no such file")
    args.rows = args.rows or [1000, 10000, 100000]
    args.connections = args.connections or [1, 16, 64]
    args.duration = args.duration or 10
    if not 1 <= args.duration <= 600:
        parser.error("--duration must be between 1 and 600 seconds")
    if any(r < 100 or r > 5_000_000 for r in args.rows):
        parser.error("--rows values must be between 100 and 5,000,000")
    if any(c > 190 for c in args.connections):
        parser.error("--connections values must be at most 190 (the cluster has max_connections=200)")
    if args.pool_size is not None and not 1 <= args.pool_size <= 150:
        parser.error("--pool-size must be between 1 and 150")
    if args.pool_sweep and any(p > 150 for p in args.pool_sweep):
        parser.error("--pool-sweep values must be at most 150")
    if not 1 <= args.threads <= 16:
        parser.error("--threads must be between 1 and 16")
    args.out_given = args.out is not None
    args.partial = list(args.steps) != list(STEPS)
    if args.out is None:
        if args.quick:
            args.out = os.path.join(ROOT, ".pgbench", "BENCHMARKS-quick.md")
        elif args.partial:
            args.out = os.path.join(ROOT, ".pgbench", "BENCHMARKS-partial.md")
        else:
            args.out = os.path.join(ROOT, "docs", "BENCHMARKS.md")
    args.sweep_rows = 10_000
    args.sweep_duration = 5
    return args


def main(argv):
    args = parse_args(argv)
    if args.validate_only:
        return 0
    if args.from_results:
        with open(args.from_results) as f:
            state = json.load(f)
        if args.baseline:
            state["baseline"] = load_baseline(args.baseline, required=True)
        write_report(state, args.out if args.out_given else state["args"]["out"])
        return 0
    for name in ("BENCH_PG_PORT", "BENCH_PG_DATA", "BENCH_WORK", "DMS_BIN", "PG_BIN", "BENCH_HTTP_PORT"):
        if not os.environ.get(name):
            die(f"{name} is not set: run scripts/bench, not this file")
    args.dms_bin = os.environ["DMS_BIN"]
    args.pg_bin = os.environ["PG_BIN"]
    args.work = os.environ["BENCH_WORK"]
    args.port = int(os.environ["BENCH_HTTP_PORT"])
    args.pid_file = os.path.join(args.work, "server.pid")
    os.makedirs(args.work, exist_ok=True)
    pg = Postgres(os.environ["BENCH_PG_PORT"], os.environ["BENCH_PG_DATA"], args.pg_bin, os.environ.get("BENCH_DB") or "dms")
    ctx = Context(args, pg, write_lua(args.work))
    # Read before anything is measured: a full run writes the same file at its end.
    ctx.baseline = load_baseline(args.baseline or BASELINE_FILE, required=bool(args.baseline))
    if ctx.baseline:
        say(f"before → after: {len(ctx.baseline['measurements'])} figures of {ctx.baseline['file']} "
            f"({(ctx.baseline.get('run') or {}).get('date') or '?'})")
    machine = machine_info(args, pg)
    load_before = loadavg()
    say(f"machine: {machine['cores']} cores, {machine['memory_gb']:.1f} GB, load {load_before}; commit {machine['commit']}")

    pool = args.pool_size or DEFAULT_POOL
    if args.pool_sweep:
        say(f"pool size sweep: {', '.join(map(str, args.pool_sweep))}")
        run_sweep(ctx, args.pool_sweep)
        best, scores = best_pool(ctx)
        say("pool size sweep: " + ", ".join(f"{p}: {s:.2f}" for p, s in scores.items()) + f"; best {best}")
        print(sweep_table(ctx) + "\n", flush=True)
        if args.pool_size is None:
            pool = best

    if "cases" in args.steps:
        largest = max(args.rows)
        for rows in args.rows:
            run_rows(ctx, rows, args.connections, args.duration, pool, CASE_TESTS,
                     explain=(rows == largest), baselines=not args.no_sql_baselines)
    if "tls" in args.steps:
        run_tls(ctx, args.connections, args.duration, pool)
    if "search" in args.steps:
        run_search(ctx, args.connections, args.duration, pool)
    if "upload" in args.steps:
        run_upload(ctx, args.duration, pool)
    if "cba" in args.steps:
        run_cba(ctx, args.duration, pool)
    if "market" in args.steps:
        run_market(ctx, args.connections, args.duration, pool)

    state = {
        "args": dict({k: getattr(args, k) for k in ("quick", "rows", "connections", "duration", "threads", "sweep_rows",
                                                    "sweep_duration", "out", "steps", "market_signals", "tls_rows",
                                                    "search_cases", "uploads", "cba_downloads")},
                     command=" ".join(["scripts/bench"] + argv)),
        "machine": machine, "load_before": load_before, "load_after": loadavg(),
        "elapsed": time.monotonic() - STARTED, "pool": pool, "results": ctx.results, "sweep": ctx.sweep,
        "explains": ctx.explains, "notes": ctx.notes, "captured": {str(k): v for k, v in ctx.captured.items()},
        "rows_info": [[rows, p, info] for (rows, p), info in ctx.rows_info.items()],
        "market": ctx.market, "tls": ctx.tls, "search": ctx.search, "upload": ctx.upload, "cba": ctx.cba,
        "baseline": ctx.baseline,
    }
    results_path = os.path.join(ROOT, ".pgbench", "results-quick.json" if args.quick
                                else "results-partial.json" if args.partial else "results.json")
    os.makedirs(os.path.dirname(results_path), exist_ok=True)
    with open(results_path, "w") as f:
        json.dump(state, f, indent=1)
    write_report(state, args.out)
    if not args.quick and not args.partial:
        write_results_file(state, BASELINE_FILE)
        say(f"figures for the next run's before → after columns: {os.path.relpath(BASELINE_FILE, ROOT)}")
    return 0


def write_report(state, out):
    """Writes the markdown report of a run (fresh, or saved in results.json) and prints its table."""
    args = argparse.Namespace(**state["args"])
    ctx = Context(args, None, None)
    ctx.results, ctx.sweep, ctx.explains = state["results"], state["sweep"], state["explains"]
    ctx.notes = state.get("notes", [])
    ctx.captured = {int(k): v for k, v in state.get("captured", {}).items()}
    ctx.rows_info = {(rows, p): info for rows, p, info in state["rows_info"]}
    ctx.market = state.get("market") or {}
    ctx.tls, ctx.search = state.get("tls") or {}, state.get("search") or {}
    ctx.upload, ctx.cba = state.get("upload") or {}, state.get("cba") or {}
    ctx.baseline = state.get("baseline")
    for key, value in (("tls_rows", TLS_ROWS), ("search_cases", SEARCH_CASES), ("uploads", UPLOADS),
                       ("cba_downloads", CBA_DOWNLOADS)):
        if not hasattr(args, key):  # a run saved before these steps existed
            setattr(args, key, value)
    pool = state["pool"]
    document, table = report(ctx, state["machine"], state["load_before"], state["load_after"], state["elapsed"], pool)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    document = keep_notes(out, document)
    with open(out, "w", encoding="utf-8") as f:
        f.write(document)
    print(table, flush=True)
    print("\n" + summary_lines(ctx, pool), flush=True)
    more = steps_summary(ctx, pool)
    if more:
        print(more, flush=True)
    say(f"run of {state['elapsed'] / 60:.1f} min; load {state['load_before']} → {state['load_after']}; "
        f"report: {os.path.relpath(out, ROOT)}")

if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except ServerGone as gone:
        die(f"the service exited (status {gone.args[0]}) outside a measurement; see .pgbench/work/server_*.log")
