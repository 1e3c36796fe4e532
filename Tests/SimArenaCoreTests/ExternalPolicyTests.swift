import Foundation
import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class ExternalPolicyTests: XCTestCase {
    /// Writes an executable script into a fresh directory and returns its path.
    private func script(_ name: String, _ body: String, shebang: String = "#!/bin/sh") throws -> String {
        let path = try Fixtures.temporaryDirectory() + "/" + name
        try (shebang + "\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    private func observation(ready: Int64, target: Int64 = 3) -> Observation {
        let perPod = ResourceAmounts(cpuMillis: 100, memoryBytes: 64 << 20)
        return Observation(
            workload: "web", target: target, replicas: target, total: target, pending: target - ready, ready: ready,
            running: ready, unschedulable: 0, unschedulableCPU: 0, unschedulableMemory: 0, oomKilled: target - ready,
            crashLooping: 0, throttled: 0, evicted: 0, restarts: 2, cpuRequest: .millis(100),
            memoryRequest: .bytes(64 << 20), cpuLimit: nil, memoryLimit: nil,
            requested: ResourceAmounts(cpuMillis: 100 * ready, memoryBytes: (64 << 20) * ready),
            used: ResourceAmounts(cpuMillis: 50 * ready, memoryBytes: (60 << 20) * ready),
            largestNode: ResourceAmounts(cpuMillis: 16_000, memoryBytes: 32 << 30), lastActionBlocked: false, containers: 1,
            pods: [
                Observation.Pod(
                    name: "web-0", phase: "Running", ready: true, reason: nil, node: "node-1", restartCount: 0,
                    requests: perPod, usage: perPod, usageSamples: UsageSamples(cpuMillis: [50, 70], memoryBytes: [60 << 20, 62 << 20]))
            ])
    }

    private func assertError(
        _ expression: @autoclosure () throws -> Any, kind: SimArenaError.Kind, _ message: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            let error = error as? SimArenaError
            XCTAssertEqual(error?.kind, kind, file: file, line: line)
            XCTAssertEqual(error?.message, message, file: file, line: line)
        }
    }

    func testAnIndexOrANameIsAnAction() throws {
        let index = try script("two", "echo 2")
        XCTAssertEqual(try ExternalPolicy(commandLine: index).choose(observation(ready: 1), allowed: 4), .bumpMemorySmall)
        let name = try script("name", "printf '  bump_mem_small \\n\\n'")
        XCTAssertEqual(try ExternalPolicy(commandLine: name).choose(observation(ready: 1), allowed: 4), .bumpMemorySmall)
    }

    func testTheObservationArrivesOnStandardInputAsOneLineOfJSON() throws {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile)
        else { throw XCTSkip("no python3 in /usr/bin or /usr/local/bin") }
        let policy = try script(
            "policy.py",
            """
            import json, sys
            text = sys.stdin.read()
            assert text.endswith("\\n") and text.count("\\n") == 1, repr(text[:80])
            obs = json.loads(text)
            assert obs["format"] == "simarena.observation/v2", obs["format"]
            assert obs["cpu_usage"] == {"p50": "50m", "p90": "70m", "p95": "70m", "max": "70m", "samples": 2}, obs["cpu_usage"]
            assert obs["largest_node"] == {"cpu": "16", "memory": "32Gi"} and obs["last_action_blocked"] is False
            print("scale_up_replicas" if obs["ready"] < obs["target"] else 0)
            """, shebang: "#!" + python)
        let external = try ExternalPolicy(commandLine: policy)
        XCTAssertEqual(try external.choose(observation(ready: 1), allowed: 4), .scaleUpReplicas)
        XCTAssertEqual(try external.choose(observation(ready: 3), allowed: 4), .noop)
        let decision = try external.decide(observation(ready: 3), allowed: 4)
        XCTAssertEqual(decision.result.termination, .exited(0))
        XCTAssertEqual(decision.result.stdoutText, "0\n")
    }

    func testArgumentsAndEnvironmentReachThePolicy() throws {
        let path = try script("args", "echo \"$1\"; echo \"$SA_STEP\" >&2")
        let policy = try ExternalPolicy(commandLine: "'\(path)' 'bump_cpu_small'", environment: ["SA_STEP": "7"])
        XCTAssertEqual(policy.arguments, [path, "bump_cpu_small"])
        let decision = try policy.decide(observation(ready: 0), allowed: 7)
        XCTAssertEqual(decision.action, .bumpCPUSmall)
        XCTAssertEqual(decision.result.stderrText, "7\n")
    }

    func testGarbageIsQuotedAndCut() throws {
        let long = String(repeating: "x", count: 100)
        let path = try script("garbage", "echo 'I think'; echo '\(long)'")
        let expected = "expected one action: an index 0-3 or a name (noop, bump_cpu_small, bump_mem_small, scale_up_replicas)"
        let quoted = "I think\\n" + String(repeating: "x", count: 52)
        assertError(
            try ExternalPolicy(commandLine: path).choose(observation(ready: 1), allowed: 4), kind: .data,
            "policy command \"\(path)\": printed \"\(quoted)\"...; \(expected)")
        let two = try script("two-tokens", "echo 1 2")
        assertError(
            try ExternalPolicy(commandLine: two).choose(observation(ready: 1), allowed: 4), kind: .data,
            "policy command \"\(two)\": printed \"1 2\"; \(expected)")
        let empty = try script("empty", "echo '   '")
        assertError(
            try ExternalPolicy(commandLine: empty).choose(observation(ready: 1), allowed: 4), kind: .data,
            "policy command \"\(empty)\": printed nothing; \(expected)")
    }

    func testActionsOutsideTheActionSpaceAreRefused() throws {
        let six = try script("six", "echo 6")
        assertError(
            try ExternalPolicy(commandLine: six).choose(observation(ready: 1), allowed: 4), kind: .data,
            "policy command \"\(six)\": action 6 is outside the allowed actions 0-3 (--Naction 4)")
        XCTAssertEqual(try ExternalPolicy(commandLine: six).choose(observation(ready: 1), allowed: 7), .scaleDownReplicas)
        let name = try script("down", "echo scale_down_replicas")
        assertError(
            try ExternalPolicy(commandLine: name).choose(observation(ready: 1), allowed: 4), kind: .data,
            "policy command \"\(name)\": action 6 (scale_down_replicas) is outside the allowed actions 0-3 (--Naction 4)")
        XCTAssertThrowsError(try ExternalPolicy.parseAction("9", allowed: 7))
        XCTAssertThrowsError(try ExternalPolicy.parseAction("-1", allowed: 7))
    }

    func testAFailingPolicyIsNamedWithItsFirstErrorLine() throws {
        let path = try script("fails", "echo 'model file missing: /x.ckpt' >&2; echo more >&2; exit 3")
        assertError(
            try ExternalPolicy(commandLine: path).choose(observation(ready: 1), allowed: 4), kind: .temporary,
            "policy command \"\(path)\": exited with status 3: model file missing: /x.ckpt")
        let quiet = try script("quiet", "exit 2")
        assertError(
            try ExternalPolicy(commandLine: quiet).choose(observation(ready: 1), allowed: 4), kind: .temporary,
            "policy command \"\(quiet)\": exited with status 2 (no error output)")
    }

    func testASlowPolicyTimesOut() throws {
        let path = try script("slow", "sleep 30")
        assertError(
            try ExternalPolicy(commandLine: path, timeout: 0.5).choose(observation(ready: 1), allowed: 4),
            kind: .temporary, "policy command \"\(path)\": timed out after 0.5 s")
    }

    func testAMissingProgramIsNamed() {
        assertError(
            try ExternalPolicy(commandLine: "sa-no-such-policy --flag").choose(observation(ready: 1), allowed: 4),
            kind: .noInput, "policy command \"sa-no-such-policy --flag\": cannot run sa-no-such-policy: no such program on PATH")
    }

    func testCommandLinesSplitLikeASimpleShellCommand() throws {
        XCTAssertEqual(
            try ExternalPolicy.splitCommandLine(#"  a 'b c'  "d \"e\" \\ f \n" g\ h '' x$HOME * a'b c'd "#),
            ["a", "b c", #"d "e" \ f \n"#, "g h", "", "x$HOME", "*", "ab cd"])
        XCTAssertEqual(try ExternalPolicy.splitCommandLine("python3\tagent.py\n--greedy"), ["python3", "agent.py", "--greedy"])
        for (line, message) in [
            ("run 'abc", "unterminated single quote"), ("run \"abc", "unterminated double quote"),
            ("run \"abc\\", "unterminated double quote"), ("run abc\\", "trailing backslash"),
            ("   ", "no program named"), ("'' x", "no program named"),
        ] {
            assertError(try ExternalPolicy.splitCommandLine(line), kind: .usage, message)
        }
        assertError(
            try ExternalPolicy(commandLine: "agent 'oops"), kind: .usage,
            "policy command \"agent 'oops\": unterminated single quote")
    }
}
