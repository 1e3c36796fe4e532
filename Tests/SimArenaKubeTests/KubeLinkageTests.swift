import Foundation
import XCTest

@testable import SimArenaCore

/// libcurl is loaded at run time by the Kubernetes client, never linked into the tools: linking
/// it would cost every tool's start-up the loading of some 30 shared libraries.
final class KubeLinkageTests: XCTestCase {
    func testNoToolLinksLibcurl() throws {
        // The test bundle sits beside the tools in the build's products folder.
        let products = Bundle.main.bundleURL.path
        let tools = ["sa-trace", "sa-simulate", "sa-preflight", "sa-observe", "sa-reward", "sa-act", "sa-learn", "sa-run", "sa-bench", "sa-train"]
            .map { products + "/" + $0 }
            .filter { FileManager.default.isExecutableFile(atPath: $0) }
        guard !tools.isEmpty else { throw XCTSkip("no tools built beside \(products)") }
        for tool in tools {
            let result = try ProcessRunner(["readelf", "-d", tool]).run()
            guard result.succeeded else { throw XCTSkip("readelf is needed: \(result.statusDescription)") }
            let needed = result.stdoutText.split(separator: "\n").filter { $0.contains("(NEEDED)") }
            XCTAssertFalse(needed.isEmpty, "\(tool): no NEEDED entries read")
            XCTAssertEqual(needed.filter { $0.contains("libcurl") }, [], "\(tool) links libcurl")
        }
    }
}
