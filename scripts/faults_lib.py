#!/usr/bin/env python3
"""The fault-injection harness behind scripts/faults (Python standard library only).

scripts/faults prepares the tools, the binary and a throw-away PostgreSQL cluster, then runs
`faults_lib.py run [--quick] [--only NAMES]` with its configuration in the environment
(FAULTS_* variables, see Config). Every step runs real `dms serve` processes against real
PostgreSQL on loopback, under a bounded load (threads, count and time), injects one fault, and
asserts: nothing acknowledged with a 2xx is lost, requests during the outage get 503 (or a refused
connection when the service itself is killed) within 5 s, the service answers 2xx again within
10 s of PostgreSQL being back without being restarted, and `dms memory verify` says OK.
"""
import argparse
import collections
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import faults_edge

OUTAGE_ANSWER_LIMIT = 5.0     # s: every request started during an outage is answered within this
RECOVERY_LIMIT = 10.0         # s: first 2xx after PostgreSQL (or the service) is back
REQUEST_TIMEOUT = 20.0        # s: client-side; a request still unanswered then counts as "timeout"
LOAD_MAX_SECONDS = 240.0      # hard bound of one load phase
LOAD_MAX_REQUESTS = 200_000   # hard bound of one load phase


def log(message):
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def now():
    return time.monotonic()


# ------------------------------------------------------------------------------------------------
# configuration and processes


class Config:
    def __init__(self):
        env = os.environ
        self.root = env["FAULTS_ROOT"]
        self.work = env["FAULTS_WORK"]                 # private temp dir: binary copy, logs, pid file
        self.dms = os.path.join(self.work, "dms")
        self.pg_bin = env["FAULTS_PG_BIN"]
        self.data = env["FAULTS_DATA"]                 # the main throw-away cluster
        self.pg_port = int(env["FAULTS_PG_PORT"])
        self.state = env["FAULTS_STATE"]               # .pgfaults/: logs and the cloud-style cluster
        self.pidfile = os.path.join(self.work, "pids")
        self.as_root = os.geteuid() == 0
        self.migrations = sorted(f for f in os.listdir(os.path.join(self.work, "dms_DMSStore.resources", "Migrations"))
                                 if f.endswith(".sql"))

    def url(self, db):
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/{db}?sslmode=disable"


def as_pg(args, **kwargs):
    """Runs a PostgreSQL tool as the cluster owner (postgres when we are root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    kwargs.setdefault("cwd", "/")
    return subprocess.run(args, **kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """The main throw-away cluster (trust auth on loopback, superuser postgres)."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.opts = f"-c listen_addresses=127.0.0.1 -c port={cfg.pg_port} -c unix_socket_directories={cfg.data}"

    def ctl(self, *args, check=True):
        # Output to a file, never a pipe: a postmaster started by pg_ctl would inherit the pipe and
        # keep it open forever.
        out_path = os.path.join(self.cfg.work, "pg_ctl.out")
        with open(out_path, "w") as out:
            result = as_pg([os.path.join(self.cfg.pg_bin, "pg_ctl"), "-D", self.cfg.data, *args],
                           stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, timeout=120)
        if check and result.returncode != 0:
            with open(out_path, errors="replace") as out:
                raise RuntimeError(f"pg_ctl {' '.join(args)} failed: {out.read().strip()[-500:]}")
        return result

    @property
    def logfile(self):
        return os.path.join(self.cfg.data, "server.log")

    def start(self):
        self.ctl("-l", self.logfile, "-w", "-t", "60", "-o", self.opts, "start")

    def stop(self):
        self.ctl("-m", "fast", "-w", "-t", "60", "stop")

    def restart(self):
        self.ctl("-l", self.logfile, "-m", "fast", "-w", "-t", "60", "restart")

    def postmaster_pid(self):
        with open(os.path.join(self.cfg.data, "postmaster.pid")) as f:
            return int(f.readline())

    def psql(self, sql, db="dms"):
        result = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.cfg.pg_port),
                                 "-U", "postgres", "-d", db, "-c", sql],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    @staticmethod
    def children_of(pid):
        children = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    if int(fields[1]) == pid:
                        children.append(int(entry))
                except (OSError, IndexError, ValueError):
                    continue
        return children


