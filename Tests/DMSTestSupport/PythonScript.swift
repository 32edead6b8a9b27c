import Foundation

/// Runs one of the repository's Python scripts (`scripts/…`) with `input` on its standard input:
/// its exit status and what it printed on standard output.
public func runPythonScript(_ path: String, input: String) throws -> (status: Int32, output: String) {
    var script = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { script.deleteLastPathComponent() }  // Tests/DMSTestSupport/PythonScript.swift → repository
    script.appendPathComponent(path)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path]
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
