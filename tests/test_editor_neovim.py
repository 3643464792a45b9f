"""One real editor: headless Neovim's built-in LSP client opens a file with `fastapi-lint
server` and receives its diagnostic. CI installs Neovim from the system packages (.ci/run);
elsewhere the test is skipped when `nvim` is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from clitools import SCRIPT

pytest.importorskip("pygls")

pytestmark = pytest.mark.slow

CHECK = Path(__file__).parent / "data" / "neovim_lsp_check.lua"


def test_neovim_receives_a_diagnostic(tmp_path: Path):
    nvim = shutil.which("nvim")
    if nvim is None:
        if os.environ.get("CI"):
            pytest.fail("nvim is not installed; .ci/run installs it")
        pytest.skip("nvim is not installed (apt-get install neovim)")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "jobs.py").write_text(
        "import time\n\n\nasync def wait():\n    time.sleep(1)\n"
    )
    out = tmp_path / "diagnostics.txt"
    env = {
        **os.environ,
        "FL_OUT": str(out),
        "FL_SERVER": SCRIPT,
        "FL_FILE": "app/jobs.py",
        "HOME": str(tmp_path),  # no user configuration, no shada written outside the test
    }
    subprocess.run(
        [nvim, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {CHECK}"],
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=True,
        capture_output=True,
    )
    lines = out.read_text().splitlines()
    assert lines == [
        "5:5 FAL102 `time.sleep()` blocks the event loop in async function `wait`; "
        "use `await asyncio.sleep()`"
    ]
