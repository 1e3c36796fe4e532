import XCTest

@testable import SimArenaGym
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun

/// The environment outside drivers use, in process and behind `sa-env`'s protocol: made from
/// bin/train.sh's flags, deterministic, batched like one at a time, and refusing bad requests
/// with an error reply rather than a trap.
final class GymTests: XCTestCase {
    private let flags = ["--trace", Fixtures.repositoryRoot + "/demo/traces/mem-heavy.msgpack", "--Naction", "7", "--steps", "30"]

    /// Observations, rewards and ends of `actions` from a reset with `seed`.
    private func play(_ environment: GymEnvironment, seed: UInt64, actions: [Int]) throws -> [String] {
        var lines = ["\(try environment.reset(seed: seed).features)"]
        for action in actions {
            let step = try environment.step(action)
            lines.append("\(step.observation.features) \(step.reward) \(step.terminated) \(step.truncated)")
            if step.terminated || step.truncated { break }
        }
        return lines
    }

    func testTheSameSeedAndActionsGiveTheSameTrajectory() throws {
        let actions = [2, 2, 0, 5, 2, 2, 2, 2]
        let first = try play(try GymEnvironment(flags: flags), seed: 4, actions: actions)
        let again = try play(try GymEnvironment(flags: flags), seed: 4, actions: actions)
        XCTAssertEqual(first, again)
        XCTAssertGreaterThan(first.count, 2)
        XCTAssertEqual(GymEnvironment.observationSize, 17)
    }

    func testMisuseIsAnErrorNotATrap() throws {
        let environment = try GymEnvironment(flags: flags)
        XCTAssertThrowsError(try environment.step(0)) { XCTAssertEqual(($0 as? SimArenaError)?.message, "step before reset") }
        try environment.reset(seed: 1)
        XCTAssertThrowsError(try environment.step(7)) {
            XCTAssertEqual(($0 as? SimArenaError)?.message, "action 7 is outside the 7 actions (0 to 6)")
        }
        XCTAssertThrowsError(try GymEnvironment(flags: flags + ["--backend", "simkube"])) { XCTAssertEqual(($0 as? SimArenaError)?.kind, .usage) }
        XCTAssertThrowsError(try GymEnvironment(flags: ["--trace", "/nowhere.msgpack"])) { XCTAssertEqual(($0 as? SimArenaError)?.kind, .noInput) }
        XCTAssertThrowsError(try GymEnvironment(flags: ["--bogus"])) { XCTAssertEqual(($0 as? SimArenaError)?.kind, .usage) }
    }

    func testABatchStepsAsOneAtATime() throws {
        let batch = try (0..<5).map { _ in try GymEnvironment(flags: flags) }
        let single = try (0..<5).map { _ in try GymEnvironment(flags: flags) }
        for (index, pair) in zip(batch, single).enumerated() {
            try pair.0.reset(seed: UInt64(index))
            try pair.1.reset(seed: UInt64(index))
        }
        for round in 0..<4 {
            let actions = (0..<5).map { ($0 + round) % 7 }
            let results = GymEnvironment.step(batch, actions: actions, threads: 2)
            for index in 0..<5 {
                let together = try results[index].get()
                let alone = try single[index].step(actions[index])
                XCTAssertEqual(together.observation.features, alone.observation.features)
                XCTAssertEqual(together.reward, alone.reward)
            }
        }
    }

    // MARK: The sa-env protocol

    private func request(_ operation: UInt8, _ body: (inout FrameWriter) -> Void = { _ in }) -> [UInt8] {
        var writer = FrameWriter()
        writer.u8(operation)
        body(&writer)
        return writer.bytes
    }

    private func create(_ server: GymServer) throws -> UInt32 {
        let reply = server.reply(to: request(1) { writer in
            writer.u32(UInt32(self.flags.count))
            for flag in self.flags {
                writer.u32(UInt32(flag.utf8.count))
                writer.bytes += Array(flag.utf8)
            }
        })
        XCTAssertEqual(reply.first, 0, String(decoding: reply.dropFirst(), as: UTF8.self))
        var reader = FrameReader(Array(reply.dropFirst()))
        let id = try reader.u32()
        XCTAssertEqual(try reader.u32(), 17)
        XCTAssertEqual(try reader.u32(), 7)
        return id
    }

