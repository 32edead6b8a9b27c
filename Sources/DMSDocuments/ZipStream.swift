/// Writes a zip archive as a stream, entry after entry, without holding any entry in memory:
/// each entry is stored (method 0: PDF and OOXML are already compressed), its CRC-32 and size
/// follow its bytes in a data descriptor (flag bit 3), names are UTF-8 (flag bit 11). The caller
/// sends the bytes this returns, in order. No ZIP64: past 4 GiB or 65,535 entries it throws.
public struct ZipStream: Sendable {
    public enum Failure: Error, Sendable, Hashable {
        case tooLarge
        case entryOpen
        case noEntry
    }

    private struct Entry {
        let name: [UInt8]
        let offset: UInt32
        var crc: UInt32 = 0
        var size: UInt32 = 0
    }

    private let time: UInt16
    private let date: UInt16
    private var entries: [Entry] = []
    private var open: Entry?
    private var crc = CRC32()
    private var offset: UInt64 = 0
    private var size: UInt64 = 0

    /// Every entry carries the same modification time (MS-DOS local time, 2 s precision).
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.time = UInt16(hour << 11 | minute << 5 | second / 2)
        self.date = UInt16(max(0, year - 1980) << 9 | month << 5 | day)
    }

    /// The local header of a new entry.
    public mutating func begin(_ name: String) throws(Failure) -> [UInt8] {
        guard self.open == nil else { throw .entryOpen }
        guard self.entries.count < 0xFFFF, self.offset < 0xFFFF_FFFF else { throw .tooLarge }
        let name = Array(name.utf8)
        var header: [UInt8] = []
        header.le32(0x0403_4b50)
        header.le16(20)               // version needed: 2.0
        header.le16(0x0808)           // data descriptor follows; UTF-8 names
        header.le16(0)                // stored
        header.le16(self.time)
        header.le16(self.date)
        header.le32(0); header.le32(0); header.le32(0)   // CRC and sizes: in the descriptor
        header.le16(UInt16(name.count))
        header.le16(0)
        header.append(contentsOf: name)
        self.open = Entry(name: name, offset: UInt32(self.offset))
        self.crc = CRC32()
        self.size = 0
        self.offset += UInt64(header.count)
        return header
    }

    /// Accounts for bytes of the open entry (the caller sends them as they are).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        guard self.open != nil else { throw .noEntry }
        self.crc.update(bytes)
        self.size += UInt64(bytes.count)
        self.offset += UInt64(bytes.count)
        guard self.offset < 0xFFFF_FFFF else { throw .tooLarge }
    }

    /// The data descriptor that closes the open entry.
    public mutating func end() throws(Failure) -> [UInt8] {
        guard var entry = self.open else { throw .noEntry }
        entry.crc = self.crc.value
        entry.size = UInt32(self.size)
        var descriptor: [UInt8] = []
        descriptor.le32(0x0807_4b50)
        descriptor.le32(entry.crc)
        descriptor.le32(entry.size)
        descriptor.le32(entry.size)
        self.entries.append(entry)
        self.open = nil
        self.offset += UInt64(descriptor.count)
        return descriptor
    }

    /// The central directory and its end record: the last bytes of the archive.
    public mutating func finish() throws(Failure) -> [UInt8] {
        guard self.open == nil else { throw .entryOpen }
        var directory: [UInt8] = []
        for entry in self.entries {
            directory.le32(0x0201_4b50)
            directory.le16(0x031E)        // made by: Unix, spec 3.0
            directory.le16(20)
            directory.le16(0x0808)
            directory.le16(0)
            directory.le16(self.time)
            directory.le16(self.date)
            directory.le32(entry.crc)
            directory.le32(entry.size)
            directory.le32(entry.size)
            directory.le16(UInt16(entry.name.count))
            directory.le16(0); directory.le16(0); directory.le16(0)   // extra, comment, disk
            directory.le16(0)                                          // internal attributes
            directory.le32(0o100644 << 16)                             // -rw-r--r--
            directory.le32(entry.offset)
            directory.append(contentsOf: entry.name)
        }
        guard self.offset + UInt64(directory.count) < 0xFFFF_FFFF else { throw .tooLarge }
        var end: [UInt8] = []
        end.le32(0x0605_4b50)
        end.le16(0); end.le16(0)
        end.le16(UInt16(self.entries.count))
        end.le16(UInt16(self.entries.count))
        end.le32(UInt32(directory.count))
        end.le32(UInt32(self.offset))
        end.le16(0)
        self.offset += UInt64(directory.count + end.count)
        return directory + end
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zip uses it), a byte at a time from a 256-entry table.
public struct CRC32: Sendable {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var state = self.state
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes { state = table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8) }
        }
        self.state = state
    }

    public var value: UInt32 { self.state ^ 0xFFFF_FFFF }
}

private extension [UInt8] {
    mutating func le16(_ value: UInt16) {
        self.append(UInt8(value & 0xFF)); self.append(UInt8(value >> 8))
    }

    mutating func le32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { self.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
