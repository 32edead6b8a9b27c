/// Case- and accent-insensitive matching that keeps positions: each Character folds to exactly
/// one Character (`É` → `e`, `’` → `'`, NBSP → space), so an index found in the folded text is
/// the same offset in the original.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        String(text.map(Self.fold))
    }

    static func fold(_ character: Character) -> Character {
        switch character {
        case "\u{2019}", "\u{2018}", "`", "\u{00B4}": return "'"
        case "\u{00A0}", "\u{202F}", "\u{2009}", "\t": return " "
        case "\u{2013}", "\u{2014}": return "-"
        case "\u{00AB}", "\u{00BB}": return "\""
        default: break
        }
        let lowered = String(character).lowercased()
        let stripped = String(String.UnicodeScalarView(
            lowered.decomposedStringWithCanonicalMapping.unicodeScalars.filter { !(0x0300...0x036F).contains($0.value) }))
        if stripped.count == 1 { return Character(stripped) }
        if lowered.count == 1 { return Character(lowered) }
        return character
    }

    /// The part of `original` after the first `:` (or `-`/`=`) that follows `offset` characters.
    public static func valueAfterSeparator(in original: String, from offset: Int) -> String? {
        let characters = Array(original)
        var index = offset
        while index < characters.count, !":=".contains(characters[index]) { index += 1 }
        guard index < characters.count else { return nil }
        let value = String(characters[(index + 1)...]).trimmingWhitespace()
        return value.isEmpty ? nil : value
    }
}

import Foundation
