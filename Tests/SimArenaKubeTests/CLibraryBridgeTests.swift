import CCurl
import XCTest

/// The libcurl bridge that the SimKube backend's Kubernetes client builds on: it links, and the
/// installed libcurl can do what that client needs (TLS, and HTTP/1.1 keep-alive over it).
final class CLibraryBridgeTests: XCTestCase {
    func testLibcurlLinksWithTLSSupport() throws {
        let info = try XCTUnwrap(curl_version_info(CURLVERSION_TENTH))
        XCTAssertNotNil(info.pointee.ssl_version, "libcurl built without a TLS backend")
        XCTAssertNotEqual(info.pointee.features & CURL_VERSION_SSL, 0)
        XCTAssertGreaterThanOrEqual(info.pointee.version_num, 0x074400, "libcurl 7.68 or newer")
    }
}
