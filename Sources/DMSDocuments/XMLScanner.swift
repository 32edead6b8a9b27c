/// Just enough XML for OOXML text: start tags, end tags and text, with entities decoded. OOXML
/// parts are machine-written and well-formed; anything odd is skipped rather than trusted.
struct XMLScanner {
    enum Token: Equatable {
        case start(String, attributes: String, selfClosing: Bool)
        case end(String)
        case text(String)
    }

    static func tokens(_ xml: String) -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(xml)
        while !rest.isEmpty {
            guard let open = rest.firstIndex(of: "<") else {
                tokens.append(.text(decode(rest)))
                break
            }
            if open > rest.startIndex { tokens.append(.text(decode(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let inside = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if inside.hasPrefix("?") || inside.hasPrefix("!") { continue }
            if inside.hasPrefix("/") {
                tokens.append(.end(String(inside.dropFirst().prefix(while: { !$0.isWhitespace }))))
            } else {
                let name = String(inside.prefix(while: { !$0.isWhitespace && $0 != "/" }))
                tokens.append(.start(name, attributes: String(inside.dropFirst(name.count)), selfClosing: inside.hasSuffix("/")))
            }
        }
        return tokens
    }

    static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                result += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { result.unicodeScalars.append(scalar) } else { result += "&\(entity);" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return result + rest
    }
}
