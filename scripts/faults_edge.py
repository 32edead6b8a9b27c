"""Edge faults for scripts/faults: clients that hold connections without finishing a request, and
a slow but live upload (Python standard library only).

Called by faults_lib.py's Harness with that module as `lib` (Server, Step, http_call, log, now):
each function starts its own `dms serve` on the main cluster, runs one step and appends it to
`harness.steps`.

- half_open: HALF_OPEN connections that send half a request line and nothing more. While they are
  open, GET /api/health and POST /api/cases on fresh connections must answer 2xx within their usual
  latency (at most 3× the slowest of a baseline taken just before, and at least 1 s); every
  half-open connection must be closed by the server within 15 s of its connect. Run twice: with
  DMS_MAX_CONNECTIONS above the flood (the header timeout alone) and with the default cap (4,000),
  where the connections over the cap must get a 503 at once and the service must answer 2xx again
  once the header timeout has freed the places.
- slow_upload: a multipart upload of 5 MB (512 KB with --quick) sent at 16 KB/s must be stored
  (201, same SHA-256); then one of 256 KB at 16 KB/s, SIGTERM when half of it is sent: it must
  still be stored, and the service must exit within 10 s of its answer.
"""
import bisect
import collections
import hashlib
import os
import selectors
import signal
import socket
import subprocess
import threading
import time
import urllib.request

HALF_OPEN = 5_000
HALF_OPEN_CLOSE_LIMIT = 15.0   # s from its connect: every half-open connection closed by the server
HEADER_TIMEOUT = 10            # s: the default DMS_HEADER_TIMEOUT_S
DEFAULT_CAP = 4_000            # the default DMS_MAX_CONNECTIONS
UPLOAD_RATE = 16 << 10         # bytes per second
LATENCY_FLOOR = 1.0            # s: "usual latency" is never asked to be tighter than this


