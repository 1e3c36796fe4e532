"""The ctypes binding of libSimArenaEnv.so (Sources/SimArenaEnvABI/include/simarena_env.h, ABI 1).

The library is looked up, in order, next to this file (where ``pip install`` puts it), at
``$SIMARENA_LIB``, and in the repository's ``.build/release/`` (a source checkout used in place). Every
native failure becomes a :class:`SimArenaError` carrying the library's one-line message: a
``ValueError`` for a usage error (64) or bad data (65), a ``FileNotFoundError`` for missing
input (66).
"""

from __future__ import annotations

import ctypes
import json
import os
import weakref
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import numpy.typing as npt

ABI_VERSION = 1
LIBRARY_NAME = "libSimArenaEnv.so"


class SimArenaError(Exception):
    """A failure reported by the library; ``code`` is its sysexits exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class UsageError(SimArenaError, ValueError):
    """Exit code 64: a bad flag or call (unknown flag, action out of range, step after the end)."""


class DataError(SimArenaError, ValueError):
    """Exit code 65: input that does not read (a corrupt trace, a workload that is not there)."""


class MissingInputError(SimArenaError, FileNotFoundError):
    """Exit code 66: a trace, cluster spec or folder that does not exist."""


def error(code: int, message: str) -> SimArenaError:
    """The exception for a native exit code and message."""
    kinds: dict[int, type[SimArenaError]] = {64: UsageError, 65: DataError, 66: MissingInputError}
    return kinds.get(code, SimArenaError)(code, message or f"the environment library failed with exit code {code}")


def _candidates() -> list[Path]:
    here = Path(__file__).resolve().parent
    found = [here / LIBRARY_NAME]
    if os.environ.get("SIMARENA_LIB"):
        found.append(Path(os.environ["SIMARENA_LIB"]))
    found.append(here.parent.parent / ".build" / "release" / LIBRARY_NAME)
    return found


def _load() -> ctypes.CDLL:
    candidates = _candidates()
    path = next((candidate for candidate in candidates if candidate.is_file()), None)
    if path is None:
        tried = ", ".join(str(candidate) for candidate in candidates)
        raise ImportError(f"{LIBRARY_NAME} not found (tried {tried}); run bin/build.sh or set SIMARENA_LIB")
    library = ctypes.CDLL(str(path))
    library.sa_env_abi_version.restype = ctypes.c_int32
    library.sa_env_abi_version.argtypes = []
    version = library.sa_env_abi_version()
    if version != ABI_VERSION:
        raise ImportError(f"{path} implements ABI version {version}; this package needs {ABI_VERSION}")
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "sa_env_create": (ctypes.c_void_p, [ctypes.c_int32, ctypes.POINTER(ctypes.c_char_p),
                                            ctypes.POINTER(ctypes.c_int32), ctypes.c_char_p, ctypes.c_size_t]),
        "sa_env_observation_size": (ctypes.c_int32, [ctypes.c_void_p]),
        "sa_env_action_count": (ctypes.c_int32, [ctypes.c_void_p]),
        "sa_env_reset": (ctypes.c_int32, [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p]),
        "sa_env_step": (ctypes.c_int32, [ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p,
                                         ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]),
        "sa_env_step_many": (ctypes.c_int32, [ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int32,
                                              ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                              ctypes.c_void_p, ctypes.POINTER(ctypes.c_int32)]),
        "sa_env_info_json": (ctypes.c_int64, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]),
        "sa_env_last_error": (ctypes.c_char_p, [ctypes.c_void_p]),
        "sa_env_close": (None, [ctypes.c_void_p]),
    }
    for name, (result, arguments) in signatures.items():
        function = getattr(library, name)
        function.restype = result
        function.argtypes = arguments
    return library


LIBRARY = _load()


def address(array: npt.NDArray[Any]) -> int:
    """The address of a C-contiguous array's first element, for the library to write to."""
    if not array.flags.c_contiguous:
        raise ValueError("the library needs a C-contiguous buffer")
    return int(array.ctypes.data)


