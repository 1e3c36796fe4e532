import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class FileIOTests: XCTestCase {
    func testMissingFilesAndDirectoriesAreUnreadableInput() throws {
        let directory = try Fixtures.temporaryDirectory()
        for path in [directory + "/absent.json", directory] {
            XCTAssertThrowsError(try FileIO.read(path)) { error in
                let error = error as? SimArenaError
                XCTAssertEqual(error?.kind, .noInput)
                XCTAssertEqual(error?.exitCode, 66)
                XCTAssertTrue(error?.message.hasPrefix(path + ":") == true, "\(String(describing: error))")
            }
        }
    }

    func testAtomicWritesReplaceWholeFilesAndLeaveNoTemporaries() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory + "/out.json"
        try FileIO.writeAtomically(Array("first".utf8), to: path)
        try FileIO.writeAtomically(Array("second".utf8), to: path)
        XCTAssertEqual(try FileIO.read(path), Array("second".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["out.json"])
        XCTAssertThrowsError(try FileIO.writeAtomically([1], to: directory + "/no/such/dir/x")) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .cannotCreate)
        }
    }

    func testAppendedLinesAreWhole() throws {
        let path = try Fixtures.temporaryDirectory() + "/log.jsonl"
        try FileIO.appendLine(Array("{\"a\":1}".utf8), to: path)
        try FileIO.appendLine(Array("{\"a\":2}".utf8), to: path)
        XCTAssertEqual(String(decoding: try FileIO.read(path), as: UTF8.self), "{\"a\":1}\n{\"a\":2}\n")
    }

    func testReadsAreBounded() throws {
        let path = try Fixtures.temporaryDirectory() + "/big"
        try FileIO.writeAtomically([UInt8](repeating: 1, count: 10_000), to: path)
        XCTAssertThrowsError(try FileIO.read(path, limit: 1000)) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .data)
        }
        XCTAssertEqual(try FileIO.read(path).count, 10_000)
    }

    func testFormatsFromNamesAndContent() {
        XCTAssertEqual(DataFormat(path: "a/b.sktrace"), .msgpack)
        XCTAssertEqual(DataFormat(path: "x.JSON"), .json)
        XCTAssertEqual(DataFormat(path: "x.msgpack"), .msgpack)
        XCTAssertNil(DataFormat(path: "x.yaml"))
        XCTAssertNil(DataFormat(path: "dir.d/file"))
        XCTAssertEqual(DataFormat.sniff(Array("  {}".utf8)), .json)
        XCTAssertEqual(DataFormat.sniff([0x85]), .msgpack)
    }
}
