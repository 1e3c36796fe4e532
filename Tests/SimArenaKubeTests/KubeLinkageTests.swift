import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// Only the tools that talk to a cluster link the Kubernetes target, and with it Yams and
/// Foundation and the code that loads libcurl; no tool has libcurl among its NEEDED libraries,
/// which would load it, and some 30 more, at every start (the cluster tools load it with dlopen
/// when they first talk to a cluster). Checked on the tools beside the test bundle and, when
/// built, on the release tools that bin/build.sh makes (static Swift runtime, so Foundation shows
/// up as symbols rather than as a shared library).
final class KubeLinkageTests: XCTestCase {
    static let clusterTools = ["sa-kube", "sa-train", "sa-recommend", "sa-benchmark", "sa-fuzz"]
    static let otherTools = ["sa-trace", "sa-simulate", "sa-preflight", "sa-observe", "sa-reward", "sa-act", "sa-learn", "sa-run", "sa-bench", "sa-env"]

    /// What a linked binary needs and holds.
    struct Linkage {
        /// Its NEEDED shared libraries (`readelf -d`).
        var needed: [String]
        /// Its symbol table (`nm`), defined and undefined, one name a line.
        var symbols: String

        /// Whether it has libcurl among its NEEDED libraries.
        var linksLibcurl: Bool { needed.contains { $0.hasPrefix("libcurl") } }

        /// Whether it holds the code that loads libcurl and calls its transfer function.
        var loadsLibcurl: Bool { symbols.contains("\nsa_curl_load\n") && symbols.contains("\nsa_curl_perform\n") }

        /// Whether it holds SimArenaKube's code (Swift symbols of the module, mangled `12SimArenaKube`,
        /// such as the KubeClient class's `$s12SimArenaKube10KubeClientC`).
        var holdsKubeTarget: Bool { symbols.contains("12SimArenaKube") }

        /// Whether it uses Foundation itself, not only FoundationEssentials (which the argument
        /// parser brings): its library, or its Swift symbols (mangled `10Foundation`).
        var usesFoundation: Bool {
            needed.contains { $0.hasPrefix("libFoundation.so") } || symbols.contains("$s10Foundation")
        }
    }

    /// The folders holding built tools: beside the test bundle, and the release build's.
    private func toolFolders() -> [String] {
        let products = Bundle.main.bundleURL.path
        let folders = [products, products + "/../release"]
            .compactMap { path -> String? in
                guard let resolved = realpath(path, nil) else { return nil }
                defer { free(resolved) }
                return String(cString: resolved)
            }
        var seen: Set<String> = []
        return folders.filter { seen.insert($0).inserted }
    }

    private func linkage(of path: String) throws -> Linkage {
        let elf = try ProcessRunner(["readelf", "-d", path]).run()
        guard elf.succeeded else { throw XCTSkip("readelf is needed: \(elf.statusDescription)") }
        let table = try ProcessRunner(["nm", "--format=just-symbols", path], outputLimit: 1 << 30).run()
        guard table.succeeded else { throw XCTSkip("nm is needed: \(table.statusDescription)") }
        let needed = elf.stdoutText.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
            line.split(separator: "[").last.map { String($0.dropLast()) }
        }
        return Linkage(needed: needed, symbols: "\n" + table.stdoutText)
    }

    func testOnlyClusterToolsLinkTheKubernetesTarget() throws {
        var checked = 0
        for folder in toolFolders() {
            for tool in Self.clusterTools + Self.otherTools where FileManager.default.isExecutableFile(atPath: folder + "/" + tool) {
                let path = folder + "/" + tool
                let linked = try linkage(of: path)
                XCTAssertFalse(linked.needed.isEmpty, "\(path): no NEEDED entries read")
                XCTAssertFalse(linked.linksLibcurl, "\(path) links libcurl")
                if Self.clusterTools.contains(tool) {
                    // The positive control: the checks below can see what they look for.
                    XCTAssertTrue(linked.loadsLibcurl, "\(path) cannot load libcurl")
                    XCTAssertTrue(linked.holdsKubeTarget, "\(path) holds no SimArenaKube code")
                    XCTAssertTrue(linked.usesFoundation, "\(path) shows no Foundation (Yams needs it)")
                } else {
                    XCTAssertFalse(linked.loadsLibcurl, "\(path) holds the code that loads libcurl")
                    XCTAssertFalse(linked.holdsKubeTarget, "\(path) holds SimArenaKube code")
                    XCTAssertFalse(linked.usesFoundation, "\(path) uses Foundation")
                }
                checked += 1
            }
        }
        guard checked > 0 else { throw XCTSkip("no tools built beside \(Bundle.main.bundleURL.path)") }
    }
}
