"""What the Pydantic migration rules (FAL301-FAL310) share: which classes are models, which
receivers are known model instances or classes, and whether a file chose the `pydantic.v1` layer.

Everything here answers from what one file shows (its imports, its classes and their bases).
A class this file cannot decide about (imported, or with imported bases) becomes a candidate
(`model_candidate`) that rules defer to the project index: it fires only if the index finds a
project model there.
"""

from __future__ import annotations

import ast
import re
import sys
from typing import ClassVar

from ...catalogues.pydantic_v1 import (
    ANNOTATED_NAMES,
    ANY_NAMES,
    CLASSMETHOD_CONSTRUCTORS,
    IMPORT_ERRORS,
    OPTIONAL_NAMES,
    SETTINGS_BASES,
    UNION_NAMES,
    V1_ONLY_MODULES,
    V1_ONLY_NAMES,
    V2_ONLY_MODULES,
    V2_ONLY_NAMES,
)
from ...context import Context
from ...rule import Rule
from ...semantic.model import Binding, BindingKind, Scope, ScopeKind, parsed_annotation

# Roots of names that are never project models: the standard library and the libraries whose
# types the catalogues know.
_NOT_PROJECT = frozenset(sys.stdlib_module_names) | {
    "pydantic",
    "pydantic_settings",
    "sqlmodel",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "httpx",
    "requests",
}

# What an import of the v1 layer must contain: `pydantic.v1` (`import pydantic.v1`, `from
# pydantic.v1 import X`) or `v1` in the names of a `from pydantic import ...`, parenthesised or
# not. Most files have neither, and are not walked to look for the import.
_MAY_IMPORT_V1 = re.compile(r"pydantic\.v1|from\s+pydantic\s+import\s*(?:\([^)]*|[^\n]*)\bv1\b")


def uses_v1_layer(ctx: Context) -> bool:
    """Does the module import from `pydantic.v1` (anywhere, also in a try/except fallback)?

    Such code chose the v1 compatibility layer on purpose, so the FAL3xx rules leave the whole
    file alone — including a `try: from pydantic.v1 import X / except ImportError: from pydantic
    import X` shim, whose v1 spelling is intended. Each FAL3xx rule asks once per file
    (`PydanticRule.applies`): answered once for all of them.
    """
    return ctx.shared("pydantic.v1-layer", lambda: _imports_v1_layer(ctx))


def _imports_v1_layer(ctx: Context) -> bool:
    if not _MAY_IMPORT_V1.search(ctx.source.text):
        return False
    for node in ctx.semantic.import_statements():
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module == "pydantic.v1" or node.module.startswith("pydantic.v1."):
                return True
            if node.module == "pydantic" and any(a.name == "v1" for a in node.names):
                return True
        elif isinstance(node, ast.Import) and any(
            a.name == "pydantic.v1" or a.name.startswith("pydantic.v1.") for a in node.names
        ):
            return True
    return False


def is_guarded_import(node: ast.stmt, ctx: Context) -> bool:
    """Is this import statement in the body of a `try` whose handler catches `ImportError`?

    Such an import is a compatibility shim (`try: from pydantic.color import Color / except
    ImportError: ...`): the code already copes with the name being missing, and rewriting the
    import would change which branch runs. Ask during the walk (see `semantic.trying`).
    """
    return any(
        _catches_import_error(handler, ctx)
        for try_node in ctx.semantic.trying
        for handler in try_node.handlers
    )


def in_v1_fallback(node: ast.AST, ctx: Context) -> bool:
    """Is `node` in the handler of a `try` whose body uses the v2 API?

    `try: data = m.model_dump() / except AttributeError: data = m.dict()` supports both
    Pydantic versions on purpose (found all over litellm): the v1 spelling in the handler only
    runs on v1, and renaming it would break that. Ask during the walk (the traversal keeps
    `semantic.handling` current).
    """
    return any(_tries_v2(try_node) for try_node in ctx.semantic.handling)


def _tries_v2(try_node: ast.Try | ast.TryStar) -> bool:
    return any(
        isinstance(n, ast.Attribute) and n.attr in V2_METHOD_NAMES
        for statement in try_node.body
        for n in ast.walk(statement)
    )


V2_METHOD_NAMES = frozenset(
    {
        "model_dump",
        "model_dump_json",
        "model_copy",
        "model_validate",
        "model_validate_json",
        "model_json_schema",
        "model_construct",
        "model_rebuild",
        "model_fields",
    }
)


