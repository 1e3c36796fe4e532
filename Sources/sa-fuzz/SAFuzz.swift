import SimArenaCLI
import SimArenaModel

#if canImport(Glibc)
import Glibc
#endif

/// `sa-fuzz TARGET ARGS…`: feeds the readers of outside data arbitrary bytes (docs/fuzzing.md).
///
/// Built normally, it replays inputs: each FILE, or every file in each FOLDER, once through the
/// target (the committed corpora, in `bin/test.sh`). Built by `bin/fuzz.sh` with coverage
/// instrumentation and libFuzzer linked in, it hands ARGS to libFuzzer's driver
/// (`LLVMFuzzerRunDriver`, found at run time), which mutates the corpus, keeps what reaches new
/// code, and stops at the first crash. Not ArgumentParser: libFuzzer's flags (`-runs=N`) are its own.
@main
enum SAFuzz {
    /// The target libFuzzer's callback runs (set before the driver starts; one per process).
    nonisolated(unsafe) static var target: FuzzTarget?

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, !name.hasPrefix("-") else {
            usage()
            exit(arguments.contains { $0 == "-h" || $0 == "--help" } ? 0 : 64)
        }
        guard let chosen = FuzzTarget.all.first(where: { $0.name == name }) else {
            printError("sa-fuzz: unknown target \"\(name)\" (targets: \(FuzzTarget.all.map(\.name).joined(separator: ", ")))")
            exit(64)
        }
        arguments.removeFirst()
        target = chosen
        if let driver = dlsym(nil, "LLVMFuzzerRunDriver") {  // nil: RTLD_DEFAULT, the program and its libraries
            exit(runDriver(driver, arguments: [CommandLine.arguments[0]] + arguments))
        }
        exit(replay(chosen, paths: arguments))
    }

    /// Runs every input file once; returns the exit status.
    static func replay(_ target: FuzzTarget, paths: [String]) -> Int32 {
        var count = 0
        for path in paths {
            let files = FileIO.isDirectory(path) ? ((try? FileIO.list(path)) ?? []).sorted().map { path + "/" + $0 } : [path]
            for file in files where !FileIO.isDirectory(file) {
                guard let bytes = try? FileIO.read(file) else {
                    printError("sa-fuzz: \(file): cannot read it")
                    return 66
                }
                _ = try? target.run(bytes)
                count += 1
            }
        }
        print("sa-fuzz \(target.name): \(count) inputs replayed, none crashed")
        return 0
    }

    /// Hands `arguments` to libFuzzer's driver at `address`.
    static func runDriver(_ address: UnsafeMutableRawPointer, arguments: [String]) -> Int32 {
        typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
        typealias Driver = @convention(c) (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                                           Callback) -> Int32
        let driver = unsafeBitCast(address, to: Driver.self)
        var argc = Int32(arguments.count)
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        return pointers.withUnsafeMutableBufferPointer { buffer in
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
            return driver(&argc, &argv) { data, size in
                let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
                _ = try? SAFuzz.target?.run(bytes)
                return 0
            }
        }
    }

    static func usage() {
        print("""
            USAGE: sa-fuzz TARGET [FILE|FOLDER ...]        replay inputs once through TARGET
                   sa-fuzz TARGET [libFuzzer flags] CORPUS  fuzz, in a build made by bin/fuzz.sh

            Feeds a reader of outside data arbitrary bytes; a refusal is fine, a trap, hang or runaway
            allocation is a bug. bin/fuzz.sh runs every target for a given time (docs/fuzzing.md).

            TARGETS:
            """)
        for target in FuzzTarget.all { print("  " + target.name.padding(toLength: 14, withPad: " ", startingAt: 0) + target.summary) }
    }
}
