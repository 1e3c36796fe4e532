import SimArenaCLI

SimulateCommand<EmbeddedBackends>.runAsTool()
