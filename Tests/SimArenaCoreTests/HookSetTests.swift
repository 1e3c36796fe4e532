import Foundation
import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class HookSetTests: XCTestCase {
    private func write(_ text: String) throws -> String {
        let path = try Fixtures.temporaryDirectory() + "/hooks.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func assertLoadError(
        _ text: String, _ message: String, kind: SimArenaError.Kind = .data,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let path = try write(text)
        XCTAssertThrowsError(try HookSet.load(path), file: file, line: line) { error in
            let error = error as? SimArenaError
            XCTAssertEqual(error?.kind, kind, file: file, line: line)
            XCTAssertEqual(error?.message, "\(path): \(message)", file: file, line: line)
        }
    }

    func testAHooksFileIsRead() throws {
        let path = try write(
            """
            {
              "pre_start": [{"command": ["kubectl", "create", "ns", "x"], "ignore_failure": false, "timeout_seconds": 30}],
              "pre_run": [],
              "post_run": [{"command": ["echo", "done"]}, {"command": ["true"], "timeout_seconds": 0.5}],
              "post_stop": [{"command": ["kubectl", "delete", "ns", "x"], "ignore_failure": true}]
            }
            """)
        let hooks = try HookSet.load(path)
        XCTAssertEqual(
            hooks.hooks(for: .preStart),
            [HookSet.Hook(command: ["kubectl", "create", "ns", "x"], ignoreFailure: false, timeoutSeconds: 30)])
        XCTAssertEqual(hooks.hooks(for: .preRun), [])
        XCTAssertEqual(
            hooks.hooks(for: .postRun),
            [HookSet.Hook(command: ["echo", "done"], timeoutSeconds: HookSet.Hook.defaultTimeout),
             HookSet.Hook(command: ["true"], timeoutSeconds: 0.5)])
        XCTAssertEqual(hooks.hooks(for: .postStop), [HookSet.Hook(command: ["kubectl", "delete", "ns", "x"], ignoreFailure: true)])
        XCTAssertFalse(hooks.isEmpty)
        XCTAssertTrue(try HookSet.load(try write("{}")).isEmpty)
    }

    func testBadHooksFilesAreErrorsNamingThePath() throws {
        let stages = "(stages: pre_start, pre_run, post_run, post_stop)"
        let fields = "(fields: command, ignore_failure, timeout_seconds)"
        try assertLoadError(#"{"pre_stop": []}"#, "unknown stage \"pre_stop\" \(stages)")
        try assertLoadError(#"{"pre_start": [{"cmd": ["ls"]}]}"#, "pre_start[0]: unknown field \"cmd\" \(fields)")
        try assertLoadError(#"{"pre_start": [{"ignore_failure": true}]}"#, "pre_start[0]: missing \"command\"")
        try assertLoadError(
            #"{"post_run": [{"command": ["ls"]}, {"command": "kubectl get pods"}]}"#,
            "post_run[1].command: expected an array of strings (an argv, not a shell string), found a string")
        try assertLoadError(#"{"pre_run": [{"command": ["sleep", 3]}]}"#, "pre_run[0].command[1]: expected a string, found an integer")
        try assertLoadError(#"{"pre_run": [{"command": []}]}"#, "pre_run[0].command: must name a program")
        try assertLoadError(#"{"pre_run": [{"command": [""]}]}"#, "pre_run[0].command: must name a program")
        try assertLoadError(
            #"{"pre_run": [{"command": ["ls"], "ignore_failure": "yes"}]}"#,
            "pre_run[0].ignore_failure: expected a boolean, found a string")
        try assertLoadError(
            #"{"pre_run": [{"command": ["ls"], "timeout_seconds": 0}]}"#,
            "pre_run[0].timeout_seconds: expected a positive number of seconds, found 0")
        try assertLoadError(
            #"{"pre_run": [{"command": ["ls"], "timeout_seconds": "30"}]}"#,
            "pre_run[0].timeout_seconds: expected a positive number of seconds, found a string")
        try assertLoadError(#"{"pre_run": {"command": ["ls"]}}"#, "pre_run: expected an array of hooks, found a map")
        try assertLoadError(#"{"pre_run": ["ls"]}"#, "pre_run[0]: expected an object, found a string")
        try assertLoadError(#"[]"#, "expected an object of stages, found an array")
        try assertLoadError("{\"pre_run\": [,]}", "line 1, column 14: expected a value, found ','")
        let missing = try Fixtures.temporaryDirectory() + "/absent.json"
        XCTAssertThrowsError(try HookSet.load(missing)) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .noInput)
            XCTAssertEqual((error as? SimArenaError)?.message, "\(missing): no such file")
        }
    }

    func testHooksRunInOrderWithTheirEnvironment() throws {
        let directory = try Fixtures.temporaryDirectory()
        let log = directory + "/log"
        let hooks = HookSet([
            .preRun: [
                HookSet.Hook(command: ["sh", "-c", "echo first >> \"$SA_STEP_DIR/log\""]),
                HookSet.Hook(command: ["sh", "-c", "echo second >> \"$SA_STEP_DIR/log\""]),
                HookSet.Hook(command: ["sh", "-c", "printf '%s|%s|%s' \"$SA_STAGE\" \"$SA_EPISODE\" \"$SA_STEP_DIR\""]),
                HookSet.Hook(command: ["pwd", "-P"]),
            ],
            .postRun: [HookSet.Hook(command: ["sh", "-c", "echo wrong stage >> \"$SA_STEP_DIR/log\""])],
        ])
        var heard: [Int] = []
        let outcomes = try hooks.run(
            stage: .preRun, environment: ["SA_STEP_DIR": directory, "SA_EPISODE": "4", "SA_STAGE": "overridden"],
            workingDirectory: directory, onOutcome: { heard.append($0.index) })
        XCTAssertEqual(outcomes.map(\.index), [0, 1, 2, 3])
        XCTAssertEqual(heard, [0, 1, 2, 3])
        XCTAssertTrue(outcomes.allSatisfy { !$0.failed && !$0.ignored })
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "first\nsecond\n")
        XCTAssertEqual(outcomes[2].result.stdoutText, "pre_run|4|\(directory)")
        XCTAssertEqual(outcomes[3].result.stdoutText, URL(fileURLWithPath: directory).resolvingSymlinksInPath().path + "\n")
        XCTAssertEqual(try hooks.run(stage: .preStart, environment: ["SA_STEP_DIR": directory]), [])

        let value = outcomes[2].value
        XCTAssertEqual(value["stage"], .string("pre_run"))
        XCTAssertEqual(value["exit_status"], .int(0))
        XCTAssertEqual(value["signal"], .null)
        XCTAssertEqual(value["timed_out"], .bool(false))
        XCTAssertEqual(value["status"], .string("exit status 0"))
        XCTAssertEqual(value["stdout"], .string("pre_run|4|\(directory)"))
    }

    func testValuesAreNeverInterpolated() throws {
        let directory = try Fixtures.temporaryDirectory()
        let hostile = directory + "/step $(touch pwned); `touch pwned2`"
        let hooks = HookSet([.postStop: [HookSet.Hook(command: ["printenv", "SA_STEP_DIR"])]])
        let outcomes = try hooks.run(stage: .postStop, environment: ["SA_STEP_DIR": hostile], workingDirectory: directory)
        XCTAssertEqual(outcomes[0].result.stdoutText, hostile + "\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [])
    }

    func testAFailingHookStopsItsStage() throws {
        let directory = try Fixtures.temporaryDirectory()
        let failing = ["sh", "-c", "echo 'Error from server (AlreadyExists)' >&2; exit 4"]
        let hooks = HookSet([
            .preStart: [
                HookSet.Hook(command: ["sh", "-c", "echo one >> log"]),
                HookSet.Hook(command: failing),
                HookSet.Hook(command: ["sh", "-c", "echo three >> log"]),
            ]
        ])
        var heard: [HookSet.Outcome] = []
        XCTAssertThrowsError(
            try hooks.run(stage: .preStart, workingDirectory: directory, onOutcome: { heard.append($0) })
        ) { error in
            let error = error as? SimArenaError
            XCTAssertEqual(error?.kind, .temporary)
            XCTAssertEqual(
                error?.message,
                "pre_start hook \"sh -c 'echo '\\''Error from server (AlreadyExists)'\\'' >&2; exit 4'\" failed: "
                    + "exit status 4: Error from server (AlreadyExists)")
        }
        XCTAssertEqual(try String(contentsOfFile: directory + "/log", encoding: .utf8), "one\n")
        XCTAssertEqual(heard.map(\.index), [0, 1])
        XCTAssertTrue(heard[1].failed)
        XCTAssertFalse(heard[1].ignored)
        XCTAssertEqual(heard[1].result.exitStatus, 4)
    }

    func testIgnoredFailuresLetTheStageGoOn() throws {
        let directory = try Fixtures.temporaryDirectory()
        let hooks = HookSet([
            .postStop: [
                HookSet.Hook(command: ["sh", "-c", "echo one >> log"]),
                HookSet.Hook(command: ["sh", "-c", "exit 4"], ignoreFailure: true),
                HookSet.Hook(command: ["sa-no-such-hook-program"], ignoreFailure: true),
                HookSet.Hook(command: ["sleep", "30"], ignoreFailure: true, timeoutSeconds: 0.3),
                HookSet.Hook(command: ["sh", "-c", "echo five >> log"]),
            ]
        ])
        let outcomes = try hooks.run(stage: .postStop, workingDirectory: directory)
        XCTAssertEqual(outcomes.map(\.failed), [false, true, true, true, false])
        XCTAssertEqual(outcomes.map(\.ignored), [false, true, true, true, false])
        XCTAssertEqual(try String(contentsOfFile: directory + "/log", encoding: .utf8), "one\nfive\n")
        XCTAssertEqual(outcomes[1].statusDescription, "exit status 4")
        XCTAssertEqual(outcomes[2].result.exitStatus, 127)
        XCTAssertEqual(outcomes[2].launchError, "cannot run sa-no-such-hook-program: no such program on PATH")
        XCTAssertTrue(outcomes[3].result.timedOut)
        XCTAssertEqual(outcomes[3].value["timed_out"], .bool(true))
    }

    func testTimeoutsAndMissingProgramsFailTheStage() throws {
        let slow = HookSet([.postRun: [HookSet.Hook(command: ["sleep", "30"], timeoutSeconds: 0.3)]])
        XCTAssertThrowsError(try slow.run(stage: .postRun)) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .temporary)
            XCTAssertEqual(
                (error as? SimArenaError)?.message,
                "post_run hook \"sleep 30\" failed: timed out after 0.3 s (killed by signal 15 (SIGTERM))")
        }
        let missing = HookSet([.preRun: [HookSet.Hook(command: ["sa-no-such-hook-program", "x"])]])
        XCTAssertThrowsError(try missing.run(stage: .preRun)) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .temporary)
            XCTAssertEqual(
                (error as? SimArenaError)?.message,
                "pre_run hook \"sa-no-such-hook-program x\" failed: cannot run sa-no-such-hook-program: no such program on PATH")
        }
        let killed = HookSet([.preRun: [HookSet.Hook(command: ["sh", "-c", "kill -9 $$"])]])
        XCTAssertThrowsError(try killed.run(stage: .preRun)) { error in
            XCTAssertEqual(
                (error as? SimArenaError)?.message, "pre_run hook \"sh -c 'kill -9 $$'\" failed: signal 9 (SIGKILL)")
        }
    }
}
