"""Steps per second from Python, for bin/bench.sh: one SimArenaEnv, a 64-environment
SimArenaVectorEnv, 64 environments over the sa-env pipe, and Gymnasium's CartPole-v1 as the
reference, all with random actions. Prints one tab-separated line per measure:
name, median steps/s over the runs, and each run's rate."""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import gymnasium as gym
import numpy as np

import simarena
from simarena.pipe import SaEnvClient

SETTINGS = {"trace": "demo/traces/trace-0001.msgpack", "target": 3, "Naction": 7}


def rate(run: Callable[[float], int], seconds: float) -> float:
    """Steps per second of ``run``, which steps until ``seconds`` have passed and says how many."""
    started = time.perf_counter()
    steps = run(started + seconds)
    return steps / (time.perf_counter() - started)


def single(env: gym.Env, rng: np.random.Generator) -> Callable[[float], int]:
    def run(deadline: float) -> int:
        env.reset(seed=int(rng.integers(1 << 31)))
        steps = 0
        while time.perf_counter() < deadline:
            for _ in range(100):
                _, _, terminated, truncated, _ = env.step(env.action_space.sample())
                steps += 1
                if terminated or truncated:
                    env.reset()
        return steps
    return run


def vector(envs: simarena.SimArenaVectorEnv) -> Callable[[float], int]:
    def run(deadline: float) -> int:
        envs.reset(seed=1)
        steps = 0
        while time.perf_counter() < deadline:
            for _ in range(10):
                envs.step(envs.action_space.sample())
                steps += envs.num_envs
        return steps
    return run


def pipe(client: SaEnvClient, count: int, rng: np.random.Generator) -> Callable[[float], int]:
    ids = [client.create(**SETTINGS) for _ in range(count)]

    def run(deadline: float) -> int:
        client.reset(ids, range(count))
        steps = 0
        while time.perf_counter() < deadline:
            for _ in range(10):
                _, _, _, terminated, truncated = client.step(ids, rng.integers(7, size=count))
                steps += count
                ended = [env for env, over in zip(ids, terminated | truncated) if over]
                if ended:
                    client.reset(ended, [steps + index for index in range(len(ended))])
        return steps
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    arguments = parser.parse_args()
    rng = np.random.default_rng(7)
    measures: dict[str, Callable[[float], int]] = {
        "cartpole": single(gym.make("CartPole-v1"), rng),
        "one_env": single(gym.make("SimArena-v0", documents=False, **SETTINGS), rng),
        "one_env_documents": single(gym.make("SimArena-v0", **SETTINGS), rng),
        "vector_64": vector(simarena.SimArenaVectorEnv(64, **SETTINGS)),
        "sa_env_64": pipe(SaEnvClient(), 64, rng),
    }
    for name, run in measures.items():
        rates = [rate(run, arguments.seconds) for _ in range(arguments.runs)]
        print(f"{name}\t{statistics.median(rates):.0f}\t" + " ".join(f"{value:.0f}" for value in rates))


if __name__ == "__main__":
    main()
