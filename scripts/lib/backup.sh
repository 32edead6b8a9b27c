# Shared by scripts/backup and scripts/restore, sourced after common.sh: the database URL as the
# PostgreSQL client programs take it, the programs themselves, and the facts a backup records in
# its manifest and a restore checks (memory head, exact row count of every table).

# pg_client NAME: pg_dump, pg_restore or psql from the newest PostgreSQL install on this machine
# (the one whose server the other scripts start), else from PATH, installing the client if absent.
# pg_dump refuses a server newer than itself: then install postgresql-client-<server major>.
pg_client() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/$1" ]; then echo "$dir/$1"; return 0; fi
    command -v "$1" >/dev/null || apt_install postgresql-client
    command -v "$1" || die "$1 not found, even after installing postgresql-client"
}

# use_database_url URL: sets DB_URL (the URL for libpq: no password, no DMS-only parameter such
# as pgbouncer=) and DB_SHOWN (the password as ***), and exports PGPASSWORD, so that the password
# never appears on a command line (ps shows those to every user of the machine).
use_database_url() {
    local parsed password
    parsed=$(DMS_URL="$1" python3 - <<'PY'
import os, sys, urllib.parse as up
parts = up.urlsplit(os.environ["DMS_URL"])
if parts.scheme not in ("postgres", "postgresql") or not parts.hostname or parts.path in ("", "/"):
    sys.exit("the database URL must look like postgres://user:password@host:5432/database?sslmode=require")
user_info, _, host = parts.netloc.rpartition("@")
user = user_info.partition(":")[0]
query = [(key, value) for key, value in up.parse_qsl(parts.query, keep_blank_values=True) if key != "pgbouncer"]
login = user + "@" if user else ""
print(up.urlunsplit((parts.scheme, login + host, parts.path, up.urlencode(query), "")))
shown = user + ":***@" if parts.password is not None else login
print(up.urlunsplit((parts.scheme, shown + host, parts.path, up.urlencode(query), "")))
print(up.unquote(parts.password or ""))
PY
    ) || die "invalid database URL"
    { IFS= read -r DB_URL; IFS= read -r DB_SHOWN; IFS= read -r password || true; } <<<"$parsed"  # no password: no third line
    if [ -n "$password" ]; then export PGPASSWORD="$password"; fi
    case "$1" in *pgbouncer=true*)
        say "warning: the URL names a transaction pooler; pg_dump and pg_restore want a direct connection (the provider's non-pooled URL)";;
    esac
}

# The facts of the database at DB_URL, as one line of JSON:
#   {"server_version", "database", "schema_version", "memory_head": {events, chains, head},
#    "counts": {table: exact count(*) of every base table of schema public}}
# Read in the caller's transaction when given on psql's standard input inside one (the backup
# reads them in the snapshot pg_dump dumps), so the counts are those of the dump.
FACTS_SQL=$(cat <<'SQL'
SELECT format($query$SELECT json_build_object(
           'server_version', current_setting('server_version'),
           'database', current_database(),
           'schema_version', %s,
           'memory_head', (SELECT row_to_json(m) FROM memory_head() m),
           'counts', (SELECT json_object_agg(t, n ORDER BY t) FROM (%s) c))$query$,
       CASE WHEN to_regclass('public.schema_migrations') IS NULL THEN 'NULL'
            ELSE '(SELECT max(version) FROM public.schema_migrations)' END,
       coalesce(string_agg(format('SELECT %L AS t, count(*) AS n FROM public.%I', c.relname, c.relname), ' UNION ALL '),
                'SELECT NULL::text AS t, NULL::bigint AS n WHERE false'))
  FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
 WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p')
\gexec
SQL
)

# Tables in schema public of the database at DB_URL.
public_table_count() {
    "$PSQL" -X -q -tA -v ON_ERROR_STOP=1 -d "$DB_URL" -c \
        "SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p')"
}