def _catches_import_error(handler: ast.ExceptHandler, ctx: Context) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(ctx.qualified_name(t) in IMPORT_ERRORS for t in types)


def version_evidence(ctx: Context) -> tuple[bool, bool]:
    """(written for v1, written for v2), from what the module imports and how its models are
    configured. Call after the walk (in `finish`), when every class of the file is known.

    v1: it imports a v1-only name (`validator`, `BaseSettings` from pydantic, `constr`, ...) or
    module (`pydantic.generics`, ...), or one of its models has a nested `class Config`.
    v2: it imports a v2-only name (`field_validator`, `ConfigDict`, ...) or package
    (`pydantic_settings`, ...), or one of its models assigns `model_config`.
    A module can show both (half migrated) or neither. Answered once per file, and in the
    passes of `--fix`, about the file as written (see `Source.as_written`).
    """
    return ctx.source.as_written("pydantic.version-evidence", lambda: _version_evidence(ctx))


def _version_evidence(ctx: Context) -> tuple[bool, bool]:
    v1 = v2 = False
    for node in ctx.semantic.import_statements():
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            module = node.module
            names = {a.name for a in node.names}
            if module == "pydantic":
                v1 = v1 or bool(names & V1_ONLY_NAMES)
                v2 = v2 or bool(names & V2_ONLY_NAMES)
            v1 = v1 or module in V1_ONLY_MODULES
            v2 = v2 or module.split(".")[0] in V2_ONLY_MODULES or module in V2_ONLY_MODULES
        elif isinstance(node, ast.Import):
            for alias in node.names:
                v1 = v1 or alias.name in V1_ONLY_MODULES
                v2 = v2 or alias.name.split(".")[0] in V2_ONLY_MODULES
    for info in ctx.semantic.classes.values():
        if not is_model(info.qualname, ctx):
            continue
        for statement in info.node.body:
            if isinstance(statement, ast.ClassDef) and statement.name == "Config":
                v1 = True
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = (
                    statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                )
                if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
                    v2 = True
    return v1, v2


def written_for_v2(ctx: Context) -> bool:
    """Is this module Pydantic 2 code? The project's target decides when it is known
    (`Settings.target`); otherwise the module's own usage: v2 and no v1 (`version_evidence`).
    A module on the `pydantic.v1` layer is not. Call in `finish`.

    Where a spelling is right in v1 code and deprecated in v2 code (an extra `Field` keyword),
    this splits the work: FAL307 reports it in v1 code (the migration), FAL903 in v2 code."""
    if uses_v1_layer(ctx):
        return False
    known = ctx.settings.target("pydantic").at_least((2,))
    if known is not None:
        return known
    v1, v2 = version_evidence(ctx)
    return v2 and not v1


class PydanticRule(Rule):
    """Base of FAL301-FAL310: files on the `pydantic.v1` layer are left alone."""

    # Until project-wide analysis exists, a model is only visible in a file that imports pydantic
    # or sqlmodel; other files cannot draw these rules.
    triggers: ClassVar[tuple[str, ...]] = ("pydantic", "sqlmodel")
    abstract: ClassVar[bool] = True
    # The rewrites use the v2 API: a project pinned below 2 keeps the findings, not the fixes.
    fix_targets: ClassVar[tuple[str, tuple[int, ...], str] | None] = (
        "pydantic",
        (2,),
        "Pydantic 2",
    )

    def applies(self, ctx: Context) -> bool:
        return not uses_v1_layer(ctx)


# ------------------------------------------------------------------ classes


def is_model(qualname: str | None, ctx: Context) -> bool:
    """Is the class `qualname` a Pydantic model? Its bases reach a model base through this
    file's classes, and beyond through the installed packages or the catalogue (one answer:
    `SemanticModel.is_model`)."""
    return ctx.semantic.is_model(qualname)


def is_settings(qualname: str | None, ctx: Context) -> bool:
    return ctx.semantic.is_subclass(qualname, SETTINGS_BASES)


def class_scope_qualname(scope: Scope) -> str | None:
    """The qualified name of the class whose body `scope` is."""
    binding = scope.bindings.get("__qualname__")
    return binding.qualname if binding is not None else None


def enclosing_model(ctx: Context) -> str | None:
    """The model whose class body is being walked right now (directly, not inside a method)."""
    scope = ctx.semantic.scope
    if scope.kind is not ScopeKind.CLASS:
        return None
    qualname = class_scope_qualname(scope)
    return qualname if is_model(qualname, ctx) else None