def raise_file_limit(lib, needed):
    """This process holds every half-open connection: raise the soft limit if it must."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        lib.log(f"  open-file limit of this process raised from {soft} to {target} (hard {hard})")
        soft = target
    return soft == resource.RLIM_INFINITY or soft >= needed, soft


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None


class Prober:
    """GET /api/health and POST /api/cases in turn on fresh connections, every 0.1 s, in a thread."""

    def __init__(self, lib, base, tag):
        self.lib, self.base, self.tag = lib, base, tag
        self.records = []   # (kind, t0, seconds, status, case_id)
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def once(self, n):
        if n % 2 == 0:
            status, _, seconds = self.lib.http_call(self.base, "GET", "/api/health", timeout=30)
            return "health", status, seconds, None
        status, payload, seconds = self.lib.http_call(self.base, "POST", "/api/cases",
                                                      {"case_type": "DAO", "title": f"edge {self.tag} {n}"}, timeout=30)
        return "create", status, seconds, payload.get("id") if isinstance(payload, dict) else None

    def run_for(self, count):
        for n in range(count):
            t0 = self.lib.now()
            kind, status, seconds, case_id = self.once(n)
            self.records.append((kind, t0, seconds, status, case_id))

    def _run(self):
        n = 0
        while not self.stop_flag.is_set():
            t0 = self.lib.now()
            kind, status, seconds, case_id = self.once(n)
            self.records.append((kind, t0, seconds, status, case_id))
            n += 1
            time.sleep(0.1)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_flag.set()
        self.thread.join(timeout=40)


class HalfOpenFlood:
    """`count` connections, each sending half a request line; records when each was opened, what
    it received (a 503 for those over the cap) and when the server closed it."""

    def __init__(self, lib, port, count):
        self.lib, self.port, self.count = lib, port, count
        self.opened = {}      # socket -> connect time
        self.first_bytes = {}  # socket -> (time, bytes)
        self.closed = {}      # socket -> time
        self.failed = 0       # connects that failed
        self.selector = selectors.DefaultSelector()

    def open_all(self, threads=32):
        """Opens them from `threads` threads at once, as a flood would: one client alone waits a
        second each time the listen backlog is full (its SYN is dropped and sent again)."""
        started = self.lib.now()
        lock = threading.Lock()

        def worker(count):
            for _ in range(count):
                sock = socket.socket()
                sock.settimeout(10)
                try:
                    sock.connect(("127.0.0.1", self.port))
                    sock.sendall(b"GET /api/hea")
                except OSError:
                    sock.close()
                    with lock:
                        self.failed += 1
                    continue
                opened = self.lib.now()
                sock.setblocking(False)
                with lock:
                    self.opened[sock] = opened

        share = [self.count // threads + (1 if n < self.count % threads else 0) for n in range(threads)]
        workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in share]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        for sock in self.opened:
            self.selector.register(sock, selectors.EVENT_READ)
        return self.lib.now() - started

    def watch(self, timeout):
        for key, _ in self.selector.select(timeout):
            sock = key.fileobj
            try:
                data = sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data:
                self.first_bytes.setdefault(sock, (self.lib.now(), data[:12]))
                continue
            self.closed[sock] = self.lib.now()
            self.selector.unregister(sock)
            sock.close()

    def wait_closed(self, limit):
        deadline = self.lib.now() + limit
        while len(self.closed) < len(self.opened) and self.lib.now() < deadline:
            self.watch(0.1)

    def close_rest(self):
        for sock in list(self.opened):
            if sock not in self.closed:
                try:
                    self.selector.unregister(sock)
                except (KeyError, ValueError):
                    pass
                sock.close()
        self.selector.close()


def half_open(harness, lib, cap=None):
    """`cap`: DMS_MAX_CONNECTIONS for this run (None: the default)."""
    flood = HALF_OPEN
    label = f"half-open ×{flood}, " + (f"DMS_MAX_CONNECTIONS={cap}" if cap else f"default cap {DEFAULT_CAP}")
    capped = cap is None or cap < flood
    step = lib.Step(label)
    enough, limit = raise_file_limit(lib, flood + 1_000)
    if not enough:
        step.fail(f"ulimit -n is {limit}: {flood + 1000} descriptors needed for {flood} half-open connections")
        harness.steps.append(step)
        return step
    token = os.urandom(16).hex()
    env = {"DMS_METRICS_TOKEN": token, **({"DMS_MAX_CONNECTIONS": str(cap)} if cap else {})}
    server = lib.Server(harness.cfg, harness.cfg.url("dms"), "edge-halfopen" + (f"-{cap}" if cap else ""), env=env)
    conns = None
    try:
        server.start()
        baseline = Prober(lib, server.base, "baseline")
        baseline.run_for(20)
        usual = max(r[2] for r in baseline.records)
        bound = max(LATENCY_FLOOR, 3 * usual)
        lib.log(f"{label}: baseline of 20 requests, slowest {usual * 1000:.0f} ms; opening {flood} half-open connections")
        conns = HalfOpenFlood(lib, server.port, flood)
        prober = Prober(lib, server.base, "flood")
        accepted = AcceptWatch(lib, server.base, token, flood)
        prober.start()
        if not capped:
            accepted.start()
        opening = conns.open_all()
        conns.wait_closed(HALF_OPEN_CLOSE_LIMIT + 5)
        prober.stop()
        accepted.stop()
        open_at = OpenCount(conns)
        first_connect = min(conns.opened.values(), default=lib.now())
        # -- the half-open connections
        opened, closed = len(conns.opened), len(conns.closed)
        lifetimes = [conns.closed[s] - t for s, t in conns.opened.items() if s in conns.closed]
        refusals = [s for s, (_, data) in conns.first_bytes.items() if data.startswith(b"HTTP/1.1 503")]
        other = [data for _, data in conns.first_bytes.values() if not data.startswith(b"HTTP/1.1 503")]
        step.notes.append(f"{opened} opened in {opening:.1f}s by 32 threads, at most {open_at.peak} open at once; "
                          + (f"the service had accepted them all {accepted.at - first_connect:.1f}s after the first connect"
                             if accepted.at else "at the cap: each new connection closed the oldest header-less one"))
        step.notes.append(f"{closed} closed by the server ({len(refusals)} after a 503), "
                          f"{percentile(lifetimes, 0.5) or 0:.1f}s (median) / {max(lifetimes, default=0):.1f}s (max) after their connect")
        if conns.failed:
            step.fail(f"{conns.failed} connects failed")
        if closed < opened:
            step.fail(f"{opened - closed} half-open connections still open {HALF_OPEN_CLOSE_LIMIT + 5:.0f}s after the last connect")
        late = [x for x in lifetimes if x > HALF_OPEN_CLOSE_LIMIT]
        if late:
            step.fail(f"{len(late)} half-open connections closed more than {HALF_OPEN_CLOSE_LIMIT:.0f}s after their connect (max {max(late):.1f}s)")
        if other:
            step.fail(f"{len(other)} half-open connections got something else than a 503: {other[0]!r}")
        if refusals:
            step.fail(f"{len(refusals)} half-open connections got a 503: at the cap the oldest header-less ones are closed instead")
        # -- the other clients, meanwhile: while the service was still accepting the flood, then
        # while it held every half-open connection (until the header timeout closed the first)
        for record in prober.records:
            step.statuses[record[3]] += 1
        step.acked = sum(1 for r in prober.records if lib.is_2xx(r[3]))
        timed_out = [conns.closed[s] for s in conns.closed if s not in conns.first_bytes]
        if capped:
            # At the cap each new connection closes the oldest header-less one: the service holds
            # a full cap of them from the end of the flood until the header timeout empties it.
            held_from = first_connect + opening + 1.0
            held_until = max(held_from, max(timed_out, default=lib.now()) - 1.0)
        else:
            held_until = min(timed_out, default=lib.now())
            held_from = accepted.at or held_until
        accepting = [r for r in prober.records if first_connect <= r[1] < held_from]
        held = [r for r in prober.records if r[1] >= held_from and r[1] + r[2] <= held_until]

        def describe(records):
            statuses = ", ".join(f"{k}×{v}" for k, v in sorted(collections.Counter(r[3] for r in records).items(), key=str))
            latencies = [r[2] for r in records]
            return (f"{len(records)} requests ({statuses or 'none'}), latency median {(percentile(latencies, 0.5) or 0) * 1000:.0f} ms, "
                    f"max {max(latencies, default=0) * 1000:.0f} ms")

        step.notes.append(f"while the service accepted the flood: {describe(accepting)}")
        step.notes.append(f"while it held all of them ({max(0.0, held_until - held_from):.1f}s): {describe(held)} "
                          f"(baseline max {usual * 1000:.0f} ms, bound {bound * 1000:.0f} ms)")
        if not held:
            step.fail("no request was sent and answered while the service held all the half-open connections")
        slow = [r for r in held if r[2] > bound]
        if slow:
            step.fail(f"{len(slow)} requests took more than {bound:.2f}s while the half-open connections were held (max {max(r[2] for r in slow):.2f}s)")
        refused = [r for r in prober.records if not lib.is_2xx(r[3])]
        if refused:
            step.fail(f"{len(refused)} requests failed beside the half-open connections, e.g. {refused[0][3]}")
        # -- nothing acknowledged lost
        created = {r[4] for r in prober.records + baseline.records if r[0] == "create" and lib.is_2xx(r[3]) and r[4]}
        ids = set(harness.pg.psql("SELECT id FROM cases").split())
        step.lost = len(created - ids)
        if step.lost:
            step.fail(f"{step.lost} acknowledged case(s) missing")
    except Exception as error:  # noqa: BLE001 — reported as a failed step
        step.fail(f"{type(error).__name__}: {error}")
    finally:
        if conns:
            conns.close_rest()
        stop_server(step, server)
    harness.steps.append(step)
    return step


class AcceptWatch:
    """When the service has accepted the whole flood, by its own figures: connections served plus
    connections refused at the cap (GET /metrics every 0.1 s, in a thread). Under the cap only:
    over it, /metrics is refused like any other request."""

    def __init__(self, lib, base, token, count):
        self.lib, self.url, self.token, self.count = lib, f"{base}/metrics", token, count
        self.at = None
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def figures(self):
        request = urllib.request.Request(self.url, headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
        values = {}
        for line in text.splitlines():
            name, _, value = line.partition(" ")
            if name in ("dms_http_connections_open", "dms_http_connections_refused_total"):
                values[name] = float(value)
        return values

    def _run(self):
        while not self.stop_flag.is_set() and self.at is None:
            try:
                values = self.figures()
                if sum(values.values()) >= self.count:
                    self.at = self.lib.now()
            except OSError:
                pass
            time.sleep(0.1)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_flag.set()
        if self.thread.is_alive():
            self.thread.join(timeout=40)


class OpenCount:
    """How many of the flood's connections were open at a moment, and at most."""

    def __init__(self, conns):
        self.opens = sorted(conns.opened.values())
        self.closes = sorted(conns.closed.values())
        events = sorted([(t, 1) for t in self.opens] + [(t, -1) for t in self.closes])
        count = self.peak = 0
        for _, delta in events:
            count += delta
            self.peak = max(self.peak, count)

    def __call__(self, moment):
        return bisect.bisect_right(self.opens, moment) - bisect.bisect_right(self.closes, moment)


