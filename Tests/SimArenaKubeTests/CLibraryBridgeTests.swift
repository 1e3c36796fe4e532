import CCurlLoader
import XCTest

/// The libcurl bridge that the SimKube backend's Kubernetes client builds on: it loads, and the
/// installed libcurl can do what that client needs (TLS, and HTTP/1.1 keep-alive over it).
final class CLibraryBridgeTests: XCTestCase {
    func testLibcurlLoadsWithTLSSupport() throws {
        XCTAssertNil(sa_curl_load().map { String(cString: $0) })
        let info = try XCTUnwrap(sa_curl_version_info(CURLVERSION_TENTH))
        XCTAssertNotNil(info.pointee.ssl_version, "libcurl built without a TLS backend")
        XCTAssertNotEqual(info.pointee.features & CURL_VERSION_SSL, 0)
        XCTAssertGreaterThanOrEqual(info.pointee.version_num, 0x074400, "libcurl 7.68 or newer")
    }
}
