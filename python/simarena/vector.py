"""SimArenaVectorEnv: N Sim-Arena environments stepped in one native call (``sa_env_step_many``)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import numpy.typing as npt
from gymnasium import spaces
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from simarena._native import NativeEnvironment, UsageError, address, step_many
from simarena._settings import train_flags
from simarena.env import OBSERVATION_SIZE, check_options, describe, episode_seed, observation_space


class SimArenaVectorEnv(VectorEnv[npt.NDArray[np.float32], npt.NDArray[np.int64], npt.NDArray[Any]]):
    """``num_envs`` copies of :class:`simarena.SimArenaEnv` with the same settings, stepped together:
    one ``step`` is one call into the library, which runs the environments on up to ``threads``
    threads (0: one per processor) and writes into this object's arrays.

    Autoreset: Gymnasium's ``NEXT_STEP`` mode. The step after an environment terminated or was
    truncated resets it (its action is ignored; its reward is 0 and its flags false) and returns
    the new episode's first observation. Each environment keeps its own ``np_random``:
    ``reset(seed=S)`` seeds environment i with S + i (or a list, one seed each), and the episodes
    it starts later draw their seeds from it, so this steps exactly as a
    ``gymnasium.vector.SyncVectorEnv`` of ``SimArenaEnv`` seeded the same way.

    ``reset`` takes the options of ``SimArenaEnv.reset`` (for every environment reset) and
    ``reset_mask`` (a bool array: reset only those). ``infos`` holds ``action_mask`` (num_envs ×
    actions, int8) and ``_action_mask``; :meth:`documents` gives each environment's step document.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 1, "autoreset_mode": AutoresetMode.NEXT_STEP}
    single_action_space: spaces.Discrete

    def __init__(self, num_envs: int, *, threads: int = 0, render_mode: str | None = None, **settings: Any) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        if threads < 0:
            raise ValueError(f"threads must be 0 (one per processor) or more, got {threads}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode {render_mode!r} is not one of {self.metadata['render_modes']}")
        self.num_envs = num_envs
        self.threads = threads
        self.render_mode = render_mode
        self._settings = dict(settings)
        self._natives = self._create(self._settings)
        actions = self._natives[0].action_count
        self.single_action_space = spaces.Discrete(actions)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.single_observation_space = observation_space()
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self._actions = np.zeros(num_envs, dtype=np.int32)
        self._observations = np.zeros((num_envs, OBSERVATION_SIZE), dtype=np.float32)
        self._masks = np.zeros((num_envs, actions), dtype=np.uint8)
        self._rewards = np.zeros(num_envs, dtype=np.float64)
        self._terminated = np.zeros(num_envs, dtype=np.uint8)
        self._truncated = np.zeros(num_envs, dtype=np.uint8)
        self._autoreset = np.zeros(num_envs, dtype=np.bool_)
        self._rngs: list[np.random.Generator | None] = [None] * num_envs

    def _create(self, settings: dict[str, Any]) -> list[NativeEnvironment]:
        flags = train_flags(settings)
        natives = [NativeEnvironment(flags) for _ in range(self.num_envs)]
        self._handles = np.array([native.handle for native in natives], dtype=np.uintp)
        return natives

    def _seeds(self, seed: int | Sequence[int | None] | None) -> list[int | None]:
        if seed is None:
            return [None] * self.num_envs
        if isinstance(seed, (int, np.integer)):
            return [int(seed) + index for index in range(self.num_envs)]
        seeds = list(seed)
        if len(seeds) != self.num_envs:
            raise ValueError(f"{len(seeds)} seeds for {self.num_envs} environments")
        return seeds

    def _reset_one(self, index: int, seed: int | None, trace: str | None) -> None:
        rng = self._rngs[index]
        if seed is not None or rng is None:
            rng = self._rngs[index] = seeding.np_random(seed)[0]
        self._natives[index].reset(episode_seed(seed, rng), trace, address(self._observations[index]),
                                   address(self._masks[index]))

    def reset(self, *, seed: int | Sequence[int | None] | None = None,
              options: dict[str, Any] | None = None) -> tuple[npt.NDArray[np.float32], dict[str, Any]]:
        if isinstance(seed, (int, np.integer)):
            super().reset(seed=int(seed))
        options = dict(options or {})
        reset_mask = options.pop("reset_mask", None)
        chosen = check_options(options)
        seeds = self._seeds(seed)
        if reset_mask is None:
            which = np.arange(self.num_envs)
        else:
            reset_mask = np.asarray(reset_mask)
            if reset_mask.dtype != np.bool_ or reset_mask.shape != (self.num_envs,):
                raise ValueError(f"reset_mask must be a bool array of shape ({self.num_envs},)")
            which = np.flatnonzero(reset_mask)
        if "cluster" in chosen and chosen["cluster"] != self._settings.get("cluster"):
            if len(which) != self.num_envs:
                raise ValueError("a new cluster recreates every environment: reset them all (no reset_mask)")
            settings = {**self._settings, "cluster": chosen["cluster"]}
            natives = self._create(settings)
            self._close_natives()
            self._natives, self._settings = natives, settings
        for index in which:
            self._reset_one(int(index), seeds[index], chosen.get("trace"))
        self._autoreset[which] = False
        return self._observations.copy(), self._infos()

    def step(self, actions: npt.ArrayLike) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float64],
                                                     npt.NDArray[np.bool_], npt.NDArray[np.bool_], dict[str, Any]]:
        chosen = np.asarray(actions)
        count = self.single_action_space.n
        if chosen.shape != (self.num_envs,):
            raise ValueError(f"actions must have shape ({self.num_envs},), got {chosen.shape}")
        if chosen.min() < 0 or chosen.max() >= count:
            raise UsageError(64, f"actions must be between 0 and {count - 1}, got {chosen.tolist()}")
        np.copyto(self._actions, chosen, casting="unsafe")
        if not self._autoreset.any():
            step_many(self._handles, self._actions, self.threads, self._observations, self._masks, self._rewards,
                      self._terminated, self._truncated)
        else:
            self._step_some(np.flatnonzero(~self._autoreset))
            for index in np.flatnonzero(self._autoreset):
                self._reset_one(int(index), None, None)
            self._rewards[self._autoreset] = 0.0
            self._terminated[self._autoreset] = 0
            self._truncated[self._autoreset] = 0
        terminated = self._terminated.astype(np.bool_)
        truncated = self._truncated.astype(np.bool_)
        self._autoreset = terminated | truncated
        return self._observations.copy(), self._rewards.copy(), terminated, truncated, self._infos()

    def _step_some(self, active: npt.NDArray[np.intp]) -> None:
        """Steps the environments at ``active`` (those not being reset), scattering their results."""
        if active.size == 0:
            return
        observations = np.empty((active.size, OBSERVATION_SIZE), dtype=np.float32)
        masks = np.empty((active.size, self._masks.shape[1]), dtype=np.uint8)
        rewards = np.empty(active.size, dtype=np.float64)
        terminated = np.empty(active.size, dtype=np.uint8)
        truncated = np.empty(active.size, dtype=np.uint8)
        step_many(self._handles[active], self._actions[active], self.threads, observations, masks, rewards,
                  terminated, truncated)
        self._observations[active] = observations
        self._masks[active] = masks
        self._rewards[active] = rewards
        self._terminated[active] = terminated
        self._truncated[active] = truncated

    def documents(self) -> list[dict[str, Any]]:
        """Each environment's last step document (observation, reward, action, trace), as
        ``SimArenaEnv``'s ``info`` holds it."""
        return [native.document() for native in self._natives]

    def action_masks(self) -> npt.NDArray[np.bool_]:
        """The current action masks (num_envs × actions) as booleans."""
        return self._masks.astype(np.bool_)

    def render(self) -> tuple[str, ...] | None:
        """Each environment's last step as text (``render_mode="ansi"``)."""
        if self.render_mode is None:
            return None
        return tuple(describe(document) for document in self.documents())

    def close_extras(self, **kwargs: Any) -> None:
        self._close_natives()

    def _close_natives(self) -> None:
        for native in self._natives:
            native.close()

    def _infos(self) -> dict[str, Any]:
        return {"action_mask": self._masks.view(np.int8).copy(), "_action_mask": np.ones(self.num_envs, dtype=np.bool_)}
