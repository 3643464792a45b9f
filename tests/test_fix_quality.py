"""Fixes a reviewer accepts as they are: the fixed code runs as meant, and ruff finds nothing
the fix brought in (bench/fix_quality.py measures the same on the corpus).

The module below has the bugs the fixes are for: a route whose parameter is misnamed (FAL504:
the path value is thrown away and the query parameter is required), a blocking sleep (FAL102)
and a `run_in_executor` on a loop fetched only for it (FAL108). The real command line fixes a
copy; the original and the fixed module are then run by the real interpreter, with FastAPI's
test client.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "fastapi-lint"
RUFF = Path(sys.executable).parent / "ruff"

APP = textwrap.dedent(
    '''
    """Thumbnails."""

    import asyncio
    import time

    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    app = FastAPI()


    def render(name: str, size: int) -> str:
        return f"{name}@{size}"


    @app.get("/thumbs/{thumb_id}")
    async def thumb(thumbid: str, size: int = 64):
        loop = asyncio.get_running_loop()

        return {"thumb": await loop.run_in_executor(None, render, thumbid, size)}


    @app.get("/ready")
    async def ready():
        time.sleep(0.01)
        return {"ready": True}


    def exercise():
        client = TestClient(app)
        thumb = client.get("/thumbs/a1", params={"size": 32})
        return [thumb.status_code, thumb.json(), client.get("/ready").json()]
    '''
).lstrip()


def _exercise(path: Path) -> list:
    code = "import json, runpy, sys; print(json.dumps(runpy.run_path(sys.argv[1])['exercise']()))"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _ruff(path: Path) -> list[str]:
    select = ["--select", "F401,F841,I001,E1,E9", "--output-format", "concise"]
    proc = subprocess.run(
        [str(RUFF), "check", "--isolated", "--preview", *select, "--no-cache", str(path)],
        capture_output=True,
        text=True,
    )
    return [line for line in proc.stdout.splitlines() if line.startswith(str(path))]


@pytest.mark.slow
def test_fixed_app_runs_as_meant_and_leaves_nothing_dead(tmp_path: Path):
    original = tmp_path / "original.py"
    original.write_text(APP)
    fixed = tmp_path / "fixed.py"
    fixed.write_text(APP)
    command = [str(SCRIPT), "check", "--select", "FAL102,FAL108,FAL504"]
    command += ["--fix", "--unsafe-fixes", "--no-cache", "-q", str(fixed)]
    subprocess.run(command, capture_output=True, text=True)
    # The second run has nothing left to fix or report.
    proc = subprocess.run(command, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    text = fixed.read_text()
    assert "async def thumb(thumb_id: str, size: int = 64):" in text
    assert "await asyncio.to_thread(render, thumb_id, size)" in text
    assert "await asyncio.sleep(0.01)" in text
    assert "get_running_loop" not in text and "import time" not in text

    # The original throws the path value away and requires a query parameter instead.
    status, _, ready = _exercise(original)
    assert status == 422 and ready == {"ready": True}
    assert _exercise(fixed) == [200, {"thumb": "a1@32"}, {"ready": True}]

    # Nothing the fix made unused or out of order, and ruff found nothing before either.
    assert _ruff(original) == []
    assert _ruff(fixed) == []


def test_fix_quality_measures_lint_and_format_per_hunk():
    """The bench script's measure on a small pair: a hunk the formatter would rewrite after
    the fix and not before counts as worse; identical hunks do not."""
    spec = importlib.util.spec_from_file_location("fix_quality", ROOT / "bench" / "fix_quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fix_quality"] = module
    spec.loader.exec_module(module)
    before = ["def f(a, b=1):", "    return a"]
    after = ["def f(a, b = 1):", "    return a"]
    formatted = ["def f(a, b=1):", "    return a"]
    assert module.touched(before, formatted) == set()
    assert module.touched(after, formatted) == {0}
    assert module.fix_hunks(before, after) == [(0, 1, 0, 1)]
    # A hunk is one of the unified diff: changes less than seven lines apart are one.
    lines = [f"x{i} = {i}" for i in range(20)]
    changed = [*lines[:2], "x2 = 0", *lines[3:6], "x6 = 0", *lines[7:19], "x19 = 0"]
    assert module.diff_hunks(lines, changed) == [
        [(2, 3, 2, 3), (6, 7, 6, 7)],
        [(19, 20, 19, 20)],
    ]
    # A file in single quotes, against ruff's default double quotes: judged with its own.
    single = b"x = 'a'\n"
    ruff_formatted = module.ruff_formatted
    assert ruff_formatted(RUFF, ROOT, "x.py", single) == ['x = "a"']
    assert ruff_formatted(RUFF, ROOT, "x.py", single, module.PRESERVE_QUOTES) == ["x = 'a'"]
    listing = "Fixed 3 errors:\n- app/a.py:\n    2 × FAL503 (x)\n- b.py:\n    1 × FAL102 (y)\n"
    assert module.fixes_per_file(listing) == {"app/a.py": ["FAL503"], "b.py": ["FAL102"]}


def test_imports_two_fixes_add_to_a_new_section_share_its_blank_line():
    """FAL201 needs `contextlib`, FAL503 `typing`, in the same pass, in a file without a
    standard-library section: one section, sorted, one blank line."""
    from fastapi_lint.diagnostics import Edit, Fix
    from fastapi_lint.fixes import apply_fixes

    text = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    typing = Fix((Edit(0, 0, "from typing import Annotated\n\n"),))
    contextlib = Fix((Edit(0, 0, "from contextlib import asynccontextmanager\n\n"),))
    fixed, _ = apply_fixes(text, [("FAL503", typing), ("FAL201", contextlib)])
    assert fixed == (
        "from contextlib import asynccontextmanager\nfrom typing import Annotated\n\n" + text
    )
    # Anything else at the same offset is left as it was.
    other = Fix((Edit(0, 0, "# note\n"),))
    fixed, _ = apply_fixes(text, [("FAL503", typing), ("X", other)])
    assert fixed == "from typing import Annotated\n\n# note\n" + text
