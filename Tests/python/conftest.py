"""Shared paths and helpers for the Python package's tests (run by bin/test.sh in .venv)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRACES = ROOT / "demo" / "traces"


def train_records(scratch: Path, *flags: str) -> list[dict[str, Any]]:
    """Runs ``bin/train.sh --fast FLAGS`` into ``scratch`` and returns its step.jsonl records."""
    subprocess.run([str(ROOT / "bin" / "train.sh"), "--fast", "--no-plots", "--runs-dir", str(scratch / "runs"),
                    "--checkpoints-dir", str(scratch / "checkpoints"), *flags],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    (steps,) = (scratch / "runs").glob("*/step.jsonl")
    return [json.loads(line) for line in steps.read_text().splitlines()]


@pytest.fixture
def cluster_spec(tmp_path: Path) -> Path:
    """A cluster of one 64-CPU node, on which demo/traces/cpu-heavy's pods fit."""
    path = tmp_path / "big-node.json"
    path.write_text(json.dumps({"nodePools": [{"name": "big", "count": 1,
                                               "allocatable": {"cpu": "64", "memory": "256Gi", "pods": 110}}]}))
    return path
