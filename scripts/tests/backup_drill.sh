#!/usr/bin/env bash
# scripts/tests/backup_drill.sh — scripts/backup and scripts/restore on a throw-away cluster
# (.pgdrill/, a free port, stopped and deleted on exit). No Swift build: the schema comes from
# Sources/DMSStore/Migrations/*.sql applied with psql, recorded in schema_migrations as the
# Migrator does. Checks:
#   1. a backup taken while events are being written restores into a fresh database owned by a
#      non-superuser, with the same memory head and the same row counts (one snapshot for both);
#   2. a restore over a database that has tables is refused;
#   3. a dump with one byte changed is refused before anything is restored;
#   4. a manifest whose counts differ from the restored database makes the restore fail.
# Prints PASS or FAIL for each, then PASS or FAIL; exit status 1 on any FAIL.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

PG_BIN=$(pg_bindir)
PSQL="$PG_BIN/psql"
PORT=$(free_port)
WORK=$(mktemp -d)
rm -rf "$ROOT/.pgdrill"
DATA=$(cluster_dir "$ROOT/.pgdrill")
WRITER=""
cleanup() {
    if [ -n "$WRITER" ]; then kill "$WRITER" 2>/dev/null || true; wait "$WRITER" 2>/dev/null || true; fi
    stop_cluster "$DATA"
    rm -rf "$DATA" "$WORK"
}
trap cleanup EXIT

