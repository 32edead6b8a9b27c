/// Rules for the free-text fields users type. Lengths count Unicode scalars, as PostgreSQL's
/// `char_length` does, so the CHECK constraints in the schema and these rules agree exactly.
public struct TextField: Sendable {
    public let maxLength: Int
    /// Multi-line fields (a decision's reason) accept line breaks and tabs; one-line fields do not.
    public let multiline: Bool

    public static let title = TextField(maxLength: 300, multiline: false)
    public static let lot = TextField(maxLength: 100, multiline: false)
    public static let supplierName = TextField(maxLength: 300, multiline: false)
    public static let reason = TextField(maxLength: 5000, multiline: true)
    public static let nextAction = TextField(maxLength: 1000, multiline: true)
    public static let actor = TextField(maxLength: 200, multiline: false)

    public init(maxLength: Int, multiline: Bool) {
        self.maxLength = maxLength
        self.multiline = multiline
    }

    /// A required value: trimmed, non-empty, within bounds, without control characters.
    public func validate(_ raw: String?, field: String) throws(ValidationError) -> String {
        guard let raw else { throw ValidationError(field: field, message: "champ obligatoire") }
        let value = raw.trimmingWhitespace()
        guard !value.isEmpty else { throw ValidationError(field: field, message: "ne doit pas être vide") }
        // Zero-width and other format characters print nothing: a value made only of them is empty.
        guard value.unicodeScalars.contains(where: { !$0.isInvisible }) else {
            throw ValidationError(field: field, message: "ne contient aucun caractère visible")
        }
        let length = value.unicodeScalars.count
        guard length <= self.maxLength else {
            throw ValidationError(field: field, message: "trop long : \(length) caractères, au plus \(self.maxLength)")
        }
        if let bad = value.unicodeScalars.first(where: { !self.allows($0) }) {
            let code = String(bad.value, radix: 16, uppercase: true)
            throw ValidationError(field: field, message: "caractère de contrôle interdit (U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code))")
        }
        return value
    }

    /// An optional value: absent or blank means "none".
    public func validateOptional(_ raw: String?, field: String) throws(ValidationError) -> String? {
        guard let raw, !raw.trimmingWhitespace().isEmpty else { return nil }
        return try self.validate(raw, field: field)
    }

    private func allows(_ scalar: Unicode.Scalar) -> Bool {
        if self.multiline, scalar == "\n" || scalar == "\r" || scalar == "\t" { return true }
        return !scalar.isControl
    }
}

extension Unicode.Scalar {
    /// C0 and C1 control characters, DEL included (Unicode general category Cc).
    var isControl: Bool { self.value < 0x20 || (0x7F...0x9F).contains(self.value) }

    /// Prints nothing: white space, format characters (Cf: zero-width space and joiners, BOM,
    /// bidi marks), variation selectors, and the Hangul/Braille fillers that render blank.
    var isInvisible: Bool {
        if self.properties.isWhitespace || self.properties.generalCategory == .format { return true }
        if self.properties.isVariationSelector { return true }
        return [0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0, 0x034F].contains(self.value)
    }
}

extension String {
    /// Trims Unicode white space and line breaks at both ends.
    public func trimmingWhitespace() -> String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
