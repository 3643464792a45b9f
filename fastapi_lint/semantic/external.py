"""Names from outside the project: what the installed packages, else the catalogue, say they are.

`from somelib import CamelModel` — `class Recipe(CamelModel)` is a Pydantic model, but only the
installed package says so. `External` answers such questions for the semantic model (one file)
and the project index (cross-module facts):

- `is_subclass(name, roots)`: does the class reach one of `roots` (the Pydantic model bases,
  say) through its bases? Read from the installed modules: only the modules a question needs,
  only their headers (imports, class bases and members, function return annotations), parsed
  once per file and kept while the file's path, size and modification time are unchanged.
  Bases are followed across modules and re-exports, at most `_MAX_DEPTH` hops, cycle-safe.
- `return_type(name)`: the class a function's return annotation names (`make_router() ->
  APIRouter`), so that `router = make_router()` is known to be an `APIRouter`.
- `object_type(name)`: the type of a module-level object's attribute, from the catalogue.

The catalogue (`catalogues/third_party.py`, extended by `extend-model-bases`) answers for
classes whose package is not installed where the environment says; a name neither knows is
unknown, never guessed. One `External` per environment and process (`external_for`).
"""

from __future__ import annotations

import ast
import os
import sys
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalogues.pydantic_v1 import MODEL_BASES as PYDANTIC_MODEL_BASES
from ..catalogues.third_party import MODEL_BASES as THIRD_PARTY_MODEL_BASES
from ..catalogues.third_party import OBJECT_TYPES
from ..catalogues.types import CANONICAL, RESULT_TYPES, canonical
from ..writing import read_regular
from .environment import Environment, module_file
from .modules import resolve_relative

if TYPE_CHECKING:
    from ..settings import Settings

_MAX_DEPTH = 24
_MAX_BYTES = 2_000_000  # a generated module this large holds no class header worth reading
_STDLIB = frozenset(sys.stdlib_module_names)
# Libraries whose call results `catalogues/types.py` describes (FastAPI, Starlette, requests,
# httpx, SQLAlchemy, redis, ...): what their functions return is taken from there, not read
# from their sources; fastapi/applications.py alone costs 40 ms to parse, on every run that
# calls `FastAPI()`.
_CATALOGUED = frozenset(
    name.split(".")[0] for table in (CANONICAL, RESULT_TYPES) for name in (*table, *table.values())
) | {"pydantic", "pydantic_core", "pydantic_settings", "typing", "typing_extensions"}


@dataclass(frozen=True)
class ClassHeader:
    """An installed class's bases and members, read from its source."""

    bases: tuple[str, ...]  # as written, dotted (`BaseModel`, `pydantic.BaseModel`)
    members: frozenset[str]


@dataclass(frozen=True)
class Headers:
    """What a module says about its names, without running it."""

    module: str
    classes: dict[str, ClassHeader]
    functions: dict[str, str]  # name → its return annotation, dotted as written
    names: dict[str, str]  # imported or aliased name → the qualified name it stands for

    def qualify(self, dotted: str) -> str:
        """A dotted name as written in this module → its qualified name."""
        head, _, rest = dotted.partition(".")
        if head in self.names:
            base = self.names[head]
        elif head in self.classes or head in self.functions:
            base = f"{self.module}.{head}"
        else:
            base = head  # a module imported by its full name, or unknown
        return f"{base}.{rest}" if rest else base


_HEADERS: dict[tuple[str, int, int], Headers | None] = {}