class NativeEnvironment:
    """One ``sa_env``: made from ``bin/train.sh``'s flags, freed on :meth:`close` or when collected.

    Reset and step write into buffers the caller owns (addresses of numpy arrays), so nothing is
    allocated per step on either side.
    """

    def __init__(self, flags: Sequence[str]) -> None:
        arguments = (ctypes.c_char_p * len(flags))(*(flag.encode() for flag in flags))
        code = ctypes.c_int32(0)
        message = ctypes.create_string_buffer(1024)
        handle = LIBRARY.sa_env_create(len(flags), arguments, ctypes.byref(code), message, len(message))
        if not handle:
            raise error(code.value, message.value.decode(errors="replace"))
        self.handle: int = handle
        self.observation_size: int = LIBRARY.sa_env_observation_size(handle)
        self.action_count: int = LIBRARY.sa_env_action_count(handle)
        self._document = ctypes.create_string_buffer(1 << 16)
        self._close = weakref.finalize(self, LIBRARY.sa_env_close, ctypes.c_void_p(handle))

    @property
    def closed(self) -> bool:
        return not self._close.alive

    def _live_handle(self) -> int:
        if self.closed:
            raise RuntimeError("the environment is closed")
        return self.handle

    def check(self, code: int) -> None:
        """Raises the error of a failed call (code ≠ 0) on this environment."""
        if code != 0:
            message = LIBRARY.sa_env_last_error(self.handle)
            raise error(code, message.decode(errors="replace") if message else "")

    def reset(self, seed: int, trace: str | None, observation: int, mask: int) -> None:
        """Starts the episode ``bin/train.sh --seed SEED`` plays first, on ``trace`` if given."""
        handle = self._live_handle()
        encoded = None if trace is None else os.fsencode(trace)
        self.check(LIBRARY.sa_env_reset(handle, seed, encoded, observation, mask))

    def step(self, action: int, observation: int, mask: int, reward: int, terminated: int, truncated: int) -> None:
        """Applies ``action``; the results go to the given addresses."""
        self.check(LIBRARY.sa_env_step(self._live_handle(), action, observation, mask, reward, terminated, truncated))

    def document(self) -> dict[str, Any]:
        """The last step as one JSON document: observation, reward, action and trace."""
        handle = self._live_handle()
        length = LIBRARY.sa_env_info_json(handle, self._document, len(self._document))
        if length < 0:
            raise UsageError(64, "no step yet: reset the environment first")
        if length >= len(self._document):
            self._document = ctypes.create_string_buffer(length + 1)
            LIBRARY.sa_env_info_json(handle, self._document, len(self._document))
        document: dict[str, Any] = json.loads(ctypes.string_at(self._document, length))
        return document

    def close(self) -> None:
        """Frees the native environment; later calls are no-ops."""
        self._close()


def step_many(handles: npt.NDArray[np.uintp], actions: npt.NDArray[np.int32], threads: int,
              observations: npt.NDArray[np.float32], masks: npt.NDArray[np.uint8], rewards: npt.NDArray[np.float64], terminated: npt.NDArray[np.uint8], truncated: npt.NDArray[np.uint8]) -> None:
    """Steps the environments whose handles are ``handles``, environment i with ``actions[i]``, in
    one native call on up to ``threads`` threads (0: one per processor), writing row i of each
    array for environment i."""
    failed = ctypes.c_int32(-1)
    code = LIBRARY.sa_env_step_many(address(handles), len(handles), address(actions), threads, address(observations),
                                    address(masks), address(rewards), address(terminated), address(truncated),
                                    ctypes.byref(failed))
    if code != 0:
        index = failed.value
        message = LIBRARY.sa_env_last_error(int(handles[index])) if 0 <= index < len(handles) else None
        text = message.decode(errors="replace") if message else ""
        raise error(code, f"environment {index}: {text}" if text else f"environment {index} failed")
