"""The project index: module summaries merged, and the questions cross-module rules ask.

Names are resolved the way Python would import them: the longest dotted prefix that names a
module of the project, then its module-level names — a definition, an import or alias (followed
to where it points, which makes `__init__` re-exports and `import a.b as c` work), or an
instance of a project class (whose methods are found through its bases). A module's name comes
from `semantic.modules.module_name`, which walks up `__init__.py` files: `src/app/api/users.py`
is `app.api.users`. Files in directories without `__init__.py` (namespace packages, scripts) are
also reachable by the suffixes of their path (`app/routers/users.py` as `app.routers.users` and
`routers.users`) when exactly one file has that suffix.

Anything ambiguous or unknown resolves to nothing, and a condition that needs it does not hold:
the index never guesses.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..catalogues.pydantic_v1 import CLASSMETHOD_CONSTRUCTORS, MODEL_BASES, SETTINGS_BASES
from ..diagnostics import Diagnostic
from .model import APP_TYPES

if TYPE_CHECKING:
    from .external import External
from .records import (
    BlocksLoop,
    ClassRecord,
    Condition,
    FunctionRecord,
    IsModel,
    IsRouter,
    MakesCoroutine,
    ModelWithout,
    ModuleSummary,
    NotReceived,
    PlainModel,
    Registers,
    RouterType,
    SettingsModel,
)

_MAX_DEPTH = 24  # alias hops and base classes followed before giving up (cycles end here)
_STDLIB = frozenset(sys.stdlib_module_names)
# The app and router classes as a class's bases may name them.
_APP_ROOTS = APP_TYPES | {"fastapi.applications.FastAPI", "fastapi.routing.APIRouter"}

# Decorators that hand back a function which still runs its body every time it is called.
# `functools.cache`/`lru_cache` are not among them: a cached function blocks once, on its first
# call, and is usually a deliberate load-once (found on real code: token validators, settings).
TRANSPARENT_DECORATORS = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "functools.wraps",
        "typing.overload",
        "typing_extensions.override",
        "typing.override",
    }
)


class Blocking(NamedTuple):
    """Why a sync project function blocks: the functions called, then the blocking call."""

    chain: tuple[str, ...]  # display names of the functions, callee first
    call: str  # `requests.get`
    code: str  # FAL101 ... FAL105
    path: str
    row: int


class ProjectIndex:
    def __init__(
        self, summaries: Iterable[ModuleSummary], external: External | None = None
    ) -> None:
        self.summaries: list[ModuleSummary] = list(summaries)
        # Names outside the project: installed packages and the catalogue (None: neither).
        self.external = external
        self._build()

    def _build(self) -> None:
        self.modules: dict[str, ModuleSummary | None] = {}  # None: two files claim the name
        for summary in self.summaries:
            name = summary.module
            self.modules[name] = None if name in self.modules else summary
        aliases: dict[str, ModuleSummary | None] = {}
        for summary in self.summaries:
            for alias in _path_aliases(summary):
                if alias in self.modules:
                    continue
                aliases[alias] = None if alias in aliases else summary
        self.aliases = aliases
        # The name each module's definitions are filed under: its module name, or for a name
        # two files share, a private key (`jobs@2`) that only the module itself reaches (as
        # `home`): `jobs.work` then means each file's own `work` inside that file, and
        # nothing elsewhere.
        self.keys: dict[int, str] = {}
        self.by_key: dict[str, ModuleSummary] = {}
        for number, summary in enumerate(self.summaries):
            key = summary.module
            if self.modules.get(key) is not summary:
                key = f"{summary.module}@{number}"
            self.keys[id(summary)] = key
            self.by_key[key] = summary
        self.functions: dict[str, tuple[FunctionRecord, ModuleSummary]] = {}
        self.classes: dict[str, ClassRecord] = {}
        self.names: dict[int, dict[str, str]] = {}  # id(summary) → imports
        self.instances: dict[int, dict[str, str]] = {}
        for summary in self.summaries:
            key = self.keys[id(summary)]
            rename = key != summary.module
            for function in summary.functions:
                if rename:
                    function = function._replace(qualname=_rekey(function.qualname, summary, key))
                self.functions[function.qualname] = (function, summary)
            for cls in summary.classes:
                if rename:
                    cls = cls._replace(qualname=_rekey(cls.qualname, summary, key))
                self.classes[cls.qualname] = cls
            self.names[id(summary)] = dict(summary.imports)
            self.instances[id(summary)] = dict(summary.instances)
        self._by_path = {s.path: s for s in reversed(self.summaries)}  # the first one wins
        self._resolved: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._blocking: dict[str, Blocking] | None = None
        # Each module's call edges (caller, callee) between project functions, resolved once
        # per module (by id of its summary): the blocking chains are walked over them.
        self._edges: dict[int, list[tuple[str, str]]] = {}

    def with_module(self, summary: ModuleSummary) -> ProjectIndex:
        """This index with `summary` in place of the file at the same path (or added).

        Used when one file is re-linted (the fix loop, the flake8 plugin with a cached index, the
        language server at every edit):
        its fresh summary replaces the one the index was built from. The common case — the
        file was in the index under the same module name, whether or not another file shares
        it — updates copies of the tables instead of rebuilding them, and keeps the blocking chains when the new summary
        does not change what they are made of (the fix loop re-lints a file after each pass).
        """
        old = self._by_path.get(summary.path)
        name = summary.module
        if old is None or old.module != name or id(old) not in self.keys:
            others = [s for s in self.summaries if s.path != summary.path]
            return ProjectIndex([*others, summary], self.external)
        # The file keeps its place, and so its key: its module name, or the private key of a
        # name two files share (`jobs@2`; an editor's workspace often has several copies of a
        # package, and a keystroke must not rebuild the whole index).
        key = self.keys[id(old)]
        rename = key != name
        new = object.__new__(ProjectIndex)
        new.external = self.external
        new.summaries = [summary if s is old else s for s in self.summaries]
        new.modules = (
            {**self.modules, name: summary} if self.modules.get(name) is old else self.modules
        )
        new.aliases = {k: (summary if v is old else v) for k, v in self.aliases.items()}
        new.keys = {k: v for k, v in self.keys.items() if k != id(old)}
        new.keys[id(summary)] = key
        new.by_key = {**self.by_key, key: summary}
        new.functions = {q: e for q, e in self.functions.items() if e[1] is not old}
        for function in summary.functions:
            if rename:
                function = function._replace(qualname=_rekey(function.qualname, summary, key))
            new.functions[function.qualname] = (function, summary)
        gone = {_rekey(c.qualname, old, key) if rename else c.qualname for c in old.classes}
        new.classes = {q: c for q, c in self.classes.items() if q not in gone}
        for cls in summary.classes:
            if rename:
                cls = cls._replace(qualname=_rekey(cls.qualname, summary, key))
            new.classes[cls.qualname] = cls
        new.names = {k: v for k, v in self.names.items() if k != id(old)}
        new.names[id(summary)] = dict(summary.imports)
        new.instances = {k: v for k, v in self.instances.items() if k != id(old)}
        new.instances[id(summary)] = dict(summary.instances)
        new._by_path = {**self._by_path, summary.path: summary}
        new._resolved = {}
        same = self._blocking is not None and _chain_shape(old) == _chain_shape(summary)
        new._blocking = self._blocking if same else None
        # Other modules' calls resolve as before while this module defines and imports the
        # same names (an edit inside a function body: every keystroke in an editor).
        if _names_shape(old) == _names_shape(summary):
            new._edges = {k: v for k, v in self._edges.items() if k != id(old)}
        else:
            new._edges = {}
        return new

    # ----------------------------------------------------------- resolution

    def module(self, name: str, home: ModuleSummary | None = None) -> ModuleSummary | None:
        if home is not None and name == home.module:
            return home
        found = self.modules.get(name)
        if found is None and name not in self.modules:
            found = self.aliases.get(name)
        return found

    def resolve(self, dotted: str, home: ModuleSummary | None = None) -> tuple[str, str] | None:
        """What a dotted name means in the project: ("function" | "class" | "module" |
        "instance", qualified name or type); None when it is not (known to be) project code.

        `home` is the module asking: its own name always means itself, even when another file
        has the same module name.
        """
        key = (home.path if home is not None else "", dotted)
        if key in self._resolved:
            return self._resolved[key]
        self._resolved[key] = None  # a cycle through this name resolves to nothing
        result = self._resolve(dotted, home, 0)
        self._resolved[key] = result
        return result

    def _resolve(
        self, dotted: str, home: ModuleSummary | None, depth: int
    ) -> tuple[str, str] | None:
        if depth > _MAX_DEPTH:
            return None
        if dotted in self.functions:
            return ("function", dotted)
        if dotted in self.classes:
            return ("class", dotted)
        parts = dotted.split(".")
        if parts[0] in _STDLIB and parts[0] not in self.modules:
            return None
        for i in range(len(parts), 0, -1):
            summary = self.module(".".join(parts[:i]), home)
            if summary is not None:
                return self._member(summary, parts[i:], home, depth)
        return None

    def _member(
        self, summary: ModuleSummary, rest: list[str], home: ModuleSummary | None, depth: int
    ) -> tuple[str, str] | None:
        if not rest:
            return ("module", summary.module)
        head, tail = rest[0], rest[1:]
        qualname = f"{self.keys[id(summary)]}.{head}"
        if qualname in self.functions and self.functions[qualname][1] is summary:
            if not tail:
                return ("function", qualname)
            # `make_repo.fetch`: how this module names a method of what `make_repo()`
            # returns, as a receiver's type (see `returned_class`).
            return self._returned_method(qualname, tail, depth)
        if qualname in self.classes:
            if not tail:
                return ("class", qualname)
            if len(tail) == 1:
                method = self.method(qualname, tail[0])
                return ("function", method) if method is not None else None
            return None
        names = self.names.get(id(summary), {})
        target = names.get(head)
        if target is not None:
            if target == qualname:
                return None  # `import app` inside package `app`'s own module: not a definition
            return self._resolve(".".join([target, *tail]), home, depth + 1)
        instance = self.instances.get(id(summary), {}).get(head)
        if instance is not None:
            if not tail:
                return ("instance", instance)
            if len(tail) == 1:
                owner = self._resolve(instance, home, depth + 1)
                if owner is not None and owner[0] == "class":
                    method = self.method(owner[1], tail[0])
                    return ("function", method) if method is not None else None
                if owner is not None and owner[0] == "function":
                    # `db = make_db()` in that module: an instance of what `make_db` returns.
                    return self._returned_method(owner[1], tail, depth)
            return None
        if "*" in names:
            return self._starred(summary, rest, home, depth)
        return None

    def _starred(
        self, summary: ModuleSummary, rest: list[str], home: ModuleSummary | None, depth: int
    ) -> tuple[str, str] | None:
        """A name the module has from `from m import *`: the last such module of the project
        that has it (a later star import shadows an earlier one)."""
        if depth > _MAX_DEPTH:
            return None  # star imports in a cycle
        for name, module in reversed(summary.imports):
            if name != "*":
                continue
            found = self.module(module, home)
            if found is None or found is summary:
                continue
            member = self._member(found, rest, home, depth + 1)
            if member is not None:
                return member
        return None

    def _returned_method(
        self, function: str, tail: list[str], depth: int
    ) -> tuple[str, str] | None:
        if len(tail) != 1:
            return None
        cls = self.returned_class(function, depth + 1)
        method = self.method(cls, tail[0]) if cls is not None else None
        return ("function", method) if method is not None else None

    def returned_class(self, function: str, depth: int = 0) -> str | None:
        """The project class whose instance calling the project function `function` (a
        qualified name in the index) gives: what its module recorded it returns
        (`FunctionRecord.returns`), followed through functions of other modules whose result
        it returns. None when unknown or not a class of the project."""
        entry = self.functions.get(function)
        if entry is None or depth > _MAX_DEPTH or not entry[0].returns:
            return None
        found = self._resolve(entry[0].returns, entry[1], depth + 1)
        if found is None:
            return None
        if found[0] == "class":
            return found[1]
        if found[0] == "function" and found[1] != function:
            return self.returned_class(found[1], depth + 1)
        return None

    def resolve_class(self, dotted: str, home: ModuleSummary | None = None) -> str | None:
        found = self.resolve(dotted, home)
        return found[1] if found is not None and found[0] == "class" else None

    def method(self, cls: str, name: str, depth: int = 0) -> str | None:
        """The qualified name of the method `name` that class `cls` uses (own or inherited
        through project bases, in declaration order); None when it comes from elsewhere."""
        record = self.classes.get(cls)
        if record is None or depth > _MAX_DEPTH:
            return None
        if name in record.members:
            qualname = f"{cls}.{name}"
            return qualname if qualname in self.functions else None
        home = self._home_of(cls)
        for base in record.bases:
            resolved = self.resolve_class(base, home)
            if resolved is None:
                return None  # a base outside the project may define it: unknown
            found = self.method(resolved, name, depth + 1)
            if found is not None:
                return found
        return None

    def _home_of(self, qualname: str) -> ModuleSummary | None:
        parts = qualname.split(".")
        for i in range(len(parts) - 1, 0, -1):
            found = self.by_key.get(".".join(parts[:i]))
            if found is not None:
                return found
        return None

    def function(self, dotted: str, home: ModuleSummary | None = None) -> FunctionRecord | None:
        found = self.resolve(dotted, home)
        if found is None or found[0] != "function":
            return None
        return self.functions[found[1]][0]

    def location(self, qualname: str) -> ModuleSummary | None:
        entry = self.functions.get(qualname)
        return entry[1] if entry is not None else None

    def _display(self, record: FunctionRecord, summary: ModuleSummary) -> str:
        """`fetch_profile`, or `ProfileCache.get` for a method."""
        return record.qualname.removeprefix(self.keys[id(summary)] + ".")

    # ------------------------------------------------------------ questions

    def is_model(self, cls: str) -> bool:
        """Do the class's bases reach a Pydantic model base through project classes, and
        beyond the project through the installed packages or the catalogue (`External`)?"""
        bases = self.external.model_bases if self.external is not None else MODEL_BASES
        return self.is_subclass(cls, bases)

    def is_settings(self, cls: str) -> bool:
        """Is the class a Pydantic settings class (`BaseSettings`, v1's or pydantic-settings')?"""
        return self.is_subclass(cls, SETTINGS_BASES)

    def is_subclass(self, cls: str, roots: frozenset[str], depth: int = 0) -> bool:
        """Does the class reach one of `roots` through project classes, and beyond the project
        through the installed packages or the catalogue?"""
        if cls in roots:
            return True
        record = self.classes.get(cls)
        if record is None:
            return self._external_subclass(cls, roots)
        if depth > _MAX_DEPTH:
            return False
        home = self._home_of(cls)
        for base in record.bases:
            if base in roots:
                return True
            resolved = self.resolve_class(base, home)
            if resolved is not None:
                if self.is_subclass(resolved, roots, depth + 1):
                    return True
            elif self.resolve(base, home) is None and self._external_subclass(base, roots):
                return True
        return False

    def _external_subclass(self, name: str, roots: frozenset[str]) -> bool:
        return self.external is not None and self.external.is_subclass(name, roots)

    def _external_model(self, name: str) -> bool:
        return self.external is not None and self.external.is_model(name)

    def defines(self, cls: str, member: str, depth: int = 0) -> bool:
        """Does the class, or a project base of it, define `member` itself? (An installed
        class that does, or whose bases cannot be read, counts as defining it.)"""
        record = self.classes.get(cls)
        if record is None and self.external is not None and self.resolve(cls) is None:
            return self.external.defines(cls, member) is not False
        if record is None or depth > _MAX_DEPTH:
            return False
        if member in record.members:
            return True
        home = self._home_of(cls)
        for base in record.bases:
            resolved = self.resolve_class(base, home)
            if resolved is not None and self.defines(resolved, member, depth + 1):
                return True
        return False

    def model(self, name: str, home: ModuleSummary | None = None) -> str | None:
        """The project model class a type name stands for: `schemas.User`, also the recorded
        type of a classmethod constructor's result (`schemas.User.parse_obj`)."""
        found = self.resolve(name, home)
        cls = None
        if found is not None and found[0] == "class":
            cls = found[1]
        elif found is not None and found[0] == "instance":
            cls = self.resolve_class(found[1], self._home_of(name))  # `settings = Settings()`
        if cls is None:
            owner, _, method = name.rpartition(".")
            if method in CLASSMETHOD_CONSTRUCTORS:
                cls = self.resolve_class(owner, home)
                if cls is None and found is None and self._external_model(owner):
                    return owner  # `CamelThing.parse_obj(...)` of an installed model
        if cls is None and found is None and self._external_model(name):
            return name  # a class of an installed package (or the catalogue) that is a model
        return cls if cls is not None and self.is_model(cls) else None

    def is_router(self, name: str, home: ModuleSummary | None = None) -> bool:
        """Is the object `name` a FastAPI app or APIRouter created in the project (also from
        a subclass, or by a function annotated to return one)?"""
        found = self.resolve(name, home)
        if found is None or found[0] != "instance":
            return False
        return self.is_router_type(found[1], self._home_of(name))

    def is_router_type(self, type_: str, home: ModuleSummary | None = None, depth: int = 0) -> bool:
        """Is a value of type `type_` a FastAPI app or APIRouter: one of them, a subclass of
        one (`class V1Router(APIRouter)`, in any module or an installed package), or — as a
        module records the result of calling a function it cannot see — what a project
        function annotated `-> APIRouter` returns?"""
        if type_ in APP_TYPES:
            return True
        if depth > _MAX_DEPTH:
            return False
        found = self.resolve(type_, home)
        if found is None:
            return self._external_subclass(type_, _APP_ROOTS)
        if found[0] == "class":
            return self.is_subclass(found[1], _APP_ROOTS)
        if found[0] == "function":
            record, summary = self.functions[found[1]]
            if not record.returns or record.is_generator:
                return False
            return self.is_router_type(record.returns, summary, depth + 1)
        return False

    def coroutine_function(self, name: str, home: ModuleSummary | None = None) -> bool:
        """Does calling `name` create a coroutine: a project `async def`, not a generator,
        whose decorators (if any) are known to hand the function back unchanged?"""
        record = self.function(name, home)
        if record is None or not record.is_async or record.is_generator:
            return False
        if not record.decorators:
            return True
        if record.route is not None and len(record.decorators) == 1:
            return self.routes_on_router(record)
        return all(d in TRANSPARENT_DECORATORS for d in record.decorators)

    def routes_on_router(self, record: FunctionRecord) -> bool:
        """Is the route decorator of `record` called on an app or router?"""
        route = record.route
        if route is None:
            return False
        home = self.location(record.qualname)
        if route.owner:
            return self.is_router(route.owner, home)
        return self.is_router_type(route.owner_type, home)

    def received(
        self, name: str, home: ModuleSummary | None = None, depth: int = 0
    ) -> frozenset[str] | None:
        """The parameter names a dependency `name` receives, through its own dependencies;
        None when unknown (not project code, `**kwargs`, a class, an unresolvable marker)."""
        if depth > 10:
            return None
        found = self.resolve(name, home)
        if found is None:
            return None
        if found[0] == "instance":
            return frozenset() if found[1].startswith("fastapi.security.") else None
        if found[0] != "function":
            return None
        record, summary = self.functions[found[1]]
        if record.kwarg:
            return None
        names = set(record.params)
        for dependency in record.depends:
            if dependency == "?":
                return None
            below = self.received(dependency, summary, depth + 1)
            if below is None:
                return None
            names |= below
        return frozenset(names)

    def registers(
        self, name: str, argument: str, kind: str, home: ModuleSummary | None = None
    ) -> bool:
        """Does function `name`, given an app as `argument`, add middleware of `kind` to it?"""
        record = self.function(name, home)
        if record is None:
            return False
        summary = self.functions[record.qualname][1]
        if record.qualname != f"{self.keys[id(summary)]}.{record.name}":
            return False  # a method: positions would count `self`
        if argument.isdigit():
            position = int(argument)
            if position >= len(record.params):
                return False
            parameter = record.params[position]
        else:
            parameter = argument
        want = kind == "cors"
        return any(p == parameter and cors == want for p, cors in record.middleware)

    def blocking(self, name: str, home: ModuleSummary | None = None) -> Blocking | None:
        """Why calling `name` blocks, if it is a sync project function that makes a
        FAL101–FAL105 call, directly or through further sync project functions."""
        record = self.function(name, home)
        if record is None:
            return None
        return self._blocking_map().get(record.qualname)

    def _runs_when_called(self, record: FunctionRecord) -> bool:
        """Calling it runs its body now, in the caller's thread."""
        if record.is_async or record.is_generator or record.accepted:
            return False
        return all(d in TRANSPARENT_DECORATORS for d in record.decorators)

    def _blocking_map(self) -> dict[str, Blocking]:
        """Every blocking sync function with its shortest chain, by a breadth-first walk
        backwards from the functions that block directly; each function is visited once, so
        recursion and cycles end."""
        if self._blocking is not None:
            return self._blocking
        found: dict[str, Blocking] = {}
        callers: dict[str, list[str]] = {}
        queue: deque[str] = deque()
        for summary in self.summaries:
            edges = self._edges.get(id(summary))
            if edges is None:
                edges = self._edges[id(summary)] = self._module_edges(summary)
            for caller, callee in edges:
                callers.setdefault(callee, []).append(caller)
        for qualname, (record, summary) in self.functions.items():
            if record.blocking and self._runs_when_called(record):
                first = record.blocking[0]
                found[qualname] = Blocking(
                    (self._display(record, summary),),
                    first.name,
                    first.code,
                    summary.path,
                    first.row,
                )
                queue.append(qualname)
        while queue:
            blocking = queue.popleft()
            for caller in callers.get(blocking, ()):
                if caller in found:
                    continue
                record, summary = self.functions[caller]
                below = found[blocking]
                found[caller] = below._replace(chain=(self._display(record, summary), *below.chain))
                queue.append(caller)
        self._blocking = found
        return found

    def _module_edges(self, summary: ModuleSummary) -> list[tuple[str, str]]:
        """(caller, callee) for each call of a module's sync function to a project function."""
        key = self.keys[id(summary)]
        rename = key != summary.module
        edges = []
        for record in summary.functions:
            if not self._runs_when_called(record):
                continue
            qualname = _rekey(record.qualname, summary, key) if rename else record.qualname
            entry = self.functions.get(qualname)
            if entry is None or entry[0].calls is not record.calls:
                continue  # redefined further down the module: the last `def` is the one called
            for call in record.calls:
                callee = self.function(call.callee, summary)
                if callee is not None and callee.qualname != qualname:
                    edges.append((qualname, callee.qualname))
        return edges

    # ------------------------------------------------------------ conditions

    def diagnostics(self, summary: ModuleSummary) -> list[Diagnostic]:
        """The module's deferred facts that the index confirms, as findings (pass 2)."""
        found = []
        seen: set[tuple[str, int, int]] = set()  # one finding per rule and place
        for fact in summary.facts:
            if (fact.code, fact.row, fact.col) in seen:
                continue
            values = dict(fact.values)
            for condition in fact.requires:
                extra = self.holds(condition, summary)
                if extra is None:
                    break
                values.update(extra)
            else:
                seen.add((fact.code, fact.row, fact.col))
                found.append(
                    Diagnostic(
                        code=fact.code,
                        message=fact.template.format(**values),
                        path=summary.path,
                        row=fact.row,
                        col=fact.col,
                        end_row=fact.end_row,
                        end_col=fact.end_col,
                        fix=fact.fix,
                        fix_positions=fact.fix_positions,
                        start_offset=fact.start_offset,
                    )
                )
        return found

    def holds(self, condition: Condition, home: ModuleSummary) -> dict[str, str] | None:
        """Whether a fact's condition (`records.Condition`) holds; the values it adds to the
        message, else None."""
        if isinstance(condition, IsModel):
            return {} if self.model(condition.cls, home) is not None else None
        if isinstance(condition, (SettingsModel, PlainModel)):
            cls = self.model(condition.cls, home)
            if cls is None or self.is_settings(cls) != isinstance(condition, SettingsModel):
                return None
            return {}
        if isinstance(condition, ModelWithout):
            cls = self.model(condition.cls, home)
            return {} if cls is not None and not self.defines(cls, condition.member) else None
        if isinstance(condition, IsRouter):
            return {} if self.is_router(condition.name, home) else None
        if isinstance(condition, RouterType):
            return {} if self.is_router_type(condition.owner_type, home) else None
        if isinstance(condition, MakesCoroutine):
            return {} if self.coroutine_function(condition.function, home) else None
        if isinstance(condition, NotReceived):
            for dependency in condition.dependencies:
                names = self.received(dependency, home)
                if names is None or condition.parameter in names:
                    return None
            return {}
        if isinstance(condition, Registers):
            found = self.registers(
                condition.function, condition.argument, condition.middleware, home
            )
            return {} if found else None
        if isinstance(condition, BlocksLoop):
            blocking = self.blocking(condition.function, home)
            if blocking is None:
                return None
            return {
                "chain": " → ".join((*blocking.chain, blocking.call)),
                "location": f"{blocking.path}:{blocking.row}",
                "kind": blocking.code,
            }
        raise TypeError(f"unknown condition {condition!r}")  # every kind is answered above


