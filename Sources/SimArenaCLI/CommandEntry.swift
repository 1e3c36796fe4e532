import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// Writes one line to standard error.
public func printError(_ line: String) {
    var text = line
    text.append("\n")
    text.withUTF8 { utf8 in _ = write(2, utf8.baseAddress, utf8.count) }
}

extension ParsableCommand {
    /// Parses the process arguments and runs the command with the project's error conventions:
    /// help and version go to standard output with status 0; a usage error is one line on standard
    /// error naming the flag, status 64; a ``SimArenaError`` is one line naming the file or flag,
    /// with its own status (65 bad data, 66 unreadable input, ...).
    public static func runAsTool() -> Never {
        let tool = configuration.commandName ?? "\(Self.self)"
        do {
            var command = try parseAsRoot()
            try command.run()
            Glibc.exit(0)
        } catch let error as SimArenaError {
            printError("\(tool): \(error.message)")
            Glibc.exit(error.exitCode)
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch let interrupted as ProcessInterrupted {
            let name = ProcessTermination.signalName(interrupted.signal).map { " (\($0))" } ?? ""
            printError("\(tool): interrupted by signal \(interrupted.signal)\(name); stopped \(interrupted.program) and its processes")
            Glibc.exit(128 + interrupted.signal)
        } catch {
            let status = exitCode(for: error)
            if status == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            printError("\(tool): \(message) (see '\(tool) --help')")
            Glibc.exit(status.rawValue)
        }
    }
}

/// Helpers for commands' `run()` methods.
public enum CommandSupport {
    /// Writes UTF-8 text (such as encoded JSON) to standard output, unchanged.
    public static func writeStandardOutput(_ bytes: [UInt8]) {
        print(String(decoding: bytes, as: UTF8.self), terminator: "")
    }
}