def running(pid):
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class CloudPostgres:
    """scripts/cloud_postgres (TLS, SCRAM, non-superuser, PgBouncer in transaction mode) in .pgfaults/cloudpg."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.dir = os.path.join(cfg.state, "cloudpg")
        self.pg_port = free_port()
        self.bouncer_port = free_port()
        self.env = dict(os.environ, CLOUDPG_DIR=self.dir, CLOUDPG_PG_PORT=str(self.pg_port),
                        CLOUDPG_BOUNCER_PORT=str(self.bouncer_port))
        with open(os.path.join(cfg.work, "cloudpg.env"), "w") as f:   # for the shell's cleanup
            f.write(f"CLOUDPG_DIR={self.dir}\nCLOUDPG_PG_PORT={self.pg_port}\nCLOUDPG_BOUNCER_PORT={self.bouncer_port}\n")
        self.url = None

    def script(self, *args):
        # Files, not pipes: daemons started by the script must not hold our pipes open.
        out_path, err_path = (os.path.join(self.cfg.work, f"cloud_postgres.{x}") for x in ("out", "err"))
        with open(out_path, "w") as out, open(err_path, "w") as err:
            result = subprocess.run([os.path.join(self.cfg.root, "scripts", "cloud_postgres"), *args], env=self.env,
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=err, timeout=300)
        with open(out_path) as out, open(err_path, errors="replace") as err:
            stdout, stderr = out.read(), err.read()
        if result.returncode != 0:
            raise RuntimeError(f"cloud_postgres {' '.join(args)} failed: {stderr.strip()[-800:]}")
        return stdout

    def start_pooler(self):
        out = self.script("start", "pooler")
        for line in out.splitlines():
            if line.startswith("DATABASE_URL="):
                self.url = line.split("=", 1)[1]
        if not self.url:
            raise RuntimeError("cloud_postgres printed no DATABASE_URL")
        return self.url

    def bouncer_pid(self):
        with open(os.path.join(self.dir, "pgbouncer", "pgbouncer.pid")) as f:
            return int(f.read().strip())

    def psql(self, sql):
        # superuser over the unix socket (peer authentication as the cluster owner)
        result = as_pg(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", os.path.join(self.dir, "run"),
                        "-p", str(self.pg_port), "-d", "dms", "-c", sql],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"psql (cloud) failed: {result.stderr.strip()}")
        return result.stdout

    def stop(self):
        subprocess.run([os.path.join(self.cfg.root, "scripts", "cloud_postgres"), "stop"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


class Server:
    """One `dms serve` process on its own port."""

    def __init__(self, cfg, database_url, name, port=None, pooler=False, env=None):
        self.cfg = cfg
        self.env = env or {}   # extra DMS_* settings
        self.database_url = database_url
        self.pooler = pooler  # PgBouncer in transaction mode in front: DMS_PGBOUNCER=1
        self.name = name
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(cfg.state, f"server-{name}.log")
        self.proc = None
        self.starts = 0

    def spawn(self):
        env = dict(os.environ, DATABASE_URL=self.database_url, HOST="127.0.0.1", PORT=str(self.port),
                   LOG_LEVEL=os.environ.get("FAULTS_LOG_LEVEL", "info"), DMS_AUTH="off",
                   DMS_PGBOUNCER="1" if self.pooler else "0", DMS_RATE_LIMIT_WRITES_PER_MIN="0", **self.env)
        log_file = open(self.log_path, "a")
        log_file.write(f"==== start {self.starts + 1} at {time.strftime('%H:%M:%S')}\n")
        log_file.flush()
        self.proc = subprocess.Popen([self.cfg.dms, "serve"], env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=self.cfg.work)
        log_file.close()
        self.starts += 1
        with open(self.cfg.pidfile, "a") as f:
            f.write(f"{self.proc.pid}\n")
        return self.proc.pid

    def wait_healthy(self, seconds=60):
        deadline = now() + seconds
        while now() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dms {self.name} exited with {self.proc.returncode} (log {self.log_path})")
            status, _, _ = http_call(self.base, "GET", "/api/health", timeout=2)
            if status == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"dms {self.name} not healthy within {seconds}s (log {self.log_path})")

    def start(self):
        self.spawn()
        self.wait_healthy()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL, timeout=20):
        """Sends `sig` and waits; SIGKILL after `timeout`. True when the process ended by itself."""
        if not self.alive():
            return True
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return False

    def stop(self):
        """Graceful stop (SIGTERM); True when the service exited within 10 s."""
        return self.kill(signal.SIGTERM, timeout=10)

    def unexpected_errors(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return sum(1 for line in f if "unexpected error" in line)
        except FileNotFoundError:
            return 0


def http_call(base, method, path, body=None, timeout=REQUEST_TIMEOUT, headers=None):
    """One request on a fresh connection. Returns (status, parsed JSON or None, seconds); status is an
    int, or 'refused' / 'reset' / 'timeout' / 'error:<type>' when no HTTP answer came."""
    parsed = urllib.parse.urlsplit(base)
    started = now()
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        data = None
        all_headers = {"X-DMS-Actor": "scripts/faults"}
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return response.status, payload, now() - started
    except ConnectionRefusedError:
        return "refused", None, now() - started
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected, http.client.IncompleteRead):
        return "reset", None, now() - started
    except socket.timeout:
        return "timeout", None, now() - started
    except OSError as error:
        return f"error:{type(error).__name__}", None, now() - started
    finally:
        connection.close()


# ------------------------------------------------------------------------------------------------
# load


Record = collections.namedtuple("Record", "kind base t0 t1 status case_id")


class Load:
    """Threads that create cases and decide some of them, recording every answer. Bounded in
    requests and time; each thread pauses a little between requests."""

    def __init__(self, bases, tag, threads=4, decide_ratio=0.2, pause=0.01):
        self.bases = list(bases)
        self.tag = tag
        self.threads = threads
        self.decide_ratio = decide_ratio
        self.pause = pause
        self.records = []
        self.lock = threading.Lock()
        self.open_cases = collections.deque()
        self.acked_creates = set()
        self.acked_decides = set()
        self.stop_flag = threading.Event()
        self.workers = []
        self.count = 0
        self.started_at = None

    def start(self):
        self.started_at = now()
        for index in range(self.threads):
            worker = threading.Thread(target=self._run, args=(index,), daemon=True)
            worker.start()
            self.workers.append(worker)

    def stop(self):
        self.stop_flag.set()
        for worker in self.workers:
            worker.join(timeout=REQUEST_TIMEOUT + 5)

    def _run(self, index):
        rng = random.Random(f"{self.tag}-{index}")
        sequence = 0
        while not self.stop_flag.is_set():
            with self.lock:
                if self.count >= LOAD_MAX_REQUESTS or now() - self.started_at > LOAD_MAX_SECONDS:
                    return
                self.count += 1
                case_to_decide = None
                if rng.random() < self.decide_ratio and self.open_cases:
                    case_to_decide = self.open_cases.popleft()
            base = self.bases[(index + sequence) % len(self.bases)]
            sequence += 1
            t0 = now()
            if case_to_decide:
                status, payload, _ = http_call(base, "POST", f"/api/decide/{case_to_decide}",
                                               {"chosen_supplier": f"Fournisseur {sequence}",
                                                "decision_reason": f"faults {self.tag}", "next_action": None})
                record = Record("decide", base, t0, now(), status, case_to_decide)
                with self.lock:
                    self.records.append(record)
                    if isinstance(status, int) and 200 <= status < 300:
                        self.acked_decides.add(case_to_decide)
            else:
                status, payload, _ = http_call(base, "POST", "/api/cases",
                                               {"case_type": rng.choice(["DAO", "RFQ"]),
                                                "title": f"faults {self.tag} t{index} n{sequence}", "lot": None})
                case_id = payload.get("id") if isinstance(payload, dict) else None
                record = Record("create", base, t0, now(), status, case_id)
                with self.lock:
                    self.records.append(record)
                    if isinstance(status, int) and 200 <= status < 300 and case_id:
                        self.acked_creates.add(case_id)
                        self.open_cases.append(case_id)
            if self.pause:
                time.sleep(self.pause)

    def snapshot(self):
        with self.lock:
            return list(self.records)

    def first_2xx_after(self, moment):
        best = None
        for record in self.snapshot():
            if record.t0 >= moment and isinstance(record.status, int) and 200 <= record.status < 300:
                if best is None or record.t1 < best:
                    best = record.t1
        return best

    def wait_2xx_after(self, moment, limit):
        deadline = moment + limit + REQUEST_TIMEOUT
        while now() < deadline:
            found = self.first_2xx_after(moment)
            if found is not None:
                return found
            time.sleep(0.05)
        return None


# ------------------------------------------------------------------------------------------------
# checks


def is_2xx(status):
    return isinstance(status, int) and 200 <= status < 300


class Step:
    """One row of the table."""

    def __init__(self, name):
        self.name = name
        self.acked = 0
        self.lost = 0
        self.max_503 = None       # longest wait for a non-2xx answer, s
        self.recover = None       # PostgreSQL (or the service) back → first 2xx, s
        self.verify = "—"
        self.failures = []
        self.notes = []
        self.statuses = collections.Counter()

    def fail(self, message):
        self.failures.append(message)
        log(f"  FAIL {self.name}: {message}")

    @property
    def ok(self):
        return not self.failures


def check_durability(step, load, ids_in_db, decided_in_db):
    step.acked = len(load.acked_creates) + len(load.acked_decides)
    lost_creates = load.acked_creates - ids_in_db
    lost_decides = load.acked_decides - decided_in_db
    step.lost = len(lost_creates) + len(lost_decides)
    if lost_creates:
        step.fail(f"{len(lost_creates)} acknowledged case(s) missing, e.g. {sorted(lost_creates)[:3]}")
    if lost_decides:
        step.fail(f"{len(lost_decides)} acknowledged decision(s) missing, e.g. {sorted(lost_decides)[:3]}")


def check_answers(step, load, outage_start, outage_end, allowed):
    """Non-2xx answers must be 503 (or the allowed connection errors) and come within the limit;
    every request started during the outage must be answered within the limit."""
    records = load.snapshot()
    for record in records:
        step.statuses[record.status] += 1
    worst = None
    for record in records:
        latency = record.t1 - record.t0
        if is_2xx(record.status):
            continue
        if record.status not in allowed:
            when = record.t0 - outage_start
            step.fail(f"{record.kind} {record.case_id or ''} answered {record.status} after {latency:.2f}s "
                      f"(sent {when:+.2f}s from the fault)")
            continue
        worst = latency if worst is None else max(worst, latency)
    step.max_503 = worst
    if worst is not None and worst > OUTAGE_ANSWER_LIMIT:
        step.fail(f"a non-2xx answer took {worst:.2f}s (limit {OUTAGE_ANSWER_LIMIT:.0f}s)")
    slow = [r for r in records if outage_start <= r.t0 <= outage_end and r.t1 - r.t0 > OUTAGE_ANSWER_LIMIT]
    if slow:
        longest = max(r.t1 - r.t0 for r in slow)
        step.fail(f"{len(slow)} request(s) started during the outage waited more than {OUTAGE_ANSWER_LIMIT:.0f}s (longest {longest:.2f}s)")
    conflicts = [r for r in records if r.status == 409]
    if conflicts:
        step.notes.append(f"{len(conflicts)} × 409")


def check_recovery(step, load, back_at):
    first = load.wait_2xx_after(back_at, RECOVERY_LIMIT)
    if first is None:
        step.fail(f"no 2xx within {RECOVERY_LIMIT + REQUEST_TIMEOUT:.0f}s after recovery")
        return
    step.recover = max(0.0, first - back_at)
    if step.recover > RECOVERY_LIMIT:
        step.fail(f"first 2xx {step.recover:.2f}s after recovery (limit {RECOVERY_LIMIT:.0f}s)")


def memory_verify(cfg, database_url):
    result = subprocess.run([cfg.dms, "memory", "verify"], env=dict(os.environ, DATABASE_URL=database_url),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, cwd=cfg.work)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return result.returncode == 0 and last.startswith("OK"), last


def check_memory(step, cfg, database_url, query):
    ok, line = memory_verify(cfg, database_url)
    step.verify = "OK" if ok else "BROKEN"
    step.notes.append(line)
    if not ok:
        step.fail(f"dms memory verify: {line}")
    orphans = int(query("SELECT count(*) FROM cases c WHERE NOT EXISTS "
                        "(SELECT 1 FROM events e WHERE e.case_id = c.id AND e.type = 'case_created')").strip())
    if orphans:
        step.fail(f"{orphans} case(s) without their case_created event")
    half = int(query("SELECT count(*) FROM cases c WHERE (c.status = 'decided') <> EXISTS "
                     "(SELECT 1 FROM decisions d WHERE d.case_id = c.id)").strip())
    if half:
        step.fail(f"{half} case(s) whose status and decision disagree")


def ids_and_decisions(query):
    ids = set(query("SELECT id FROM cases").split())
    decided = set(query("SELECT case_id FROM decisions").split())
    return ids, decided


# ------------------------------------------------------------------------------------------------
# the faults


class Harness:
    def __init__(self, cfg, quick):
        self.cfg = cfg
        self.quick = quick
        self.pg = Postgres(cfg)
        self.steps = []
        self.warmup = 2.0 if quick else 5.0
        self.tail = 1.5 if quick else 3.0
        self.down_seconds = 10 if quick else 30
        self.threads = 4

    # One fault against the main cluster and one long-lived server.
    def pg_fault(self, name, server, inject, allowed=(503,)):
        step = Step(name)
        log(f"{name}: load for {self.warmup:.0f}s, then the fault")
        pid_before = server.proc.pid
        load = Load([server.base], tag=name.split()[0], threads=self.threads)
        load.start()
        try:
            time.sleep(self.warmup)
            if not any(is_2xx(r.status) for r in load.snapshot()):
                step.fail("no 2xx before the fault")
            outage_start = now()
            back_at = inject(step)
            log(f"  PostgreSQL back after {back_at - outage_start:.1f}s; waiting for the first 2xx")
            check_recovery(step, load, back_at)
            time.sleep(self.tail)
        finally:
            load.stop()
        check_answers(step, load, outage_start, back_at, allowed=allowed)
        if not server.alive() or server.proc.pid != pid_before:
            step.fail("the service process died")
        ids, decided = ids_and_decisions(self.pg.psql)
        check_durability(step, load, ids, decided)
        check_memory(step, self.cfg, server.database_url, self.pg.psql)
        self.steps.append(step)
        return step

    def fault_restart(self, server):
        def inject(step):
            self.pg.restart()
            return now()
        return self.pg_fault("1 pg restart -m fast", server, inject)

    def fault_terminate(self, server):
        def inject(step):
            killed = 0
            for _ in range(3):
                out = self.pg.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = 'dms' AND pid <> pg_backend_pid()", db="postgres")
                killed += int(out.strip() or 0)
                time.sleep(0.5)
            step.notes.append(f"{killed} backends terminated (3 rounds)")
            return now()
        return self.pg_fault("2 pg_terminate_backend", server, inject)

    def fault_kill9(self, server):
        def inject(step):
            postmaster = self.pg.postmaster_pid()
            children = self.pg.children_of(postmaster)
            os.kill(postmaster, signal.SIGKILL)
            # Backends notice the postmaster's death and exit; a new postmaster cannot start while
            # they hold the shared memory.
            deadline = now() + 15
            while now() < deadline and any(running(pid) for pid in children + [postmaster]):
                time.sleep(0.1)
            for pid in children:
                if running(pid):
                    os.kill(pid, signal.SIGKILL)
            # The killed postmaster may linger as a zombie until init reaps it (slowly, in some
            # containers); its lock files would then stop the new one ("lock file already exists").
            # Wait a little for the reaper, then remove the lock files of the dead process.
            deadline = now() + 5
            while now() < deadline and os.path.exists(f"/proc/{postmaster}"):
                time.sleep(0.1)
            if os.path.exists(f"/proc/{postmaster}") and not running(postmaster):
                for name in ("postmaster.pid", f".s.PGSQL.{self.cfg.pg_port}.lock", f".s.PGSQL.{self.cfg.pg_port}"):
                    path = os.path.join(self.cfg.data, name)
                    if os.path.exists(path):
                        os.remove(path)
                step.notes.append("zombie postmaster: stale lock files removed")
            self.pg.start()
            step.notes.append(f"postmaster {postmaster} and {len(children)} children gone; crash recovery")
            return now()
        return self.pg_fault("3 pg kill -9", server, inject)

    def fault_down(self, server):
        seconds = self.down_seconds

        def inject(step):
            self.pg.stop()
            time.sleep(seconds)
            self.pg.start()
            return now()
        return self.pg_fault(f"4 pg down {seconds}s", server, inject)

    def fault_lock(self, server):
        hold = 8

        def inject(step):
            locker = subprocess.Popen(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(self.cfg.pg_port), "-U", "postgres",
                                       "-d", "dms", "-c", f"BEGIN; LOCK TABLE cases IN ACCESS EXCLUSIVE MODE; "
                                                          f"SELECT pg_sleep({hold}); COMMIT;"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            locker.wait(timeout=hold + 60)
            return now()
        return self.pg_fault(f"5 cases locked {hold}s", server, inject)

    def fault_freeze(self, server):
        """PostgreSQL stops answering without closing anything (SIGSTOP of every process): what a
        network partition or a hung host looks like to the service."""
        seconds = 10

        def inject(step):
            postmaster = self.pg.postmaster_pid()
            frozen = [postmaster] + self.pg.children_of(postmaster)
            for pid in frozen:
                os.kill(pid, signal.SIGSTOP)
            try:
                time.sleep(seconds)
            finally:
                for pid in frozen:
                    try:
                        os.kill(pid, signal.SIGCONT)
                    except ProcessLookupError:
                        pass
            step.notes.append(f"{len(frozen)} processes stopped")
            return now()
        return self.pg_fault(f"8 pg frozen {seconds}s (SIGSTOP)", server, inject)

    def fault_service_kill(self, server):
        step = Step("7 dms kill -9")
        log(f"{step.name}: load for {self.warmup:.0f}s, then SIGKILL of the service and a restart")
        load = Load([server.base], tag="svc", threads=self.threads)
        load.start()
        try:
            time.sleep(self.warmup)
            outage_start = now()
            server.kill(signal.SIGKILL)
            time.sleep(1.0)
            restart_at = now()
            server.spawn()
            check_recovery(step, load, restart_at)
            time.sleep(self.tail)
        finally:
            load.stop()
        check_answers(step, load, outage_start, restart_at, allowed=(503, "refused", "reset"))
        if not server.alive():
            step.fail("the restarted service is not running")
        ids, decided = ids_and_decisions(self.pg.psql)
        check_durability(step, load, ids, decided)
        check_memory(step, self.cfg, server.database_url, self.pg.psql)
        step.notes.append("recover = restart command → first 2xx")
        self.steps.append(step)
        return step

    def fault_pgbouncer(self):
        step = Step("6 pgbouncer restart")
        cloud = CloudPostgres(self.cfg)
        server = None
        try:
            log(f"{step.name}: starting the cloud-style profile (TLS, SCRAM, PgBouncer transaction mode)")
            url = cloud.start_pooler()      # a fresh .pgfaults/cloudpg: the database is empty
            server = Server(self.cfg, url, "pooler", pooler=True)
            server.start()
            pid_before = server.proc.pid
            load = Load([server.base], tag="bouncer", threads=self.threads)
            load.start()
            try:
                time.sleep(self.warmup)
                outage_start = now()
                bouncer = cloud.bouncer_pid()
                os.kill(bouncer, signal.SIGKILL)
                time.sleep(1.0)
                # A zombie keeps answering kill -0 until init reaps it: the pid file is stale.
                if not running(bouncer):
                    os.remove(os.path.join(cloud.dir, "pgbouncer", "pgbouncer.pid"))
                cloud.start_pooler()
                back_at = now()
                log(f"  PgBouncer back after {back_at - outage_start:.1f}s; waiting for the first 2xx")
                check_recovery(step, load, back_at)
                time.sleep(self.tail)
            finally:
                load.stop()
            check_answers(step, load, outage_start, back_at, allowed=(503,))
            if not server.alive() or server.proc.pid != pid_before:
                step.fail("the service process died")
            ids, decided = ids_and_decisions(cloud.psql)
            check_durability(step, load, ids, decided)
            check_memory(step, self.cfg, url, cloud.psql)
        except Exception as error:  # noqa: BLE001 — reported as a failed step
            step.fail(f"{type(error).__name__}: {error}")
        finally:
            if server:
                if not server.stop():
                    step.fail("the service did not stop within 10 s of SIGTERM")
                if server.unexpected_errors():
                    step.fail(f"{server.unexpected_errors()} 500 answer(s) in {server.log_path}")
            cloud.stop()
        self.steps.append(step)
        return step

    def scale_out(self):
        """Two instances started together on an empty database; load on both; concurrent decides
        of the same cases split across them."""
        step = Step("scale-out 2 instances")
        db = "dms_scale"
        self.pg.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", db="postgres")
        self.pg.psql(f"CREATE DATABASE {db}", db="postgres")
        url = self.cfg.url(db)
        query = lambda sql: self.pg.psql(sql, db=db)  # noqa: E731
        servers = [Server(self.cfg, url, "scale-a"), Server(self.cfg, url, "scale-b")]
        try:
            log(f"{step.name}: both instances start at the same moment on an empty database")
            for server in servers:
                server.spawn()
            for server in servers:
                server.wait_healthy()
            applied = int(query("SELECT count(*) FROM schema_migrations").strip())
            if applied != len(self.cfg.migrations):
                step.fail(f"schema_migrations has {applied} rows, {len(self.cfg.migrations)} migration files")
            step.notes.append(f"migrations {applied}/{len(self.cfg.migrations)}")
            load = Load([s.base for s in servers], tag="scale", threads=self.threads)
            load.start()
            time.sleep(self.warmup + 3)
            load.stop()
            check_answers(step, load, 0, 0, allowed=())
            # Concurrent decides: every case decided 4 times at once, 2 through each instance.
            rounds = 30 if self.quick else 100
            targets = []
            for n in range(rounds):
                status, payload, _ = http_call(servers[n % 2].base, "POST", "/api/cases",
                                               {"case_type": "DAO", "title": f"race {n}"})
                if status == 201:
                    targets.append(payload["id"])
                    load.acked_creates.add(payload["id"])
            winners = collections.Counter()
            outcomes = collections.Counter()
            lock = threading.Lock()

            def decide(case_id, base, who):
                status, _, _ = http_call(base, "POST", f"/api/decide/{case_id}",
                                         {"chosen_supplier": f"Fournisseur {who}", "decision_reason": "course"})
                with lock:
                    outcomes[status] += 1
                    if status == 200:
                        winners[case_id] += 1
                        load.acked_decides.add(case_id)

            for case_id in targets:
                racers = [threading.Thread(target=decide, args=(case_id, servers[k % 2].base, k)) for k in range(4)]
                for racer in racers:
                    racer.start()
                for racer in racers:
                    racer.join()
            step.notes.append("decide races: " + ", ".join(f"{k}×{v}" for k, v in sorted(outcomes.items(), key=str)))
            bad = [c for c in targets if winners[c] != 1]
            if bad:
                step.fail(f"{len(bad)} case(s) without exactly one 200 among 4 concurrent decides")
            if set(outcomes) - {200, 409}:
                step.fail(f"unexpected decide answers: {dict(outcomes)}")
            duplicates = query("SELECT case_id, count(*) FROM decisions GROUP BY 1 HAVING count(*) > 1").strip()
            if duplicates:
                step.fail(f"several decisions for one case: {duplicates[:200]}")
            double_events = query("SELECT case_id FROM events WHERE type = 'decision_recorded' "
                                  "GROUP BY 1 HAVING count(*) > 1").strip()
            if double_events:
                step.fail("several decision_recorded events for one case")
            ids, decided = ids_and_decisions(query)
            check_durability(step, load, ids, decided)
            check_memory(step, self.cfg, url, query)
            for server in servers:
                if not server.alive():
                    step.fail(f"{server.name} died")
        finally:
            for server in servers:
                if not server.stop():
                    step.fail(f"{server.name} did not stop within 10 s of SIGTERM")
                if server.unexpected_errors():
                    step.fail(f"{server.unexpected_errors()} 500 answer(s) in {server.log_path}")
        self.steps.append(step)
        return step

    def run(self, only):
        wanted = lambda key: not only or key in only  # noqa: E731
        main_faults = [("restart", self.fault_restart), ("terminate", self.fault_terminate), ("kill9", self.fault_kill9),
                       ("down", self.fault_down), ("lock", self.fault_lock), ("freeze", self.fault_freeze)]
        server = None
        if any(wanted(key) for key, _ in main_faults) or wanted("service"):
            server = Server(self.cfg, self.cfg.url("dms"), "main")
            server.start()
        try:
            for key, fault in main_faults:
                if wanted(key):
                    self._guard(fault, server)
            if wanted("pgbouncer"):
                self._guard(self.fault_pgbouncer)
            if wanted("service"):
                self._guard(self.fault_service_kill, server)
            if wanted("scale"):
                self._guard(self.scale_out)
            # The edge (faults_edge.py): half-open connections, slow uploads, SIGTERM mid-upload.
            if wanted("halfopen"):
                self._guard(faults_edge.half_open, self, sys.modules[__name__], faults_edge.HALF_OPEN + 1_000)
                self._guard(faults_edge.half_open, self, sys.modules[__name__])
            if wanted("slowupload"):
                self._guard(faults_edge.slow_upload, self, sys.modules[__name__])
                self._guard(faults_edge.shutdown_mid_upload, self, sys.modules[__name__])
        finally:
            if server:
                graceful = Step("SIGTERM stops the service")
                started = now()
                if not server.stop():
                    graceful.fail(f"still running {now() - started:.0f}s after SIGTERM (killed): a request never finished")
                else:
                    graceful.notes.append(f"exited {now() - started:.2f}s after SIGTERM")
                self.steps.append(graceful)
                errors = server.unexpected_errors()
                if errors:
                    step = Step("500 answers (main service)")
                    step.fail(f"{errors} 'unexpected error' line(s) in {server.log_path}")
                    self.steps.append(step)

    def _guard(self, fault, *args):
        try:
            fault(*args)
        except Exception as error:  # noqa: BLE001
            step = Step(getattr(fault, "__name__", "step"))
            step.fail(f"{type(error).__name__}: {error}")
            self.steps.append(step)
            # leave the main cluster running for the next step
            if self.pg.ctl("status", check=False).returncode != 0:
                try:
                    self.pg.start()
                except Exception as again:  # noqa: BLE001
                    log(f"could not restart PostgreSQL: {again}")

    def table(self):
        def seconds(value):
            return "—" if value is None else f"{value:.2f} s"
        header = ["fault", "requests acked", "acked lost", "max time to 503", "time to recover", "verify", "result"]
        rows = [[s.name, str(s.acked), str(s.lost), seconds(s.max_503), seconds(s.recover), s.verify,
                 "ok" if s.ok else "FAIL"] for s in self.steps]
        widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
        lines = ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(header)) + " |",
                 "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        lines += ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(r)) + " |" for r in rows]
        return "\n".join(lines)

    def details(self):
        out = []
        for s in self.steps:
            statuses = ", ".join(f"{k}×{v}" for k, v in sorted(s.statuses.items(), key=lambda kv: str(kv[0])))
            out.append(f"- {s.name}: answers {statuses or '—'}" + ("; " + "; ".join(s.notes) if s.notes else ""))
            for failure in s.failures:
                out.append(f"    FAIL: {failure}")
        return "\n".join(out)


def main(argv):
    parser = argparse.ArgumentParser(prog="faults_lib.py")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--quick", action="store_true")
    run.add_argument("--only", default="", help="comma-separated: restart,terminate,kill9,down,lock,freeze,pgbouncer,service,scale,"
                                                "halfopen,slowupload")
    args = parser.parse_args(argv[1:])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # run the finally blocks: stop what we started
    cfg = Config()
    harness = Harness(cfg, args.quick)
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    started = now()
    try:
        harness.run(only)
    finally:
        print()
        print(harness.table())
        print()
        print(harness.details())
        print()
        print(f"{len(harness.steps)} steps in {now() - started:.0f}s ({'quick' if args.quick else 'full'})")
    failed = [s for s in harness.steps if not s.ok]
    print("FAULTS FAILED" if failed else "FAULTS OK")
    return 1 if failed or not harness.steps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
