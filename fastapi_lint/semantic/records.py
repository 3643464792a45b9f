"""The records of a module summary (see `summary.py`): plain named tuples of str/int/bool.

They cross process boundaries, live in the result cache and, without facts, in the JSON index
the flake8 plugin reads; nothing here may hold an `ast` node.
"""

from __future__ import annotations

from typing import NamedTuple

from ..diagnostics import Fix

SUMMARY_VERSION = 1  # bump when a record changes shape: stored summaries are then ignored


class CallRecord(NamedTuple):
    """A call that may reach project code: `callee` is the qualified name it resolves to in
    this module (`app.services.profiles.fetch_profile`, `app.repo.Users.get` for a method of a
    known receiver); the index decides whether it names a project function."""

    callee: str
    row: int
    col: int
    awaited: bool


class BlockingRecord(NamedTuple):
    """A FAL101–FAL105 call (per the rules' tables), wherever it is: also in sync functions."""

    code: str
    name: str  # how chains name it: `requests.get`, `db.query`
    row: int
    col: int


class RouteRecord(NamedTuple):
    method: str  # "get", "patch", ..., "api_route", "websocket"
    path: str | None
    # The app/router: its type when this module knows it (`fastapi.APIRouter`), else the
    # qualified name of the imported object the decorator is called on (resolved by the index).
    owner_type: str
    owner: str


class FunctionRecord(NamedTuple):
    qualname: str  # `app.services.profiles.fetch_profile`, `app.repo.Users.get`
    name: str
    is_async: bool
    is_generator: bool
    decorators: tuple[str, ...]  # qualified names of the decorators ("" when unresolvable)
    route: RouteRecord | None
    row: int
    col: int
    params: tuple[str, ...]
    calls: tuple[CallRecord, ...]
    blocking: tuple[BlockingRecord, ...]
    # What its parameters' `Depends(...)`/`Security(...)` call, as qualified names ("?" when
    # unresolvable); with `params` and `kwarg`, what path parameters it may receive (FAL504).
    depends: tuple[str, ...]
    kwarg: bool
    # `# noqa: FAL106` on its `def` line: calling it from async code is accepted.
    accepted: bool


class ClassRecord(NamedTuple):
    qualname: str
    bases: tuple[str, ...]  # qualified names, as this module resolves them
    members: tuple[str, ...]  # names defined in the body: methods, fields, attributes
    row: int


class RegistrationRecord(NamedTuple):
    """`app.include_router(router, prefix=...)` at module level."""

    owner: str  # qualified name (or type) of the app/router registering
    router: str  # qualified name of the router registered
    prefix: str | None
    row: int


class Fact(NamedTuple):
    """A finding that holds if the index confirms every condition in `requires`.

    A condition is a tuple `(kind, *arguments)` of strings; `ProjectIndex.holds` knows the
    kinds. Conditions may contribute values to the message (FAL106's chain), so the message
    is kept as a template with the values known in pass 1.
    """

    code: str
    requires: tuple[tuple[str, ...], ...]
    template: str
    values: tuple[tuple[str, str], ...]
    row: int
    col: int
    end_row: int
    end_col: int
    start_offset: int
    fix: Fix | None
    fix_positions: tuple[tuple[int, int, int, int], ...]


class ModuleSummary(NamedTuple):
    path: str  # as displayed (relative), for messages
    module: str  # from `semantic.modules.module_name`
    is_package: bool
    # Module-level names that stand for another dotted name: imports and aliases.
    imports: tuple[tuple[str, str], ...]
    # Module-level names bound to a value of a known class (`router = APIRouter()`).
    instances: tuple[tuple[str, str], ...]
    classes: tuple[ClassRecord, ...]
    functions: tuple[FunctionRecord, ...]
    registrations: tuple[RegistrationRecord, ...]
    facts: tuple[Fact, ...] = ()

    def without_facts(self) -> ModuleSummary:
        return self._replace(facts=())
