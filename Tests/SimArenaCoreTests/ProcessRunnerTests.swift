import Foundation
import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class ProcessRunnerTests: XCTestCase {
    func testInputRoundTripsThroughCat() throws {
        let text = "hello\nworld, no newline at the end"
        let result = try ProcessRunner(["cat"], input: Array(text.utf8)).run()
        XCTAssertEqual(result.stdoutText, text)
        XCTAssertEqual(result.stderr, [])
        XCTAssertEqual(result.termination, .exited(0))
        XCTAssertTrue(result.succeeded)
        XCTAssertFalse(result.timedOut)
        XCTAssertFalse(result.stdoutTruncated)
    }

    func testArgumentsArePassedLiterallyWithoutAShell() throws {
        let result = try ProcessRunner(["echo", "a  b", "$HOME", "*", "it's", "; ls"]).run()
        XCTAssertEqual(result.stdoutText, "a  b $HOME * it's ; ls\n")
    }

    func testLargeInputAndOutputDoNotDeadlock() throws {
        let input = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let result = try ProcessRunner(["cat"], input: input, outputLimit: 4 << 20).run()
        XCTAssertEqual(result.stdout.count, input.count)
        XCTAssertTrue(result.stdout == input)
    }

    func testAChildThatIgnoresItsInputDoesNotKillTheParent() throws {
        let input = [UInt8](repeating: 65, count: 5_000_000)
        let result = try ProcessRunner(["true"], input: input).run()
        XCTAssertEqual(result.termination, .exited(0))
    }

    func testStandardErrorAndExitStatusAreCaptured() throws {
        let result = try ProcessRunner(["sh", "-c", "echo out; echo '  first problem ' >&2; echo second >&2; exit 3"]).run()
        XCTAssertEqual(result.stdoutText, "out\n")
        XCTAssertEqual(result.stderrText, "  first problem \nsecond\n")
        XCTAssertEqual(result.termination, .exited(3))
        XCTAssertEqual(result.exitStatus, 3)
        XCTAssertNil(result.signal)
        XCTAssertFalse(result.succeeded)
        XCTAssertEqual(result.firstStderrLine, "first problem")
        XCTAssertEqual(result.statusDescription, "exit status 3")
        XCTAssertEqual(try ProcessRunner(["false"]).run().termination, .exited(1))
    }

    func testSignalsAreReported() throws {
        let result = try ProcessRunner(["sh", "-c", "kill -9 $$"]).run()
        XCTAssertEqual(result.termination, .signaled(SIGKILL))
        XCTAssertEqual(result.signal, SIGKILL)
        XCTAssertNil(result.exitStatus)
        XCTAssertEqual(result.statusDescription, "signal 9 (SIGKILL)")
        XCTAssertFalse(result.timedOut)
    }

    func testEnvironmentVariablesReachTheChildOnTopOfTheInheritedOnes() throws {
        let result = try ProcessRunner(
            ["sh", "-c", "printf '%s|%s|%s' \"$SA_TEST_VALUE\" \"$HOME\" \"$(env | grep -c '^HOME=')\""],
            environment: ["SA_TEST_VALUE": "two words $(not run)", "HOME": "/nowhere"]
        ).run()
        XCTAssertEqual(result.stdoutText, "two words $(not run)|/nowhere|1")
        // Inherited: PATH found sh above; another inherited variable comes through unchanged.
        setenv("SA_PROCESS_RUNNER_INHERITED", "yes", 1)
        defer { unsetenv("SA_PROCESS_RUNNER_INHERITED") }
        let inherited = try ProcessRunner(["sh", "-c", "printf %s \"$SA_PROCESS_RUNNER_INHERITED\""]).run()
        XCTAssertEqual(inherited.stdoutText, "yes")
    }

    func testWorkingDirectory() throws {
        let directory = try Fixtures.temporaryDirectory()
        let result = try ProcessRunner(["pwd", "-P"], workingDirectory: directory).run()
        let expected = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        XCTAssertEqual(result.stdoutText, expected + "\n")
        // A relative program path with a slash is found in the working directory.
        try "#!/bin/sh\necho local\n".write(toFile: directory + "/local.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + "/local.sh")
        XCTAssertEqual(try ProcessRunner(["./local.sh"], workingDirectory: directory).run().stdoutText, "local\n")
        XCTAssertThrowsError(try ProcessRunner(["pwd"], workingDirectory: directory + "/absent").run()) { error in
            let error = error as? SimArenaError
            XCTAssertEqual(error?.kind, .usage)
            XCTAssertEqual(error?.message, "cannot run pwd: working directory \(directory)/absent does not exist")
        }
    }

    func testMissingProgramsAreNamed() throws {
        XCTAssertThrowsError(try ProcessRunner(["sa-no-such-program-xyz", "arg"]).run()) { error in
            let error = error as? SimArenaError
            XCTAssertEqual(error?.kind, .noInput)
            XCTAssertEqual(error?.message, "cannot run sa-no-such-program-xyz: no such program on PATH")
        }
        XCTAssertThrowsError(try ProcessRunner(["/nonexistent/program"]).run()) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "cannot run /nonexistent/program: no such program")
        }
        let directory = try Fixtures.temporaryDirectory()
        let script = directory + "/not-executable"
        try "#!/bin/sh\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ProcessRunner([script]).run()) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "cannot run \(script): permission denied")
        }
    }

    func testBadArgumentsAreUsageErrors() {
        for runner in [
            ProcessRunner([]), ProcessRunner([""]), ProcessRunner(["echo", "a\u{0}b"]),
            ProcessRunner(["echo"], environment: ["A=B": "x"]), ProcessRunner(["echo"], timeout: 0),
            ProcessRunner(["echo"], timeout: .nan), ProcessRunner(["echo"], killGracePeriod: -1),
        ] {
            XCTAssertThrowsError(try runner.run(), "\(runner.arguments)") { error in
                XCTAssertEqual((error as? SimArenaError)?.kind, .usage)
            }
        }
    }

    func testTimeoutKillsTheChild() throws {
        let result = try ProcessRunner(["sleep", "30"], timeout: 0.5).run()
        XCTAssertTrue(result.timedOut)
        XCTAssertEqual(result.termination, .signaled(SIGTERM))
        XCTAssertFalse(result.succeeded)
        XCTAssertEqual(result.statusDescription, "timed out after 0.5 s (killed by signal 15 (SIGTERM))")
    }

    func testAChildIgnoringSIGTERMGetsSIGKILLAfterTheGracePeriod() throws {
        let result = try ProcessRunner(
            ["sh", "-c", "trap '' TERM; echo ready; sleep 30; sleep 30"], timeout: 0.5, killGracePeriod: 0.3
        ).run()
        XCTAssertTrue(result.timedOut)
        XCTAssertEqual(result.termination, .signaled(SIGKILL))
        XCTAssertEqual(result.stdoutText, "ready\n")
    }

    func testOutputIsBoundedAndTheRestDrained() throws {
        let result = try ProcessRunner([
            "sh", "-c", "head -c 5000000 /dev/zero; head -c 5000000 /dev/zero >&2; echo done >&2",
        ]).run()
        XCTAssertEqual(result.termination, .exited(0))
        XCTAssertEqual(result.stdout.count, ProcessRunner.defaultOutputLimit)
        XCTAssertEqual(result.stderr.count, ProcessRunner.defaultOutputLimit)
        XCTAssertTrue(result.stdoutTruncated)
        XCTAssertTrue(result.stderrTruncated)

        let small = try ProcessRunner(["printf", "0123456789"], outputLimit: 4).run()
        XCTAssertEqual(small.stdoutText, "0123")
        XCTAssertTrue(small.stdoutTruncated)
    }

    func testAGrandchildHoldingThePipesDoesNotHoldTheParent() throws {
        let result = try ProcessRunner(["sh", "-c", "sleep 3 & echo started"], drainPeriod: 0.2).run()
        XCTAssertEqual(result.termination, .exited(0))
        XCTAssertEqual(result.stdoutText, "started\n")
        XCTAssertFalse(result.timedOut)
    }

    func testNoDescriptorLeaksAndNoZombies() throws {
        let before = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        // A descriptor the test opens without O_CLOEXEC must not reach the child.
        let stray = open("/dev/null", O_RDONLY)
        XCTAssertGreaterThan(stray, 2)
        defer { close(stray) }
        let listing = try ProcessRunner(["sh", "-c", "ls /proc/$$/fd"]).run()
        let childDescriptors = Set(listing.stdoutText.split(separator: "\n").map(String.init))
        XCTAssertFalse(childDescriptors.contains(String(stray)), "child saw \(childDescriptors.sorted())")
        XCTAssertTrue(childDescriptors.isSuperset(of: ["0", "1", "2"]))

        for _ in 0..<20 {
            _ = try ProcessRunner(["cat"], input: Array("x".utf8)).run()
            _ = try? ProcessRunner(["sa-no-such-program-xyz"]).run()
        }
        _ = try ProcessRunner(["sleep", "30"], timeout: 0.2).run()
        let after = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        XCTAssertEqual(after, before + 1, "only the stray descriptor is new")

        var status: Int32 = 0
        let waited = waitpid(-1, &status, WNOHANG)
        let code = errno
        XCTAssertEqual(waited, -1, "an unreaped child is left")
        XCTAssertEqual(code, ECHILD)
    }

    func testCommandLinesForMessages() {
        XCTAssertEqual(
            ProcessRunner.commandLine(["kubectl", "create", "ns", "x y", "it's", "", "a=b/c.d"]),
            "kubectl create ns 'x y' 'it'\\''s' '' a=b/c.d")
        XCTAssertEqual(ProcessTermination.exited(0).description, "exit status 0")
        XCTAssertEqual(ProcessTermination.signaled(15).description, "signal 15 (SIGTERM)")
        XCTAssertEqual(ProcessRunner.oneLine("a\nb\tc"), "a\\nb\\tc")
    }
}
