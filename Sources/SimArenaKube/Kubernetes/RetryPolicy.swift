import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

/// When and how long to wait before trying a request again: on connection failures, 429 and
/// 5xx; never on other 4xx. Pauses grow exponentially from ``baseDelay`` up to ``maxDelay``,
/// with full jitter (a uniformly random pause between zero and that ceiling), unless the server
/// sent `Retry-After`, which is honoured up to ``maxRetryAfter``. The random source and the
/// sleep are injectable so that tests run fast and deterministically.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    public var maxRetryAfter: Double
    /// A uniformly random number in [0, 1).
    public var random: @Sendable () -> Double
    /// Pauses for that many seconds.
    public var sleep: @Sendable (Double) -> Void

    public init(
        maxAttempts: Int = 5, baseDelay: Double = 0.25, maxDelay: Double = 8, maxRetryAfter: Double = 30,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Double) -> Void = RetryPolicy.sleepSeconds
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.random = random
        self.sleep = sleep
    }

    /// Whether a response with this status is worth another attempt.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || (500...599).contains(status)
    }

    /// The pause after attempt number `attempt` (counted from 1) failed; `retryAfter` is the
    /// server's `Retry-After` in seconds, when it sent one.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), maxRetryAfter) }
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        return random() * ceiling
    }

    /// A `Retry-After` value in seconds; nil for the HTTP-date form or anything unreadable
    /// (the exponential back-off applies then).
    public static func parseRetryAfter(_ text: String?) -> Double? {
        guard let text, let seconds = Int(text.trimmingWhitespace()), seconds >= 0 else { return nil }
        return Double(seconds)
    }

    /// Sleeps for `seconds`, resuming after signals.
    public static let sleepSeconds: @Sendable (Double) -> Void = { seconds in
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