def _chain_shape(summary: ModuleSummary) -> tuple[object, ...]:
    """What the blocking chains through a module depend on: its names and what they stand
    for, and its functions with their calls and blocking calls (with rows: chains name them)."""
    functions = tuple(
        (
            f.qualname,
            f.is_async,
            f.is_generator,
            f.decorators,
            f.accepted,
            f.blocking,
            tuple(c.callee for c in f.calls),
            f.returns,
        )
        for f in summary.functions
    )
    classes = tuple((c.qualname, c.bases, c.members) for c in summary.classes)
    return (summary.imports, summary.instances, classes, functions)


def _names_shape(summary: ModuleSummary) -> tuple[object, ...]:
    """What other modules' calls into a module resolve through: the names it imports and
    binds, its classes and the functions it defines."""
    classes = tuple((c.qualname, c.bases, c.members) for c in summary.classes)
    functions = tuple((f.qualname, f.returns) for f in summary.functions)
    return (summary.imports, summary.instances, classes, functions)


def _rekey(qualname: str, summary: ModuleSummary, key: str) -> str:
    return key + qualname[len(summary.module) :]


def _path_aliases(summary: ModuleSummary) -> list[str]:
    """Longer dotted names a file may be imported by: its module name prefixed by the
    directories above its top package, which lack `__init__.py` (namespace packages, a project
    root on `sys.path`): `app/routers/users.py` without `__init__.py` files is `users` by
    `module_name`, and also `routers.users` and `app.routers.users` here."""
    path = summary.path.replace("\\", "/")
    if not path.endswith(".py"):
        return []
    parts = [p for p in os.path.normpath(path[:-3]).replace("\\", "/").split("/") if p]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    own = summary.module.split(".")
    if parts[-len(own) :] != own:
        return []
    aliases = []
    for start in range(len(parts) - len(own) - 1, -1, -1):
        suffix = parts[start:]
        if not all(p.isidentifier() for p in suffix):
            break
        aliases.append(".".join(suffix))
    return aliases
