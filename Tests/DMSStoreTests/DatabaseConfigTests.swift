import DMSStore
import Testing

@Suite("DATABASE_URL parsing")
struct DatabaseConfigTests {
    @Test("postgres:// and postgresql:// with percent-encoded credentials")
    func parses() throws {
        let config = try DatabaseConfig(url: "postgresql://dms%40app:p%40ss%2Fw%3Ard@db.example.com:6543/dms_prod?sslmode=require&application_name=dms")
        #expect(config.host == "db.example.com")
        #expect(config.port == 6543)
        #expect(config.username == "dms@app")
        #expect(config.password == "p@ss/w:rd")
        #expect(config.database == "dms_prod")
        #expect(config.sslMode == .require)
        let defaults = try DatabaseConfig(url: "postgres://u@localhost/db")
        #expect(defaults.port == 5432 && defaults.sslMode == .prefer && defaults.password == nil)
    }

    @Test("every libpq sslmode we support is accepted", arguments: ["disable", "prefer", "require"])
    func sslModes(mode: String) throws {
        #expect(try DatabaseConfig(url: "postgres://u:p@h/d?sslmode=\(mode)").sslMode.rawValue == mode)
    }

    @Test("invalid URLs are refused with a message that says what to fix", arguments: [
        ("mysql://u:p@h/d", "postgres://"),
        ("postgres://u:p@h", "database name"),
        ("postgres://:p@h/d", "user name"),
        ("postgres://u:p@/d", "host"),
        ("postgres://u:p@h/d?sslmode=allow", "sslmode"),
        ("postgres://u:p@h/d?sslmode=verify-full", "sslrootcert"),
        ("postgres://u:p@h/d?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem", "cannot be read"),
        ("not a url at all", "postgres"),
    ])
    func refuses(url: String, hint: String) {
        #expect {
            try DatabaseConfig(url: url)
        } throws: { error in
            let message = (error as? ConfigError)?.message ?? ""
            return message.contains(hint) && !message.contains(":p@")
        }
    }

    @Test("the password never appears in the redacted form")
    func redacts() throws {
        let config = try DatabaseConfig(url: "postgres://dms:s3cr%C3%A9t@h:5432/d?sslmode=require")
        #expect(config.password == "s3crét")
        #expect(!config.redacted.contains("s3cr"))
        #expect(config.redacted == "postgres://dms:***@h:5432/d?sslmode=require")
    }
}