def stop_server(step, server):
    if server.proc is None:
        return
    if not server.stop():
        step.fail(f"{server.name} did not stop within 10 s of SIGTERM")
    if server.unexpected_errors():
        step.fail(f"{server.unexpected_errors()} 500 answer(s) in {server.log_path}")


def multipart_pdf(size):
    """A multipart body with one PDF of `size` bytes of random content, and its content type."""
    content = b"%PDF-1.4\n%" + os.urandom(max(0, size - 17)) + b"\n%%EOF\n"
    boundary = "----dms-faults-" + os.urandom(8).hex()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"offre.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}", hashlib.sha256(content).hexdigest()


def read_response(sock, limit):
    """(status, headers text, body) of one response with a Content-Length; None when none came."""
    sock.settimeout(limit)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            body += chunk
        return int(head.split(b" ")[1]), head.decode(errors="replace"), body
    except (OSError, ValueError, IndexError):
        return None


def send_slowly(port, path, size, rate, on_half=None):
    """One upload sent at `rate` bytes per second (paced on the clock, 1 KB pieces); returns
    (status, parsed body or None, seconds, sha256 of the file)."""
    import json
    body, content_type, sha = multipart_pdf(size)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-DMS-Actor: scripts/faults\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        sent = 0
        halfway = False
        while sent < len(body):
            due = started + sent / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            piece = body[sent:sent + 1024]
            try:
                sock.sendall(piece)
            except OSError as error:
                return f"send failed after {sent} bytes: {error}", None, time.monotonic() - started, sha
            sent += len(piece)
            if not halfway and sent >= len(body) // 2:
                halfway = True
                if on_half:
                    on_half()
        answer = read_response(sock, 60)
    seconds = time.monotonic() - started
    if answer is None:
        return "no answer", None, seconds, sha
    status, _, raw = answer
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = None
    return status, payload, seconds, sha


