#!/usr/bin/env python3
"""Helpers of scripts/fuzz (Python standard library only).

    fuzz_lib.py wait-http URL SECONDS          wait until URL answers 200
    fuzz_lib.py probe-json URL                 exit 0 when URL answers 200 with a JSON object
    fuzz_lib.py summary NDJSON SPEC [SKIPPED…] per-operation table from schemathesis' NDJSON report
                                               (SKIPPED: "GET /path" operations left out on purpose);
                                               exit 1 on any 5xx, check failure, error or untested operation
"""
import collections
import json
import sys
import time
import urllib.error
import urllib.request

CHECK_COLUMNS = [
    ("not_a_server_error", "5xx check"),
    ("status_code_conformance", "status violations"),
    ("response_schema_conformance", "schema violations"),
]


def wait_http(url, seconds):
    deadline = time.monotonic() + float(seconds)
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return 0
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    print(f"{url} did not answer 200 within {seconds}s (last: {last})", file=sys.stderr)
    return 1


def probe_json(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            if response.status != 200:
                return 1
            return 0 if isinstance(json.loads(response.read()), dict) else 1
    except (OSError, ValueError):
        return 1


def documented_operations(spec_path):
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return [f"{method.upper()} {path}" for path, item in spec.get("paths", {}).items()
            for method in item if method in methods]


def summary(ndjson_path, spec_path, skipped=()):
    operations = [op for op in documented_operations(spec_path) if op not in skipped]
    cases = collections.Counter()
    server_errors = collections.Counter()
    failures = collections.defaultdict(collections.Counter)
    statuses = collections.defaultdict(collections.Counter)
    errors = []
    seed = None
    stop_reason = None
    undeclared = "(undeclared methods)"
    with open(ndjson_path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            event = json.loads(line)
            (kind, body), = event.items()
            if kind == "Initialize":
                seed = body.get("seed")
            elif kind == "EngineFinished":
                stop_reason = body.get("stop_reason")
            elif "Error" in kind:
                errors.append(f"{kind}: {json.dumps(body)[:400]}")
            elif kind == "ScenarioFinished":
                recorder = body.get("recorder", {})
                for case_id, case in recorder.get("cases", {}).items():
                    value = case.get("value", {})
                    label = f"{value.get('method', '?').upper()} {value.get('path', '?')}"
                    if label not in operations:
                        label = undeclared
                    cases[label] += 1
                    response = recorder.get("interactions", {}).get(case_id, {}).get("response")
                    if response:
                        code = response.get("status_code")
                        statuses[label][code] += 1
                        if isinstance(code, int) and code >= 500:
                            server_errors[label] += 1
                    for check in recorder.get("checks", {}).get(case_id, []):
                        if check.get("status") == "failure":
                            failures[label][check.get("name")] += 1

    rows = [op for op in operations] + ([undeclared] if cases[undeclared] else [])
    header = ["operation", "cases", "5xx", "status violations", "schema violations", "statuses seen"]
    table = []
    for op in rows:
        seen = ", ".join(f"{code}×{count}" for code, count in sorted(statuses[op].items(), key=lambda item: str(item[0])))
        table.append([op, str(cases[op]), str(server_errors[op]),
                      str(failures[op]["status_code_conformance"]), str(failures[op]["response_schema_conformance"]), seen])
    total = ["total", str(sum(cases.values())), str(sum(server_errors.values())),
             str(sum(f["status_code_conformance"] for f in failures.values())),
             str(sum(f["response_schema_conformance"] for f in failures.values())), ""]
    widths = [max(len(row[i]) for row in [header, total] + table) for i in range(len(header) - 1)]

    def fmt(row):
        return "| " + " | ".join(cell.ljust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(row)) + " |"

    print(fmt(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|---|")
    for row in table:
        print(fmt(row))
    print(fmt(total))
    if seed is not None:
        print(f"seed: {seed}")
    other = {name: count for f in failures.values() for name, count in f.items()
             if name not in ("status_code_conformance", "response_schema_conformance")}
    failed = bool(sum(server_errors.values()) or any(sum(f.values()) for f in failures.values()) or errors)
    untested = [op for op in operations if cases[op] == 0]
    for op in untested:
        print(f"NOT TESTED: {op}")
    for name, count in other.items():
        print(f"check {name}: {count} failure(s)")
    for error in errors[:20]:
        print(error)
    if stop_reason not in (None, "completed"):
        print(f"schemathesis stopped early: {stop_reason}")
    return 1 if failed or untested else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "wait-http" and len(argv) == 4:
        return wait_http(argv[2], argv[3])
    if len(argv) >= 2 and argv[1] == "probe-json" and len(argv) == 3:
        return probe_json(argv[2])
    if len(argv) >= 4 and argv[1] == "summary":
        return summary(argv[2], argv[3], skipped=argv[4:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
