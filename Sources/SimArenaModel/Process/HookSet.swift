/// Lifecycle hooks around the simulation of each step, as the original's `ops/hooks.py` ran
/// them (`run_hooks("pre_start", namespace)` and so on): commands run at four stages,
///
/// - `pre_start`: before the step starts (create a namespace, check a cluster),
/// - `pre_run`: just before the simulation runs,
/// - `post_run`: just after it ran,
/// - `post_stop`: after the step is over (clean up).
///
/// A hooks file is a JSON object whose members are stages, each an array of hooks:
///
/// ```json
/// {
///   "pre_start": [{"command": ["kubectl", "create", "ns", "x"], "ignore_failure": false, "timeout_seconds": 30}],
///   "post_stop": [{"command": ["kubectl", "delete", "ns", "x"], "ignore_failure": true}]
/// }
/// ```
///
/// `command` (required) is an argv array run without a shell (``ProcessRunner``): nothing in it is
/// expanded or interpolated. What a hook needs to know comes as environment variables, which the
/// caller supplies (`SA_STEP_DIR`, `SA_EPISODE`, `SA_STEP`, stage results, ...) and which include
/// `SA_STAGE`, set by ``run(stage:environment:workingDirectory:onOutcome:)`` to the stage's name.
/// `ignore_failure` (default false) lets the stage go on when the hook fails; `timeout_seconds`
/// (default 60, positive) bounds the hook (SIGTERM, then SIGKILL 2 s later). Stages, and fields,
/// not named here are errors, as is a missing stage being anything but absent.
///
/// Parse errors are ``SimArenaError``s of kind `.data`: `PATH: unknown stage "pre_stop" (stages:
/// pre_start, pre_run, post_run, post_stop)`, `PATH: pre_start[0]: unknown field "cmd" (fields:
/// command, ignore_failure, timeout_seconds)`, `PATH: pre_start[0]: missing "command"`,
/// `PATH: pre_start[0].command: expected an array of strings (an argv, not a shell string), found
/// a string`, `PATH: pre_start[0].command[1]: expected a string, found an integer`,
/// `PATH: pre_start[0].command: must name a program`, `PATH: pre_start[0].ignore_failure:
/// expected a boolean, found ...`, `PATH: pre_start[0].timeout_seconds: expected a positive
/// number of seconds, found ...`, `PATH: pre_start: expected an array of hooks, found ...`,
/// `PATH: expected an object of stages, found ...`; JSON syntax errors are
/// `PATH: line L, column C: ...`.
public struct HookSet: Sendable, Hashable {
    /// When hooks run, by the names the hooks file uses.
    public enum Stage: String, Sendable, Hashable, CaseIterable {
        case preStart = "pre_start"
        case preRun = "pre_run"
        case postRun = "post_run"
        case postStop = "post_stop"
    }

    /// One command to run at a stage.
    public struct Hook: Sendable, Hashable {
        public static let defaultTimeout: Double = 60

        /// The argv: program first.
        public var command: [String]
        public var ignoreFailure: Bool
        public var timeoutSeconds: Double

