"""Reading the values a rule's arguments may hold, without guessing.

A keyword such as `allow_origins=ORIGINS` is followed through plain assignments (`ORIGINS =
["*"]`) to the expression assigned; the branches of a conditional expression and both sides of
a `+` are all possible values. A parameter, an attribute (`settings.origins`), a call or a name
bound by a loop is unknown: rules treat an unknown value as "no finding".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..catalogues.types import ENVIRONMENT_READS
from .model import BindingKind

if TYPE_CHECKING:
    from ..context import Context

_MAX_DEPTH = 8  # how many assignments to follow (`A = B`, `B = [...]`) before giving up

# Classes whose subclasses are Pydantic models (RULES.md, "Models").
MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic_settings.BaseSettings",
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)


def resolve(expr: ast.AST, ctx: Context, depth: int = 0) -> ast.AST:
    """Follow a name to the expression it was assigned from, when that is known."""
    while isinstance(expr, ast.Name) and depth < _MAX_DEPTH:
        binding = ctx.semantic.lookup(expr.id)
        if binding is None or binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
            return expr
        expr = binding.value
        depth += 1
    return expr


def possible_values(expr: ast.AST, ctx: Context, depth: int = 0) -> Iterator[ast.AST]:
    """Every expression `expr` may evaluate to: names resolved, conditional branches split.

    The plain reading: `configured_values` without configuration (no call is followed)."""
    for value in _Reader(ctx, configured=False).values(expr, None, depth, None):
        yield value.node


def possible_elements(expr: ast.AST, ctx: Context, depth: int = 0) -> Iterator[ast.AST]:
    """The possible elements of a list/tuple/set value: `["*"]`, `BASE + ["*"]`, `[*OTHER]`."""
    for element in _Reader(ctx, configured=False).elements(expr, None, depth):
        yield element.node


def string_value(expr: ast.AST) -> str | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def is_true(expr: ast.AST, ctx: Context) -> bool:
    """True when every possible value is the literal `True` (a constant counts)."""
    values = list(possible_values(expr, ctx))
    return bool(values) and all(isinstance(v, ast.Constant) and v.value is True for v in values)


def is_model_class(qualname: str | None, ctx: Context) -> bool:
    """A class of this module whose bases reach a Pydantic model base."""
    if qualname is None or qualname not in ctx.semantic.classes:
        return False
    return ctx.semantic.is_subclass(qualname, MODEL_BASES)


# ------------------------------------------------------- values from configuration


class Possible(NamedTuple):
    """One value an expression may have (`configured_values`)."""

    node: ast.AST
    # How configuration puts the value there, for messages ("the default of
    # `os.getenv('ORIGINS', '*')`", "returned by `cors_config()`"), and the line that says so;
    # None for a value written where the rule reads it, or reached through plain assignments.
    origin: str | None = None
    row: int = 0
    # Where the names inside `node` are looked up: the locals of the project function whose
    # `return` gave it (None: where the rule is).
    frame: _Frame | None = None


class _Frame(NamedTuple):
    """A project function of the module being read: its locals, as `function_locals` gives."""

    locals: dict[str, list[ast.AST] | None]


def configured_values(expr: ast.AST, ctx: Context) -> list[Possible]:
    """Every value `expr` may have, as `possible_values` reads it, and further through
    configuration whose value is written in the project:

    - reading the environment with a default (`os.getenv("ORIGINS", "*")`,
      `os.environ.get(...)`, `ENVIRONMENT_READS`): the default is the value wherever the
      variable is unset, the variable's own value stays unknown;
    - `text.split(";")` of a string known here: the list of its parts;
    - a call of a plain function defined at the module's top level: what each of its `return`
      statements gives, reading its locals (every value assigned to one is possible; a
      parameter, or a name bound otherwise, is unknown);
    - a name unpacked from such a value (`origins, creds = cors_config()`): its element.

    Nothing is evaluated and nothing is guessed: an unknown value is returned as the node
    itself, which no rule takes for a literal.
    """
    return _Reader(ctx).values(expr, None, 0, None)


def configured_elements(expr: ast.AST, ctx: Context) -> list[Possible]:
    """The possible elements of a list/tuple/set value, as `possible_elements` reads them,
    through configuration as `configured_values` does."""
    return _Reader(ctx).elements(expr, None, 0)


class _Reader:
    """The one reading of an expression's possible values. `configured`: follow configuration
    too (`configured_values`); without it, only names, conditionals and containers
    (`possible_values`)."""

    def __init__(self, ctx: Context, *, configured: bool = True) -> None:
        self.ctx = ctx
        self.semantic = ctx.semantic
        self.configured = configured

    def values(
        self, expr: ast.AST, frame: _Frame | None, depth: int, index: int | None
    ) -> list[Possible]:
        """`index`: only the element at that position of a tuple/list value is wanted (a name
        unpacked from it)."""
        if depth > _MAX_DEPTH:
            return [Possible(expr, frame=frame)]
        if isinstance(expr, ast.Name):
            return self._name(expr, frame, depth, index)
        if isinstance(expr, ast.IfExp):
            return [
                *self.values(expr.body, frame, depth + 1, index),
                *self.values(expr.orelse, frame, depth + 1, index),
            ]
        if isinstance(expr, ast.BoolOp):
            # `ORIGINS or ["*"]`: any operand may be the value.
            return [p for v in expr.values for p in self.values(v, frame, depth + 1, index)]
        if isinstance(expr, ast.Call) and self.configured:
            found = self._call(expr, frame, depth, index)
            if found is not None:
                return found
        if index is not None:
            listed = isinstance(expr, (ast.Tuple, ast.List)) and not any(
                isinstance(e, ast.Starred) for e in expr.elts
            )
            if listed and index < len(expr.elts):  # type: ignore[attr-defined]  # a Tuple or List
                return self.values(expr.elts[index], frame, depth + 1, None)  # type: ignore[attr-defined]  # as above
            return [Possible(expr, frame=frame)]  # an element of something unknown
        return [Possible(expr, frame=frame)]

    def elements(self, expr: ast.AST, frame: _Frame | None, depth: int) -> list[Possible]:
        found: list[Possible] = []
        if depth > _MAX_DEPTH:
            return found
        for value in self.values(expr, frame, depth, None):
            node = value.node
            if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                for element in node.elts:
                    if isinstance(element, ast.Starred):
                        inner = self.elements(element.value, value.frame, depth + 1)
                    else:
                        inner = self.values(element, value.frame, depth + 1, None)
                    found.extend(_through(p, value) for p in inner)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                for side in (node.left, node.right):
                    inner = self.elements(side, value.frame, depth + 1)
                    found.extend(_through(p, value) for p in inner)
        return found

    def _name(
        self, expr: ast.Name, frame: _Frame | None, depth: int, index: int | None
    ) -> list[Possible]:
        unknown = [Possible(expr, frame=frame)]
        if frame is not None and expr.id in frame.locals:
            assigned = frame.locals[expr.id]
            if not assigned:
                return unknown
            found: list[Possible] = []
            for source in assigned:
                written: ast.AST | None = source
                if isinstance(source, ast.AnnAssign):
                    written = source.value  # `origins: list[str] = [...]`
                if written is None or isinstance(written, ast.arg):
                    found.extend(unknown)  # a parameter: what the caller passes
                else:
                    found.extend(self.values(written, frame, depth + 1, index))
            return found
        semantic = self.semantic
        binding = semantic.lookup(expr.id, semantic.module_scope if frame is not None else None)
        if binding is None or binding.kind is not BindingKind.ASSIGNMENT:
            return unknown
        if binding.value is not None:
            return self.values(binding.value, None, depth + 1, index)
        if binding.unpacked is not None and index is None and self.configured:
            whole, position = binding.unpacked
            return self.values(whole, None, depth + 1, position)
        return unknown

    def _call(
        self, call: ast.Call, frame: _Frame | None, depth: int, index: int | None
    ) -> list[Possible] | None:
        """What a call may give when the project says it; None for any other call."""
        semantic = self.semantic
        func = call.func
        if isinstance(func, ast.Name) and (frame is None or func.id not in frame.locals):
            function = self._module_function(func)
            if function is not None:
                return self._returns(function, call, depth, index)
        reader = ENVIRONMENT_READS.get(semantic.qualified_name(func) or "")
        if reader is not None:
            position, name = reader
            default = call.args[position] if len(call.args) > position else None
            for kw in call.keywords:
                if kw.arg == name:
                    default = kw.value
            if default is None:
                return None  # `os.getenv("X")`: the variable, or None
            origin = f"the default of `{_short(self.ctx, call)}`"
            found = [Possible(call, frame=frame)]  # the variable's own value: unknown
            for value in self.values(default, frame, depth + 1, index):
                if value.origin is None:
                    value = value._replace(origin=origin, row=call.lineno)
                found.append(value)
            return found
        if isinstance(func, ast.Attribute) and func.attr == "split" and index is None:
            return self._split(call, frame, depth)
        return None

    def _split(self, call: ast.Call, frame: _Frame | None, depth: int) -> list[Possible] | None:
        """`text.split(";")` of a string constant: the list of its parts."""
        arguments = [*call.args, *(kw.value for kw in call.keywords)]
        if len(arguments) > 2 or any(kw.arg not in ("sep", "maxsplit") for kw in call.keywords):
            return None
        separator: str | None = None
        limit = -1
        given = [*enumerate(call.args), *((kw.arg, kw.value) for kw in call.keywords)]
        for key, argument in given:
            constant = argument.value if isinstance(argument, ast.Constant) else ...
            if key in (0, "sep") and (constant is None or isinstance(constant, str)):
                separator = constant
            elif key in (1, "maxsplit") and type(constant) is int:
                limit = constant
            else:
                return None
        if separator == "":
            return None  # raises ValueError
        assert isinstance(call.func, ast.Attribute)
        found: list[Possible] = []
        for value in self.values(call.func.value, frame, depth + 1, None):
            text = string_value(value.node)
            if text is None:
                found.append(Possible(call, frame=frame))
                continue
            parts: list[ast.expr] = [
                ast.copy_location(ast.Constant(part), value.node)
                for part in text.split(separator, limit)
            ]
            listed = ast.copy_location(ast.List(elts=parts, ctx=ast.Load()), value.node)
            found.append(value._replace(node=listed))
        return found

    def _module_function(self, func: ast.Name) -> ast.FunctionDef | None:
        """The plain function defined at the module's top level that `func` names."""
        semantic = self.semantic
        binding = semantic.lookup(func.id)
        if binding is None or binding is not semantic.module_scope.bindings.get(func.id):
            return None
        node = binding.node
        if binding.kind is not BindingKind.FUNCTION or not isinstance(node, ast.FunctionDef):
            return None
        return node if semantic.keeps_return(node) else None

    def _returns(
        self, function: ast.FunctionDef, call: ast.Call, depth: int, index: int | None
    ) -> list[Possible]:
        locals_, returned, generator = self.ctx.shared(
            f"values.locals.{id(function)}", lambda: self.semantic.function_locals(function)
        )
        if generator or not returned:
            return [Possible(call)]
        frame = _Frame(locals_)
        origin = f"returned by `{function.name}()`"
        semantic = self.semantic
        saved = semantic.scope
        semantic.scope = semantic.module_scope  # its names are the module's, not the caller's
        try:
            found = [p for value in returned for p in self.values(value, frame, depth + 1, index)]
        finally:
            semantic.scope = saved
        return [
            p._replace(origin=f"{p.origin}, {origin}")
            if p.origin is not None
            else p._replace(origin=origin, row=getattr(p.node, "lineno", function.lineno))
            for p in found
        ]


