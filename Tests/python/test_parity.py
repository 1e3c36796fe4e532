"""A policy replayed through the environment gives bin/train.sh --fast's step.jsonl: the same
features, rewards and ends, for the same scenario, seed and actions.

bin/train.sh --seed S plays episode e (from 1) with the seed S + 1000·(e − 1) on the trace its
seeded order draws; reset(seed=S + 1000·(e − 1), options={"trace": that trace}) is that episode, and
reset(seed=S) without a trace draws the first episode's trace itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ROOT, TRACES, train_records

import simarena

SEED = 11


def episodes(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for record in records:
        grouped.setdefault(record["episode"], []).append(record)
    return list(grouped.values())


def replay(env: simarena.SimArenaEnv, steps: list[dict[str, Any]], seed: int, trace: str | None) -> None:
    """Replays one episode's actions through ``env``, checking each step against its record."""
    observation, info = env.reset(seed=seed, options=None if trace is None else {"trace": trace})
    assert Path(info["trace"]).stem == steps[0]["trace"]
    for before, after in zip(steps, steps[1:]):
        np.testing.assert_array_equal(observation, np.array(before["state"], dtype=np.float32))
        assert not before["terminated"] and not before["truncated"]
        observation, reward, terminated, truncated, info = env.step(before["action_idx"])
        assert info["action"]["action"] == before["action"]
        assert info["action"]["blocked"] == before["action_info"]["blocked"]
        assert (reward, terminated, truncated) == (after["reward"], after["terminated"], after["truncated"])
        assert info["observation"]["ready"] == after["obs"]["ready"]
    np.testing.assert_array_equal(observation, np.array(steps[-1]["state"], dtype=np.float32))
    assert steps[-1]["terminated"] or steps[-1]["truncated"]


@pytest.mark.parametrize("name, flags, settings", [
    ("demo traces", ["--traces", str(TRACES), "--Naction", "7", "--steps", "15", "--episodes", "3"],
     {"traces": str(TRACES), "Naction": 7, "steps": 15}),
    ("other settings", ["--trace", str(TRACES / "cpu-mem.msgpack"), "--trace", str(TRACES / "gen-0042.msgpack"),
                        "--Naction", "7", "--steps", "12", "--episodes", "2", "--reward", "cost_aware",
                        "--goal", "right_sized", "--cpu-step", "250m", "--mem-step", "128Mi", "--replicas-max", "5",
                        "--duration", "60"],
     {"trace": [str(TRACES / "cpu-mem.msgpack"), str(TRACES / "gen-0042.msgpack")], "Naction": 7, "steps": 12,
      "reward": "cost_aware", "goal": "right_sized", "cpu_step": "250m", "mem_step": "128Mi", "replicas_max": 5,
      "duration": 60}),
])
def test_replayed_actions_give_train_sh_step_jsonl(tmp_path: Path, name: str, flags: list[str],
                                                   settings: dict[str, Any]) -> None:
    records = train_records(tmp_path, "--agent", "random", "--seed", str(SEED), *flags)
    env = simarena.SimArenaEnv(**settings)
    played = episodes(records)
    assert len(played) == int(flags[flags.index("--episodes") + 1])
    for number, steps in enumerate(played):
        seed = SEED + 1000 * number
        if number == 0:
            replay(env, steps, seed, None)
        else:
            (trace,) = [path for path in ROOT.glob("demo/traces/*") if path.stem == steps[0]["trace"]]
            replay(env, steps, seed, str(trace))