        public init(command: [String], ignoreFailure: Bool = false, timeoutSeconds: Double = defaultTimeout) {
            self.command = command
            self.ignoreFailure = ignoreFailure
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// What one hook did.
    public struct Outcome: Sendable, Hashable {
        public var stage: Stage
        /// The hook's position in its stage, from 0.
        public var index: Int
        public var hook: Hook
        /// How it ran. A program that could not be started counts as exit status 127 (as in a
        /// shell) with the reason as its standard error and in ``launchError``.
        public var result: ProcessResult
        public var launchError: String?

        /// Whether the hook failed (non-zero exit, signal, timeout, or could not start).
        public var failed: Bool { !result.succeeded }
        /// Whether it failed and `ignore_failure` let the stage go on.
        public var ignored: Bool { failed && hook.ignoreFailure }

        /// `exit status 0`, `timed out after 30 s (killed by signal 15 (SIGTERM))`, or why it
        /// could not start.
        public var statusDescription: String { launchError ?? result.statusDescription }

        /// The outcome as a document, for run logs: `stage`, `index`, `command`, `status`,
        /// `exit_status` and `signal` (null when not applicable), `timed_out`, `failed`,
        /// `ignored`, `stdout`, `stderr` (text, possibly cut at the capture limit).
        public var value: KValue {
            var map = KMap()
            map["stage"] = .string(stage.rawValue)
            map["index"] = .int(Int64(index))
            map["command"] = .array(hook.command.map(KValue.string))
            map["status"] = .string(statusDescription)
            map["exit_status"] = result.exitStatus.map { .int(Int64($0)) } ?? .null
            map["signal"] = result.signal.map { .int(Int64($0)) } ?? .null
            map["timed_out"] = .bool(result.timedOut)
            map["failed"] = .bool(failed)
            map["ignored"] = .bool(ignored)
            map["stdout"] = .string(result.stdoutText)
            map["stderr"] = .string(result.stderrText)
            return .map(map)
        }
    }

    /// The hooks of each stage, in the order they run. Stages without hooks may be absent.
    public var hooks: [Stage: [Hook]]

    public init(_ hooks: [Stage: [Hook]] = [:]) {
        self.hooks = hooks
    }

    /// The hooks of `stage`, in order.
    public func hooks(for stage: Stage) -> [Hook] {
        hooks[stage] ?? []
    }

    public var isEmpty: Bool { hooks.values.allSatisfy(\.isEmpty) }

    /// Reads a hooks file (JSON). Errors name `path`.
    public static func load(_ path: String) throws -> HookSet {
        let bytes = try FileIO.read(path)
        let document: KValue
        do {
            document = try JSONReader.parse(bytes)
        } catch let error as SimArenaError {
            throw error.prefixed(path)
        }
        return try HookSet(document: document, path: path)
    }

    /// The hooks in a parsed hooks file; `path` names the file in errors.
    public init(document: KValue, path: String) throws {
        func fail(_ message: String) -> SimArenaError { SimArenaError(.data, "\(path): \(message)") }
        guard case .map(let stages) = document else {
            throw fail("expected an object of stages, found \(document.typeDescription)")
        }
        let stageNames = Stage.allCases.map(\.rawValue).joined(separator: ", ")
        let fieldNames = "command, ignore_failure, timeout_seconds"
        var hooks: [Stage: [Hook]] = [:]
        for entry in stages.entries {
            guard let name = entry.key.stringValue, let stage = Stage(rawValue: name) else {
                let shown = entry.key.stringValue.map { "\"\(ProcessRunner.oneLine($0))\"" } ?? entry.key.typeDescription
                throw fail("unknown stage \(shown) (stages: \(stageNames))")
            }
            guard case .array(let items) = entry.value else {
                throw fail("\(name): expected an array of hooks, found \(entry.value.typeDescription)")
            }
            var stageHooks: [Hook] = []
            for (index, item) in items.enumerated() {
                let at = "\(name)[\(index)]"
                guard case .map(let fields) = item else {
                    throw fail("\(at): expected an object, found \(item.typeDescription)")
                }
                for field in fields.entries {
                    guard let key = field.key.stringValue, ["command", "ignore_failure", "timeout_seconds"].contains(key)
                    else {
                        let shown = field.key.stringValue.map { "\"\(ProcessRunner.oneLine($0))\"" } ?? field.key.typeDescription
                        throw fail("\(at): unknown field \(shown) (fields: \(fieldNames))")
                    }
                }
                guard let commandValue = fields["command"] else { throw fail("\(at): missing \"command\"") }
                guard case .array(let words) = commandValue else {
                    throw fail(
                        "\(at).command: expected an array of strings (an argv, not a shell string), found \(commandValue.typeDescription)")
                }
                var command: [String] = []
                for (position, word) in words.enumerated() {
                    guard case .string(let text) = word else {
                        throw fail("\(at).command[\(position)]: expected a string, found \(word.typeDescription)")
                    }
                    guard !text.utf8.contains(0) else { throw fail("\(at).command[\(position)]: contains a NUL character") }
                    command.append(text)
                }
                guard let program = command.first, !program.isEmpty else { throw fail("\(at).command: must name a program") }
                var hook = Hook(command: command)
                if let flag = fields["ignore_failure"] {
                    guard case .bool(let ignore) = flag else {
                        throw fail("\(at).ignore_failure: expected a boolean, found \(flag.typeDescription)")
                    }
                    hook.ignoreFailure = ignore
                }
                if let timeout = fields["timeout_seconds"] {
                    guard let seconds = timeout.doubleValue, seconds > 0, seconds.isFinite else {
                        let found: String
                        switch timeout {
                        case .int(let number): found = "\(number)"
                        case .uint(let number): found = "\(number)"
                        case .float(let number): found = "\(number)"
                        case .double(let number): found = "\(number)"
                        default: found = timeout.typeDescription
                        }
                        throw fail("\(at).timeout_seconds: expected a positive number of seconds, found \(found)")
                    }
                    hook.timeoutSeconds = seconds
                }
                stageHooks.append(hook)
            }
            hooks[stage] = stageHooks
        }
        self.hooks = hooks
    }

    /// Runs the hooks of `stage` in order, each with the inherited environment plus
    /// `environment` plus `SA_STAGE` (the stage's name), in `workingDirectory` (the caller's when
    /// nil). `onOutcome` hears of every hook as it finishes, the failing one included, so that a
    /// caller can log them all even when this throws.
    ///
    /// A hook that fails (non-zero exit, killed, timed out, or could not be started) stops the
    /// stage with a ``SimArenaError`` of kind `.temporary`, unless it has `ignore_failure`:
    /// `pre_start hook "kubectl create ns x" failed: exit status 1: FIRST STDERR LINE`, with
    /// `timed out after 30 s (killed by signal 15 (SIGTERM))`, `signal 9 (SIGKILL)` or
    /// `cannot run kubectl: no such program on PATH` in place of the exit status; the command is
    /// shown as shell-quoted words. Bad arguments to the runner (a missing working directory)
    /// are thrown as they are (`.usage`).
    @discardableResult
    public func run(
        stage: Stage, environment: [String: String] = [:], workingDirectory: String? = nil,
        onOutcome: ((Outcome) -> Void)? = nil
    ) throws -> [Outcome] {
        var variables = environment
        variables["SA_STAGE"] = stage.rawValue
        var outcomes: [Outcome] = []
        for (index, hook) in hooks(for: stage).enumerated() {
            let runner = ProcessRunner(
                hook.command, environment: variables, workingDirectory: workingDirectory, timeout: hook.timeoutSeconds)
            var outcome: Outcome
            do {
                outcome = Outcome(stage: stage, index: index, hook: hook, result: try runner.run(), launchError: nil)
            } catch let error as SimArenaError where error.kind == .noInput {
                let result = ProcessResult(
                    arguments: hook.command, termination: .exited(127), stderr: Array(error.message.utf8),
                    timeout: hook.timeoutSeconds)
                outcome = Outcome(stage: stage, index: index, hook: hook, result: result, launchError: error.message)
            }
            outcomes.append(outcome)
            onOutcome?(outcome)
            if outcome.failed && !hook.ignoreFailure {
                throw SimArenaError(.temporary, Self.failureMessage(outcome))
            }
        }
        return outcomes
    }

    /// `pre_start hook "CMD" failed: STATUS[: FIRST STDERR LINE]`.
    static func failureMessage(_ outcome: Outcome) -> String {
        var message = "\(outcome.stage.rawValue) hook \"\(ProcessRunner.commandLine(outcome.hook.command))\" failed: "
            + outcome.statusDescription
        if outcome.launchError == nil, let line = outcome.result.firstStderrLine {
            message += ": " + (line.count > 200 ? String(line.prefix(200)) + "..." : line)
        }
        return message
    }
}
