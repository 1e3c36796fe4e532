"""Packages libSimArenaEnv.so (and the sa-env server beside it) with the Python code:
``pip install ./python`` from the repository.

The library is ``$SIMARENA_LIB`` when set; else the repository's (python/ lives in it) is built,
or brought up to date, by ``bin/build.sh`` (quick when nothing changed) and taken from
``.build/release/``. ``sa-env`` is packaged when it is in the library's folder. The wheel is
platform-specific since it holds native code.
"""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

LIBRARY = "libSimArenaEnv.so"
SERVER = "sa-env"
REPOSITORY = Path(__file__).resolve().parent.parent


def library() -> Path:
    """The library to package, built first when it comes from the repository."""
    given = os.environ.get("SIMARENA_LIB")
    if given:
        path = Path(given)
        if not path.is_file():
            raise SystemExit(f"SIMARENA_LIB={given}: no such file")
        return path
    build = REPOSITORY / "bin" / "build.sh"
    if not build.is_file():
        raise SystemExit(f"{build} not found: install from a Sim-Arena checkout, or set SIMARENA_LIB to {LIBRARY}")
    subprocess.run([str(build), "--quiet"], check=True)
    return REPOSITORY / ".build" / "release" / LIBRARY


class BuildWithLibrary(build_py):
    """build_py that also puts the native library (and sa-env, when built beside it) into the package."""

    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "simarena"
        package.mkdir(parents=True, exist_ok=True)
        native = library()
        shutil.copyfile(native, package / LIBRARY)
        server = native.parent / SERVER
        if server.is_file():
            shutil.copyfile(server, package / SERVER)
            (package / SERVER).chmod(0o755)


class BinaryDistribution(Distribution):
    """A distribution with a native library: its wheel is tagged for this platform."""

    def has_ext_modules(self) -> bool:
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
