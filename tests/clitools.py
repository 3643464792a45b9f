"""Running the installed console script in a subprocess, as users and editors run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
SCRIPT = str(BIN / "fastapi-lint")

BAD = """\
import time

import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index():
    time.sleep(1)
    return requests.get("https://example.org").json()
"""

CLEAN = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index():
    return {"ok": True}
"""


def cli(
    *args: str,
    cwd: Path,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `fastapi-lint ARGS`; text in and out (use `cli_bytes` for byte-exact stdout)."""
    env = {k: v for k, v in (os.environ if env is None else env).items() if k != "NO_COLOR"}
    return subprocess.run(
        [SCRIPT, *args], cwd=cwd, capture_output=True, text=True, env=env, input=stdin, timeout=120
    )


def cli_bytes(*args: str, cwd: Path, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([SCRIPT, *args], cwd=cwd, capture_output=True, input=stdin, timeout=120)
