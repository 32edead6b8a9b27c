#!/usr/bin/env python3
"""Re-verify a DMS memory export offline: scripts/verify_export.py dms-memory.jsonl
(the JSON Lines of GET /api/memory/export). Checks every hash, every link, and prints the head."""
import hashlib, json, sys

GENESIS = "0" * 64

def verify(lines):
    chains, count = {}, 0
    for number, line in enumerate(lines, 1):
        e = json.loads(line)
        if hashlib.sha256((e["prev_hash"] + e["canonical"]).encode("utf-8")).hexdigest() != e["hash"]:
            return f"line {number}: event {e['id']} altered: hash does not match prev_hash + canonical"
        hashed = json.loads(e["canonical"])
        if any(hashed[key] != e[key] for key in ("case_id", "seq", "type", "actor", "payload")) \
                or hashed.get("actor_id") != e.get("actor_id"):
            return f"line {number}: event {e['id']} fields differ from the hashed canonical text"
        last = chains.get(e["case_id"])
        if (last is None and e["seq"] == 1 and e["prev_hash"] != GENESIS) or \
           (last is not None and (e["seq"] != last[0] + 1 or e["prev_hash"] != last[1])):
            return f"line {number}: event {e['id']} breaks the chain of case {e['case_id']}"
        chains[e["case_id"]] = (e["seq"], e["hash"])
        count += 1
    heads = "".join(f"{case}:{seq}:{digest}\n" for case, (seq, digest) in sorted(chains.items()))
    return f"OK {count} events, head {hashlib.sha256(heads.encode('utf-8')).hexdigest()}"

if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin as source:
        result = verify(source)
    print(result)
    sys.exit(0 if result.startswith("OK") else 1)
