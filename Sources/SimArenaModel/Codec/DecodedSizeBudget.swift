/// A bound on the memory a decoded document takes, so that a small, dense input cannot make a
/// reader allocate many times its size (a JSON array of `[0]`s costs about 22 bytes of values per
/// byte of text; a MessagePack array of one-byte arrays more than 40).
///
/// Readers charge what they build before they allocate it: each value's slot in its array or map
/// (``KValue``'s stride), each non-empty container's storage header, and each string too long to
/// be stored inline. The estimate follows the allocations closely enough to bound them; it is not
/// an exact count.
struct DecodedSizeBudget {
    /// Decoded size allowed per byte of input. A real trace (large_trace's events repeated to
    /// 20 MB) peaked at 6.6× its size in resident memory as JSON and 9.6× as MessagePack (when
    /// msgpack-c's own objects were built first; less since), all included, so this leaves room;
    /// a JSON array of `[0]`s took 23.6× before the bound.
    static let multiple = 16
    /// Decoded size always allowed, whatever the input's size.
    static let floor = 64 << 20

    /// The slot a value takes in its parent.
    static let valueSlot = MemoryLayout<KValue>.stride
    /// A heap allocation's bookkeeping: Swift's array header and malloc's own.
    static let allocation = 48
    /// Longer strings than this live on the heap.
    static let inlineString = 15

    let inputSize: Int
    let limit: Int
    private(set) var spent = 0

    init(inputSize: Int) {
        self.inputSize = inputSize
        limit = max(Self.floor, inputSize.multipliedReportingOverflow(by: Self.multiple).overflow ? .max : inputSize * Self.multiple)
    }

    /// Charges `bytes`; false once the total is over the limit.
    mutating func spend(_ bytes: Int) -> Bool {
        spent += bytes
        return spent <= limit
    }

    /// Charges a string or binary value of `count` bytes beyond its slot; false once over the limit.
    mutating func spend(text count: Int) -> Bool {
        count <= Self.inlineString || spend(count + Self.allocation)
    }

    /// What to say once the limit is passed.
    var exceeded: String {
        "the document would take more than \(limit >> 20) MiB in memory once decoded, over \(Self.multiple)× its "
            + "\(inputSize) bytes: too densely nested to be a trace or a settings file"
    }
}
