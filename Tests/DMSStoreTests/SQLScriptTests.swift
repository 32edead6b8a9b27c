import DMSStore
import Testing

@Suite("Migration script splitting")
struct SQLScriptTests {
    @Test("statements split at top-level semicolons only")
    func split() {
        let script = """
            -- comment; not a statement
            CREATE TABLE t (a text DEFAULT 'x;y', "we;ird" int);
            /* block; comment */
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'no; way';
                RETURN NEW;
            END
            $$;
            CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'it''s; ok' $body$;
            INSERT INTO t VALUES ('it''s');
            -- trailing comment
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 4)
        #expect(statements[0].hasPrefix("-- comment; not a statement\nCREATE TABLE t"))
        #expect(statements[1].contains("RAISE EXCEPTION 'no; way';"))
        #expect(statements[2].hasSuffix("$body$"))
        #expect(statements[3] == "INSERT INTO t VALUES ('it''s')")
    }

    @Test("an empty or comment-only script has no statement")
    func empty() {
        #expect(SQLScript.statements("").isEmpty)
        #expect(SQLScript.statements("-- nothing\n\n").isEmpty)
    }
}
