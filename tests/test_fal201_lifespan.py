"""The FAL201 fix under the installed FastAPI: the fixed app's lifespan does what its event
handlers did.

Current FastAPI still runs `on_event` handlers (with a deprecation warning), so each app below is
run twice in this interpreter -- as written and as fixed -- and the two event logs must be equal:
startup handlers in registration order (constructor lists first), async ones awaited and sync
ones called, shutdown handlers after the `with` block ends, and no shutdown after a failed
startup.
"""

from __future__ import annotations

import textwrap
import warnings
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import fix, lint


def _load(text: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "lifespan_case"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(compile(text, "lifespan_case.py", "exec"), namespace)
    return namespace


def _run(text: str, factory: str | None = None) -> list[str]:
    namespace = _load(text)
    events: list[str] = namespace["events"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = namespace[factory]() if factory else namespace["app"]
        with TestClient(app) as client:
            events.append("serving")
            if any(getattr(r, "path", None) == "/state" for r in app.routes):
                events.append(f"state:{client.get('/state').json()}")
    events.append("stopped")
    return events


def _fixed(text: str) -> str:
    fixed = fix(text, "FAL201", unsafe=True)
    assert fixed != text, "no fix was applied"
    assert lint(fixed, "FAL201") == []
    return fixed


ORDERED = """\
import asyncio

from fastapi import FastAPI

events = []


def configure():
    events.append("on_startup-list")


def flush():
    events.append("on_shutdown-list")


app = FastAPI(title="t", on_startup=[configure], on_shutdown=[flush])


@app.on_event("startup")
async def connect():
    await asyncio.sleep(0)
    events.append("connect (async)")


@app.on_event("shutdown")
def close():
    events.append("close (sync)")


@app.on_event("startup")
def seed():
    events.append("seed (sync)")
    app.state.seeded = True


class Database:
    async def connect(self):
        events.append("database.connect (bound async method)")

    def disconnect(self):
        events.append("database.disconnect (bound sync method)")


database = Database()
app.add_event_handler("startup", database.connect)
app.add_event_handler("shutdown", database.disconnect)


@app.get("/state")
def state():
    return {"seeded": app.state.seeded}


@app.on_event("shutdown")
async def last():
    events.append("last (async, defined after the routes)")
"""


def test_order_kinds_and_shutdown_after_yield():
    fixed = _fixed(ORDERED)
    expected = [
        "on_startup-list",
        "connect (async)",
        "seed (sync)",
        "database.connect (bound async method)",
        "serving",
        "state:{'seeded': True}",
        "on_shutdown-list",
        "close (sync)",
        "database.disconnect (bound sync method)",
        "last (async, defined after the routes)",
        "stopped",
    ]
    # What FastAPI's own event machinery does. Current FastAPI has no `app.add_event_handler`
    # any more (Starlette 1.0 removed it; the fixed code does not need it), so the original
    # runs with the router's method, which registers the same way.
    original = ORDERED.replace("app.add_event_handler(", "app.router.add_event_handler(")
    assert _run(original) == expected
    assert _run(fixed) == expected
    assert "on_event" not in fixed and "add_event_handler" not in fixed
    assert "await connect()" in fixed and "    seed()" in fixed


FAILING_STARTUP = """\
from fastapi import FastAPI

events = []
app = FastAPI()


@app.on_event("startup")
def first():
    events.append("first")


@app.on_event("startup")
async def broken():
    events.append("broken")
    raise RuntimeError("no database")


@app.on_event("shutdown")
def cleanup():
    events.append("cleanup")
"""


@pytest.mark.parametrize("variant", ["original", "fixed"])
def test_failed_startup_skips_shutdown_as_before(variant):
    text = FAILING_STARTUP if variant == "original" else _fixed(FAILING_STARTUP)
    namespace = _load(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(RuntimeError, match="no database"), TestClient(namespace["app"]):
            pass  # pragma: no cover - startup raises
    assert namespace["events"] == ["first", "broken"]


FACTORY = """\
from fastapi import FastAPI

events = []


def create_app() -> FastAPI:
    app = FastAPI()

    @app.on_event("startup")
    async def start():
        events.append("start")

    @app.on_event("shutdown")
    def stop():
        events.append("stop")

    return app
"""


def test_factory_function():
    fixed = _fixed(FACTORY)
    assert "    async def lifespan(app: FastAPI):" in fixed
    expected = ["start", "serving", "stop", "stopped"]
    assert _run(FACTORY, "create_app") == expected
    assert _run(fixed, "create_app") == expected
    # Each app the factory makes gets its own run of the handlers.
    assert _run(fixed, "create_app") == expected


def test_fixed_twice_is_stable():
    once = _fixed(ORDERED)
    assert fix(once, "FAL201", unsafe=True) == once


def test_without_unsafe_fixes_nothing_changes():
    assert fix(ORDERED, "FAL201", unsafe=False) == ORDERED


def test_every_finding_of_an_app_carries_the_same_fix():
    found = lint(ORDERED, "FAL201")
    assert len(found) == 8
    assert all(d.fix is not None for d in found)
    assert len({d.fix for d in found}) == 1


def test_name_taken_and_two_apps():
    text = textwrap.dedent(
        """\
        from fastapi import FastAPI

        events = []
        lifespan = "taken"
        public = FastAPI()
        admin = FastAPI()


        @public.on_event("startup")
        def public_start():
            events.append("public")


        @admin.on_event("startup")
        def admin_start():
            events.append("admin")
        """
    )
    fixed = _fixed(text)
    assert "async def public_lifespan(app: FastAPI):" in fixed
    assert "async def admin_lifespan(app: FastAPI):" in fixed
    assert fixed.count("from contextlib import asynccontextmanager") == 1
    namespace = _load(fixed)
    assert namespace["lifespan"] == "taken"
    for name in ("public", "admin"):
        with TestClient(namespace[name]):
            pass
    assert namespace["events"] == ["public", "admin"]


@pytest.mark.parametrize(
    ("snippet", "reason"),
    [
        (
            "if DEBUG:\n    @app.on_event('startup')\n    def start():\n        pass\n",
            "registered conditionally",
        ),
        (
            "@app.on_event('startup')\ndef start():\n    pass\n\n\ndef start():\n    pass\n",
            "`start` is bound more than once",
        ),
        ("app.add_event_handler('startup', make_handler())\n", "not a plain function name"),
        ("app.router.add_event_handler('startup', print)\n"
         "@app.on_event('startup')\ndef s():\n    pass\n", "registers events too"),
        ("@other\n@app.on_event('startup')\ndef start():\n    pass\n", "outermost decorator"),
        ("setup(app)\n@app.on_event('startup')\ndef s():\n    pass\n", "passed to `setup()`"),
        ("app.on_event('startup')(print)\n", "called directly"),
        ("if __name__ == '__main__':\n    print('go')\n@app.on_event('startup')\n"
         "def late():\n    pass\n", "after `return` or the main guard"),
        ("@app.on_event('startup')  # noqa: FAL201\ndef a():\n    pass\n"
         "@app.on_event('startup')\ndef b():\n    pass\n", "kept with `# noqa`"),
    ],
)  # fmt: skip
def test_refusals_say_why(snippet, reason):
    text = "from fastapi import FastAPI\n\nDEBUG = True\napp = FastAPI()\n\n" + snippet
    found = lint(text, "FAL201")
    assert found and all(d.fix is None for d in found)
    assert any(reason in d.message for d in found), [d.message for d in found]


def test_crlf_and_tabs_are_kept():
    text = (
        "from fastapi import FastAPI\r\n\r\n\r\ndef create():\r\n\tapp = FastAPI()\r\n\r\n"
        "\t@app.on_event('startup')\r\n\tasync def start():\r\n\t\tpass\r\n\r\n\treturn app\r\n"
    )
    fixed = _fixed(text)
    assert "\n" not in fixed.replace("\r\n", "")
    assert "\t@asynccontextmanager\r\n\tasync def lifespan(app: FastAPI):\r\n" in fixed
    assert "\t\tawait start()\r\n\t\tyield\r\n" in fixed
    compile(fixed, "crlf.py", "exec")
