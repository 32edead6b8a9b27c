import Foundation

/// The repository's root (tests find `scripts/…` and fixtures from it).
public let repositoryRoot: URL = {
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }  // Tests/DMSTestSupport/PythonScript.swift → repository
    return root
}()

/// Runs a program to its end: its exit status and what it printed on standard output (and on
/// standard error too, unless `standardError` is false), with `input` on its standard input.
public func runProcess(_ executable: String, _ arguments: [String], input: String? = nil, in directory: URL? = nil,
                       standardError: Bool = true) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let stdout = Pipe()
    process.standardOutput = stdout
    if standardError { process.standardError = stdout }
    let stdin = input.map { _ in Pipe() }
    if let stdin { process.standardInput = stdin }
    try process.run()
    if let stdin, let input {
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
    }
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// Runs one of the repository's Python scripts (`scripts/…`) with `input` on its standard input:
/// its exit status and what it printed on standard output.
public func runPythonScript(_ path: String, input: String) throws -> (status: Int32, output: String) {
    try runProcess("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent(path).path], input: input, standardError: false)
}