def enclosing_candidate(ctx: Context) -> str | None:
    """The class whose body is being walked right now, when this file cannot tell whether it
    is a model but the project index may (`candidate_class`): rules defer on `IsModel(it)`."""
    scope = ctx.semantic.scope
    if scope.kind is not ScopeKind.CLASS:
        return None
    qualname = class_scope_qualname(scope)
    return qualname if qualname is not None and candidate_class(qualname, ctx) else None


def candidate_class(qualname: str, ctx: Context, _depth: int = 0) -> bool:
    """Is this class of the file not a model by what the file shows, but has a base from
    another project module (directly or through the file's own classes)? Its module summary
    records it, so the index answers `IsModel(qualname)` by following those bases. Classes
    inside functions are not recorded and stay undecided (no finding)."""
    info = ctx.semantic.classes.get(qualname)
    if info is None or "<locals>" in qualname or _depth > 50:
        return False
    if _depth == 0 and is_model(qualname, ctx):
        return False
    for base in info.bases:
        if base in ctx.semantic.classes:
            if candidate_class(base, ctx, _depth + 1):
                return True
        elif _project_name(base) and not base.startswith(ctx.semantic.module + "."):
            return True
    return False


def enclosing_class(ctx: Context) -> ast.ClassDef | None:
    """The class whose body is being walked right now (directly, not inside a method).

    For the validator fixes: a method decorated with pydantic's `@validator` belongs to a model
    even when the model's base comes from another module and `enclosing_model` cannot tell.
    """
    scope = ctx.semantic.scope
    if scope.kind is not ScopeKind.CLASS:
        return None
    info = ctx.semantic.classes.get(class_scope_qualname(scope) or "")
    return info.node if info is not None else None


def defines_member(model: str, name: str, ctx: Context, _depth: int = 0) -> bool:
    """Does the model, or one of its project bases in this file, define `name` itself?

    A project class that defines its own `dict()` or `validate()` makes `user.dict()` a call of
    project code, not of the v1 API; those calls are left alone.
    """
    info = ctx.semantic.classes.get(model)
    if info is None or _depth > 50:
        return False
    for statement in info.node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name == name:
                return True
        elif isinstance(statement, ast.AnnAssign):
            if isinstance(statement.target, ast.Name) and statement.target.id == name:
                return True
        elif isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in statement.targets
        ):
            return True
    return any(defines_member(base, name, ctx, _depth + 1) for base in info.bases)


# ---------------------------------------------------------------- receivers


def model_class_of(expr: ast.AST, ctx: Context) -> str | None:
    """The model an expression names as a class: `User`, `schemas.User`, or `cls` inside a
    classmethod of a model."""
    if isinstance(expr, (ast.Name, ast.Attribute)):
        name = ctx.qualified_name(expr)
        if name is not None and name in ctx.semantic.classes and is_model(name, ctx):
            return name
    if isinstance(expr, ast.Subscript):  # `Page[Product]`: a parametrised generic model
        return model_class_of(expr.value, ctx)
    if isinstance(expr, ast.Name):
        owner = _first_parameter_owner(expr.id, ctx)
        if owner is not None and owner[1] == "class":
            return owner[0]
        held = class_parameter(expr.id, ctx)
        if held is not None and is_model(held, ctx):
            return held  # `model: type[ModelT]`, `ModelT = TypeVar("ModelT", bound=BaseModel)`
    return None


def class_parameter(name: str, ctx: Context) -> str | None:
    """The class a parameter annotated `type[X]` holds (X or a subclass; a TypeVar stands for
    its bound), unless the function rebinds it."""
    binding = ctx.semantic.lookup(name)
    if binding is None or binding.kind is not BindingKind.PARAMETER:
        return None
    node = binding.node
    if not isinstance(node, ast.arg):
        return None
    return ctx.semantic.class_annotation(node.annotation)