def slow_upload(harness, lib):
    size = (512 << 10) if harness.quick else (5 << 20)
    return upload_step(harness, lib, f"slow upload {size >> 10} KB at 16 KB/s", size, sigterm=False)


def shutdown_mid_upload(harness, lib):
    return upload_step(harness, lib, "SIGTERM during a slow upload", 256 << 10, sigterm=True)


def upload_step(harness, lib, name, size, sigterm):
    """One upload of `size` bytes at 16 KB/s on its own service; with `sigterm`, SIGTERM to the
    service when half of it is sent, and the service must exit within 10 s of the answer."""
    step = lib.Step(name)
    server = lib.Server(harness.cfg, harness.cfg.url("dms"), "edge-drain" if sigterm else "edge-upload")
    try:
        server.start()
        status, payload, _ = lib.http_call(server.base, "POST", "/api/cases", {"case_type": "DAO", "title": name})
        if status != 201:
            raise RuntimeError(f"create answered {status}")
        terminated = []

        def terminate():
            terminated.append(time.monotonic())
            server.proc.send_signal(signal.SIGTERM)

        lib.log(f"{name}: about {size / UPLOAD_RATE:.0f}s" + (", SIGTERM half way" if sigterm else ""))
        status, answer, seconds, sha = send_slowly(server.port, f"/api/upload/{payload['id']}/offer", size, UPLOAD_RATE,
                                                   on_half=terminate if sigterm else None)
        answered = time.monotonic()
        step.statuses[status] += 1
        step.notes.append(f"answered {status} after {seconds:.1f}s ({size / seconds / 1024:.1f} KB/s)"
                          + (f", {answered - terminated[0]:.1f}s after SIGTERM" if terminated else ""))
        if status != 201:
            step.fail(f"the upload was answered {status}")
        elif (answer or {}).get("sha256") != sha:
            step.fail("the stored document's SHA-256 is not the file's")
        else:
            step.acked = 1
            step.lost = int(harness.pg.psql(f"SELECT count(*) = 0 FROM documents WHERE sha256 = '{sha}'").strip() == "t")
            if step.lost:
                step.fail("the acknowledged upload is not in documents")
        if sigterm:
            try:
                server.proc.wait(timeout=10)
                step.notes.append(f"the service exited {time.monotonic() - answered:.2f}s after that answer")
            except subprocess.TimeoutExpired:
                step.fail("the service was still running 10 s after its last answer")
    except Exception as error:  # noqa: BLE001 — reported as a failed step
        step.fail(f"{type(error).__name__}: {error}")
    finally:
        stop_server(step, server)
    harness.steps.append(step)
    return step
