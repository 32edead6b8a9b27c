import Foundation

/// A file name as users see it: kept for display only, never used as a path or as a supplier name.
public enum FileName {
    public static let maxBytes = 255

    /// Unicode NFC, the last path component only, no control or separator characters, at most
    /// 255 UTF-8 bytes (cut on a character boundary, keeping the extension), never empty.
    public static func sanitize(_ raw: String?, fallbackExtension: String) -> String {
        let composed = (raw ?? "").precomposedStringWithCanonicalMapping
        let lastComponent = composed.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(String.UnicodeScalarView(lastComponent.unicodeScalars.filter { !$0.isControl && $0 != ":" }))
            .trimmingWhitespace()
        while name.hasPrefix(".") { name.removeFirst() }
        if name.isEmpty { name = "document.\(fallbackExtension)" }
        guard name.utf8.count > maxBytes else { return name }
        let dot = name.lastIndex(of: ".")
        let ext = dot.map { String(name[$0...]) }.flatMap { $0.utf8.count <= 16 ? $0 : nil } ?? ""
        var stem = (dot != nil && !ext.isEmpty ? String(name[..<dot!]) : name).unicodeScalars
        // Cut scalar by scalar: one grapheme cluster can itself exceed the limit (a letter with
        // hundreds of combining marks), and cutting whole Characters would leave nothing.
        while stem.count > 0, String(stem).utf8.count + ext.utf8.count > maxBytes { stem.removeLast() }
        let kept = String(stem).trimmingWhitespace()
        return (kept.isEmpty ? "document" : kept) + ext
    }
}
