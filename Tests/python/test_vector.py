"""SimArenaVectorEnv steps as Gymnasium's SyncVectorEnv of single SimArenaEnvs does (NEXT_STEP autoreset)."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from conftest import TRACES
from gymnasium.vector import AutoresetMode, SyncVectorEnv

import simarena

SETTINGS: dict[str, Any] = {"traces": str(TRACES), "Naction": 7, "steps": 4}


def compare(vector: gym.vector.VectorEnv[Any, Any, Any], singles: SyncVectorEnv, seed: Any, steps: int) -> int:
    """Steps both with the same random actions; returns how many episodes ended."""
    observations, infos = vector.reset(seed=seed)
    expected, expected_infos = singles.reset(seed=seed)
    np.testing.assert_array_equal(observations, expected)
    np.testing.assert_array_equal(infos["action_mask"], expected_infos["action_mask"])
    rng = np.random.default_rng(0)
    ended = 0
    for _ in range(steps):
        actions = rng.integers(0, 7, size=vector.num_envs)
        result = vector.step(actions)
        wanted = singles.step(actions)
        for got, want in zip(result[:4], wanted[:4]):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(result[4]["action_mask"], wanted[4]["action_mask"])
        ended += int((result[2] | result[3]).sum())
    return ended


@pytest.mark.parametrize("threads", [0, 1])
def test_vector_env_steps_as_single_envs(threads: int) -> None:
    vector = simarena.SimArenaVectorEnv(6, threads=threads, **SETTINGS)
    singles = SyncVectorEnv([lambda: simarena.SimArenaEnv(documents=False, **SETTINGS) for _ in range(6)])
    assert vector.metadata["autoreset_mode"] == singles.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
    assert vector.single_observation_space == singles.single_observation_space
    assert vector.action_space == singles.action_space
    assert compare(vector, singles, 21, 40) > 20, "several autoresets"
    assert compare(vector, singles, [5, 6, 7, 8, 9, 10], 12) > 0, "a list of seeds, and a second reset"
    vector.close()
    vector.close()


def test_make_vec_uses_the_batched_env() -> None:
    envs = gym.make_vec("SimArena-v0", num_envs=3, **SETTINGS)
    assert isinstance(envs.unwrapped, simarena.SimArenaVectorEnv)
    observations, infos = envs.reset(seed=1)
    assert observations.shape == (3, 17) and infos["action_mask"].shape == (3, 7)
    envs.step(np.zeros(3, dtype=np.int64))
    assert [document["action"]["action"] for document in envs.unwrapped.documents()] == ["noop"] * 3
    envs.close()


def test_reset_mask_resets_only_those() -> None:
    vector = simarena.SimArenaVectorEnv(3, **SETTINGS)
    first, _ = vector.reset(seed=[1, 2, 3])
    vector.step(np.array([1, 2, 3]))
    stepped = vector.step(np.array([2, 1, 0]))[0]
    again, _ = vector.reset(seed=[1, None, None], options={"reset_mask": np.array([True, False, False])})
    np.testing.assert_array_equal(again[0], first[0])
    np.testing.assert_array_equal(again[1:], stepped[1:])


def test_render_and_errors() -> None:
    vector = simarena.SimArenaVectorEnv(2, render_mode="ansi", **SETTINGS)
    vector.reset(seed=4)
    texts = vector.render()
    assert texts is not None and len(texts) == 2 and all("web in" in text for text in texts)
    with pytest.raises(ValueError, match="shape"):
        vector.step(np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="between 0 and 6"):
        vector.step(np.array([0, 7]))
    with pytest.raises(ValueError, match="num_envs"):
        simarena.SimArenaVectorEnv(0, **SETTINGS)
    fresh = simarena.SimArenaVectorEnv(2, **SETTINGS)
    with pytest.raises(ValueError, match="environment 0: step before reset"):
        fresh.step(np.zeros(2, dtype=np.int64))
