"""SimArenaEnv: one Sim-Arena environment as a Gymnasium environment, on the in-process library."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, SupportsInt

import gymnasium as gym
import numpy as np
import numpy.typing as npt
from gymnasium import spaces

from simarena._native import NativeEnvironment, UsageError, address
from simarena._settings import train_flags

OBSERVATION_SIZE = 17
"""The features of docs/run-directory.md, each in [0, 1]."""

RESET_OPTIONS = frozenset({"trace", "cluster"})

_SEED_LIMIT = 1 << 64


def observation_space() -> spaces.Box:
    """The space of one observation: 17 features, each in [0, 1]."""
    return spaces.Box(0.0, 1.0, (OBSERVATION_SIZE,), np.float32)


def episode_seed(seed: int | None, rng: np.random.Generator) -> int:
    """The native seed of an episode: ``seed`` when given, else one drawn from ``rng`` (the
    environment's ``np_random``, itself seeded by the last ``reset(seed=…)``)."""
    if seed is None:
        return int(rng.integers(0, 1 << 63))
    if not 0 <= int(seed) < _SEED_LIMIT:
        raise ValueError(f"seed {seed} is outside 0 to 2**64 - 1")
    return int(seed)


def check_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """``reset``'s options as a dict, refusing names other than ``trace`` and ``cluster``."""
    options = dict(options or {})
    unknown = sorted(set(options) - RESET_OPTIONS)
    if unknown:
        raise ValueError(f"unknown reset option {unknown[0]!r} (options: trace, cluster)")
    return options


def describe(document: Mapping[str, Any]) -> str:
    """A few lines of text about a step's document (``info`` without the mask): what ``render`` shows."""
    observation = document["observation"]
    reward = document["reward"]
    action = document["action"]
    lines = [
        f"{observation['workload']} in {document['trace']}",
        f"  pods: {observation['ready']} ready of target {observation['target']}, {observation['pending']} pending, "
        f"{observation['total']} total, {observation['replicas']} replicas desired; "
        f"{observation['oom_killed']} OOM-killed, {observation['crash_looping']} crash-looping, "
        f"{observation['throttled']} throttled",
        f"  requests: cpu {observation['cpu_request']}, memory {observation['memory_request']}; "
        f"limits: cpu {observation['cpu_limit'] or 'none'}, memory {observation['memory_limit'] or 'none'}",
    ]
    if action is not None:
        blocked = f" (blocked: {action['blocked_reason']})" if action["blocked"] else ""
        lines.append(f"  last action: {action['action']}{blocked}; reward {reward['reward']}")
    ending = "terminated (goal reached)" if reward["terminated"] else "truncated" if reward["truncated"] else "running"
    lines.append(f"  goal {observation['goal']}: {ending}")
    return "\n".join(lines)


class SimArenaEnv(gym.Env[npt.NDArray[Any], np.int64]):
    """One workload in a cluster trace, fixed one action at a time, exactly as ``bin/train.sh --fast``
    steps it.

    Settings are ``bin/train.sh``'s flags as keyword arguments (``trace``, ``traces``, ``deploy``,
    ``ns``, ``target``, ``reward``, ``goal``, ``Naction`` or ``n_actions``, ``steps``, ``duration``,
    ``cluster``, ``cpu_step``, ``mem_step``, ``replica_step``, ``cpu_min``/``cpu_max``,
    ``mem_min``/``mem_max``, ``replicas_min``/``replicas_max``).

    - ``reset(seed=S)`` plays the episode ``bin/train.sh --seed S`` plays first; ``reset()`` draws
      the episode's seed from ``np_random``, so the episodes after a seeded reset are seeded too.
      With ``traces`` (or several ``trace``), each episode's seed draws its scenario.
    - ``options={"trace": path}`` plays that trace instead; ``options={"cluster": path}`` switches
      to another cluster spec (``None``: each trace's own), recreating the native environment when
      it differs from the current one; it stays in force for later episodes.
    - ``terminated``: the goal is reached; ``truncated``: ``steps`` actions were taken without it.
    - ``info``: ``action_mask`` (int8, 1 = the safeguards let the action through) and the step's
      document: ``observation`` (observation.json), ``reward`` (reward.json), ``action``
      (action.json, ``None`` after a reset) and ``trace``. Encoding and parsing the document about
      halves the steps per second: ``documents=False`` leaves it out (``document()`` still gives it).
      Gymnasium's SyncVectorEnv and AsyncVectorEnv cannot batch the documents (their fields are
      null in some environments and numbers or objects in others): use ``documents=False`` there,
      or :class:`simarena.SimArenaVectorEnv`.
    """

    # render_fps: the pace a recorder would replay the text at, one step a second.
    metadata = {"render_modes": ["ansi"], "render_fps": 1}
    observation_space: spaces.Box
    action_space: spaces.Discrete

    def __init__(self, render_mode: str | None = None, documents: bool = True, **settings: Any) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode {render_mode!r} is not one of {self.metadata['render_modes']}")
        self.render_mode = render_mode
        self.documents = documents
        self._settings = dict(settings)
        self._native = NativeEnvironment(train_flags(self._settings))
        self.action_space = spaces.Discrete(self._native.action_count)
        self.observation_space = observation_space()
        self._observation = np.zeros(OBSERVATION_SIZE, dtype=np.float32)
        self._mask = np.zeros(self._native.action_count, dtype=np.uint8)
        self._outcome = np.zeros(1, dtype=np.float64)
        self._ends = np.zeros(2, dtype=np.uint8)
        self._addresses = (address(self._observation), address(self._mask), address(self._outcome),
                           address(self._ends), address(self._ends) + 1)

    @property
    def settings(self) -> dict[str, Any]:
        """The settings in force (the cluster last given to ``reset`` included)."""
        return dict(self._settings)

    def use_cluster(self, cluster: str | None) -> None:
        """Switches to another cluster spec, recreating the native environment if it differs."""
        if cluster == self._settings.get("cluster"):
            return
        settings = {**self._settings, "cluster": cluster}
        native = NativeEnvironment(train_flags(settings))
        self._native.close()
        self._native, self._settings = native, settings

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[npt.NDArray[np.float32], dict[str, Any]]:
        super().reset(seed=seed)
        chosen = check_options(options)
        if "cluster" in chosen:
            self.use_cluster(chosen["cluster"])
        observation, mask = self._addresses[:2]
        self._native.reset(episode_seed(seed, self.np_random), chosen.get("trace"), observation, mask)
        return self._observation.copy(), self._info()

    def step(self, action: SupportsInt) -> tuple[npt.NDArray[np.float32], float, bool, bool, dict[str, Any]]:
        index = int(action)
        if not 0 <= index < self._native.action_count:
            count = self._native.action_count
            raise UsageError(64, f"action {index} is outside the {count} actions (0 to {count - 1})")
        self._native.step(index, *self._addresses)
        terminated, truncated = bool(self._ends[0]), bool(self._ends[1])
        return self._observation.copy(), float(self._outcome[0]), terminated, truncated, self._info()

    def action_masks(self) -> npt.NDArray[np.bool_]:
        """The current action mask as booleans (sb3-contrib's MaskablePPO calls this)."""
        return self._mask.astype(bool)

    def render(self) -> str | None:
        """The last step as text (``render_mode="ansi"``); ``None`` without a render mode."""
        if self.render_mode is None:
            gym.logger.warn("render() without a render mode: make the environment with render_mode='ansi'")
            return None
        return describe(self.document())

    def close(self) -> None:
        """Frees the native environment; closing again does nothing."""
        self._native.close()

    def document(self) -> dict[str, Any]:
        """The last step's document: observation, reward, action (``None`` after a reset) and trace."""
        return self._native.document()

    def _info(self) -> dict[str, Any]:
        mask = self._mask.view(np.int8).copy()
        return {"action_mask": mask, **self._native.document()} if self.documents else {"action_mask": mask}
