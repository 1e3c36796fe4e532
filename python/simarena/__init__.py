"""Sim-Arena for Gymnasium: ``SimArenaEnv``, ``SimArenaVectorEnv`` and the ``SimArena-v0`` id.

    import gymnasium as gym
    import simarena  # registers SimArena-v0

    env = gym.make("SimArena-v0", trace="demo/traces/trace-0001.msgpack", target=3, Naction=7)
    envs = gym.make_vec("SimArena-v0", num_envs=64, traces="demo/traces", Naction=7)  # one native call a step

docs/gymnasium.md describes the environment, its seeds and the native library underneath.
"""

from gymnasium.envs.registration import register, registry

from simarena._native import DataError, MissingInputError, SimArenaError, UsageError
from simarena.env import SimArenaEnv
from simarena.vector import SimArenaVectorEnv

__all__ = ["DataError", "MissingInputError", "SimArenaEnv", "SimArenaError", "SimArenaVectorEnv", "UsageError"]

if "SimArena-v0" not in registry:
    register(
        id="SimArena-v0",
        entry_point="simarena.env:SimArenaEnv",
        vector_entry_point="simarena.vector:SimArenaVectorEnv",
    )
