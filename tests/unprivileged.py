"""Running the CLI without root's power to ignore permissions, for the permission tests.

CI runs as root, for whom `chmod` denies nothing: the CLI is run there with every capability
dropped (`setpriv`), so root is bound by file modes like anyone else (it still owns what it
owns). As another user, the CLI is run as is.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

import pytest
from clitools import SCRIPT

DROP = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all", "--"]


@functools.cache
def prefix() -> list[str] | None:
    """The command prefix that makes file modes apply; None when the platform cannot."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        return None
    probe = subprocess.run(
        [*DROP, "sh", "-c", "grep CapEff /proc/self/status"], capture_output=True, text=True
    )
    if probe.returncode != 0 or "0000000000000000" not in probe.stdout:
        return None
    return DROP


def needs_permissions() -> list[str]:
    found = prefix()
    if found is None:
        pytest.skip("running as root without setpriv able to drop capabilities: modes do not apply")
    return found


def cli_bound(*args: str, cwd, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`fastapi-lint ARGS`, bound by file modes."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [*needs_permissions(), SCRIPT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
