/// A `.safetensors` file (the Hugging Face format): an 8-byte little-endian header length N, N
/// bytes of JSON header, then the tensors' raw little-endian bytes. The header maps each tensor's
/// name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the data
/// section) and may hold `"__metadata__"`, a map of strings to strings.
///
/// Written deterministically: tensors in name order, packed back to back, the header padded with
/// spaces to a multiple of 8 bytes. Read strictly: offsets must tile the data section exactly,
/// each tensor's byte count must match its dtype and shape, and sizes are bounded.
public struct SafeTensors: Sendable, Equatable {
    /// The element types Sim-Arena writes and reads.
    public enum DType: String, Sendable {
        case f32 = "F32", i32 = "I32", u8 = "U8"

        var size: Int { self == .u8 ? 1 : 4 }
    }

    /// One tensor: its element type, shape and raw little-endian bytes.
    public struct Tensor: Sendable, Equatable {
        public var dtype: DType
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(dtype: DType, shape: [Int], bytes: [UInt8]) {
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        public init(floats: [Float], shape: [Int]) {
            self.init(dtype: .f32, shape: shape, bytes: Self.littleEndianBytes(floats))
        }

        public init(int32s: [Int32], shape: [Int]) {
            self.init(dtype: .i32, shape: shape, bytes: Self.littleEndianBytes(int32s))
        }

        /// The bytes of 4-byte values (floats, 32-bit integers), least significant first: copied in
        /// one go on a little-endian machine.
        private static func littleEndianBytes<Value: BitwiseCopyable>(_ values: [Value]) -> [UInt8] {
            #if _endian(little)
            return values.withUnsafeBytes { Array($0) }
            #else
            // Each 4-byte value's bytes reversed.
            return values.withUnsafeBytes { raw in
                stride(from: 0, to: raw.count, by: 4).flatMap { raw[$0..<$0 + 4].reversed() }
            }
            #endif
        }

        public var elementCount: Int { shape.reduce(1, *) }

        /// The elements as 32-bit words (F32 or I32 tensors).
        var words: [UInt32] {
            bytes.withUnsafeBytes { raw in
                (0..<raw.count / 4).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
            }
        }

        public var floats: [Float] { words.map(Float.init(bitPattern:)) }
        public var int32s: [Int32] { words.map(Int32.init(bitPattern:)) }
    }

    /// Largest header accepted (the format's reference reader also caps it at 100 MB).
    public static let maxHeaderSize = 100_000_000

    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// A tensor that must be present, with the given dtype and shape.
    public func require(_ name: String, _ dtype: DType, shape: [Int]) throws -> Tensor {
        guard let tensor = tensors[name] else { throw SimArenaError(.data, "no tensor \"\(name)\"") }
        guard tensor.dtype == dtype, tensor.shape == shape else {
            throw SimArenaError(.data, "tensor \"\(name)\" is \(tensor.dtype.rawValue) \(tensor.shape), expected \(dtype.rawValue) \(shape)")
        }
        return tensor
    }

    public func encoded() throws -> [UInt8] {
        var header: [KMap.Entry] = []
        if !metadata.isEmpty {
            header.append(KMap.Entry(key: "__metadata__", value: .map(KMap(metadata.sorted { $0.key < $1.key }
                .map { KMap.Entry(key: .string($0.key), value: .string($0.value)) }))))
        }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            precondition(tensor.bytes.count == tensor.elementCount * tensor.dtype.size, "tensor \(name) has the wrong byte count")
            header.append(KMap.Entry(key: .string(name), value: [
                "dtype": .string(tensor.dtype.rawValue), "shape": .array(tensor.shape.map { .int(Int64($0)) }),
                "data_offsets": [.int(Int64(offset)), .int(Int64(offset + tensor.bytes.count))],
            ]))
            offset += tensor.bytes.count
        }
        var json = try JSONWriter.encode(.map(KMap(header)), pretty: false)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        out += json
        for name in names { out += tensors[name]!.bytes }
        return out
    }

    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 8 else { throw SimArenaError(.data, "not a safetensors file (\(bytes.count) bytes, shorter than the 8-byte header length)") }
        let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * $1) }
        guard length >= 2, length <= UInt64(Self.maxHeaderSize), length <= UInt64(bytes.count - 8) else {
            throw SimArenaError(.data, "not a safetensors file (header length \(length) does not fit the \(bytes.count)-byte file)")
        }
        let header: KValue
        do {
            header = try JSONReader.parse(Array(bytes[8..<8 + Int(length)]), maxDepth: 8)
        } catch let error as SimArenaError {
            throw SimArenaError(.data, "safetensors header is not valid JSON: \(error.message)")
        }
        guard let entries = header.mapValue?.entries else { throw SimArenaError(.data, "safetensors header is not a JSON object") }
        let data = 8 + Int(length)
        var spans: [(begin: Int, end: Int)] = []
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for entry in entries {
            guard let name = entry.key.stringValue else { throw SimArenaError(.data, "safetensors header has a non-string key") }
            if name == "__metadata__" {
                guard let map = entry.value.mapValue else { throw SimArenaError(.data, "safetensors __metadata__ is not an object") }
                for item in map.entries {
                    guard let key = item.key.stringValue, let value = item.value.stringValue else {
                        throw SimArenaError(.data, "safetensors __metadata__ must map strings to strings")
                    }
                    metadata[key] = value
                }
                continue
            }
            guard let dtypeName = entry.value["dtype"]?.stringValue else { throw SimArenaError(.data, "tensor \"\(name)\": no dtype") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw SimArenaError(.data, "tensor \"\(name)\": dtype \(dtypeName) is not supported (F32, I32, U8)")
            }
            guard let shapeValues = entry.value["shape"]?.arrayValue, shapeValues.count <= 8,
                  let offsets = entry.value["data_offsets"]?.arrayValue, offsets.count == 2 else {
                throw SimArenaError(.data, "tensor \"\(name)\": shape or data_offsets missing or malformed")
            }
            let shape = try shapeValues.map { value -> Int in
                guard let dimension = value.int64Value, (0...Int64(Int32.max)).contains(dimension) else {
                    throw SimArenaError(.data, "tensor \"\(name)\": shape entries must be whole numbers")
                }
                return Int(dimension)
            }
            guard let begin = offsets[0].int64Value, let end = offsets[1].int64Value, begin >= 0, begin <= end,
                  end <= Int64(bytes.count - data) else {
                throw SimArenaError(.data, "tensor \"\(name)\": data_offsets lie outside the file")
            }
            let (count, overflow) = shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            guard !overflow, count.multipliedReportingOverflow(by: dtype.size) == (Int(end - begin), false) else {
                throw SimArenaError(.data, "tensor \"\(name)\": \(end - begin) bytes do not hold a \(dtypeName) tensor of shape \(shape)")
            }
            spans.append((Int(begin), Int(end)))
            tensors[name] = Tensor(dtype: dtype, shape: shape, bytes: Array(bytes[data + Int(begin)..<data + Int(end)]))
        }
        // The tensors must cover the data section exactly, without gaps or overlaps.
        var covered = 0
        for span in spans.sorted(by: { $0.begin < $1.begin }) {
            guard span.begin == covered else { throw SimArenaError(.data, "safetensors data has a gap or an overlap at byte \(covered)") }
            covered = span.end
        }
        guard covered == bytes.count - data else {
            throw SimArenaError(.data, "safetensors data section has \(bytes.count - data - covered) bytes no tensor claims")
        }
        self.tensors = tensors
        self.metadata = metadata
    }
}
