import DMSCore
/// Splits a migration file into single statements. PostgreSQL's extended protocol (the only one
/// PostgresNIO speaks) runs one statement per message, so plain `.sql` files are cut at top-level
/// semicolons, respecting quotes, dollar-quoted bodies and comments.
public enum SQLScript {
    public static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var scalars = Array(script.unicodeScalars)[...]

        func flush() {
            let trimmed = current.trimmingWhitespace()
            if !trimmed.isEmpty, !isOnlyComments(trimmed) { statements.append(trimmed) }
            current = ""
        }

        while let scalar = scalars.first {
            if scalar == "'" || scalar == "\"" {
                current += take(quotedBy: scalar, from: &scalars)
            } else if scalar == "-", scalars.dropFirst().first == "-" {
                current += take(until: "\n", from: &scalars, inclusive: true)
            } else if scalar == "/", scalars.dropFirst().first == "*" {
                current += take(until: "*/", from: &scalars, inclusive: true)
            } else if scalar == "$", let tag = dollarTag(at: scalars) {
                current += tag
                scalars = scalars.dropFirst(tag.unicodeScalars.count)
                current += take(until: tag, from: &scalars, inclusive: true)
            } else if scalar == ";" {
                scalars = scalars.dropFirst()
                flush()
            } else {
                current.unicodeScalars.append(scalar)
                scalars = scalars.dropFirst()
            }
        }
        flush()
        return statements
    }

    /// `$$` or `$tag$` starting at the front, if any.
    private static func dollarTag(at scalars: ArraySlice<Unicode.Scalar>) -> String? {
        var tag = "$"
        for scalar in scalars.dropFirst() {
            if scalar == "$" { return tag + "$" }
            guard scalar.properties.isAlphabetic || scalar == "_" || ("0"..."9").contains(scalar) else { return nil }
            tag.unicodeScalars.append(scalar)
        }
        return nil
    }

    private static func take(quotedBy quote: Unicode.Scalar, from scalars: inout ArraySlice<Unicode.Scalar>) -> String {
        var text = String(quote)
        scalars = scalars.dropFirst()
        while let scalar = scalars.first {
            text.unicodeScalars.append(scalar)
            scalars = scalars.dropFirst()
            if scalar == quote {
                // A doubled quote is an escaped quote, not the end.
                guard scalars.first == quote else { break }
                text.unicodeScalars.append(quote)
                scalars = scalars.dropFirst()
            }
        }
        return text
    }

    private static func take(until terminator: String, from scalars: inout ArraySlice<Unicode.Scalar>, inclusive: Bool) -> String {
        let end = Array(terminator.unicodeScalars)
        var text = ""
        while !scalars.isEmpty {
            if scalars.starts(with: end) {
                if inclusive {
                    text += terminator
                    scalars = scalars.dropFirst(end.count)
                }
                return text
            }
            text.unicodeScalars.append(scalars.first!)
            scalars = scalars.dropFirst()
        }
        return text
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { line in
            let trimmed = String(line).trimmingWhitespace()
            return trimmed.isEmpty || trimmed.hasPrefix("--")
        }
    }
}