def _through(element: Possible, container: Possible) -> Possible:
    """An element inherits how configuration put its container there."""
    if element.origin is not None or container.origin is None:
        return element
    return element._replace(origin=container.origin, row=container.row)


def _short(ctx: Context, node: ast.AST) -> str:
    """A call's text for a message: as written when short and on one line."""
    text = ctx.text(node)
    if len(text) <= 70 and "\n" not in text:
        return text
    if isinstance(node, ast.Call) and node.args:
        first = ctx.text(node.args[0])
        if len(first) <= 40 and "\n" not in first:
            return f"{ctx.text(node.func)}({first}, ...)"
    return f"{ctx.text(node.func) if isinstance(node, ast.Call) else '...'}(...)"


def imported_name(expr: ast.expr, ctx: Context) -> str | None:
    """The qualified name of a name or attribute chain whose root this module imports
    (`http` after `from app.clients import http`: `app.clients.http`; `clients.http.get` after
    `from app import clients`), when it names something inside a module; None for a local, a
    parameter, a call's result or a bare module. What the name holds is the project index's to
    say (`InstanceOf`, `Makes`)."""
    root = expr
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return None
    binding = ctx.semantic.lookup(root.id)
    if binding is None or binding.kind is not BindingKind.IMPORT:
        return None
    name = ctx.qualified_name(expr)
    return name if name is not None and "." in name else None
