"""What names and expressions mean in one module: scopes, bindings, qualified names and known types.

The engine drives this model while it walks the tree once (see `traversal.Traversal`): it opens and
closes scopes and records bindings as they appear; rules only ask questions. Function bodies are
walked after the scope that defines them is complete — as Python runs them — so a module-level
name bound below a function is visible inside it.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from ..catalogues.decorators import SIGNATURE_PRESERVING
from ..catalogues.pydantic_v1 import MODEL_BASES
from ..catalogues.third_party import MODEL_BASES as THIRD_PARTY_MODEL_BASES
from ..catalogues.third_party import OBJECT_TYPES
from ..catalogues.types import (
    INSTANCE_CALL_TYPES,
    MAPPING_TYPES,
    METHOD_RESULT_TYPES,
    RESULT_TYPES,
    SEQUENCE_TYPES,
    canonical,
)

if TYPE_CHECKING:
    from .external import External

BUILTIN_NAMES = frozenset(dir(builtins))
# Model bases known without reading any package: for a model without an environment reader.
_KNOWN_MODEL_BASES = MODEL_BASES | THIRD_PARTY_MODEL_BASES

# Decorator attributes that register a route on an app or router.
ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket"}
)
APP_TYPES = frozenset({"fastapi.FastAPI", "fastapi.APIRouter"})
# The framework classes apps and routers are made from, most specific first (a FastAPI app is
# also a Starlette app): a subclass of one is that kind of app or router (see `app_type`).
FRAMEWORK_TYPES = (
    "fastapi.FastAPI",
    "fastapi.APIRouter",
    "starlette.Starlette",
    "starlette.routing.Router",
)

# Wrappers whose first type argument is the type of the value (`Optional[T]`, `Annotated[T, ...]`).
_UNWRAP = frozenset(
    {
        "typing.Optional",
        "typing.Annotated",
        "typing_extensions.Annotated",
        "typing_extensions.Optional",
        "typing.Final",
        "typing.ClassVar",
    }
)
_NONE_NAMES = frozenset({"None", "NoneType"})
_TYPEVARS = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})
# Pydantic's factory of model classes (v1 and v2).
CREATE_MODEL = frozenset({"pydantic.create_model", "pydantic.main.create_model"})


class BindingKind(StrEnum):
    IMPORT = "import"
    FUNCTION = "function"
    CLASS = "class"
    PARAMETER = "parameter"
    ASSIGNMENT = "assignment"
    LOOP = "loop"  # for-loop targets, except handlers, comprehension targets


@dataclass
class Binding:
    """What a name is bound to in a scope."""

    name: str
    kind: BindingKind
    node: ast.AST | None = None
    # For imports and aliases (`get = requests.get`): the dotted name the binding stands for.
    qualname: str | None = None
    # The canonical qualified name of the class of the value, when known.
    type: str | None = None
    # For assignments: the expression assigned (None when unknown, e.g. tuple unpacking of a
    # call). Lets rules read a constant's value: `ORIGINS = ["*"]`, `app = FastAPI(...)`.
    value: ast.AST | None = None
    # For a name unpacked from a value that is not written as a tuple (`origins, creds =
    # get_config()`): that value and the name's position in the target, so that a reader of
    # values can take the element once it knows the value is a tuple or list.
    unpacked: tuple[ast.AST, int] | None = None


@dataclass(frozen=True)
class Returned:
    """What calling a project function gives back, when it is known for certain.

    `type` is the canonical class of the value (from the return annotation, else from what
    every `return` in the body returns). For messages, how the value is made: `via`, the
    functions of the module the body hands the call on to (`("_create_engine",)` for
    `return _create_engine(...)`), and `maker`, the callable outside them that makes the value
    (`sqlalchemy.create_engine`), None when only an annotation says what it is.
    """

    type: str
    via: tuple[str, ...] = ()
    maker: str | None = None


_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class ScopeKind(StrEnum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


@dataclass(frozen=True)
class Route:
    """A path operation decorator of an app or router."""

    method: str  # "get", "patch", ..., "api_route", "websocket"
    path: str | None
    decorator: ast.Call
    owner: str  # canonical type of the app/router: fastapi.FastAPI or fastapi.APIRouter


@dataclass
class Scope:
    """A module, class, function or lambda body, with its bindings."""

    kind: ScopeKind
    node: ast.AST | None
    parent: Scope | None
    bindings: dict[str, Binding] = field(default_factory=dict)
    is_async: bool = False
    # Facts about a function body, complete once the body has been walked.
    has_await: bool = False  # await, async for, async with in this function (not nested ones)
    uses_event_loop: bool = False  # calls into asyncio/anyio that need a running loop
    route: Route | None = None  # the outermost of `routes`
    routes: tuple[Route, ...] = ()  # stacked route decorators register a function more than once
    # For a comprehension: the nearest function or lambda scope around it, if any. Fixed at
    # creation (a scope's parent never changes), so that rules asking "am I in an async
    # function?" for every call do not walk the scope chain each time. (Not set on functions
    # themselves: a reference to itself would make every scope a reference cycle.)
    comprehension_function: Scope | None = field(
        init=False, default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        parent = self.parent
        if self.kind is ScopeKind.COMPREHENSION and parent is not None:
            if parent.kind is ScopeKind.FUNCTION or parent.kind is ScopeKind.LAMBDA:
                self.comprehension_function = parent
            else:
                self.comprehension_function = parent.comprehension_function

    @property
    def is_function(self) -> bool:
        return self.kind in (ScopeKind.FUNCTION, ScopeKind.LAMBDA)


@dataclass
class ClassInfo:
    """A class defined in the file, with its bases resolved where possible."""

    name: str
    qualname: str
    bases: tuple[str, ...]  # qualified names of bases, where resolvable
    node: ast.ClassDef


class SemanticModel:
    def __init__(self, module: str = "__main__", is_package: bool = False) -> None:
        self.module = module
        self.is_package = is_package
        # What names from outside the project are (the installed packages, the catalogue);
        # set by the engine for the run's environment. None: only this module and the tables.
        self.external: External | None = None
        self.tree: ast.Module = ast.Module(body=[], type_ignores=[])
        self.module_scope = Scope(ScopeKind.MODULE, None, None)
        self.scope = self.module_scope
        self.classes: dict[str, ClassInfo] = {}  # qualname → info, module-level and nested
        self.functions: dict[ast.AST, Scope] = {}  # function node → its scope (once entered)
        self._import_names: dict[str, str] | None = None
        # Qualified name -> the module-level names ever bound to it (an ordered set), kept as
        # the walk binds them, so that "which name stands for `typing.Annotated` here?" is a
        # look-up rather than a scan of every module-level name per finding.
        self._module_qualnames: dict[str, dict[str, None]] = {}
        # How many `if TYPE_CHECKING:` / `if __name__ == "__main__":` bodies enclose the node being
        # walked; the traversal keeps them current. Neither body runs when the module is imported.
        self.type_checking_depth = 0
        self.main_guard_depth = 0
        # Upper bounds from enclosing `if sys.version_info < (3, 9):` blocks (and the `else` of
        # `>=` tests): code there runs only on older Pythons, where newer APIs do not exist.
        self.version_ceilings: list[tuple[int, ...]] = []
        # The `try` statements whose body (`trying`) or `except` handlers (`handling`) enclose
        # the node being walked, innermost last, within the current function (a function body
        # is walked on its own, later). Only `try` statements with handlers are listed.
        self.trying: list[ast.Try | ast.TryStar] = []
        self.handling: list[ast.Try | ast.TryStar] = []
        self._app_types: dict[str, str | None] = {}
        # Modules imported with `from m import *` at module level, in order: the project index
        # looks a name up in them when the module does not bind it itself.
        self.star_imports: list[str] = []
        # What each project function asked about returns (see `returned`), memoised: None
        # while it is being inferred (recursion) and when unknown.
        self._returned: dict[ast.AST, Returned | None] = {}
        # (class, attribute) → its type (see `attribute_type`), memoised likewise.
        self._attributes: dict[tuple[str, str], str | None] = {}
        # Per `__init__`: its locals and what it assigns to each `self.<name>`, in order (read
        # once per class, not once per attribute asked about).
        self._init_assignments: dict[
            ast.FunctionDef,
            tuple[dict[str, list[ast.AST] | None], dict[str, list[ast.AST | None]]],
        ] = {}
        self._imports: list[ast.Import | ast.ImportFrom] | None = None

    # ----------------------------------------------------------------- scopes

    def push(self, kind: ScopeKind, node: ast.AST | None, parent: Scope | None = None) -> Scope:
        scope = Scope(kind, node, parent if parent is not None else self.scope)
        self.scope = scope
        return scope

    def pop(self) -> None:
        assert self.scope.parent is not None, "cannot leave the module scope"
        self.scope = self.scope.parent

    def enter(self, scope: Scope) -> None:
        """Resume a scope (deferred function bodies)."""
        self.scope = scope

    @property
    def function_scope(self) -> Scope | None:
        """The nearest enclosing function or lambda; None at module level or in a class body."""
        scope = self.scope
        kind = scope.kind
        if kind is ScopeKind.FUNCTION or kind is ScopeKind.LAMBDA:
            return scope
        if kind is ScopeKind.COMPREHENSION:
            return scope.comprehension_function
        return None

    @property
    def in_async_function(self) -> bool:
        """True when the code runs directly in an `async def` (a nested def, lambda or class breaks it)."""
        scope = self.function_scope
        return scope is not None and scope.is_async and scope.kind is ScopeKind.FUNCTION

    @property
    def at_module_level(self) -> bool:
        scope: Scope | None = self.scope
        while scope is not None and scope.kind is ScopeKind.COMPREHENSION:
            scope = scope.parent
        return scope is self.module_scope

    @property
    def at_import_time(self) -> bool:
        """True when the code runs as the module is imported: module scope (including module-level
        `if`/`try`/`with` and comprehensions), but not under `if TYPE_CHECKING:` (never runs) nor
        `if __name__ == "__main__":` (runs only as a script). Class bodies are not counted."""
        return self.at_module_level and not self.type_checking_depth and not self.main_guard_depth

    @property
    def python_below(self) -> tuple[int, ...] | None:
        """The Python version the current code is known to run *below*, if a guard says so."""
        return min(self.version_ceilings) if self.version_ceilings else None

    def version_guard(
        self, test: ast.expr
    ) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None]:
        """Ceilings for the body and the `else` of `if sys.version_info < (3, 9):` / `>=`."""
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None, None
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(left, ast.Subscript):
            left = left.value  # `sys.version_info[:2]`
        if self.qualified_name(left) != "sys.version_info" or not isinstance(right, ast.Tuple):
            return None, None
        parts = [
            e.value for e in right.elts if isinstance(e, ast.Constant) and type(e.value) is int
        ]
        if len(parts) != len(right.elts):
            return None, None
        bound = tuple(parts)
        if isinstance(op, ast.Lt):
            return bound, None
        if isinstance(op, ast.GtE):
            return None, bound
        return None, None

    def guard_kind(self, test: ast.expr) -> str | None:
        """ "type-checking" for `if TYPE_CHECKING:`, "main" for `if __name__ == "__main__":`."""
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            return "type-checking"  # also the `TYPE_CHECKING = False` idiom
        if self.qualified_name(test) in ("typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"):
            return "type-checking"
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
            sides = [test.left, test.comparators[0]]
            names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
            mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
            if names and mains:
                return "main"
        return None

    # --------------------------------------------------------------- bindings

    def import_statements(self) -> list[ast.Import | ast.ImportFrom]:
        """Every `import` statement of the module, at any depth (in functions, classes, `try`
        and `if` bodies), in no particular order. Read once per file from the statements
        alone: an import is never inside an expression, so the expressions, most of a tree's
        nodes, are not visited. May be asked before the walk."""
        if self._imports is None:
            self._imports = [
                statement
                for statement in _statements(self.tree.body, definitions=True)
                if type(statement) is ast.Import or type(statement) is ast.ImportFrom
            ]
        return self._imports

    def module_import_names(self) -> dict[str, str]:
        """Qualified name → the module-level name an import binds it to (for fixes adding imports).

        Computed once, after the walk, when fixes ask: a module with 40,000 functions must not
        pay a scan of its bindings per fix.
        """
        if self._import_names is None:
            self._import_names = {}
            for name, binding in self.module_scope.bindings.items():
                if binding.kind is BindingKind.IMPORT and binding.qualname:
                    self._import_names.setdefault(binding.qualname, name)
        return self._import_names

    def bind(self, binding: Binding, scope: Scope | None = None) -> None:
        scope = scope or self.scope
        scope.bindings[binding.name] = binding
        if binding.qualname is not None and scope is self.module_scope:
            self._module_qualnames.setdefault(binding.qualname, {})[binding.name] = None

    def module_names_bound_to(self, qualnames: Iterable[str]) -> list[str]:
        """The module-level names bound *now* (as far as the walk has gone) to one of
        `qualnames`, in the order of the module's bindings: what a scan of
        `module_scope.bindings` for those qualified names finds, without the scan."""
        bindings = self.module_scope.bindings
        found = []
        for qualname in qualnames:
            for name in self._module_qualnames.get(qualname, ()):
                binding = bindings.get(name)
                if binding is not None and binding.qualname == qualname:
                    found.append(name)
        if len(found) > 1:  # rare: several names for the same thing; the scan's order decides
            order = {name: i for i, name in enumerate(bindings) if name in found}
            found = sorted(set(found), key=order.__getitem__)
        return found

    def lookup(self, name: str, scope: Scope | None = None) -> Binding | None:
        start = scope or self.scope
        current: Scope | None = start
        while current is not None:
            # Class bodies are visible only to themselves, not to the functions they contain.
            if current.kind is not ScopeKind.CLASS or current is start:
                found = current.bindings.get(name)
                if found is not None:
                    return found
            current = current.parent
        return None

    # ------------------------------------------------------- qualified names

    def qualified_name(self, expr: ast.AST) -> str | None:
        """The dotted name an expression refers to through imports: `http.get` → `requests.get`.

        None when the name is local, shadowed, unbound or not a plain name/attribute chain: a
        rule must never guess that a parameter called `requests` is the library.
        """
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id)
            if binding is None:
                return f"builtins.{expr.id}" if expr.id in BUILTIN_NAMES else None
            return binding.qualname
        if isinstance(expr, ast.Attribute):
            base = self.qualified_name(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None

    # ------------------------------------------------------------ known types

    def type_of(self, expr: ast.AST) -> str | None:
        """The canonical class of the value of `expr`, when it is known for certain."""
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id)
            return binding.type if binding is not None else None
        if isinstance(expr, ast.Call):
            return self.value_type(expr)
        if isinstance(expr, ast.Await):
            if isinstance(expr.value, ast.Call):
                return self.value_type(expr.value, awaited=True)
            return self.type_of(expr.value)
        if isinstance(expr, ast.Subscript):
            # `MODELS["name"]` of `MODELS: dict[str, Embedder]`: an element.
            if isinstance(expr.slice, ast.Slice):
                return None
            return self.element_type(expr.value, subscript=True)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            # `base / "name"`: joining onto a known `pathlib.Path` gives a `pathlib.Path`.
            if self.type_of(expr.left) == "pathlib.Path":
                return "pathlib.Path"
            return None
        if isinstance(expr, ast.Attribute):
            value = expr.value
            owner = self.type_of(value)
            if owner is None and isinstance(value, ast.Name):
                owner = self.self_class(value.id)
            if owner is not None and owner in self.classes:
                # `self.client` / `service.client`: an attribute of a class of this module.
                return self.attribute_type(owner, expr.attr)
            if not isinstance(value, ast.Name):
                return None
            # `UploadFile.file` is a sync file object.
            if owner == "fastapi.UploadFile" and expr.attr == "file":
                return "io.IOBase"
            if owner is None:
                # `db.session` of FastAPI-SQLAlchemy: an imported object's attribute.
                name = self.qualified_name(expr)
                if name is not None and name in OBJECT_TYPES:
                    return OBJECT_TYPES[name]
        return None

    # ------------------------------------------------------------- containers

    def element_type(self, expr: ast.AST, subscript: bool = False) -> str | None:
        """The type of an element of the container `expr`: what iterating it gives (a key, for
        a mapping), or with `subscript` what `expr[...]` gives. Known from the annotation of
        the name (`MODELS: dict[str, Embedder]`, a parameter `items: list[Item]`), a function
        of the module annotated `-> list[Item]`, `.values()` / `.keys()` of a mapping, or a
        comprehension that yields its own loop variable (`[e for e in items if e.ok]`)."""
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
            method = expr.func.attr
            if method in ("values", "keys") and not expr.args and not expr.keywords:
                container = self._container(expr.func.value)
                if container is None or not container[2] or subscript:
                    return None
                return container[1] if method == "values" else container[0]
        container = self._container(expr)
        if container is None:
            return None
        return container[1] if subscript else container[0]

    def _container(
        self, expr: ast.AST, depth: int = 0
    ) -> tuple[str | None, str | None, bool] | None:
        """(iterated type, subscripted type, is a mapping) of a container expression."""
        if depth > 4:
            return None
        if isinstance(expr, ast.Await):
            expr = expr.value
            awaited = True
        else:
            awaited = False
        if isinstance(expr, ast.Call):
            function = self.project_function(expr.func)
            if function is None or isinstance(function, ast.AsyncFunctionDef) != awaited:
                return None
            if function.returns is None or not self.keeps_return(function):
                return None
            return self.container_annotation(function.returns)
        if awaited or not isinstance(expr, ast.Name):
            return None
        binding = self.lookup(expr.id)
        if binding is None:
            return None
        node = binding.node
        if isinstance(node, ast.arg):
            return self.container_annotation(node.annotation)
        if isinstance(node, ast.AnnAssign):
            return self.container_annotation(node.annotation)
        if binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
            return None
        value = binding.value
        if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            generators = value.generators
            elt = value.elt
            if (
                len(generators) == 1
                and isinstance(elt, ast.Name)
                and isinstance(generators[0].target, ast.Name)
                and generators[0].target.id == elt.id
            ):
                item = self._container(generators[0].iter, depth + 1)
                if item is None or item[2]:
                    return None
                return item[0], item[0], False
            return None
        if isinstance(value, (ast.Call, ast.Await)):
            return self._container(value, depth + 1)
        return None

    def container_annotation(
        self, annotation: ast.AST | None
    ) -> tuple[str | None, str | None, bool] | None:
        """(iterated, subscripted, is a mapping) for `list[T]`, `Sequence[T]`, `tuple[T, ...]`
        (T, T) and `dict[K, V]`, `Mapping[K, V]` (K, V), through `Optional` and `Annotated`."""
        annotation = _bare(annotation)
        if not isinstance(annotation, ast.Subscript):
            return None
        wrapper = self.qualified_name(annotation.value)
        inner = annotation.slice
        arguments = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if wrapper in _UNWRAP or wrapper in ("typing.Union", "typing_extensions.Union"):
            real = [a for a in arguments if not _is_none(a)]
            if wrapper not in _UNWRAP and len(real) != 1:
                return None
            return self.container_annotation(real[0]) if real else None
        if wrapper in MAPPING_TYPES and len(arguments) == 2:
            return (
                self.annotation_type(arguments[0]),
                self.annotation_type(arguments[1]),
                True,
            )
        if wrapper in SEQUENCE_TYPES:
            if wrapper in ("builtins.tuple", "typing.Tuple"):
                ellipsis = arguments[-1] if len(arguments) == 2 else None
                if not (isinstance(ellipsis, ast.Constant) and ellipsis.value is Ellipsis):
                    return None
            element = self.annotation_type(arguments[0])
            return element, element, False
        return None

    def self_class(self, name: str) -> str | None:
        """The class whose method binds `name` as its first parameter (`self`, `cls`), when
        the code being walked is in that method and `name` was not reassigned."""
        scope = self.function_scope
        if scope is None or scope.kind is not ScopeKind.FUNCTION:
            return None
        node = scope.node
        parent = scope.parent
        if not isinstance(node, _FUNCTION_NODES) or parent is None:
            return None
        if parent.kind is not ScopeKind.CLASS:
            return None
        positional = [*node.args.posonlyargs, *node.args.args]
        if not positional or positional[0].arg != name:
            return None
        binding = scope.bindings.get(name)
        if binding is None or binding.kind is not BindingKind.PARAMETER:
            return None  # reassigned in the body
        for decorator in node.decorator_list:
            if self.qualified_name(decorator) == "builtins.staticmethod":
                return None
        owner = parent.bindings.get("__qualname__")
        if owner is None or owner.qualname is None or "<locals>" in owner.qualname:
            return None
        return owner.qualname

    def attribute_type(self, cls: str, attr: str, depth: int = 0) -> str | None:
        """The type of attribute `attr` of instances of `cls`, a class of this module, as a type
        checker declares it: an annotation in the class body (`client: httpx.Client`, fields),
        else what `__init__` assigns to `self.attr` (every value not None of one known type;
        `self.attr: T = ...` says T). Then the bases of this module, in order. Memoised per
        class and name; None when unknown (also for `cls` meaning the class, not an instance:
        rules then learn nothing wrong, only nothing)."""
        key = (cls, attr)
        memo = self._attributes
        if key in memo:
            return memo[key]
        memo[key] = None
        info = self.classes.get(cls)
        if info is None or depth > 10 or "<locals>" in cls:
            return None
        saved = self.scope
        self.scope = self.module_scope
        try:
            found = self._declared_attribute(info.node, attr)
        finally:
            self.scope = saved
        if found is None:
            for base in info.bases:
                if base in self.classes:
                    found = self.attribute_type(base, attr, depth + 1)
                    if found is not None:
                        break
        memo[key] = found
        return found

    def _declared_attribute(self, node: ast.ClassDef, attr: str) -> str | None:
        init = None
        for statement in node.body:
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.target.id == attr
            ):
                return self.annotation_type(statement.annotation)
            if isinstance(statement, _FUNCTION_NODES) and statement.name == "__init__":
                init = statement
        if not isinstance(init, ast.FunctionDef) or not init.args.args:
            return None
        locals_, assigned = self._assignments_of(init)
        found: Returned | None = None
        for value in assigned.get(attr, ()):
            if isinstance(value, ast.AnnAssign):
                known = self.annotation_type(value.annotation)
                returned = Returned(known) if known is not None else None
            elif value is None or _is_none(value):
                continue
            else:
                returned = self._value_returned(value, locals_, 0)
            if returned is None or (found is not None and returned.type != found.type):
                return None
            found = found or returned
        return found.type if found is not None else None

    def _assignments_of(
        self, init: ast.FunctionDef
    ) -> tuple[dict[str, list[ast.AST] | None], dict[str, list[ast.AST | None]]]:
        """`__init__`'s locals (`function_locals`), and the values it assigns to each
        attribute of its first parameter, in order (an annotated assignment as itself)."""
        known = self._init_assignments.get(init)
        if known is not None:
            return known
        this = init.args.args[0].arg
        locals_, _, _ = self.function_locals(init)
        assigned: dict[str, list[ast.AST | None]] = {}
        for child in _own_nodes(init.body):
            if isinstance(child, ast.Assign):
                targets = child.targets
                value: ast.AST | None = child.value
            elif isinstance(child, ast.AnnAssign):
                targets = [child.target]
                value = child
            else:
                continue
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == this
                ):
                    assigned.setdefault(target.attr, []).append(value)
        known = self._init_assignments[init] = (locals_, assigned)
        return known

    def value_type(self, call: ast.Call, awaited: bool = False) -> str | None:
        """The canonical class of what `call` gives back (`awaited`: of what awaiting it gives).

        A call of a project function of this module gives what the function returns (see
        `returned`; calling an `async def` without awaiting it gives a coroutine); any other
        call, what `call_result_type` says.
        """
        function = self.project_function(call.func)
        if function is not None:
            returned = self.function_returns(function, awaited)
            return returned.type if returned is not None else None
        return self.call_result_type(call)

    def call_result_type(self, call: ast.Call) -> str | None:
        """The class `call` constructs, or the catalogue's result type of the library
        callable it calls (or an installed function's annotation says). A call of a project
        function gives its annotated app or router class (`_annotated_return`), else its
        qualified name, which no table lists: what any function of the module returns is
        `value_type`'s answer, which receivers and bindings use."""
        func = call.func
        name = self.qualified_name(func)
        if name is not None:
            returned = self._annotated_return(func, name)
            if returned is not None:
                return returned
            if name in RESULT_TYPES:
                return RESULT_TYPES[name]
            if name.startswith("builtins."):
                return None
            if self.external is not None and self.lookup_class(name) is None:
                # `make_router()` of an installed package, annotated `-> APIRouter`.
                returned = self.external.return_type(name)
                if returned is not None:
                    return returned
            return canonical(name)
        if isinstance(func, ast.Name):
            binding = self.lookup(func.id)
            if binding is not None and binding.type in INSTANCE_CALL_TYPES:
                return INSTANCE_CALL_TYPES[binding.type]
            if binding is not None and binding.kind is BindingKind.CLASS:
                return binding.qualname
        if isinstance(func, ast.Attribute):
            receiver = self.type_of(func.value)
            if receiver is not None:
                return METHOD_RESULT_TYPES.get((receiver, func.attr))
        return None

    def _annotated_return(self, func: ast.expr, name: str) -> str | None:
        """What a function of this module promises to return (`def make_router() ->
        APIRouter`), when its annotation names one class; only for a framework class
        (an app or router), whose methods the rules ask about."""
        if not isinstance(func, ast.Name) or not name.startswith(self.module + "."):
            return None
        binding = self.lookup(func.id)
        if binding is None or binding.kind is not BindingKind.FUNCTION:
            return None
        node = binding.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.returns is None:
            return None
        if isinstance(node, ast.AsyncFunctionDef):
            return None  # calling it makes a coroutine
        returned = self.annotation_type(node.returns)
        return returned if self._framework_class(returned) else None

    def returned_class(self, call: ast.AST | None) -> str | None:
        """The class a call hands back when the function says so (`def router_class() ->
        type[APIRouter]`): `APIRouter = router_class()` makes `APIRouter` stand for that
        class. A function of this module, or an installed one."""
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            return None
        binding = self.lookup(call.func.id)
        if binding is None or binding.kind is not BindingKind.FUNCTION:
            return None
        node = binding.node
        if not isinstance(node, ast.FunctionDef) or node.returns is None:
            return None
        returns = parsed_annotation(node.returns)
        if not isinstance(returns, ast.Subscript):
            return None
        if self.qualified_name(returns.value) not in ("builtins.type", "typing.Type"):
            return None
        cls = self.annotation_type(returns.slice)
        return cls if self._framework_class(cls) else None

    def typevar_bound(self, call: ast.Call) -> str | None:
        """The bound of `TypeVar("T", bound=Base)`, qualified: every value of type `T` is an
        instance of `Base` (or of a subclass), and `type[T]` a subclass of it, so the name
        stands for `Base` wherever a class is asked about. None for a constrained or
        unbounded TypeVar."""
        if self.qualified_name(call.func) not in _TYPEVARS:
            return None
        for kw in call.keywords:
            if kw.arg != "bound":
                continue
            bound = parsed_annotation(kw.value)
            if isinstance(bound, (ast.Name, ast.Attribute)):
                name = self.qualified_name(bound)
                return name if name is not None and not name.startswith("builtins.") else None
        return None

    def created_model(self, call: ast.Call) -> str | None:
        """The base of a model class made by `pydantic.create_model("Name", __base__=Base,
        ...)`, qualified (`pydantic.BaseModel` without `__base__`): the class made is a
        subclass of it, so the name stands for it wherever a class is asked about ("is
        `class Settings(SettingsFieldsMixin)` a settings model?"). None for several bases, a
        base the module cannot name, or any other call."""
        if self.qualified_name(call.func) not in CREATE_MODEL:
            return None
        for kw in call.keywords:
            if kw.arg == "__base__":
                if not isinstance(kw.value, (ast.Name, ast.Attribute)):
                    return None  # a tuple of bases, a call: not one class
                return self.qualified_name(kw.value)
            if kw.arg is None:
                continue  # `**fields`: the field definitions
        return "pydantic.BaseModel"

    def class_annotation(self, annotation: ast.AST | None) -> str | None:
        """The class an annotation `type[X]` / `Type[X]` (also `Optional[...]`) promises the value
        is — `X` or a subclass of it — qualified (a TypeVar stands for its bound)."""
        annotation = _bare(annotation)
        if not isinstance(annotation, ast.Subscript):
            return None
        wrapper = self.qualified_name(annotation.value)
        inner = annotation.slice
        if wrapper in ("typing.Optional", "typing_extensions.Optional"):
            return self.class_annotation(inner)
        if wrapper not in ("builtins.type", "typing.Type", "typing_extensions.Type"):
            return None
        if not isinstance(inner, (ast.Name, ast.Attribute)):
            return None
        name = self.qualified_name(inner)
        return name if name is not None and not name.startswith("builtins.") else None

    def _framework_class(self, cls: str | None) -> bool:
        """A framework class or a subclass of this module (never a read of installed
        packages: every annotated function call of a module passes here)."""
        if cls is None:
            return False
        return cls in FRAMEWORK_TYPES or (cls in self.classes and self.app_type(cls) is not None)

    # ------------------------------------------------------ what functions return

    def project_function(self, func: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The `def` of this module a callee names (`helper`, a nested `inner`), if any."""
        if not isinstance(func, ast.Name):
            return None
        binding = self.lookup(func.id)
        if binding is None or binding.kind is not BindingKind.FUNCTION:
            return None
        node = binding.node
        return node if isinstance(node, _FUNCTION_NODES) else None

    def made_by(self, call: ast.Call) -> Returned | None:
        """What a call of a function of this module gives (unawaited), with the function's own
        name first in `via`: `_create_engine('sqlite://')` → Engine via `_create_engine`, made
        by `sqlalchemy.create_engine`. None for other calls, and when unknown."""
        function = self.project_function(call.func)
        if function is None:
            return None
        returned = self.function_returns(function)
        if returned is None:
            return None
        return Returned(returned.type, (function.name, *returned.via), returned.maker)

    def function_returns(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, awaited: bool = False
    ) -> Returned | None:
        """What a call of the function gives, awaited or not: an `async def` gives its return
        value only when awaited, a plain function only when not (awaiting its result asks
        about an awaitable nobody described)."""
        if isinstance(node, ast.AsyncFunctionDef) != awaited:
            return None
        return self.returned(node)

    def returned(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Returned | None:
        """What the function returns, when known for certain (for an `async def`: once awaited).

        The return annotation says it (`-> Session`, unwrapping `Optional`); without one, every
        `return` in the body must return a value of one known type (`return Session(engine)`,
        `return create_engine(url)`, a local variable assigned only such values, the result of
        another function of this module that is known). `return None` and a bare `return` are
        left out, as `Optional[T]` counts as `T`. A generator, or a decorator not known to keep
        the return value (`catalogues/decorators.py`), makes it unknown.

        Inferred on first demand (the body may not have been walked yet: names are looked up
        where the function is defined, as they are bound at that moment) and memoised per
        function; a recursive function asks about itself and gets None.
        """
        memo = self._returned
        if node in memo:
            return memo[node]
        memo[node] = None
        scope = self.functions.get(node)
        outer = scope.parent if scope is not None else None
        while outer is not None and outer.kind is ScopeKind.CLASS:
            outer = outer.parent  # a method's body does not see its class's names
        if outer is None:
            return None
        saved = self.scope
        self.scope = outer
        try:
            result = self._infer_returned(node)
        finally:
            self.scope = saved
        memo[node] = result
        return result

    def keeps_return(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Does calling the decorated function give what its body returns?"""
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self.qualified_name(target) not in SIGNATURE_PRESERVING:
                return False
        return True

    def _infer_returned(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Returned | None:
        if not self.keeps_return(node):
            return None
        annotated = self.annotation_type(node.returns) if node.returns is not None else None
        body = self._body_returned(node)
        if annotated is None:
            return body
        if body is not None and body.type == annotated:
            return body
        return Returned(annotated)

    def _body_returned(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Returned | None:
        if not _returns_inferable(node.body):
            return None  # nothing to infer: the body need not be read
        locals_, values, generator = self.function_locals(node)
        if generator:
            return None
        found: Returned | None = None
        for value in values:
            returned = self._value_returned(value, locals_, 0)
            if returned is None or (found is not None and returned.type != found.type):
                return None
            found = found or returned
        return found

    @staticmethod
    def function_locals(
        node: ast.FunctionDef | ast.AsyncFunctionDef,
    ) -> tuple[dict[str, list[ast.AST] | None], list[ast.expr], bool]:
        """One read of a function's own body: its local names with the values plainly assigned
        to them (None: bound otherwise, unknown), the values it returns (not None), and
        whether it is a generator."""
        values: list[ast.expr] = []
        locals_: dict[str, list[ast.AST] | None] = {}
        plain: set[int] = set()  # the names bound by plain assignments (recorded with values)
        generator = False
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            locals_[arg.arg] = [arg]
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                locals_[extra.arg] = None
        bound_here = _LOCALS_NODES
        for child in _own_nodes(node.body):
            kind = type(child)
            if kind not in bound_here:
                continue  # most nodes (calls, attributes, constants, loaded names' kin)
            if kind is ast.Yield or kind is ast.YieldFrom:
                generator = True
            elif kind is ast.Return:
                value = child.value  # type: ignore[attr-defined]  # a Return
                if value is not None and not _is_none(value):
                    values.append(value)
            elif kind is ast.Assign:
                for target in child.targets:  # type: ignore[attr-defined]  # an Assign
                    _bind_local(locals_, target, child.value, plain)  # type: ignore[attr-defined]
            elif kind is ast.AnnAssign:
                _bind_local(locals_, child.target, child, plain)  # type: ignore[attr-defined]
            elif kind is ast.NamedExpr:
                _bind_local(locals_, child.target, child.value, plain)  # type: ignore[attr-defined]
            elif kind is ast.Name and not isinstance(child.ctx, ast.Load):  # type: ignore[attr-defined]
                if id(child) not in plain:  # `for x`, `with ... as x`, `x += 1`, `del x`
                    locals_[child.id] = None  # type: ignore[attr-defined]  # a Name
            elif isinstance(child, (ast.Global, ast.Nonlocal)):
                for name in child.names:
                    locals_[name] = None
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                for alias in child.names:
                    locals_[(alias.asname or alias.name).split(".")[0]] = None
            elif isinstance(child, _SCOPE_NODES) and not isinstance(child, ast.Lambda):
                locals_[child.name] = None
        return locals_, values, generator

    def _value_returned(
        self, value: ast.AST, locals_: dict[str, list[ast.AST] | None], depth: int
    ) -> Returned | None:
        if depth > 4:
            return None
        awaited = isinstance(value, ast.Await)
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            root = _root_name(value.func)
            if root is not None and root in locals_:
                return None  # a callable bound in the function: not followed
            function = self.project_function(value.func)
            if function is not None:
                inner = self.function_returns(function, awaited)
                if inner is None:
                    return None
                return Returned(inner.type, (function.name, *inner.via), inner.maker)
            if awaited:
                return None
            known = self.call_result_type(value)
            name = self.qualified_name(value.func)
            return Returned(known, (), name) if known is not None else None
        if awaited or not isinstance(value, ast.Name):
            return None
        if value.id not in locals_:
            known = self.type_of(value)
            return Returned(known) if known is not None else None
        assigned = locals_[value.id]
        if not assigned:
            return None
        found: Returned | None = None
        for source in assigned:
            if isinstance(source, ast.arg):
                known = self.annotation_type(source.annotation)
                returned = Returned(known) if known is not None else None
            elif isinstance(source, ast.AnnAssign):
                known = self.annotation_type(source.annotation)
                returned = Returned(known) if known is not None else None
                if source.value is not None:
                    inferred = self._value_returned(source.value, locals_, depth + 1)
                    if inferred is not None and returned is not None:
                        returned = inferred if inferred.type == returned.type else returned
            else:
                returned = self._value_returned(source, locals_, depth + 1)
            if returned is None or (found is not None and returned.type != found.type):
                return None
            found = found or returned
        return found

    def root_type(self, expr: ast.AST) -> str | None:
        """The type at the root of an attribute/subscript chain: `mongo.db.users` → type of `mongo`."""
        while isinstance(expr, (ast.Attribute, ast.Subscript)):
            known = self.type_of(expr)
            if known is not None:
                return known
            expr = expr.value
        return self.type_of(expr)

    def annotation_type(self, annotation: ast.AST | None) -> str | None:
        """The class an annotation promises: unwraps Optional, Annotated, `T | None`, strings."""
        annotation = _bare(annotation)
        if annotation is None:
            return None
        if isinstance(annotation, ast.Subscript):
            wrapper = self.qualified_name(annotation.value)
            inner = annotation.slice
            if wrapper in _UNWRAP:
                first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                return self.annotation_type(first)
            if wrapper in ("typing.Union", "typing_extensions.Union") and isinstance(
                inner, ast.Tuple
            ):
                real = [e for e in inner.elts if not _is_none(e)]
                return self.annotation_type(real[0]) if len(real) == 1 else None
            if wrapper in ("typing.IO", "typing.Type", "builtins.type"):
                return canonical(wrapper) if wrapper == "typing.IO" else None
            return None
        name = self.qualified_name(annotation)
        if name is None or name.startswith("builtins.") or name in _UNWRAP:
            # A bare `Final` / `ClassVar` promises no class: the assigned value's type decides.
            return None
        return canonical(name)

    # --------------------------------------------------------- FastAPI facts

    def route_of(self, decorators: list[ast.expr]) -> Route | None:
        """The route a function's decorators register it as, if any (the outermost one)."""
        return next(self.routes_of(decorators), None)

    def routes_of(self, decorators: list[ast.expr]) -> Iterator[Route]:
        """Every route a function's decorators register it as: stacked decorators
        (`@app.get(...)` over `@app.post(...)`) register the same function more than once."""
        for decorator in decorators:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            if decorator.func.attr not in ROUTE_METHODS:
                continue
            owner = self.app_type(self.type_of(decorator.func.value))
            if owner not in APP_TYPES:
                continue
            method, path = route_target(decorator)
            yield Route(method=method, path=path, decorator=decorator, owner=owner)

    def app_type(self, type_: str | None) -> str | None:
        """The framework class (`FRAMEWORK_TYPES`) a value of class `type_` is an instance of:
        the class itself, or the one a subclass derives from — through this module's classes
        and the installed packages (`class V1Router(APIRouter)` → `fastapi.APIRouter`). None
        when it is none of them, or unknown (a class of another module of the project: the
        project index answers that)."""
        if type_ is None:
            return None
        if type_ in FRAMEWORK_TYPES:
            return type_
        if type_ in self._app_types:
            return self._app_types[type_]
        self._app_types[type_] = None  # a cycle through this class answers no
        found = self._app_type(type_)
        self._app_types[type_] = found
        return found

    def _app_type(self, type_: str) -> str | None:
        info = self.classes.get(type_)
        if info is not None:
            for base in info.bases:
                found = self.app_type(canonical(base))
                if found is not None:
                    return found
            return None
        if self.external is None or self._is_local(type_):
            return None
        for root in FRAMEWORK_TYPES:
            if self.external.is_subclass(type_, frozenset({root})):
                return root
        return None

    # -------------------------------------------------------- Pydantic facts

    def is_model(self, qualname: str | None) -> bool:
        """Is the class `qualname` a Pydantic model? Through this module's classes, then what
        the installed packages or the catalogue say of the bases outside it (`External`)."""
        bases = self.external.model_bases if self.external is not None else _KNOWN_MODEL_BASES
        return self.is_subclass(qualname, bases)

    def is_subclass(self, qualname: str | None, bases: frozenset[str], _seen: int = 0) -> bool:
        """Does the class `qualname` reach one of `bases` through classes of this module, and
        beyond it through the installed packages?"""
        if qualname is None or _seen > 50:
            return False
        if qualname in bases:
            return True
        info = self.classes.get(qualname)
        if info is None:
            if self.external is None or self._is_local(qualname):
                return False
            return self.external.is_subclass(qualname, bases)
        return any(self.is_subclass(base, bases, _seen + 1) for base in info.bases)

    def lookup_class(self, qualname: str) -> ClassInfo | None:
        return self.classes.get(qualname)

    def _is_local(self, qualname: str) -> bool:
        return qualname.startswith(self.module + ".") or qualname.split(".")[0] == "builtins"


# Fields that hold no node, or only contexts and operators (`Load`, `Add`, `Eq`), which no
# reader of `_own_nodes` looks at: skipping them makes the walk about twice as fast as
# `ast.iter_child_nodes`, which was a tenth of a whole-corpus run.
_LEAF_FIELDS = frozenset(
    {"ctx", "op", "ops", "id", "attr", "arg", "kind", "type_comment", "level", "is_async"}
    | {"conversion", "simple", "module", "lineno"}
)
_NODE_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: ()}


def _node_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _NODE_FIELDS.get(kind)
    if fields is None:
        fields = _NODE_FIELDS[kind] = tuple(f for f in kind._fields if f not in _LEAF_FIELDS)
    return fields


def _returns_inferable(body: list[ast.stmt]) -> bool:
    """Does the function body (its own statements, not nested functions and classes) return
    something other than None, and is every value it returns of a kind `_value_returned` can
    read a type from (a call, an awaited call, a name)? One `return {...}` or `return self.x`
    makes the whole answer unknown, so the body need not be read for its locals. Only
    statements are looked at: a return is one."""
    found = False
    for statement in _statements(body, definitions=False):
        if type(statement) is not ast.Return:
            continue
        value = statement.value
        if value is None or _is_none(value):
            continue
        if type(value) is ast.Await:
            value = value.value
            if type(value) is not ast.Call:
                return False
        elif type(value) is not ast.Call and type(value) is not ast.Name:
            return False
        found = True
    return found


def _statements(body: list[ast.stmt], *, definitions: bool) -> Iterator[ast.stmt]:
    """The statements of `body` and of the compound statements in it (`if`, `try`, `with`,
    loops, `match`), in no particular order; with `definitions`, those of the function and
    class bodies in it too. Expressions are not visited: a statement is never inside one."""
    stack = list(body)
    while stack:
        statement = stack.pop()
        yield statement
        kind = type(statement)
        if kind in _COMPOUND:
            for field in _COMPOUND[kind]:
                for child in getattr(statement, field):
                    if type(child) is ast.ExceptHandler or type(child) is ast.match_case:
                        stack.extend(child.body)
                    else:
                        stack.append(child)
        elif definitions and kind in _DEFINITIONS:
            stack.extend(statement.body)  # type: ignore[attr-defined]  # a def or class


# Statements with a body of their own scope.
_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})

# The statement lists of compound statements (function and class bodies are not the
# function's own).
_COMPOUND: dict[type, tuple[str, ...]] = {
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    ast.TryStar: ("body", "handlers", "orelse", "finalbody"),
    ast.Match: ("cases",),
}


def _own_nodes(body: list[ast.stmt]) -> Iterable[ast.AST]:
    """The nodes of a function body that belong to the function itself: nested functions,
    classes and lambdas are yielded, not entered. Depth first, in the order of
    `ast.iter_child_nodes`, without contexts and operators."""
    stack: list[ast.AST] = list(reversed(body))
    pop = stack.pop
    push = stack.append
    node_class = ast.AST
    fields_of = _REVERSED_FIELDS
    while stack:
        node = pop()
        yield node
        if isinstance(node, _SCOPE_NODES):
            continue
        # The children pushed last field first and each list backwards: popped in order.
        fields = fields_of.get(type(node)) or _reversed_fields(type(node))
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, node_class):
                        push(item)
            elif isinstance(value, node_class):
                push(value)