def model_instance_of(expr: ast.AST, ctx: Context, _depth: int = 0) -> str | None:
    """The model an expression is known to hold an instance of.

    Known: a parameter annotated with a model of this file (also `Optional[...]`/`Annotated`),
    a name assigned from the model's constructor or from one of its classmethod constructors
    (`User.parse_obj(...)`), such a call itself, `self` in a method of a model, a parametrised
    generic model's constructor (`Page[Item](...)`), `.copy()` of a known instance, and a field
    of a known instance annotated with a model of this file (`order.customer`).
    """
    known = ctx.type_of(expr)
    if known is not None:
        if known in ctx.semantic.classes and is_model(known, ctx):
            return known
        # `x = User.parse_obj(data)`: the call's recorded type is the classmethod's name.
        owner, _, method = known.rpartition(".")
        if method in CLASSMETHOD_CONSTRUCTORS and is_model(owner, ctx):
            return owner
    if isinstance(expr, ast.Name):
        parameter_of = _first_parameter_owner(expr.id, ctx)
        if parameter_of is not None and parameter_of[1] == "instance":
            return parameter_of[0]
        binding = ctx.semantic.lookup(expr.id)
        if (
            binding is not None
            and binding.kind is BindingKind.ASSIGNMENT
            and isinstance(binding.value, ast.Call)
            and _depth < 10
        ):
            return _instance_from_call(binding.value, ctx, _depth + 1)
        return None
    if isinstance(expr, ast.Call) and _depth < 10:
        return _instance_from_call(expr, ctx, _depth + 1)
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
        # `notes[key]` where `notes: Dict[int, Note]` (or `List[Note]`).
        binding = ctx.semantic.lookup(expr.value.id)
        if binding is not None and isinstance(binding.node, ast.AnnAssign):
            return _item_model(binding.node.annotation, ctx)
        return None
    if isinstance(expr, ast.Attribute) and _depth < 10:
        # `order.customer`: a field annotated with a model of this file.
        owner_model = model_instance_of(expr.value, ctx, _depth + 1)
        if owner_model is not None:
            return _field_model(owner_model, expr.attr, ctx)
    return None


# Containers whose subscript gives an item of the last type argument.
_CONTAINERS = frozenset(
    {
        "typing.Dict",
        "typing.List",
        "typing.Mapping",
        "typing.MutableMapping",
        "typing.Sequence",
        "builtins.dict",
        "builtins.list",
    }
)


def _item_model(annotation: ast.expr, ctx: Context) -> str | None:
    if not isinstance(annotation, ast.Subscript):
        return None
    if ctx.qualified_name(annotation.value) not in _CONTAINERS:
        return None
    inner = annotation.slice
    item = inner.elts[-1] if isinstance(inner, ast.Tuple) and inner.elts else inner
    name = ctx.qualified_name(item)
    return (
        name if name is not None and name in ctx.semantic.classes and is_model(name, ctx) else None
    )


# Instance methods that return another instance of the same model.
_SELF_RETURNING = frozenset({"copy", "model_copy"})


def _instance_from_call(call: ast.Call, ctx: Context, depth: int) -> str | None:
    func = call.func
    if isinstance(func, ast.Subscript):  # `Page[Product](...)`: a parametrised generic model
        return model_class_of(func.value, ctx)
    if isinstance(func, ast.Attribute) and func.attr in _SELF_RETURNING:
        return model_instance_of(func.value, ctx, depth)
    return None


def _field_model(model: str, field: str, ctx: Context, _depth: int = 0) -> str | None:
    info = ctx.semantic.classes.get(model)
    if info is None or _depth > 50:
        return None
    for statement in info.node.body:
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == field
        ):
            known = ctx.semantic.annotation_type(statement.annotation)
            return known if known in ctx.semantic.classes and is_model(known, ctx) else None
    for base in info.bases:
        found = _field_model(base, field, ctx, _depth + 1)
        if found is not None:
            return found
    return None


def model_candidate(expr: ast.AST, ctx: Context, on_class: bool) -> str | None:
    """A class this file cannot tell is a model, but the project index may: the expression
    names it (`schemas.User.parse_obj(...)`, with `on_class`), holds an instance of it (a
    parameter annotated with an imported class, a name assigned from its constructor or
    classmethod), is `self`/`cls` in a method of a class whose bases are imported, or is a
    module-level instance imported from another module (`settings` from `app.config`)."""
    if on_class and isinstance(expr, (ast.Name, ast.Attribute)):
        name = ctx.qualified_name(expr)
        if name is not None and _project_name(name):
            return name
    known = ctx.type_of(expr)
    if known is not None:
        return known if _project_name(known) else None
    if isinstance(expr, ast.Name):
        owner = _first_parameter_owner(expr.id, ctx, require_model=False)
        if owner is not None and (owner[1] == "instance" or on_class):
            return owner[0]
        held = class_parameter(expr.id, ctx) if on_class else None
        if held is not None and _project_name(held):
            return held  # `user_schema: type[schemas.U]`: the index follows `U` to its bound
        binding = ctx.semantic.lookup(expr.id)
        if binding is None or binding.kind is not BindingKind.IMPORT:
            return None
    if isinstance(expr, (ast.Name, ast.Attribute)):
        # A module-level instance of another module (`from app.config import settings`).
        name = ctx.qualified_name(expr)
        if name is not None and _project_name(name):
            return name
    return None


