import SimArenaCLI

PreflightCommand<EmbeddedBackends>.runAsTool()
