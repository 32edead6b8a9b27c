import Foundation

/// Cheap repairs of what Tesseract commonly misreads in offers, applied only to OCR text and only
/// for reading (the source's snippet keeps what was read). Each repair keeps the text's length, so
/// offsets stay valid. Values read this way are `low` anyway.
enum OCRRepair {
    /// « TIC », « T1C », « TlC » for « TTC ».
    static let ttc = try! NSRegularExpression(pattern: #"\bT[Il1]C\b"#)
    /// A number with letters for digits: « 12 9OO 000 », « l0 ».
    static let digits = try! NSRegularExpression(pattern: #"\b(?=[0-9OoIl]*[0-9])[0-9OoIl]{2,}\b"#)

    static func repair(_ text: String) -> String {
        var result = Self.ttc.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "TTC")
        let matches = Self.digits.matches(in: result, range: NSRange(result.startIndex..., in: result))
        for match in matches.reversed() {
            guard let range = Range(match.range, in: result) else { continue }
            let fixed = String(result[range].map { character -> Character in
                switch character {
                case "O", "o": "0"
                case "I", "l": "1"
                default: character
                }
            })
            result.replaceSubrange(range, with: fixed)
        }
        return result
    }
}