_REVERSED_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: ()}


def _reversed_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _REVERSED_FIELDS[kind] = tuple(reversed(_node_fields(kind)))
    return fields


# The node classes `function_locals` acts on; it passes over every other node of a body.
_LOCALS_NODES = frozenset(
    {ast.Yield, ast.YieldFrom, ast.Return, ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Name}
    | {ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, *_SCOPE_NODES}
)


def _bind_local(
    locals_: dict[str, list[ast.AST] | None],
    target: ast.AST,
    value: ast.AST | None,
    plain: set[int],
) -> None:
    """Record what a local name is assigned; anything but a plain name assignment makes the
    names it binds unknown (None)."""
    if isinstance(target, ast.Name):
        plain.add(id(target))
        known = locals_.get(target.id, [])
        if target.id in locals_ and known is None:
            return
        if value is None:
            locals_[target.id] = None
        else:
            locals_[target.id] = [*(known or []), value]
    elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
        for child in ast.walk(target):
            if isinstance(child, ast.Name):
                locals_[child.id] = None


def _root_name(func: ast.AST) -> str | None:
    while isinstance(func, ast.Attribute):
        func = func.value
    return func.id if isinstance(func, ast.Name) else None


def parsed_annotation(annotation: ast.AST | None) -> ast.AST | None:
    """A string annotation (`"list[Item]"`, a forward reference) as the expression it holds;
    any other node as it is. None for a string that does not parse."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return ast.parse(annotation.value, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    return annotation


def _bare(annotation: ast.AST | None) -> ast.AST | None:
    """The annotation as every reader of a type wants it: strings parsed
    (`parsed_annotation`), and `X | None` / `None | X` reduced to `X`. None when nothing single
    is left: no annotation, a string that does not parse, a union of two real types."""
    while True:
        annotation = parsed_annotation(annotation)
        if not (isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr)):
            return annotation
        real = [side for side in (annotation.left, annotation.right) if not _is_none(side)]
        if len(real) != 1:
            return None
        annotation = real[0]


def _is_none(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Constant) and expr.value is None:
        return True
    return isinstance(expr, ast.Name) and expr.id in _NONE_NAMES


def route_target(decorator: ast.Call) -> tuple[str, str | None]:
    """(method, path) of a route decorator `@owner.<method>(path, ...)`: the path when it is a
    literal; for `api_route` with a single method in `methods=[...]`, that method."""
    assert isinstance(decorator.func, ast.Attribute)
    path = None
    first = decorator.args[0] if decorator.args else None
    for kw in decorator.keywords:
        if kw.arg == "path":
            first = kw.value
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        path = first.value
    method = decorator.func.attr
    if method == "api_route":
        method = _api_route_method(decorator) or method
    return method, path


def _api_route_method(decorator: ast.Call) -> str | None:
    for kw in decorator.keywords:
        if kw.arg == "methods" and isinstance(kw.value, (ast.List, ast.Tuple, ast.Set)):
            methods = [
                e.value.lower()
                for e in kw.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
            if len(methods) == 1:
                return methods[0]
    return None
