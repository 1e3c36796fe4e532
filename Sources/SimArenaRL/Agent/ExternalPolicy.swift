import SimArenaModel
import SimArenaSimulation

/// The `--policy-cmd CMD` agent: an outside program that chooses each action.
///
/// For every step the program is started afresh with the observation on its standard input, as
/// one line of compact JSON (``Observation/value``, the `observation.json` document, then a
/// newline), and must print one action on standard output: an index (`2`) or a name
/// (`bump_mem_small`), surrounded by whitespace at most. It must exit with status 0 within the
/// timeout (default 5 s). Its standard error is kept in the ``Decision`` for logs, and its first
/// line is quoted when the program fails.
///
/// `CMD` is split into words by ``splitCommandLine(_:)``, a small subset of shell quoting with no
/// shell behind it (see there); the program is found on `PATH` and run by ``ProcessRunner``.
///
/// Errors are ``SimArenaError``s whose message is one line starting with
/// `policy command "CMD": ` (CMD as given):
///
/// | failure | kind | rest of the message |
/// | --- | --- | --- |
/// | bad quoting in CMD | `.usage` | `unterminated single quote`, `unterminated double quote`, `trailing backslash`, `no program named` |
/// | program not found | `.noInput` | `cannot run NAME: no such program on PATH` (or `permission denied`, `not an executable (no #! line?)`) |
/// | timeout | `.temporary` | `timed out after 5 s` |
/// | non-zero exit | `.temporary` | `exited with status 3: FIRST STDERR LINE` or `exited with status 3 (no error output)` |
/// | killed | `.temporary` | `killed by signal 9 (SIGKILL): FIRST STDERR LINE` |
/// | no output | `.data` | `printed nothing; expected one action: an index 0-3 or a name (noop, ...)` |
/// | garbage | `.data` | `printed "TEXT"; expected one action: ...` (at most 60 characters of TEXT, then `...`) |
/// | action not allowed | `.data` | `action 6 (scale_down_replicas) is outside the allowed actions 0-3 (--Naction 4)` |
public struct ExternalPolicy: Sendable {
    public static let defaultTimeout: Double = 5
    /// Bytes of each output stream kept from the program.
    public static let outputLimit = 64 << 10
    /// Characters of unusable output quoted in an error.
    public static let quotedOutputLimit = 60

    /// The command line as given.
    public let commandLine: String
    /// The words it splits into; the program is the first.
    public let arguments: [String]
    /// Seconds the program may take per step.
    public var timeout: Double
    /// Added to the inherited environment (e.g. `SA_EPISODE`, `SA_STEP`).
    public var environment: [String: String]
    public var workingDirectory: String?

    /// What the program chose, and how it ran.
    public struct Decision: Sendable, Hashable {
        public var action: AgentAction
        public var result: ProcessResult
    }

