"""`fastapi-lint check --watch`: a real process, a real file change, bounded in time."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from clitools import CLEAN, SCRIPT

# Every test runs `check --watch` in a process of its own.
pytestmark = pytest.mark.slow

SLEEPY = "import time\n\n\nasync def pause():\n    time.sleep(1)\n"
DEADLINE = 60.0  # seconds for the whole test; a change is normally seen in about two


def _reader(stream, lines: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        lines.put(line)


def _wait_for(lines: queue.Queue[str], needle: str, until: float, seen: list[str]) -> bool:
    while time.monotonic() < until:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return True
    return False


def test_watch_rechecks_after_a_change(tmp_path: Path):
    pytest.importorskip("watchfiles")
    (tmp_path / "app").mkdir()
    target = tmp_path / "app" / "main.py"
    target.write_text(CLEAN)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [SCRIPT, "check", "--watch", "app"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    out: queue.Queue[str] = queue.Queue()
    err: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, out), daemon=True).start()
    threading.Thread(target=_reader, args=(process.stderr, err), daemon=True).start()
    seen: list[str] = []
    until = time.monotonic() + DEADLINE
    try:
        assert _wait_for(out, "All checks passed!", until, seen), seen
        # The watcher starts right after the first check; until it does, a change can be
        # missed, so the change is repeated until the new finding shows (or time runs out).
        found = False
        while not found and time.monotonic() < until:
            target.write_text(SLEEPY)
            found = _wait_for(
                out, "app/main.py:5:5: FAL102", min(until, time.monotonic() + 5), seen
            )
        assert found, seen
        assert process.poll() is None  # still watching
        messages = []
        while not err.empty():
            messages.append(err.get())
        assert any("File change detected; checking again." in m for m in messages), messages
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_watch_without_watchfiles_is_a_clear_error(tmp_path: Path):
    code = (
        "import sys\n"
        "sys.modules['watchfiles'] = None  # what an environment without the package looks like\n"
        "from fastapi_lint.cli import main\n"
        "main(['check', '--watch', '.'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: --watch needs the watchfiles package: pip install 'fastapi-lint[watch]'\n"
    )
