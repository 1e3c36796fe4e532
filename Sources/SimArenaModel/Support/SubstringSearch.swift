#if canImport(Glibc)
import Glibc
#endif

extension String {
    /// Whether `needle` occurs in the string, compared byte for byte as UTF-8. The standard
    /// library's `contains(_:)` works on grapheme clusters and is far slower; for ASCII needles
    /// such as kube-scheduler's reasons the answers are the same.
    public func containsBytes(_ needle: String) -> Bool {
        var haystack = self
        var pattern = needle
        return haystack.withUTF8 { text in
            pattern.withUTF8 { part in
                guard let first = part.first else { return true }
                guard text.count >= part.count else { return false }
                for start in 0...(text.count - part.count) where text[start] == first {
                    if memcmp(text.baseAddress! + start, part.baseAddress!, part.count) == 0 { return true }
                }
                return false
            }
        }
    }
}