    /// A policy running `commandLine`; throws (`.usage`) when it cannot be split into words.
    public init(
        commandLine: String, timeout: Double = defaultTimeout, environment: [String: String] = [:],
        workingDirectory: String? = nil
    ) throws {
        self.commandLine = commandLine
        do {
            arguments = try Self.splitCommandLine(commandLine)
        } catch let error as SimArenaError {
            throw error.prefixed(Self.prefix(commandLine))
        }
        guard timeout > 0, !timeout.isNaN else {
            throw SimArenaError(.usage, "\(Self.prefix(commandLine)): timeout must be positive, not \(timeout)")
        }
        self.timeout = timeout
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The action the program chooses for `observation`, among the first `allowed` actions
    /// (the action-space size, `--Naction`).
    public func choose(_ observation: Observation, allowed: Int) throws -> AgentAction {
        try decide(observation, allowed: allowed).action
    }

    /// ``choose(_:allowed:)`` with the program's result, for logs.
    public func decide(_ observation: Observation, allowed: Int) throws -> Decision {
        try decide(document: observation.value, allowed: allowed)
    }

    /// Runs the program with `document` (compact JSON, one line) on its standard input.
    public func decide(document: KValue, allowed: Int) throws -> Decision {
        let prefix = Self.prefix(commandLine)
        guard allowed >= 1 else {
            throw SimArenaError(.usage, "\(prefix): the action space must hold at least 1 action, not \(allowed)")
        }
        let input: [UInt8]
        do {
            input = try JSONWriter.encode(document, pretty: false) + [UInt8(ascii: "\n")]
        } catch let error as SimArenaError {
            throw error.prefixed(prefix + ": observation")
        }
        let runner = ProcessRunner(
            arguments, input: input, environment: environment, workingDirectory: workingDirectory,
            timeout: timeout, outputLimit: Self.outputLimit)
        let result: ProcessResult
        do {
            result = try runner.run()
        } catch let error as SimArenaError {
            throw error.prefixed(prefix)
        }
        if result.timedOut {
            throw SimArenaError(.temporary, "\(prefix): timed out after \(ProcessRunner.formatSeconds(timeout))")
        }
        switch result.termination {
        case .exited(0):
            break
        case .exited(let status):
            throw SimArenaError(.temporary, "\(prefix): exited with status \(status)" + Self.stderrSuffix(result))
        case .signaled:
            throw SimArenaError(.temporary, "\(prefix): killed by \(result.termination)" + Self.stderrSuffix(result))
        }
        do {
            let action = try Self.parseAction(result.stdoutText, allowed: allowed)
            return Decision(action: action, result: result)
        } catch let error as SimArenaError {
            throw error.prefixed(prefix)
        }
    }

    /// The action in a policy's output: exactly one token once trimmed, an index or a name,
    /// among the first `allowed` actions. Errors (`.data`) carry no command prefix.
    public static func parseAction(_ output: String, allowed: Int) throws -> AgentAction {
        let count = min(max(allowed, 1), AgentAction.allCases.count)
        let token = ProcessRunner.trimmed(output)
        let expected = "expected one action: an index 0-\(count - 1) or a name ("
            + AgentAction.allCases.prefix(count).map(\.name).joined(separator: ", ") + ")"
        guard !token.isEmpty else { throw SimArenaError(.data, "printed nothing; \(expected)") }
        let isOneToken = !token.unicodeScalars.contains { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        if isOneToken, let index = Int(token) {
            guard index >= 0, index < count, let action = AgentAction(rawValue: index) else {
                throw SimArenaError(.data, "action \(index) is outside the allowed actions \(range(count, allowed))")
            }
            return action
        }
        if isOneToken, let action = AgentAction(nameOrIndex: token) {
            guard action.rawValue < count else {
                throw SimArenaError(
                    .data, "action \(action.rawValue) (\(action.name)) is outside the allowed actions \(range(count, allowed))")
            }
            return action
        }
        throw SimArenaError(.data, "printed \(quoteOutput(token)); \(expected)")
    }

    /// `0-3 (--Naction 4)`.
    private static func range(_ count: Int, _ allowed: Int) -> String {
        "0-\(count - 1) (--Naction \(allowed))"
    }

    /// At most ``quotedOutputLimit`` characters of `text` in double quotes, control characters
    /// escaped, `...` after the quote when cut.
    static func quoteOutput(_ text: String) -> String {
        let cut = text.count > quotedOutputLimit
        return "\"" + ProcessRunner.oneLine(String(text.prefix(quotedOutputLimit))) + "\"" + (cut ? "..." : "")
    }

    /// `: FIRST STDERR LINE` (at most 200 characters) or ` (no error output)`.
    static func stderrSuffix(_ result: ProcessResult) -> String {
        guard let line = result.firstStderrLine else { return " (no error output)" }
        return ": " + (line.count > 200 ? String(line.prefix(200)) + "..." : line)
    }

    /// `policy command "CMD"`, CMD on one line.
    static func prefix(_ commandLine: String) -> String {
        "policy command \"\(ProcessRunner.oneLine(commandLine))\""
    }

    // MARK: Splitting

    /// Splits a command line into words, the way a POSIX shell would for a simple command with
    /// quoting only; there is no shell, and nothing is expanded.
    ///
    /// - Unquoted spaces, tabs and newlines separate words; several in a row count as one.
    /// - `'...'` keeps everything inside literally (no escapes; a `'` cannot appear inside).
    /// - `"..."` keeps everything inside literally, except that `\"` and `\\` stand for `"` and
    ///   `\` (any other backslash stays as it is).
    /// - Outside quotes, `\` makes the next character literal (`\ ` is a space inside a word).
    /// - Quoted and unquoted pieces that touch form one word (`a'b c'd` is `ab cd`); `''` or `""`
    ///   alone is an empty word.
    /// - Not supported, so taken literally: variables (`$HOME`), `~`, globs (`*.py`), pipes,
    ///   redirections, `;`, `&&`, backquotes and `$(...)`. Write `sh -c '...'` to get a shell.
    ///
    /// Errors (`.usage`): `unterminated single quote`, `unterminated double quote`,
    /// `trailing backslash`, `no program named` (nothing but whitespace).
    public static func splitCommandLine(_ commandLine: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var scalars = commandLine.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "\\":
                guard let next = scalars.next() else { throw SimArenaError(.usage, "trailing backslash") }
                word.unicodeScalars.append(next)
                inWord = true
            case "'":
                inWord = true
                var closed = false
                while let inner = scalars.next() {
                    if inner == "'" {
                        closed = true
                        break
                    }
                    word.unicodeScalars.append(inner)
                }
                guard closed else { throw SimArenaError(.usage, "unterminated single quote") }
            case "\"":
                inWord = true
                var closed = false
                while let inner = scalars.next() {
                    if inner == "\"" {
                        closed = true
                        break
                    }
                    if inner == "\\" {
                        guard let escaped = scalars.next() else { break }
                        // `\"` and `\\` stand for the second character; any other pair stays.
                        if escaped != "\"" && escaped != "\\" { word.unicodeScalars.append(inner) }
                        word.unicodeScalars.append(escaped)
                        continue
                    }
                    word.unicodeScalars.append(inner)
                }
                guard closed else { throw SimArenaError(.usage, "unterminated double quote") }
            default:
                word.unicodeScalars.append(scalar)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        guard !words.isEmpty, !words[0].isEmpty else { throw SimArenaError(.usage, "no program named") }
        return words
    }
}
