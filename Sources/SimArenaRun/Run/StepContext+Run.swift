import SimArenaModel
import SimArenaSimulation
import SimArenaRL

extension StepContext {
    /// The context a run's tasks need, from its configuration: the chooser (a hand-coded policy,
    /// an outside program, or an evaluated checkpoint, loaded only when `tasks` act), a learning
    /// run's fresh agent, and the hooks (loaded only when `tasks` run some).
    public init(configuration: RunConfiguration, runDirectory: String, pid: Int32?, tasks: [StepTask]) throws {
        self.init()
        self.configuration = configuration
        self.runDirectory = runDirectory
        self.pid = pid
        switch configuration.chooser {
        case .policy(let policy): chooser = .policy(policy)
        case .command(let line, let timeout): chooser = .command(line, timeout: timeout)
        case .evaluate(let checkpoint):
            if tasks.contains(.stage(.act)) { chooser = .agent(try LearningAgent.load(checkpoint).withoutExploration) }
        case .learning(let learner): fresh = learner
        }
        if let path = configuration.hooks, tasks.contains(where: { if case .hooks = $0 { return true } else { return false } }) {
            hooks = try HookSet.load(path)
        }
    }

    /// Makes sure a learning step has its agent and, for DQN, its replay buffer (rebuilt from
    /// the run's journal up to the transitions the agent has learned from).
    public mutating func prepareLearning(_ state: inout StepState) throws {
        guard let fresh, let runDirectory else { return }
        if state.agent == nil { state.agent = fresh.make(seed: state.seed) }
        if case .dqn(let agent) = state.agent, replay == nil {
            replay = try ReplayBuffer.fromJournal(runDirectory + "/" + ReplayJournal.fileName, capacity: agent.settings.bufferSize,
                                                  total: agent.steps)
        }
    }
}
