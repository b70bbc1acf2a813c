"""Programs and files the tests need from Debian's packages, installed when missing, as on a user's machine."""

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SBIN = "/usr/sbin:/usr/local/sbin"


def program(name: str, package: str) -> str:
    """The path of `name`, installing `package` first when it is missing."""
    return _installed(lambda: shutil.which(name) or shutil.which(name, path=SBIN), package)


def installed_file(path: Path, package: str) -> Path:
    """`path` (a font, say), installing `package` first when it is missing."""
    return _installed(lambda: path if path.exists() else None, package)


def _installed(found, package: str):
    """What `found()` finds, installing `package` first when it finds nothing; test workers take turns at apt."""
    with open(Path(tempfile.gettempdir()) / "hubei_data_apt.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if found():
            return found()
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
        if subprocess.run(install, env=env, capture_output=True).returncode:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=True)
            subprocess.run(install, env=env, capture_output=True, check=True)
        return found()
