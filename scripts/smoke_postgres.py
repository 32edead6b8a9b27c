#!/usr/bin/env python3
"""Smoke test of the DMS HTTP API running on a (cloud-style) PostgreSQL.

Runs the critical Couche A flow (health, create, list, decide, list, detail), then
probes the four risks of a real PostgreSQL deployment: encoding, constraints,
transactions and SQL dialect (keyset pagination, timestamptz). Standard library only.

Output: `STEP <name>: HTTP <status> <json excerpt>` lines, then `PASS <name>` or
`FAIL <name>: <reason>` per step; the last line is `EXIT_CODE=0|1`, which is also the
process exit code. `--write-proof PATH` writes the markdown proof of SPEC §8.
"""
import argparse
import concurrent.futures
import datetime
import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

EXCERPT_CHARS = 300
SUPPLIER = "Société Smoke SARL"
REASON = "Offre conforme (smoke)"
ACCENT_TITLE = "Fourniture de ciment — Mopti/Ségou « lot 2 » 🇲🇱 àéèêëîïôöùûüç"
DIALECT_CASES = 120
WALK_LIMIT = 50
WALK_CAP = 10000
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$")


class CheckFailed(Exception):
    """A step's expectation was not met."""


class TransportError(Exception):
    """No HTTP answer at all: refused, timed out, reset, TLS failure..."""


def excerpt(text, limit=EXCERPT_CHARS):
    """One-line excerpt of a body: compact JSON when it parses, else collapsed text."""
    try:
        text = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def mask_secrets(text):
    """Hide passwords in URLs (user:pass@) and key=value forms (password=...)."""
    text = re.sub(r"([A-Za-z][\w+.-]*://[^:/@\s]*:)\S*@", r"\1***@", text)
    return re.sub(r"(?i)\b(password|passwd|pwd|pgpassword)=('[^']*'|[^&\s]*)", r"\1=***", text)


def parse_timestamp(value):
    """An aware datetime when value is ISO-8601 with an explicit offset (Z or ±hh:mm), else None."""
    match = TIMESTAMP_RE.match(value) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, frac, offset = match.groups()
    if offset == "Z":
        tz = datetime.timezone.utc
    else:
        delta = datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
        tz = datetime.timezone(-delta if offset[0] == "-" else delta)
    micro = int((frac or "0")[:6].ljust(6, "0"))
    try:
        return datetime.datetime(int(year), int(month), int(day), int(hour), int(minute),
                                 int(second), micro, tzinfo=tz)
    except ValueError:
        return None


class Response:
    def __init__(self, method, path, status, raw):
        self.method, self.path, self.status = method, path, status
        self.text = raw.decode("utf-8", errors="replace")
        self.valid_utf8 = self.text.encode("utf-8") == raw

    def excerpt(self, limit=EXCERPT_CHARS):
        return excerpt(self.text, limit)

    def obj(self):
        """The body as a JSON object, or CheckFailed."""
        if not self.valid_utf8:
            raise CheckFailed(f"{self.method} {self.path}: response body is not valid UTF-8")
        try:
            data = json.loads(self.text)
        except ValueError:
            raise CheckFailed(f"{self.method} {self.path}: HTTP {self.status} answer is not JSON: {self.excerpt(120)}")
        if not isinstance(data, dict):
            raise CheckFailed(f"{self.method} {self.path}: JSON body is not an object")
        return data

    def expect(self, status):
        if self.status != status:
            raise CheckFailed(f"{self.method} {self.path} returned HTTP {self.status}, expected "
                              f"{status}: {self.excerpt(160)}")
        return self.obj()

    def expect_error(self, status):
        """An error answer with the contract's shape {"error":{"code","message"}}."""
        body = self.expect(status)
        error = body.get("error")
        if not (isinstance(error, dict) and error.get("code") and error.get("message")):
            raise CheckFailed(f"{self.method} {self.path}: HTTP {status} body is not "
                              f'{{"error":{{"code","message"}}}}: {self.excerpt(160)}')
        return error


