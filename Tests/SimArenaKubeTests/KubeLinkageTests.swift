import Foundation
import XCTest

@testable import SimArenaCore
@testable import SimArenaKube

/// libcurl is linked by the Kubernetes target, which only the tools that talk to a cluster
/// link: linking it would cost every other tool's start-up the loading of some 30 shared
/// libraries.
final class KubeLinkageTests: XCTestCase {
    func testOnlyClusterToolsLinkLibcurl() throws {
        // The test bundle sits beside the tools in the build's products folder.
        let products = Bundle.main.bundleURL.path
        let clusterTools: Set = ["sa-preflight", "sa-simulate", "sa-train"]
        let tools = ["sa-trace", "sa-simulate", "sa-preflight", "sa-observe", "sa-reward", "sa-act", "sa-learn", "sa-run", "sa-bench", "sa-train"]
            .filter { FileManager.default.isExecutableFile(atPath: products + "/" + $0) }
        guard !tools.isEmpty else { throw XCTSkip("no tools built beside \(products)") }
        for tool in tools {
            let result = try ProcessRunner(["readelf", "-d", products + "/" + tool]).run()
            guard result.succeeded else { throw XCTSkip("readelf is needed: \(result.statusDescription)") }
            let needed = result.stdoutText.split(separator: "\n").filter { $0.contains("(NEEDED)") }
            XCTAssertFalse(needed.isEmpty, "\(tool): no NEEDED entries read")
            XCTAssertEqual(needed.contains { $0.contains("libcurl") }, clusterTools.contains(tool), "\(tool): libcurl among NEEDED")
        }
    }
}
