"""The sa-env door (simarena.pipe) steps as the in-process one: same settings, seeds and actions,
the same observations, masks, rewards, ends and documents."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import ROOT, TRACES

import simarena
from simarena.pipe import SaEnvClient

SETTINGS: dict[str, Any] = {"traces": str(TRACES), "Naction": 7, "steps": 5}
SA_ENV = str(ROOT / ".build" / "release" / "sa-env")


def test_pipe_steps_as_in_process() -> None:
    count = 5
    singles = [simarena.SimArenaEnv(documents=False, **SETTINGS) for _ in range(count)]
    rng = np.random.default_rng(3)
    with SaEnvClient(SA_ENV, threads=2) as client:
        ids = [client.create(**SETTINGS) for _ in range(count)]
        seeds = list(range(100, 100 + count))
        observations, masks = client.reset(ids, seeds)
        for index, env in enumerate(singles):
            observation, info = env.reset(seed=seeds[index])
            np.testing.assert_array_equal(observations[index], observation)
            np.testing.assert_array_equal(masks[index], info["action_mask"])
        ended = 0
        for _ in range(30):
            actions = rng.integers(0, 7, size=count)
            got = client.step(ids, actions)
            for index, env in enumerate(singles):
                observation, reward, terminated, truncated, info = env.step(int(actions[index]))
                np.testing.assert_array_equal(got[0][index], observation)
                np.testing.assert_array_equal(got[1][index], info["action_mask"])
                assert (got[2][index], got[3][index], got[4][index]) == (reward, terminated, truncated)
            assert client.info(ids[0]) == singles[0].document()
            finished = [index for index in range(count) if got[3][index] or got[4][index]]
            if finished:
                ended += len(finished)
                seeds = [int(rng.integers(0, 1 << 32)) for _ in finished]
                observations, _ = client.reset([ids[index] for index in finished], seeds)
                for row, index in enumerate(finished):
                    np.testing.assert_array_equal(observations[row], singles[index].reset(seed=seeds[row])[0])
        assert ended > 10


def test_pipe_errors_carry_the_message() -> None:
    with SaEnvClient(SA_ENV) as client:
        with pytest.raises(ValueError, match="--reward") as usage:
            client.create(trace=str(TRACES / "cpu-heavy.msgpack"), reward="most")
        assert usage.value.code == 64
        with pytest.raises(FileNotFoundError, match="no such file"):
            client.create(trace=str(TRACES / "missing.msgpack"))
        identifier = client.create(**SETTINGS)
        with pytest.raises(ValueError, match=f"environment {identifier}: step before reset"):
            client.step([identifier], [0])
        client.close_environment(identifier)
        with pytest.raises(ValueError, match=f"no environment {identifier}"):
            client.info(identifier)
