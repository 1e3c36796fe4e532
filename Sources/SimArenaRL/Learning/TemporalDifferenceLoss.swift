import SimArenaModel
import SimArenaSimulation

/// The loss between Q(s, a) and its temporal-difference target, averaged over a batch.
/// Huber (smooth L1, δ = 1) is quadratic within ±1 and linear beyond, so rare large errors do
/// not blow up the gradient; MSE (the original's choice) is PyTorch's `MSELoss`, `e²`.
public enum TemporalDifferenceLoss: String, Sendable, CaseIterable {
    case huber, mse

    /// The loss of one error `e = prediction − target`.
    public func value(_ error: Float) -> Float {
        switch self {
        case .huber: return abs(error) < 1 ? 0.5 * error * error : abs(error) - 0.5
        case .mse: return error * error
        }
    }

    /// ∂loss/∂prediction for one error.
    public func derivative(_ error: Float) -> Float {
        switch self {
        case .huber: return max(-1, min(1, error))
        case .mse: return 2 * error
        }
    }
}