    func testTheProtocolStepsAsTheEnvironmentDoes() throws {
        let server = GymServer(threads: 2)
        XCTAssertEqual(server.reply(to: [0]), [0, 1, 0, 0, 0])
        let ids = [try create(server), try create(server)]
        let reset = server.reply(to: request(2) { writer in
            writer.u32(2)
            for id in ids { writer.u32(id); writer.u64(9); writer.u32(0) }
        })
        XCTAssertEqual(reset.count, 1 + 2 * (17 * 4 + 7))
        let direct = try GymEnvironment(flags: flags)
        try direct.reset(seed: 9)
        let expected = try direct.step(2)
        let stepped = server.reply(to: request(3) { writer in
            writer.u32(2)
            for id in ids { writer.u32(id); writer.u32(2) }
        })
        XCTAssertEqual(stepped.first, 0)
        var reader = FrameReader(Array(stepped.dropFirst()))
        for _ in ids {
            let features = try (0..<17).map { _ in Float(bitPattern: try reader.u32()) }
            XCTAssertEqual(features, expected.observation.features)
            _ = try (0..<7).map { _ in try reader.u8() }
            XCTAssertEqual(Double(bitPattern: try reader.u64()), expected.reward)
            XCTAssertEqual(try reader.u8(), expected.terminated ? 1 : 0)
            XCTAssertEqual(try reader.u8(), expected.truncated ? 1 : 0)
        }
        XCTAssertTrue(reader.atEnd)
        let info = server.reply(to: request(4) { $0.u32(ids[0]) })
        XCTAssertEqual(info.first, 0)
        XCTAssertNotNil(try JSONReader.parse(Array(info.dropFirst()))["observation"])
        XCTAssertEqual(server.reply(to: request(5) { $0.u32(ids[0]) }), [0])
    }

    func testBadRequestsGetAnErrorReply() throws {
        let server = GymServer()
        func error(_ bytes: [UInt8]) -> String {
            let reply = server.reply(to: bytes)
            XCTAssertNotEqual(reply.first, 0)
            return String(decoding: reply.dropFirst(), as: UTF8.self)
        }
        XCTAssertEqual(error([]), "unknown operation (empty request)")
        XCTAssertEqual(error([42]), "unknown operation 42")
        XCTAssertEqual(error([3, 255, 255, 255, 255]), "a count of 4294967295 is more than the request holds")
        XCTAssertEqual(error([3, 1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]), "no environment 7")
        XCTAssertEqual(error([4, 1, 0]), "the request ends early")
        XCTAssertEqual(error([0, 1]), "hello: 1 bytes after the request")
        XCTAssertEqual(error(request(1) { $0.u32(1); $0.u32(7); $0.bytes += Array("--bogus".utf8) }).hasPrefix("Unknown option '--bogus'"), true)
    }

    func testTheServerEndsCleanlyAndRefusesHugeFrames() throws {
        let tool = Bundle.main.bundleURL.path + "/sa-env"
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("sa-env is not built at \(tool)") }
        let hello: [UInt8] = [1, 0, 0, 0, 0]
        let served = try ProcessRunner([tool], input: hello).run()
        XCTAssertEqual(served.exitStatus, 0)
        XCTAssertEqual(served.stdout, [5, 0, 0, 0, 0, 1, 0, 0, 0])
        let cut = try ProcessRunner([tool], input: hello + [9, 0, 0, 0, 3]).run()
        XCTAssertEqual(cut.exitStatus, 65)
        XCTAssertEqual(cut.stderrText, "sa-env: standard input: the input ends inside a frame\n")
        let huge = try ProcessRunner([tool], input: [0, 0, 0, 16]).run()
        XCTAssertEqual(huge.exitStatus, 65)
        XCTAssertEqual(huge.stdout.dropFirst(4).first, 65)
    }
}
