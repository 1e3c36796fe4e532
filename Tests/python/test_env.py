"""SimArenaEnv: Gymnasium's own checks, seeding, settings, options, errors, render and close."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from conftest import TRACES
from gymnasium.utils.env_checker import check_env

import simarena
from simarena._settings import train_flags

CPU_HEAVY = str(TRACES / "cpu-heavy.msgpack")


def play(env: gym.Env[Any, Any], seed: int, actions: list[int]) -> list[tuple[Any, ...]]:
    """The trajectory of ``actions`` from ``reset(seed=seed)``, stopping where the episode ends."""
    observation, info = env.reset(seed=seed)
    trajectory: list[tuple[Any, ...]] = [(observation, info)]
    for action in actions:
        observation, reward, terminated, truncated, info = env.step(action)
        trajectory.append((observation, reward, terminated, truncated, info))
        if terminated or truncated:
            break
    return trajectory


@pytest.mark.parametrize("settings", [
    {"trace": CPU_HEAVY, "Naction": 7},
    {"traces": str(TRACES), "Naction": 7, "render_mode": "ansi"},
    {"trace": CPU_HEAVY, "documents": False},
])
def test_check_env_passes_without_warnings(settings: dict[str, Any]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        env = gym.make("SimArena-v0", **settings)
        check_env(env.unwrapped)
        env.close()
    assert [str(warning.message) for warning in caught] == []


def test_spaces_and_mask() -> None:
    env = simarena.SimArenaEnv(trace=CPU_HEAVY, n_actions=7)
    assert env.action_space == gym.spaces.Discrete(7)
    assert env.observation_space == gym.spaces.Box(0.0, 1.0, (17,), np.float32)
    observation, info = env.reset(seed=1)
    assert observation.dtype == np.float32 and observation in env.observation_space
    mask = info["action_mask"]
    assert mask.dtype == np.int8 and mask.shape == (7,)
    assert mask[1] == 0, "cpu-heavy's 20-CPU request cannot grow past the 16-CPU maximum"
    assert (env.action_masks() == mask.astype(bool)).all()
    assert mask[env.action_space.sample(mask=mask)] == 1
    assert set(info) == {"action_mask", "observation", "reward", "action", "trace"}
    assert info["action"] is None and info["observation"]["features"] == pytest.approx(observation.tolist())


def test_same_seed_and_actions_give_the_same_trajectory() -> None:
    actions = [int(action) for action in np.random.default_rng(5).integers(0, 7, size=30)]
    runs = [play(simarena.SimArenaEnv(traces=str(TRACES), Naction=7, steps=25), 42, actions) for _ in range(2)]
    assert len(runs[0]) > 5
    assert gym.utils.env_checker.data_equivalence(runs[0], runs[1], exact=True)


def test_seeded_reset_seeds_the_episodes_after_it() -> None:
    def firsts(env: simarena.SimArenaEnv) -> list[np.ndarray]:
        observations = [env.reset(seed=9)[0]]
        observations += [env.reset()[0] for _ in range(5)]
        return observations

    first = firsts(simarena.SimArenaEnv(traces=str(TRACES)))
    second = firsts(simarena.SimArenaEnv(traces=str(TRACES)))
    assert all((a == b).all() for a, b in zip(first, second))


def test_traces_are_drawn_per_episode_with_the_seed() -> None:
    env = simarena.SimArenaEnv(traces=str(TRACES), documents=True)
    drawn = [Path(env.reset(seed=seed)[1]["trace"]).name for seed in range(30)]
    again = [Path(env.reset(seed=seed)[1]["trace"]).name for seed in range(30)]
    assert drawn == again
    assert len(set(drawn)) > 10


def test_trace_option_plays_that_trace() -> None:
    env = simarena.SimArenaEnv(traces=str(TRACES))
    _, info = env.reset(seed=1, options={"trace": CPU_HEAVY})
    assert Path(info["trace"]).name == "cpu-heavy.msgpack"


def test_cluster_option_recreates_the_environment(cluster_spec: Path) -> None:
    env = simarena.SimArenaEnv(trace=CPU_HEAVY, Naction=7)
    observation, info = env.reset(seed=1)
    assert info["observation"]["ready"] == 0 and observation[11] == 1.0  # the request fits no node
    observation, info = env.reset(seed=1, options={"cluster": str(cluster_spec)})
    assert info["observation"]["largest_node"]["cpu"] == "64" and observation[11] == 0.0
    assert env.settings["cluster"] == str(cluster_spec)
    _, info = env.reset(seed=1)
    assert info["observation"]["largest_node"]["cpu"] == "64", "the cluster stays in force"
    _, info = env.reset(seed=1, options={"cluster": None})
    assert info["observation"]["largest_node"]["cpu"] == "16", "None: back to the trace's own cluster"


def test_settings_become_train_flags() -> None:
    assert train_flags({"trace": ["a", Path("b")], "n_actions": 7, "cpu_step": "250m", "replicas_max": 9,
                        "duration": 30.5, "goal": None}) == [
        "--trace", "a", "--trace", "b", "--Naction", "7", "--cpu-step", "250m", "--replicas-max", "9",
        "--duration", "30.5"]


def test_settings_reach_the_environment() -> None:
    env = gym.make("SimArena-v0", trace=CPU_HEAVY, n_actions=5, reward="base", steps=2, cpu_max="32")
    assert env.action_space == gym.spaces.Discrete(5)
    _, info = env.reset(seed=3)
    assert info["action_mask"][1] == 1, "with cpu_max 32 the 20-CPU request may grow"
    _, _, terminated, truncated, info = env.step(1)
    assert info["reward"]["reward_function"] == "base" and not terminated and not truncated
    _, _, terminated, truncated, _ = env.step(0)
    assert truncated and not terminated, "steps=2: truncated after two actions"


def test_errors_are_python_exceptions_with_the_message(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="'colour'"):
        simarena.SimArenaEnv(trace=CPU_HEAVY, colour="red")
    with pytest.raises(TypeError, match="Naction or n_actions"):
        simarena.SimArenaEnv(trace=CPU_HEAVY, Naction=7, n_actions=7)
    with pytest.raises(FileNotFoundError, match="no such file") as missing:
        simarena.SimArenaEnv(trace=str(tmp_path / "nothing.msgpack"))
    assert isinstance(missing.value, simarena.SimArenaError) and missing.value.code == 66
    with pytest.raises(ValueError, match="--reward") as usage:
        simarena.SimArenaEnv(trace=CPU_HEAVY, reward="most")
    assert usage.value.code == 64
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ValueError) as data:
        simarena.SimArenaEnv(trace=str(tmp_path / "broken.json"))
    assert data.value.code == 65
    env = simarena.SimArenaEnv(trace=str(TRACES / "trace-0001.msgpack"), target=3, Naction=7)
    with pytest.raises(ValueError, match="before reset"):
        env.step(0)
    env.reset(seed=5)
    with pytest.raises(ValueError, match="outside the 7 actions"):
        env.step(7)
    with pytest.raises(ValueError, match="unknown reset option 'colour'"):
        env.reset(options={"colour": "red"})
    _, _, terminated, _, _ = env.step(3)  # one more replica: the goal
    assert terminated
    with pytest.raises(ValueError):
        env.step(0)


def test_render_and_close() -> None:
    env = simarena.SimArenaEnv(render_mode="ansi", trace=CPU_HEAVY, Naction=7)
    env.reset(seed=1)
    env.step(1)
    text = env.render()
    assert isinstance(text, str) and "web in" in text and "bump_cpu_small (blocked" in text
    env.close()
    env.close()
    with pytest.raises(RuntimeError, match="closed"):
        env.reset(seed=1)
    with pytest.raises(ValueError, match="render_mode"):
        simarena.SimArenaEnv(render_mode="human", trace=CPU_HEAVY)


def test_the_installed_package_holds_the_library() -> None:
    library = Path(simarena._native.LIBRARY._name)
    assert library.parent == Path(simarena.__file__).parent, "pip install ./python packages libSimArenaEnv.so"
