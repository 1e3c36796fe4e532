"""A client of ``sa-env``: Sim-Arena environments in another process, over its standard input and
output, with the batched binary protocol of docs/gymnasium.md (version 1).

    with SaEnvClient(".build/release/sa-env") as client:
        ids = [client.create(traces="demo/traces", Naction=7) for _ in range(8)]
        observations, masks = client.reset(ids, seeds=range(8))
        observations, masks, rewards, terminated, truncated = client.step(ids, [0] * 8)

The environments are the in-process ones (same settings, seeds and actions: the same steps); the
process boundary isolates them, and other languages can speak the same protocol.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from simarena._native import error
from simarena._settings import train_flags
from simarena.env import OBSERVATION_SIZE

PROTOCOL_VERSION = 1

_HELLO, _CREATE, _RESET, _STEP, _INFO, _CLOSE = range(6)


def default_executable() -> str:
    """The ``sa-env`` packaged beside the library (``pip install ./python``), else the one on
    the PATH, else the repository's ``.build/release/sa-env`` (a source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sa-env", shutil.which("sa-env"), here.parent.parent / ".build" / "release" / "sa-env"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    raise FileNotFoundError("sa-env is neither packaged, on the PATH nor built in .build/release: run bin/build.sh")


def _text(value: str) -> bytes:
    encoded = value.encode()
    return struct.pack("<I", len(encoded)) + encoded


class SaEnvClient:
    """One ``sa-env`` process and the environments made in it (by id).

    Failures are the exceptions of the in-process door (``ValueError`` for 64 and 65,
    ``FileNotFoundError`` for 66) with the server's message; a batch that fails in one environment
    names it (``environment ID: …``), and the environments before it in the batch have moved on.
    """

    def __init__(self, executable: str | None = None, threads: int = 0) -> None:
        self._process = subprocess.Popen([executable or default_executable(), "--threads", str(threads)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._actions: dict[int, int] = {}
        (version,) = struct.unpack("<I", self._request(bytes([_HELLO])))
        if version != PROTOCOL_VERSION:
            self.close()
            raise RuntimeError(f"sa-env speaks protocol {version}; this client speaks {PROTOCOL_VERSION}")

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None or stdin.closed:
            raise RuntimeError("the sa-env client is closed")
        return stdin, stdout

    def _request(self, payload: bytes) -> bytes:
        """Sends one request frame and returns the reply's data, raising the reply's error."""
        stdin, stdout = self._pipes()
        stdin.write(struct.pack("<I", len(payload)) + payload)
        stdin.flush()
        header = stdout.read(4)
        if len(header) < 4:
            raise RuntimeError(f"sa-env ended (exit status {self._process.wait()})")
        (length,) = struct.unpack("<I", header)
        reply = stdout.read(length)
        if len(reply) < length or length == 0:
            raise RuntimeError(f"sa-env sent a short reply (exit status {self._process.poll()})")
        if reply[0] != 0:
            raise error(reply[0], reply[1:].decode(errors="replace"))
        return reply[1:]

    def create(self, **settings: Any) -> int:
        """Makes an environment from ``SimArenaEnv``'s settings; returns its id."""
        flags = train_flags(settings)
        payload = bytes([_CREATE]) + struct.pack("<I", len(flags)) + b"".join(_text(flag) for flag in flags)
        identifier, size, actions = struct.unpack("<III", self._request(payload))
        if size != OBSERVATION_SIZE:
            raise RuntimeError(f"sa-env's observations have {size} features; this client reads {OBSERVATION_SIZE}")
        self._actions[identifier] = actions
        return int(identifier)

    def action_count(self, identifier: int) -> int:
        """The number of actions of environment ``identifier``."""
        return self._actions[identifier]

    def _width(self, identifiers: Sequence[int]) -> int:
        widths = {self._actions[identifier] for identifier in identifiers}
        if len(widths) != 1:
            raise ValueError("a batch's environments must have the same action count")
        return widths.pop()

    def reset(self, identifiers: Sequence[int], seeds: Iterable[int],
              traces: Sequence[str | None] | None = None) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.uint8]]:
        """Starts an episode in each environment (seed i, and trace i or one of the configured
        traces); returns the first observations (count × 17) and action masks (count × actions)."""
        seeds = list(seeds)
        paths = list(traces) if traces is not None else [None] * len(identifiers)
        if not len(seeds) == len(paths) == len(identifiers):
            raise ValueError("give one seed (and trace) per environment")
        width = self._width(identifiers)
        payload = bytearray([_RESET]) + struct.pack("<I", len(identifiers))
        for identifier, seed, trace in zip(identifiers, seeds, paths):
            payload += struct.pack("<IQ", identifier, seed) + _text(trace or "")
        record = np.dtype([("observation", "<f4", OBSERVATION_SIZE), ("mask", "u1", width)])
        replies = np.frombuffer(self._request(bytes(payload)), dtype=record)
        return replies["observation"].copy(), replies["mask"].copy()

    def step(self, identifiers: Sequence[int], actions: Sequence[int] | npt.NDArray[np.integer[Any]]) -> tuple[
            npt.NDArray[np.float32], npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.bool_],
            npt.NDArray[np.bool_]]:
        """Steps environment i with action i, all in one request; returns observations, masks,
        rewards, terminated and truncated, one row each."""
        if len(actions) != len(identifiers):
            raise ValueError("give one action per environment")
        width = self._width(identifiers)
        request = np.empty(len(identifiers), dtype=[("id", "<u4"), ("action", "<i4")])
        request["id"], request["action"] = identifiers, actions
        payload = bytes([_STEP]) + struct.pack("<I", len(identifiers)) + request.tobytes()
        record = np.dtype([("observation", "<f4", OBSERVATION_SIZE), ("mask", "u1", width), ("reward", "<f8"),
                           ("terminated", "u1"), ("truncated", "u1")])
        replies = np.frombuffer(self._request(payload), dtype=record)
        return (replies["observation"].copy(), replies["mask"].copy(), replies["reward"].copy(),
                replies["terminated"].astype(np.bool_), replies["truncated"].astype(np.bool_))

    def info(self, identifier: int) -> dict[str, Any]:
        """Environment ``identifier``'s last step document (observation, reward, action, trace)."""
        document: dict[str, Any] = json.loads(self._request(bytes([_INFO]) + struct.pack("<I", identifier)))
        return document

    def close_environment(self, identifier: int) -> None:
        """Frees one environment in the server."""
        self._request(bytes([_CLOSE]) + struct.pack("<I", identifier))
        del self._actions[identifier]

    def close(self) -> None:
        """Ends the server (end of input) and waits for it; closing again does nothing."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> SaEnvClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
