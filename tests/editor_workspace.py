"""The small workspace the editor-side tests open: `app/routes.py` calls a helper of
`app/helpers.py` that blocks (FAL106 across modules, selected in the workspace's pyproject) and
misuses the event loop itself (FAL108)."""

from __future__ import annotations

from pathlib import Path

HELPERS = """\
import requests


def fetch_profile(user_id):
    return requests.get(f"https://example.org/users/{user_id}").json()
"""

# The helper after an edit that stops it blocking.
QUIET_HELPERS = "def fetch_profile(user_id):\n    return {}\n"

ROUTES = """\
import asyncio

from fastapi import APIRouter

from app.helpers import fetch_profile

router = APIRouter()


@router.get("/users/{user_id}")
async def describe(user_id: int):
    loop = asyncio.get_event_loop()
    return fetch_profile(user_id)
"""


def write_workspace(root: Path) -> Path:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "helpers.py").write_text(HELPERS)
    (root / "app" / "routes.py").write_text(ROUTES)
    (root / "pyproject.toml").write_text('[tool.fastapi-lint]\nextend-select = ["FAL106"]\n')
    return root