FAILED=0
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; FAILED=1; }
sql() { local db="$1"; shift; "$PSQL" -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" "$@"; }
url() { echo "postgres://$1@127.0.0.1:$PORT/$2?sslmode=disable"; }

start_cluster "$DATA" "$PORT" fsync=off synchronous_commit=off full_page_writes=off

say "migrating a source database"
sql postgres -c "CREATE DATABASE dms_source"
sql dms_source -c "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
for file in "$ROOT"/Sources/DMSStore/Migrations/*.sql; do
    name=$(basename "$file" .sql)
    sql dms_source -1 -f "$file" >/dev/null
    sql dms_source -c "INSERT INTO schema_migrations (version, name) VALUES (${name%%_*}, '$name')"
done
sql dms_source >/dev/null <<'SQL'
INSERT INTO cases (case_type, title, created_by)
    VALUES ('DAO', 'Fournitures de bureau', 'agent@example.org'), ('RFQ', 'Réparation de toiture', 'agent@example.org');
INSERT INTO events (case_id, type, actor, payload)
    SELECT id, 'case_created', 'agent@example.org', jsonb_build_object('title', title) FROM cases ORDER BY created_at, id;
INSERT INTO events (case_id, type, actor, payload)
    SELECT id, 'document_uploaded', 'agent@example.org', '{"filename": "offre é.pdf", "size": 12, "sha256": "00"}' FROM cases;
SQL

# Events keep arriving during the backup, one transaction each (thousands a second): the counts
# in the manifest must be those of the dump, not of a moment later.
first_case=$(sql dms_source -c "SELECT id FROM cases ORDER BY title LIMIT 1")
PGAPPNAME=drill-writer sql dms_source -c "DO \$\$ BEGIN LOOP
    INSERT INTO events (case_id, type, actor, payload) VALUES ('$first_case', 'offer_corrected', 'agent@example.org', '{}');
    COMMIT;
END LOOP; END \$\$" >/dev/null 2>&1 &
WRITER=$!
sleep 0.5
stop_writer() {
    sql postgres -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'drill-writer'" >/dev/null
    wait "$WRITER" 2>/dev/null || true
    WRITER=""
}

say "1. backup while writing, restore into a fresh database owned by a non-superuser"
if "$ROOT/scripts/backup" -o "$WORK/dms.dump" --database-url "$(url postgres dms_source)" >"$WORK/backup.out"; then
    pass "backup: $(cat "$WORK/backup.out")"
else
    fail "backup exited non-zero"
fi
stop_writer
written=$(sql dms_source -c "SELECT events FROM memory_head()")
sql postgres -c "CREATE ROLE dms_owner LOGIN PASSWORD 'drill p@ss'" -c "CREATE DATABASE dms_restored OWNER dms_owner"
target=$(url "dms_owner:drill%20p%40ss" dms_restored)
if "$ROOT/scripts/restore" "$WORK/dms.dump" --database-url "$target" >"$WORK/restore.out" 2>"$WORK/restore.err" \
    && grep -q '^OK restore: memory head [0-9a-f]\{64\} (.* events, 2 chains), 32 tables, counts equal$' "$WORK/restore.out"; then
    pass "restore: $(cat "$WORK/restore.out")"
else
    fail "restore: $(cat "$WORK/restore.out" "$WORK/restore.err")"
fi
restored=$(sql dms_restored -c "SELECT events FROM memory_head()")
in_manifest=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["memory_head"]["events"])' "$WORK/dms.dump.manifest.json")
if [ "$restored" = "$in_manifest" ] && [ "$restored" -lt "$written" ]; then
    pass "the backup holds $restored events, a snapshot taken while the source grew to $written"
else
    fail "events: manifest $in_manifest, restored $restored, source $written (expected manifest = restored < source)"
fi
if grep -q "dms memory verify --database-url" "$WORK/restore.err" && ! grep -q "drill p@ss\|drill%20p%40ss" "$WORK/restore.err" "$WORK/restore.out"; then
    pass "restore ends with the dms memory verify hint and never prints the password"
else
    fail "restore output: hint missing or password shown"
fi

say "2. restore over a database that has tables"
if "$ROOT/scripts/restore" "$WORK/dms.dump" --database-url "$target" >/dev/null 2>"$WORK/again.err"; then
    fail "a restore over a restored database was accepted"
elif grep -q "has 32 tables in schema public" "$WORK/again.err"; then
    pass "refused: $(grep error: "$WORK/again.err")"
else
    fail "refused, but not for its tables: $(cat "$WORK/again.err")"
fi

say "3. one byte of the dump changed"
sql postgres -c "CREATE DATABASE dms_tampered"
cp "$WORK/dms.dump" "$WORK/tampered.dump"
cp "$WORK/dms.dump.manifest.json" "$WORK/tampered.dump.manifest.json"
python3 - "$WORK/tampered.dump" <<'PY'
import sys
with open(sys.argv[1], "r+b") as dump:
    dump.seek(dump.seek(0, 2) // 2)
    byte = dump.read(1)
    dump.seek(-1, 1)
    dump.write(bytes([byte[0] ^ 0x01]))
PY
if "$ROOT/scripts/restore" "$WORK/tampered.dump" --database-url "$(url postgres dms_tampered)" >/dev/null 2>"$WORK/tampered.err"; then
    fail "a tampered dump was restored"
elif grep -q "refusing to restore" "$WORK/tampered.err" && [ "$(sql dms_tampered -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ]; then
    pass "refused, nothing restored: $(grep "SHA-256" "$WORK/tampered.err")"
else
    fail "tampered dump: $(cat "$WORK/tampered.err")"
fi

say "4. a manifest that does not match what was restored"
sql postgres -c "CREATE DATABASE dms_recount"
cp "$WORK/dms.dump" "$WORK/recount.dump"
python3 - "$WORK/dms.dump.manifest.json" "$WORK/recount.dump.manifest.json" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["counts"]["cases"] += 1
json.dump(manifest, open(sys.argv[2], "w"), indent=2)
PY
if "$ROOT/scripts/restore" "$WORK/recount.dump" --database-url "$(url postgres dms_recount)" >"$WORK/recount.out" 2>/dev/null; then
    fail "a restore whose counts differ from the manifest said OK"
elif grep -q "table cases: 3 rows in the backup, 2 restored" "$WORK/recount.out"; then
    pass "differences named: $(tr '\n' ' ' <"$WORK/recount.out")"
else
    fail "recount: $(cat "$WORK/recount.out")"
fi

if [ "$FAILED" -eq 0 ]; then echo PASS; else echo FAIL; exit 1; fi
