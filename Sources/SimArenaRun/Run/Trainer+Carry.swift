import SimArenaModel
import SimArenaSimulation
import SimArenaRL

extension Trainer {
    private func carryPath(slot: Int, _ ext: String) -> String {
        directory + "/fast-carry-\(slot).\(ext)"
    }

    static func saveCarry(_ carry: Carry, in directory: String) throws {
        func path(_ ext: String) -> String { directory + "/fast-carry-\(carry.slot).\(ext)" }
        // The JSON file last: it names the step, and a slot counts only once it does.
        if let trace = carry.nextTrace { try trace.write(to: path("msgpack")) }
        if let agent = carry.agent { try FileIO.writeAtomically(try agent.encoded(), to: path("agent")) }
        let value: KValue = [
            "format": .string(carryFormat), "episode": .int(Int64(carry.episode)), "step": .int(Int64(carry.step)),
            "observation": carry.observation?.value ?? .null, "action": carry.action?.value ?? .null,
            "has_next_trace": .bool(carry.nextTrace != nil), "has_agent": .bool(carry.agent != nil),
        ]
        try Document.write(value, to: path("json"))
    }

    /// What the step before `plan` left: from its step directory (a run begun on the shell path
    /// or with `--keep-steps`), else from the fast-carry file that names it.
    func loadCarry(plan: RunDirectory.Next) throws -> Carry? {
        let learning = configuration.learns
        let previous: StepFiles
        switch plan {
        case .step(let files, _, _, let before):
            // A new episode needs only a learning agent's state.
            guard let before, files.step > 1 || learning else { return nil }
            previous = before
        case .finished:
            guard learning, let line = try FileIO.lastLine(of: directory + "/" + RunDirectory.steps) else { return nil }
            let last = try RecordedStep(line: try JSONReader.parse(line))
            previous = StepFiles(runDirectory: directory, episode: last.episode, step: last.step)
        }
        if FileIO.exists(previous.file(StepFiles.observation)), FileIO.exists(previous.file(StepFiles.reward)) {
            return try carry(fromFiles: previous)
        }
        for slot in [0, 1] {
            let path = carryPath(slot: slot, "json")
            guard FileIO.exists(path) else { continue }
            let value = try Document.read(path)
            guard value["format"]?.stringValue == Self.carryFormat, value["episode"]?.int64Value == Int64(previous.episode),
                  value["step"]?.int64Value == Int64(previous.step) else { continue }
            var carry = Carry(episode: previous.episode, step: previous.step, slot: slot)
            if let observation = value["observation"], !observation.isNull { carry.observation = try Observation(document: observation) }
            if let action = value["action"], !action.isNull { carry.action = try ActionReport(document: action) }
            if value["has_agent"]?.boolValue == true { carry.agent = try LearningAgent.load(carryPath(slot: slot, "agent")) }
            if value["has_next_trace"]?.boolValue == true { carry.nextTrace = try Trace.load(carryPath(slot: slot, "msgpack")) }
            return carry
        }
        throw SimArenaError(.noInput, "\(previous.directory): the files of the last recorded step are missing, and no fast-carry file names it; cannot continue the run")
    }

    private func carry(fromFiles files: StepFiles) throws -> Carry {
        var carry = Carry(episode: files.episode, step: files.step)
        carry.observation = try Document.decode(files.file(StepFiles.observation), Observation.init(document:))
        if FileIO.exists(files.file(StepFiles.action)) {
            carry.action = try Document.decode(files.file(StepFiles.action), ActionReport.init(document:))
        }
        if FileIO.exists(files.file(StepFiles.nextTrace)) { carry.nextTrace = try Trace.load(files.file(StepFiles.nextTrace)) }
        if let file = files.agentFile { carry.agent = try LearningAgent.load(file) }
        return carry
    }
}