class Http:
    """Tiny JSON client: every request has a timeout; no answer raises TransportError."""

    def __init__(self, base_url, token, timeout):
        self.base_url, self.token, self.timeout = base_url.rstrip("/"), token, timeout

    def request(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        where = f"{method} {mask_secrets(self.base_url)}{path}"
        try:
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return Response(method, path, resp.status, resp.read())
            except urllib.error.HTTPError as err:
                with err:
                    return Response(method, path, err.code, err.read())
        except urllib.error.URLError as err:
            raise TransportError(f"{where}: {self._describe(err.reason)}")
        except (OSError, http.client.HTTPException) as err:
            raise TransportError(f"{where}: {self._describe(err)}")

    def _describe(self, err):
        if isinstance(err, socket.timeout) or "timed out" in str(err):
            return f"timed out after {self.timeout:g}s"
        if isinstance(err, ConnectionRefusedError):
            return "connection refused"
        if isinstance(err, (http.client.RemoteDisconnected, ConnectionResetError)):
            return "connection closed by the server without an answer"
        return f"{type(err).__name__}: {err}" if not isinstance(err, str) else err


class Smoke:
    def __init__(self, http_client, run_id):
        self.http = http_client
        self.run_id = run_id
        self.results = []      # (step name, passed, detail)
        self.lines = []        # everything printed, for the proof
        self.health = {}       # version / tls / encoding as reported by /api/health
        self.critical = []     # (label, status, excerpt) of the critical endpoints
        self.flow = {}         # the case of the create → list → decide → list flow
        self.check_line = None

    # -- output and step bookkeeping ------------------------------------------------
    def out(self, line):
        print(line, flush=True)
        self.lines.append(line)

    def call(self, step, method, path, body=None, record=None):
        resp = self.http.request(method, path, body)
        self.out(f"STEP {step}: HTTP {resp.status} {resp.excerpt()}")
        if record:
            self.critical.append((record, resp.status, resp.excerpt(600)))
        return resp

    def run(self, name, fn):
        """Runs one step; returns 'pass', 'fail' or 'transport' (no HTTP answer)."""
        try:
            detail = fn(name)
        except TransportError as err:
            return self.record(name, False, str(err), "transport")
        except CheckFailed as err:
            return self.record(name, False, str(err), "fail")
        except Exception as err:  # a bug in the smoke itself or an unexpected answer shape
            return self.record(name, False, f"unexpected {type(err).__name__}: {err}", "fail")
        return self.record(name, True, detail or "", "pass")

    def record(self, name, passed, detail, outcome="fail"):
        self.results.append((name, passed, detail))
        if passed:
            self.out(f"PASS {name}" + (f": {detail}" if detail else ""))
        else:
            self.out(f"FAIL {name}: {detail}")
        return outcome

    def still_reachable(self):
        try:
            return self.http.request("GET", "/api/health").status == 200
        except TransportError:
            return False

    # -- helpers ---------------------------------------------------------------------
    def create_case(self, step, title, case_type="DAO", lot=None, record=None):
        body = {"case_type": case_type, "title": title}
        if lot is not None:
            body["lot"] = lot
        case = self.call(step, "POST", "/api/cases", body, record).expect(201)
        if not case.get("id") or case.get("status") != "open":
            raise CheckFailed(f"created case has id={case.get('id')!r} status={case.get('status')!r}, "
                              "expected an id and status 'open'")
        return case

    def decide(self, step, case_id, supplier, record=None):
        body = {"chosen_supplier": supplier, "decision_reason": REASON, "next_action": "Notifier"}
        return self.call(step, "POST", f"/api/decide/{case_id}", body, record)

    def get_case(self, step, case_id):
        return self.call(step, "GET", f"/api/cases/{case_id}").expect(200)

    def find_listed(self, step, case_id, record=None, max_pages=20):
        """Walks GET /api/cases?limit=200 until the case shows up; returns (item, page number)."""
        cursor = None
        for page in range(1, max_pages + 1):
            path = "/api/cases?limit=200" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            body = self.call(step, "GET", path, record=record if page == 1 else None).expect(200)
            items = body.get("items")
            if not isinstance(items, list):
                raise CheckFailed("list body has no 'items' array")
            for item in items:
                if item.get("id") == case_id:
                    return item, page
            cursor = body.get("next_cursor")
            if not cursor:
                break
        raise CheckFailed(f"case {case_id} not found in GET /api/cases (walked {page} page(s))")

    def assert_not_listed(self, step, marker):
        items = self.call(step, "GET", "/api/cases?limit=200").expect(200).get("items") or []
        stored = [i.get("id") for i in items if marker in str(i.get("title", ""))]
        if stored:
            raise CheckFailed(f"rejected case was stored anyway: {stored}")

    def require_flow(self, key):
        if key not in self.flow:
            raise CheckFailed(f"not run: depends on an earlier failed step ({key} missing)")
        return self.flow[key]

    # -- critical flow -----------------------------------------------------------------
    def step_health(self, step):
        resp = self.call(step, "GET", "/api/health")
        body = resp.obj()
        pg = body.get("postgres") if isinstance(body.get("postgres"), dict) else {}
        self.health = {"version": body.get("version"), "server_version": pg.get("server_version"),
                       "tls": pg.get("tls"), "encoding": pg.get("encoding")}
        shown = {k: "not reported" if v is None else v for k, v in self.health.items()}
        self.out("INFO health: service version={version} postgres server_version={server_version} "
                 "tls={tls} encoding={encoding}".format(**shown))
        if resp.status != 200 or body.get("database") != "ok":
            raise CheckFailed(f"HTTP {resp.status}, database={body.get('database')!r}; expected 200 and 'ok'")
        return "database ok"

    def step_create(self, step):
        title = f"Smoke {self.run_id} — création → décision"
        case = self.create_case(step, title, lot="Lot 1", record="POST /api/cases")
        if case.get("title") != title or case.get("lot") != "Lot 1" or case.get("case_type") != "DAO":
            raise CheckFailed("created case does not echo case_type/title/lot as sent")
        self.flow["case"] = case
        return f"case {case['id']} status open"

    def step_list_open(self, step):
        case_id = self.require_flow("case")["id"]
        item, page = self.find_listed(step, case_id, record="GET /api/cases (after create)")
        if item.get("status") != "open":
            raise CheckFailed(f"listed status is {item.get('status')!r}, expected 'open'")
        self.flow["listed_open"] = True
        return f"case {case_id} listed on page {page} with status open"

    def step_decide(self, step):
        case_id = self.require_flow("case")["id"]
        body = self.decide(step, case_id, SUPPLIER, record="POST /api/decide/{case_id}").expect(200)
        decision = body.get("decision") or {}
        if body.get("status") != "decided" or decision.get("chosen_supplier") != SUPPLIER:
            raise CheckFailed(f"answer has status={body.get('status')!r} chosen_supplier="
                              f"{decision.get('chosen_supplier')!r}; expected 'decided' / {SUPPLIER!r}")
        self.flow["decided"] = True
        return f"case {case_id} status decided"

    def step_list_decided(self, step):
        self.require_flow("listed_open")
        self.require_flow("decided")
        case_id = self.flow["case"]["id"]
        item, page = self.find_listed(step, case_id, record="GET /api/cases (after decide)")
        if item.get("status") != "decided":
            raise CheckFailed(f"listed status is {item.get('status')!r}, expected 'decided'")
        self.check_line = (f"CHECK create→list→decide→list: case {case_id} listed 'open' after create, "
                           f"'decided' after decide (page {page}): status change persisted")
        self.out(self.check_line)
        return "status open → decided persisted"

    def step_detail(self, step):
        case_id = self.require_flow("case")["id"]
        body = self.get_case(step, case_id)
        decision = body.get("decision") or {}
        if decision.get("chosen_supplier") != SUPPLIER or decision.get("decision_reason") != REASON:
            raise CheckFailed(f"decision is {excerpt(json.dumps(decision), 160)}; expected {SUPPLIER!r}")
        types = [e.get("type") for e in body.get("events") or [] if isinstance(e, dict)]
        missing = [t for t in ("case_created", "decision_recorded") if t not in types]
        if missing:
            raise CheckFailed(f"events {types} lack {missing}")
        return f"decision by {decision.get('decided_by')!r}, events {types}"

    # -- risk probes -------------------------------------------------------------------
    def roundtrip_title(self, step, title):
        case = self.create_case(step, title)
        stored = self.get_case(step, case["id"]).get("title")
        for label, got in (("POST answer", case.get("title")), ("GET /api/cases/{id}", stored)):
            if got != title:
                got = got if isinstance(got, str) else ""
                at = next((i for i, (a, b) in enumerate(zip(got, title)) if a != b), min(len(got), len(title)))
                raise CheckFailed(f"{label} title differs at char {at}: sent {title[at:at + 12]!r} "
                                  f"({len(title)} chars), got {got[at:at + 12]!r} ({len(got)} chars)")
        return f"{len(title)} chars / {len(title.encode('utf-8'))} UTF-8 bytes identical"

    def long_title(self, length, tag):
        filler = f"Smoke {self.run_id} {tag} — Équipement médical Ségou àéèêëîïôöùûüç ✓ 🚚 « ÉÈÀ » "
        title = (filler * (length // len(filler) + 1))[:length - 1] + "é"
        assert len(title) == length and not title[0].isspace()
        return title

    def step_encoding_accents(self, step):
        return self.roundtrip_title(step, ACCENT_TITLE)

    def step_encoding_300(self, step):
        return self.roundtrip_title(step, self.long_title(300, "long"))

    def rejected(self, step, title, case_type, marker):
        error = self.call(step, "POST", "/api/cases", {"case_type": case_type, "title": title}).expect_error(422)
        self.assert_not_listed(step, marker)
        return f"422 {error.get('code')}: {excerpt(str(error.get('message')), 100)}; nothing stored"

    def step_bad_case_type(self, step):
        marker = f"smoke-xyz-{self.run_id}"
        return self.rejected(step, f"x {marker}", "XYZ", marker)

    def step_nul_title(self, step):
        marker = f"smoke-nul-{self.run_id}"
        return self.rejected(step, f"a\u0000b {marker}", "DAO", marker)

    def step_title_301(self, step):
        return self.rejected(step, self.long_title(301, "trop-long"), "DAO", f"Smoke {self.run_id} trop-long")

    def step_second_decide(self, step):
        case = self.create_case(step, f"Smoke {self.run_id} double décision")
        first = self.decide(step, case["id"], SUPPLIER).expect(200).get("decision") or {}
        self.decide(step, case["id"], "Autre Fournisseur SA").expect_error(409)
        after = self.get_case(step, case["id"]).get("decision") or {}
        keys = ("chosen_supplier", "decision_reason", "next_action", "decided_by", "decided_at")
        changed = [k for k in keys if after.get(k) != first.get(k)]
        if changed:
            raise CheckFailed(f"first decision changed after the 409 (fields {changed}): {excerpt(json.dumps(after))}")
        if after.get("chosen_supplier") != SUPPLIER:
            raise CheckFailed(f"stored chosen_supplier is {after.get('chosen_supplier')!r}, expected {SUPPLIER!r}")
        return "409 and first decision unchanged"

    def step_concurrent_decide(self, step, workers=10):
        case_id = self.create_case(step, f"Smoke {self.run_id} décisions concurrentes")["id"]
        barrier = threading.Barrier(workers, timeout=self.http.timeout)

        def attempt(i):
            supplier = f"Fournisseur Concurrent {i:02d}"
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
            body = {"chosen_supplier": supplier, "decision_reason": REASON, "next_action": "Notifier"}
            return supplier, self.http.request("POST", f"/api/decide/{case_id}", body)

        outcomes, errors = [], []
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            for future in [pool.submit(attempt, i) for i in range(workers)]:
                try:
                    outcomes.append(future.result())
                except TransportError as err:
                    errors.append(str(err))
        statuses = sorted(r.status for _, r in outcomes)
        summary = " ".join(f"{s}x{statuses.count(s)}" for s in sorted(set(statuses)))
        self.out(f"STEP {step}: HTTP {summary or '-'} ({workers} concurrent POST /api/decide/{case_id}"
                 + (f", {len(errors)} without answer" if errors else "") + ")")
        if errors:
            raise TransportError(errors[0])
        winners = [(s, r) for s, r in outcomes if r.status == 200]
        if len(winners) != 1 or statuses.count(409) != workers - 1:
            raise CheckFailed(f"expected exactly one 200 and {workers - 1} 409, got {summary}")
        for _, resp in outcomes:
            if resp.status == 409:
                resp.expect_error(409)
        supplier = winners[0][0]
        stored = self.get_case(step, case_id).get("decision") or {}
        if stored.get("chosen_supplier") != supplier:
            raise CheckFailed(f"stored decision is {stored.get('chosen_supplier')!r}, the 200 went to {supplier!r}")
        return f"one 200 ({supplier}), {workers - 1} x 409, stored decision matches"

    def step_dialect(self, step):
        marker = f"smoke-dialect-{self.run_id}"
        created, statuses, started = set(), [], time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(self.http.request, "POST", "/api/cases",
                                   {"case_type": "RFQ" if i % 2 else "DAO", "title": f"{marker} n°{i:03d} — Ségou"})
                       for i in range(DIALECT_CASES)]
            try:
                for future in futures:
                    resp = future.result()
                    statuses.append(resp.status)
                    if resp.status == 201:
                        created.add(resp.obj().get("id"))
            finally:
                for future in futures:
                    future.cancel()
        summary = " ".join(f"{s}x{statuses.count(s)}" for s in sorted(set(statuses)))
        self.out(f"STEP {step}: HTTP {summary} ({DIALECT_CASES} x POST /api/cases, 8 threads, "
                 f"{time.monotonic() - started:.1f}s)")
        if len(created) != DIALECT_CASES:
            raise CheckFailed(f"only {len(created)} of {DIALECT_CASES} cases created ({summary})")
        return self.walk_pages(step, marker, created)

    def walk_pages(self, step, marker, created):
        seen, problems, cursors = {}, [], set()
        cursor, previous, pages, capped = None, None, 0, False
        while True:
            path = f"/api/cases?limit={WALK_LIMIT}" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            resp = self.http.request("GET", path)
            pages += 1
            if pages == 1 or resp.status != 200:
                self.out(f"STEP {step}: HTTP {resp.status} {resp.excerpt()}")
            body = resp.expect(200)
            items = body.get("items")
            if not isinstance(items, list) or len(items) > WALK_LIMIT:
                raise CheckFailed(f"page {pages}: 'items' missing or longer than limit={WALK_LIMIT}")
            for item in items:
                case_id = item.get("id")
                seen[case_id] = seen.get(case_id, 0) + 1
                if seen[case_id] == 2:
                    problems.append(f"case {case_id} listed twice (page {pages})")
                stamps = {k: parse_timestamp(item.get(k)) for k in ("created_at", "updated_at")}
                for key, value in stamps.items():
                    if value is None:
                        problems.append(f"{key}={item.get(key)!r} has no explicit offset (Z or ±hh:mm)")
                current = stamps["created_at"]
                if current and previous and current > previous:
                    problems.append(f"not newest first at page {pages}: {item.get('created_at')} after {previous.isoformat()}")
                previous = current or previous
            cursor = body.get("next_cursor")
            if cursor is None or len(seen) >= WALK_CAP:
                capped = cursor is not None
                break
            if cursor in cursors:
                raise CheckFailed(f"next_cursor {cursor!r} repeated at page {pages}: pagination loops")
            cursors.add(cursor)
        self.out(f"STEP {step}: HTTP 200 x{pages} pages of limit={WALK_LIMIT}, {sum(seen.values())} items, "
                 + ("stopped at the cap" if capped else "next_cursor null reached"))
        missing = [c for c in created if seen.get(c, 0) == 0]
        marked = sum(1 for c in created if seen.get(c) == 1)
        if missing:
            problems.append(f"{len(missing)} '{marker}' cases never listed, e.g. {missing[0]}")
        if problems:
            raise CheckFailed(f"{len(problems)} problem(s): " + "; ".join(problems[:5]))
        return (f"{marked} marker cases listed exactly once over {pages} pages; offsets explicit; "
                "newest first" + (f" (walk capped at {WALK_CAP} items)" if capped else ""))

    # -- the whole run -----------------------------------------------------------------
    def run_all(self):
        if self.run("health", self.step_health) != "pass":
            self.out("STOP: the service is not healthy; nothing else can be checked")
            return
        steps = [("create", self.step_create), ("list-open", self.step_list_open),
                 ("decide", self.step_decide), ("list-decided", self.step_list_decided),
                 ("detail", self.step_detail),
                 ("encoding.accents", self.step_encoding_accents), ("encoding.300-chars", self.step_encoding_300),
                 ("constraints.case-type", self.step_bad_case_type), ("constraints.nul-title", self.step_nul_title),
                 ("constraints.301-chars", self.step_title_301),
                 ("transactions.second-decide", self.step_second_decide),
                 ("transactions.concurrent-decide", self.step_concurrent_decide),
                 ("dialect.pagination", self.step_dialect)]
        for index, (name, fn) in enumerate(steps):
            if self.run(name, fn) == "transport" and not self.still_reachable():
                self.out("STOP: the service no longer answers GET /api/health")
                for skipped, _ in steps[index + 1:]:
                    self.record(skipped, False, "not run (service unreachable)", "fail")
                return


def git_commit():
    repo = os.path.dirname(os.path.abspath(__file__))

    def git(*args):
        return subprocess.run(["git", "-C", repo] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, universal_newlines=True, timeout=10)
    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return "unknown (no commit)"
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
        return head.stdout.strip() + (" (dirty)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown (git unavailable)"


def proof_markdown(smoke, args, started, exit_line):
    h = smoke.health
    tls = {True: "yes", False: "no"}.get(h.get("tls"), "not reported")
    passed = sum(1 for _, ok, _ in smoke.results if ok)
    stdout = "\n".join(smoke.lines + [exit_line])
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", stdout)), default=0))
    md = [f"# PostgreSQL cloud run — {args.profile}", "", "## Run", "",
          f"- Date (UTC): {started}",
          f"- Git commit: {git_commit()}",
          f"- Service URL: {mask_secrets(args.base_url)}",
          f"- Database: {mask_secrets(args.database_label) if args.database_label else 'not given'}",
          f"- PostgreSQL (from `/api/health`): server version {h.get('server_version') or 'not reported'}, "
          f"TLS in use: {tls}, encoding: {h.get('encoding') or 'not reported'}",
          f"- Service version: {h.get('version') or 'not reported'}",
          f"- Steps: {passed} passed, {len(smoke.results) - passed} failed", "",
          "## Critical endpoints", ""]
    for label, status, text in smoke.critical:
        md += [f"### {label}", "", f"HTTP {status}", "", fence + "json", text, fence, ""]
    if not smoke.critical:
        md += ["No critical endpoint was reached.", ""]
    md += ["### create → list → decide → list", "",
           smoke.check_line or "NOT ESTABLISHED (see the failing steps below)", "",
           "## Steps", "", "| step | result | detail |", "|---|---|---|"]
    md += [f"| {n} | {'PASS' if ok else 'FAIL'} | {d.replace('|', '/')} |" for n, ok, d in smoke.results]
    md += ["", "## Raw smoke stdout", "", fence + "text", stdout, fence, "", "## Result", "", exit_line, ""]
    return "\n".join(md)


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):  # bad arguments still end with the EXIT_CODE line
        self.print_usage(sys.stderr)
        print(f"FAIL arguments: {message}\nEXIT_CODE=1", flush=True)
        sys.exit(1)


def parse_args(argv):
    parser = ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("SERVICE_URL") or "http://127.0.0.1:8080",
                        help="service URL (default: $SERVICE_URL or http://127.0.0.1:8080)")
    parser.add_argument("--token", default=os.environ.get("DMS_TOKEN") or None,
                        help="API token, sent as 'Authorization: Bearer <token>' (default: $DMS_TOKEN)")
    parser.add_argument("--write-proof", metavar="PATH", help="write the markdown proof to PATH (overwritten)")
    parser.add_argument("--profile", default="default", help="label of the run in the proof (e.g. tls, pooler)")
    parser.add_argument("--database-label", default="", help="database description for the proof (password masked)")
    parser.add_argument("--timeout", type=float, default=10.0, help="per-request timeout in seconds (default 10)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    if urllib.parse.urlsplit(args.base_url).scheme not in ("http", "https"):
        parser.error(f"--base-url must be an http(s) URL, got {args.base_url!r}")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
    except AttributeError:  # Python < 3.7
        sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="backslashreplace",
                                      line_buffering=True)
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
    smoke = Smoke(Http(args.base_url, args.token, args.timeout), run_id)
    smoke.out(f"SMOKE {started} run={run_id} profile={args.profile} url={mask_secrets(args.base_url)} "
              f"timeout={args.timeout:g}s")
    try:
        smoke.run_all()
    except KeyboardInterrupt:
        smoke.record("run", False, "interrupted", "fail")
    except Exception as err:  # never end without the EXIT_CODE line
        smoke.record("run", False, f"unexpected {type(err).__name__}: {err}", "fail")
    failed = [name for name, ok, _ in smoke.results if not ok]
    smoke.out(f"SUMMARY: {len(smoke.results) - len(failed)} passed, {len(failed)} failed"
              + (f" ({', '.join(failed)})" if failed else ""))
    code = 1 if failed or not smoke.results else 0
    if args.write_proof:
        try:
            with open(args.write_proof, "w", encoding="utf-8") as fh:
                fh.write(proof_markdown(smoke, args, started, f"EXIT_CODE={code}"))
        except OSError as err:
            print(f"FAIL proof: cannot write {args.write_proof}: {err}", flush=True)
            code = 1
    print(f"EXIT_CODE={code}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
