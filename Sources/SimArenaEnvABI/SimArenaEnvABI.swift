import SimArenaGym
import SimArenaModel
import SimArenaRL

#if canImport(Glibc)
import Glibc
#endif

/// The C ABI of include/simarena_env.h: each function wraps ``GymEnvironment`` and turns
/// every error into a code and a message; none of them traps on what a caller passes.

/// What a `sa_env *` points at: the environment and the message of its last failure.
final class EnvironmentHandle {
    let environment: GymEnvironment
    /// The last error, NUL-terminated, kept until the next call replaces it (`sa_env_last_error`).
    private(set) var lastError: UnsafeMutablePointer<CChar>

    init(_ environment: GymEnvironment) {
        self.environment = environment
        lastError = strdup("")
    }

    deinit {
        free(lastError)
    }

    private func setLastError(_ message: String) {
        free(lastError)
        lastError = strdup(message)
    }

    /// Runs `body`, recording its failure: 0, or the error's exit code.
    func attempt(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            setLastError("")
            return 0
        } catch {
            let failure = error as? SimArenaError ?? SimArenaError(.data, "\(error)")
            setLastError(failure.message)
            return failure.exitCode
        }
    }

    /// Writes `observation`'s features and mask to the caller's buffers.
    func write(_ observation: Observation, features: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<UInt8>) {
        for (index, value) in observation.features.enumerated() { features[index] = value }
        for (index, allowed) in environment.mask(observation).enumerated() { mask[index] = allowed ? 1 : 0 }
    }

    func step(_ action: Int32, features: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<UInt8>,
              reward: UnsafeMutablePointer<Double>, terminated: UnsafeMutablePointer<UInt8>, truncated: UnsafeMutablePointer<UInt8>) -> Int32 {
        attempt {
            let transition = try environment.step(Int(action))
            write(transition.observation, features: features, mask: mask)
            reward.pointee = transition.reward
            terminated.pointee = transition.terminated ? 1 : 0
            truncated.pointee = transition.truncated ? 1 : 0
        }
    }

    static func from(_ pointer: OpaquePointer?) -> EnvironmentHandle? {
        pointer.map { Unmanaged<EnvironmentHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

/// Copies `text` into `buffer` of `size` bytes, NUL-terminated and cut to fit.
private func copy(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, size: Int) {
    guard let buffer, size > 0 else { return }
    let bytes = Array(text.utf8.prefix(size - 1))
    for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
    buffer[bytes.count] = 0
}

@_cdecl("sa_env_abi_version")
public func sa_env_abi_version() -> Int32 { 1 }

@_cdecl("sa_env_create")
public func sa_env_create(_ argc: Int32, _ argv: UnsafePointer<UnsafePointer<CChar>?>?, _ code: UnsafeMutablePointer<Int32>?,
                          _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> OpaquePointer? {
    var flags: [String] = []
    for index in 0..<Int(max(0, argc)) {
        guard let argument = argv?[index] else { break }
        flags.append(String(cString: argument))
    }
    do {
        let handle = EnvironmentHandle(try GymEnvironment(flags: flags))
        code?.pointee = 0
        copy("", to: message, size: messageSize)
        return OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
    } catch {
        let failure = error as? SimArenaError ?? SimArenaError(.data, "\(error)")
        code?.pointee = failure.exitCode
        copy(failure.message, to: message, size: messageSize)
        return nil
    }
}

@_cdecl("sa_env_observation_size")
public func sa_env_observation_size(_ env: OpaquePointer?) -> Int32 { Int32(GymEnvironment.observationSize) }

@_cdecl("sa_env_action_count")
public func sa_env_action_count(_ env: OpaquePointer?) -> Int32 {
    EnvironmentHandle.from(env).map { Int32($0.environment.actionCount) } ?? 0
}

@_cdecl("sa_env_reset")
public func sa_env_reset(_ env: OpaquePointer?, _ seed: UInt64, _ trace: UnsafePointer<CChar>?, _ observation: UnsafeMutablePointer<Float>?,
                         _ mask: UnsafeMutablePointer<UInt8>?) -> Int32 {
    guard let handle = EnvironmentHandle.from(env) else { return 64 }
    guard let observation, let mask else { return handle.attempt { throw SimArenaError(.usage, "reset: a buffer is NULL") } }
    return handle.attempt {
        let first = try handle.environment.reset(seed: seed, trace: trace.map { String(cString: $0) })
        handle.write(first, features: observation, mask: mask)
    }
}

@_cdecl("sa_env_step")
public func sa_env_step(_ env: OpaquePointer?, _ action: Int32, _ observation: UnsafeMutablePointer<Float>?, _ mask: UnsafeMutablePointer<UInt8>?,
                        _ reward: UnsafeMutablePointer<Double>?, _ terminated: UnsafeMutablePointer<UInt8>?,
                        _ truncated: UnsafeMutablePointer<UInt8>?) -> Int32 {
    guard let handle = EnvironmentHandle.from(env) else { return 64 }
    guard let observation, let mask, let reward, let terminated, let truncated else {
        return handle.attempt { throw SimArenaError(.usage, "step: a buffer is NULL") }
    }
    return handle.step(action, features: observation, mask: mask, reward: reward, terminated: terminated, truncated: truncated)
}

@_cdecl("sa_env_step_many")
public func sa_env_step_many(_ envs: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ actions: UnsafePointer<Int32>?, _ threads: Int32,
                             _ observations: UnsafeMutablePointer<Float>?, _ masks: UnsafeMutablePointer<UInt8>?,
                             _ rewards: UnsafeMutablePointer<Double>?, _ terminated: UnsafeMutablePointer<UInt8>?,
                             _ truncated: UnsafeMutablePointer<UInt8>?, _ failed: UnsafeMutablePointer<Int32>?) -> Int32 {
    let total = Int(max(0, count))
    guard total > 0 else { return 0 }
    guard let envs, let actions, let observations, let masks, let rewards, let terminated, let truncated else { return 64 }
    var handles: [EnvironmentHandle] = []
    for index in 0..<total {
        guard let handle = EnvironmentHandle.from(envs[index]) else {
            failed?.pointee = Int32(index)
            return 64
        }
        handles.append(handle)
    }
    let width = GymEnvironment.observationSize
    let maskWidth = handles.map(\.environment.actionCount).max() ?? 0
    let results = GymEnvironment.step(handles.map(\.environment), actions: (0..<total).map { Int(actions[$0]) }, threads: Int(threads))
    var firstFailure: (index: Int, code: Int32)?
    for (index, result) in results.enumerated() {
        let handle = handles[index]
        let code = handle.attempt {
            let transition = try result.get()
            handle.write(transition.observation, features: observations + index * width, mask: masks + index * maskWidth)
            rewards[index] = transition.reward
            terminated[index] = transition.terminated ? 1 : 0
            truncated[index] = transition.truncated ? 1 : 0
        }
        if code != 0 && firstFailure == nil { firstFailure = (index, code) }
    }
    guard let firstFailure else { return 0 }
    failed?.pointee = Int32(firstFailure.index)
    return firstFailure.code
}

@_cdecl("sa_env_info_json")
public func sa_env_info_json(_ env: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int64 {
    guard let handle = EnvironmentHandle.from(env), let info = handle.environment.info,
          let bytes = try? JSONWriter.encode(info, pretty: false) else { return -1 }
    if let buffer, size > 0 {
        let count = min(bytes.count, size - 1)
        for index in 0..<count { buffer[index] = CChar(bitPattern: bytes[index]) }
        buffer[count] = 0
    }
    return Int64(bytes.count)
}

@_cdecl("sa_env_last_error")
public func sa_env_last_error(_ env: OpaquePointer?) -> UnsafePointer<CChar>? {
    EnvironmentHandle.from(env).map { UnsafePointer($0.lastError) }
}

@_cdecl("sa_env_close")
public func sa_env_close(_ env: OpaquePointer?) {
    guard let env else { return }
    Unmanaged<EnvironmentHandle>.fromOpaque(UnsafeRawPointer(env)).release()
}

