#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A streaming `multipart/form-data` parser. Delimiters are found with `memmem`, so a 10 MB file
/// is split at memory speed even in a debug build; body bytes are handed on as they arrive and
/// only a delimiter's length of them is ever held back.
struct MultipartStreamParser {
    enum ParseError: Error, Equatable {
        case syntax(String)
    }

    /// What the parser reports, in order, for every part.
    enum Event {
        case headers([String: String])
        case body(ByteBuffer)
        case partEnd
    }

    private enum State {
        case preamble
        case afterDelimiter
        case headers
        case body
        case epilogue
    }

    private let firstDelimiter: [UInt8]
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var pending = ByteBuffer()
    static let maxHeaderBytes = 16 * 1024

    init(boundary: String) {
        self.firstDelimiter = Array("--\(boundary)".utf8)
        self.delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// True once the closing delimiter has been read.
    var isComplete: Bool {
        if case .epilogue = self.state { return true }
        return false
    }

    mutating func feed(_ chunk: ByteBuffer, _ emit: (Event) throws -> Void) throws {
        var chunk = chunk
        self.pending.writeBuffer(&chunk)
        while self.pending.readableBytes > 0 {
            switch self.state {
            case .preamble:
                guard let index = self.find(self.firstDelimiter) else {
                    self.pending.moveReaderIndex(forwardBy: max(0, self.pending.readableBytes - self.firstDelimiter.count))
                    self.compact()
                    return
                }
                self.pending.moveReaderIndex(forwardBy: index + self.firstDelimiter.count)
                self.state = .afterDelimiter
            case .afterDelimiter:
                guard self.pending.readableBytes >= 2, let marker = self.pending.readBytes(length: 2) else { return }
                if marker == [0x2D, 0x2D] {  // "--": the closing delimiter
                    self.state = .epilogue
                } else if marker == [0x0D, 0x0A] {
                    self.state = .headers
                } else {
                    throw ParseError.syntax("délimiteur multipart mal formé")
                }
            case .headers:
                guard let index = self.find([0x0D, 0x0A, 0x0D, 0x0A]) else {
                    if self.pending.readableBytes > Self.maxHeaderBytes { throw ParseError.syntax("en-têtes de partie trop longs") }
                    return
                }
                let block = self.pending.readString(length: index) ?? ""
                self.pending.moveReaderIndex(forwardBy: 4)
                try emit(.headers(Self.parseHeaders(block)))
                self.state = .body
            case .body:
                if let index = self.find(self.delimiter) {
                    if index > 0, let slice = self.pending.readSlice(length: index) { try emit(.body(slice)) }
                    self.pending.moveReaderIndex(forwardBy: self.delimiter.count)
                    try emit(.partEnd)
                    self.state = .afterDelimiter
                } else {
                    // Keep back what could be the start of a delimiter split across chunks.
                    let safe = self.pending.readableBytes - (self.delimiter.count - 1)
                    if safe > 0, let slice = self.pending.readSlice(length: safe) { try emit(.body(slice)) }
                    self.compact()
                    return
                }
            case .epilogue:
                self.pending.clear()
                return
            }
        }
        self.compact()
    }

    /// Offset of `needle` in the unread bytes, if present.
    private func find(_ needle: [UInt8]) -> Int? {
        self.pending.withUnsafeReadableBytes { haystack -> Int? in
            guard haystack.count >= needle.count, let base = haystack.baseAddress else { return nil }
            return needle.withUnsafeBytes { pattern -> Int? in
                // memchr for the first byte, memcmp for the rest: C speed, few Swift iterations.
                let last = haystack.count - pattern.count
                var offset = 0
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(needle[0]), last - offset + 1) else { return nil }
                    let index = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(hit, pattern.baseAddress!, pattern.count) == 0 { return index }
                    offset = index + 1
                }
                return nil
            }
        }
    }

    /// Drops consumed bytes so `pending` never grows beyond one chunk plus a delimiter.
    private mutating func compact() {
        if self.pending.readerIndex > 0 { self.pending.discardReadBytes() }
    }

    static func parseHeaders(_ block: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in block.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }
}

import Foundation
