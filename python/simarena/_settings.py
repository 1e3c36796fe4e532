"""Keyword arguments as ``bin/train.sh`` flags: the one mapping from Python settings to a run's.

``make_env(trace="x.msgpack", Naction=7, cpu_step="250m")`` is ``bin/train.sh --trace x.msgpack
--Naction 7 --cpu-step 250m``. A setting of ``None`` is left out (the flag's default). ``trace``
may be a list (``--trace`` repeated).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

FLAGS: dict[str, str] = {
    "trace": "--trace",
    "traces": "--traces",
    "deploy": "--deploy",
    "ns": "--ns",
    "target": "--target",
    "reward": "--reward",
    "goal": "--goal",
    "Naction": "--Naction",
    "n_actions": "--Naction",
    "steps": "--steps",
    "duration": "--duration",
    "cluster": "--cluster",
    "cpu_step": "--cpu-step",
    "mem_step": "--mem-step",
    "replica_step": "--replica-step",
    "cpu_min": "--cpu-min",
    "cpu_max": "--cpu-max",
    "mem_min": "--mem-min",
    "mem_max": "--mem-max",
    "replicas_min": "--replicas-min",
    "replicas_max": "--replicas-max",
}


def _text(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, os.PathLike)):
        raise TypeError(f"{name}: expected a string, path or number, got {type(value).__name__}")
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def train_flags(settings: Mapping[str, Any]) -> list[str]:
    """The ``bin/train.sh`` flags for ``settings``; an unknown name is a ``TypeError`` naming it."""
    unknown = [name for name in settings if name not in FLAGS]
    if unknown:
        known = ", ".join(sorted(FLAGS))
        raise TypeError(f"unknown setting {unknown[0]!r} (settings: {known})")
    if settings.get("Naction") is not None and settings.get("n_actions") is not None:
        raise TypeError("give Naction or n_actions, not both")
    flags: list[str] = []
    for name, value in settings.items():
        if value is None:
            continue
        values = value if name == "trace" and isinstance(value, (list, tuple)) else [value]
        for item in values:
            flags += [FLAGS[name], _text(name, item)]
    return flags