def _project_name(name: str) -> bool:
    root = name.split(".", 1)[0]
    return root not in _NOT_PROJECT and root != "builtins"


def _first_parameter_owner(
    name: str, ctx: Context, require_model: bool = True
) -> tuple[str, str] | None:
    """If `name` is the first parameter of a method defined in a model's body: the model and
    whether the parameter holds an instance (`self`) or the class (`cls` of a classmethod).
    With `require_model=False`, any class of the module (the index decides later)."""
    semantic = ctx.semantic
    binding = semantic.lookup(name)
    if binding is None or binding.kind is not BindingKind.PARAMETER:
        return None
    scope = _scope_holding(binding, ctx)
    if scope is None or not isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    function = scope.node
    positional = [*function.args.posonlyargs, *function.args.args]
    if not positional or positional[0] is not binding.node:
        return None
    parent = scope.parent
    if parent is None or parent.kind is not ScopeKind.CLASS:
        return None
    model = class_scope_qualname(parent)
    if model is None or (require_model and not is_model(model, ctx)):
        return None
    decorators = {_decorator_name(d, ctx) for d in function.decorator_list}
    if "builtins.staticmethod" in decorators:
        return None
    if "builtins.classmethod" in decorators:
        return model, "class"
    if decorators - {None, "builtins.property", "functools.cached_property"}:
        # Validators and other decorated methods: what the first parameter holds is the
        # decorator's business.
        return None
    if None in decorators and function.decorator_list:
        return None
    return model, "instance"


def _decorator_name(decorator: ast.expr, ctx: Context) -> str | None:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ctx.qualified_name(target)


def _scope_holding(binding: Binding, ctx: Context) -> Scope | None:
    scope: Scope | None = ctx.semantic.scope
    while scope is not None:
        if scope.bindings.get(binding.name) is binding:
            return scope
        scope = scope.parent
    return None


# -------------------------------------------------------------- annotations


def optional_kind(annotation: ast.expr, ctx: Context, depth: int = 0) -> str | None:
    """ "Optional", "X | None" or "Any" when the annotation admits None without saying so."""
    expr = parsed_annotation(annotation)
    if expr is None or depth > 10:
        return None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return "X | None" if _union_has_none(expr) else None
    if isinstance(expr, ast.Subscript):
        wrapper = ctx.qualified_name(expr.value)
        inner = expr.slice
        if wrapper in OPTIONAL_NAMES:
            return "Optional"
        if wrapper in UNION_NAMES and isinstance(inner, ast.Tuple):
            return "Optional" if any(_is_none(e) for e in inner.elts) else None
        if wrapper in ANNOTATED_NAMES:
            first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
            return optional_kind(first, ctx, depth + 1)
        return None
    if ctx.qualified_name(expr) in ANY_NAMES:
        return "Any"
    return None


def _is_none(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Constant) and expr.value is None:
        return True
    return isinstance(expr, ast.Name) and expr.id == "NoneType"


def _union_has_none(expr: ast.expr) -> bool:
    while isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        if _is_none(expr.right):
            return True
        expr = expr.left
    return _is_none(expr)


def reads_attributes(model: str, ctx: Context, _depth: int = 0) -> bool:
    """Does the model (or a project base of it in this file) enable reading attributes — v1
    `class Config: orm_mode = True` or v2 `model_config = ConfigDict(from_attributes=True)`?"""
    info = ctx.semantic.classes.get(model)
    if info is None or _depth > 50:
        return False
    for statement in info.node.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            for inner in statement.body:
                if (
                    isinstance(inner, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "orm_mode" for t in inner.targets)
                    and isinstance(inner.value, ast.Constant)
                    and inner.value.value is True
                ):
                    return True
        elif isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "model_config" for t in statement.targets
        ):
            value = statement.value
            if isinstance(value, ast.Call) and any(
                k.arg == "from_attributes"
                and isinstance(k.value, ast.Constant)
                and k.value.value is True
                for k in value.keywords
            ):
                return True
    return any(reads_attributes(base, ctx, _depth + 1) for base in info.bases)