def read_headers(path: str, module: str) -> Headers | None:
    """The headers of the module in `path`, memoised by path, size and modification time."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _HEADERS:
        _HEADERS[key] = _parse(path, module, stat.st_size)
    return _HEADERS[key]


def _parse(path: str, module: str, size: int) -> Headers | None:
    if size > _MAX_BYTES:
        return None
    try:
        data = read_regular(path, _MAX_BYTES)  # never a FIFO or device, never unbounded
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data, filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    is_package = os.path.basename(path).startswith("__init__.")
    headers = Headers(module, {}, {}, {})
    _collect(tree.body, headers, is_package)
    return headers


def _collect(body: list[ast.stmt], headers: Headers, is_package: bool) -> None:
    for statement in body:
        if isinstance(statement, ast.ClassDef):
            bases = tuple(d for d in (_dotted(b) for b in statement.bases) if d)
            members = frozenset(_members(statement))
            headers.classes[statement.name] = ClassHeader(bases, members)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            returns = _annotation(statement.returns)
            headers.functions[statement.name] = returns or ""
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    headers.names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    headers.names[top] = top
        elif isinstance(statement, ast.ImportFrom):
            source = statement.module or ""
            if statement.level:
                source = resolve_relative(headers.module, statement.level, source, is_package)
            for alias in statement.names:
                if alias.name != "*":
                    headers.names[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = _dotted(statement.value) if statement.value is not None else None
            for target in targets:
                if isinstance(target, ast.Name) and value:
                    headers.names[target.id] = headers.qualify(value)
        elif isinstance(statement, ast.If):
            # `if TYPE_CHECKING:` and version checks: both branches declare the same names.
            _collect(statement.body, headers, is_package)
            _collect(statement.orelse, headers, is_package)
        elif isinstance(statement, ast.Try):
            _collect(statement.body, headers, is_package)


def _members(node: ast.ClassDef) -> list[str]:
    names = []
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(statement.name)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.append(statement.target.id)
        elif isinstance(statement, ast.Assign):
            names.extend(t.id for t in statement.targets if isinstance(t, ast.Name))
    return names


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Subscript):  # `Generic[T]`, `BaseModel[...]`: the class itself
        node = node.value
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _annotation(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    if node is None or isinstance(node, ast.Subscript):
        return None  # `Optional[X]`, `list[X]`: not one class
    return _dotted(node)


class External:
    """The one answer about names from outside the project (see the module docstring)."""

    def __init__(self, environment: Environment | None, model_bases: frozenset[str] = frozenset()):
        self.environment = environment
        # Every class known to be a Pydantic model without reading it: Pydantic's own, the
        # catalogue's, the configuration's.
        self.model_bases = PYDANTIC_MODEL_BASES | THIRD_PARTY_MODEL_BASES | model_bases
        self._subclass: dict[tuple[str, frozenset[str]], bool] = {}

    # ------------------------------------------------------------ questions

    def is_model(self, qualname: str) -> bool:
        return self.is_subclass(qualname, self.model_bases)

    def is_subclass(self, qualname: str, roots: frozenset[str]) -> bool:
        """Does the class `qualname` (outside the project) reach one of `roots`?"""
        if qualname in roots:
            return True
        key = (qualname, roots)
        found = self._subclass.get(key)
        if found is None:
            self._subclass[key] = False  # a cycle through this class answers no
            found = self._subclass[key] = self._reaches(qualname, roots, 0)
        return found

    def return_type(self, qualname: str) -> str | None:
        """The class an installed function's return annotation names, canonical."""
        if qualname.split(".")[0] in _CATALOGUED:
            return None
        found = self._resolve(qualname, 0)
        if found is None or found[0] != "function" or not found[2]:
            return None
        return canonical(found[2])

    def object_type(self, qualname: str) -> str | None:
        return OBJECT_TYPES.get(qualname)

    def defines(self, qualname: str, member: str, depth: int = 0) -> bool | None:
        """Does the installed class, or an installed base, define `member` itself? None when
        a base cannot be read (unknown)."""
        if depth > _MAX_DEPTH:
            return None
        found = self._resolve(qualname, 0)
        if found is None or found[0] != "class":
            return None
        header = found[3]
        assert header is not None
        if member in header.members:
            return True
        for base in header.bases:
            base_name = found[4].qualify(base)
            if base_name in self.model_bases or base_name.split(".")[0] == "builtins":
                continue  # Pydantic's own methods are the v1 API the rules ask about
            below = self.defines(base_name, member, depth + 1)
            if below is not False:
                return below
        return False

    # ------------------------------------------------------------ reading

    def _reaches(self, qualname: str, roots: frozenset[str], depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False
        found = self._resolve(qualname, 0)
        if found is None or found[0] != "class":
            return False
        if found[1] in roots:
            return True
        header, headers = found[3], found[4]
        assert header is not None
        for base in header.bases:
            name = headers.qualify(base)
            if name in roots or canonical(name) in roots:
                return True
            key = (name, roots)
            if key in self._subclass:
                if self._subclass[key]:
                    return True
                continue
            self._subclass[key] = False
            self._subclass[key] = self._reaches(name, roots, depth + 1)
            if self._subclass[key]:
                return True
        return False

    def _resolve(
        self, qualname: str, depth: int
    ) -> tuple[str, str, str, ClassHeader | None, Headers] | None:
        """("class" | "function", qualified name, return annotation, header, its module)."""
        if self.environment is None or depth > _MAX_DEPTH:
            return None
        parts = qualname.split(".")
        if parts[0] in _STDLIB or parts[0] == "builtins":
            return None
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:i])
            path = module_file(self.environment, module)
            if path is None:
                continue
            headers = read_headers(path, module)
            if headers is None:
                return None
            head, rest = parts[i], parts[i + 1 :]
            if head in headers.classes and not rest:
                return ("class", f"{module}.{head}", "", headers.classes[head], headers)
            if head in headers.functions and not rest:
                returns = headers.functions[head]
                return (
                    "function",
                    f"{module}.{head}",
                    headers.qualify(returns) if returns else "",
                    None,
                    headers,
                )
            if head in headers.names:
                target = headers.names[head]
                if target in (qualname, module):
                    return None
                return self._resolve(".".join([target, *rest]), depth + 1)
            return None  # the module does not say (a `__getattr__`, a star import): unknown
        return None


_EXTERNAL: dict[tuple[Environment | None, tuple[str, ...]], External] = {}


def external_for(settings: Settings) -> External:
    """The `External` of the settings' environment (one per process and environment)."""
    key = (settings.environment, settings.extend_model_bases)
    found = _EXTERNAL.get(key)
    if found is None:
        found = _EXTERNAL[key] = External(
            settings.environment, frozenset(settings.extend_model_bases)
        )
    return found
