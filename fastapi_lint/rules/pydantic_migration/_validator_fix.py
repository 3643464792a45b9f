"""The FAL301 fix: one v1 `@validator` function rewritten as a v2 `@field_validator`.

The rule finds the decorators; `plan_field_validator` decides whether the function can be
converted mechanically and builds one `Fix` for the whole function (decorators, signature,
body and the fields `always=True` applies to), shared by every finding on it. The rewrite keeps
what v1 did:

* `@validator(names, ...)` becomes `@field_validator(names, ...)` with `@classmethod` added
  below it (kept if already there); `pre=True` becomes `mode="before"`; `allow_reuse=` and the
  v1 defaults (`each_item=False`, `whole=True`) are dropped; `check_fields=` is kept;
* the parameters v1 passed by name become v2's `info: ValidationInfo`: `values` is read as
  `info.data`, `field.name` as `info.field_name`; an unused `config`, `field` or `**kwargs`
  is dropped;
* `always=True` moves to the field as `validate_default=True` (`x: int = 0` →
  `x: int = Field(0, validate_default=True)`): v1 validated the whole field when the default
  was used, as v2's setting does. On a required field it never mattered and is dropped;
* imports are added as needed; the `validator` import is retired (removed by the fixer once
  nothing else in the file names it).

Anything whose v2 meaning differs, or that the rewrite cannot place, is refused for the whole
function, with the reason: a validator outside a class body, without literal field names, or
with another decorator below it; no v2 equivalent (`each_item=True`, other keywords), a signature or body the conversion cannot follow
(`config` read, `field` read beyond its name, `values` rebound, the name `info` taken, `**kwargs`
read), `always=True` on a field it cannot see or on an implicitly optional one without a
default (FAL310 first), several before-validators on one field (their order reverses in v2), an
`async def` validator, and a body that raises `TypeError` (v1 made it a validation error, v2
lets it propagate).
"""

from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import FIELD_CALLS, VALIDATOR_DECORATORS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ._fixes import Imports, class_fields, is_false, is_true, names_in, raises_type_error
from ._models import enclosing_class, optional_kind

_FIELD_VALIDATORS = VALIDATOR_DECORATORS | {
    "pydantic.field_validator",
    "pydantic.functional_validators.field_validator",
}

# What a v1 validator's extra parameters may be called (v1 passed them by name).
_EXTRA_PARAMETERS = frozenset({"values", "config", "field"})


def plan_field_validator(
    function: ast.FunctionDef | ast.AsyncFunctionDef, decorators: list[ast.expr], ctx: Context
) -> tuple[Fix | None, str]:
    """The whole conversion of one validator function (the module docstring says what it
    guarantees), or None and the reason, which the finding's message carries."""
    class_node = enclosing_class(ctx)
    if class_node is None:
        return None, "a validator outside a class body needs a person"
    imports = Imports(ctx)
    edits: list[Edit] = []
    pre_flags: list[bool] = []
    for decorator in decorators:
        if not isinstance(decorator, ast.Call):
            return None, "a `@validator` without field names needs a person"
        rewritten, reason = _decorator(decorator, class_node, imports, ctx)
        if rewritten is None:
            return None, reason
        edits.extend(rewritten)
        pre_flags.append(any(k.arg == "pre" and is_true(k.value) for k in decorator.keywords))
    if isinstance(function, ast.AsyncFunctionDef):
        return None, "an `async def` validator is not supported by Pydantic"
    if raises_type_error(function):
        return None, (
            "it raises `TypeError`, which v1 turned into a validation error and v2 lets "
            "propagate: raise `ValueError` instead, then convert"
        )
    classmethod_edit, reason = _classmethod(function, decorators, ctx)
    if reason:
        return None, reason
    if classmethod_edit is not None:
        edits.append(classmethod_edit)
    signature, reason = _signature(function, imports, ctx)
    if signature is None:
        return None, reason
    edits.extend(signature)
    for decorator in decorators:
        assert isinstance(decorator, ast.Call)
        if any(k.arg == "always" and is_true(k.value) for k in decorator.keywords):
            field_edits, reason = _validate_default(decorator, class_node, imports, ctx)
            if field_edits is None:
                return None, reason
            edits.extend(field_edits)
    # The decorators' import may become unused: it is dropped once every fix is applied.
    names = {ctx.qualified_name(d.func) for d in decorators if isinstance(d, ast.Call)}
    retires = tuple(sorted(name or "" for name in names))
    return (
        Fix(
            tuple([*imports.edits, *edits]),
            Applicability.SAFE,
            "Use `@field_validator` with `@classmethod`",
            retires=retires,
        ),
        "",
    )


def _decorator(
    decorator: ast.Call, class_node: ast.ClassDef, imports: Imports, ctx: Context
) -> tuple[list[Edit] | None, str]:
    arguments = [ctx.text(a) for a in decorator.args]
    if not arguments or any(isinstance(a, ast.Starred) for a in decorator.args):
        return None, "a `@validator` without field names, or with `*names`, needs a person"
    pre = False
    for keyword in decorator.keywords:
        arg, value = keyword.arg, keyword.value
        if arg == "pre" and (is_true(value) or is_false(value)):
            pre = is_true(value)
        elif arg == "always" and (is_true(value) or is_false(value)):
            pass  # handled on the field
        elif arg == "allow_reuse":
            pass  # v2 has no such check: dropped
        elif arg == "check_fields":
            arguments.append(ctx.text(keyword))
        elif (arg == "each_item" and is_false(value)) or (arg == "whole" and is_true(value)):
            pass  # the v1 default
        elif arg in ("each_item", "whole"):
            return None, (
                "`each_item=True` has no v2 equivalent: validate the items with an "
                "`Annotated` item type"
            )
        else:
            return None, f"`{ctx.text(keyword)}` has no mechanical v2 equivalent"
    if pre:
        crowded = _fields_with_several_before_validators(decorator, class_node, ctx)
        if crowded:
            names = ", ".join(f"`{n}`" for n in crowded)
            return None, (
                f"{names} has several `pre=True` validators: v1 ran them in definition order, "
                'v2 runs `mode="before"` validators in reverse order'
            )
        quote = "'" if arguments[0].startswith("'") else '"'
        arguments.append(f"mode={quote}before{quote}")
    name = imports.name(
        "pydantic", "field_validator", "pydantic.functional_validators.field_validator"
    )
    return [Edit(*ctx.span(decorator), f"{name}({', '.join(arguments)})")], ""


def _field_names(decorator: ast.Call) -> list[str] | None:
    names = []
    for arg in decorator.args:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            return None
        names.append(arg.value)
    return names


def _fields_with_several_before_validators(
    decorator: ast.Call, class_node: ast.ClassDef, ctx: Context
) -> list[str]:
    """Fields of this decorator that more than one before-validator of the class applies to
    (v1 `pre=True` or v2 `mode="before"`, including `"*"`)."""
    mine = _field_names(decorator)
    if mine is None:
        return []
    counts: dict[str, int] = {}
    for statement in class_node.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for other in statement.decorator_list:
            if not isinstance(other, ast.Call):
                continue
            if ctx.qualified_name(other.func) not in _FIELD_VALIDATORS:
                continue
            before = any(
                (k.arg == "pre" and is_true(k.value))
                or (
                    k.arg == "mode"
                    and isinstance(k.value, ast.Constant)
                    and k.value.value in ("before", "wrap", "plain")
                )
                for k in other.keywords
            )
            if not before:
                continue
            # Field names that are not literals could be any field.
            for name in _field_names(other) or ["*"]:
                counts[name] = counts.get(name, 0) + 1
    star = counts.get("*", 0)
    if "*" in mine:  # applies to every field: crowded when any other before-validator exists
        return ["*"] if sum(counts.values()) > 1 else []
    return [n for n in mine if counts.get(n, 0) + star > 1]


def _classmethod(
    function: ast.FunctionDef | ast.AsyncFunctionDef, decorators: list[ast.expr], ctx: Context
) -> tuple[Edit | None, str]:
    """The `@classmethod` line to add below the last validator decorator (None: already there)."""
    listed = function.decorator_list
    if any(ctx.qualified_name(d) == "builtins.classmethod" for d in listed):
        return None, ""
    last = decorators[-1]
    if listed[-1] is not last:
        return None, "a decorator between `@validator` and the function needs a person"
    start, end = ctx.span(last)
    row_start = ctx.source.line_starts[last.lineno - 1]
    before = ctx.source.text[row_start:start]
    if not before.endswith("@") or before[:-1].strip():
        return None, "add `@classmethod` below the new decorator by hand"
    newline = ctx.source.newline
    return Edit(end, end, f"{newline}{before[:-1]}@classmethod"), ""


def _signature(
    function: ast.FunctionDef | ast.AsyncFunctionDef, imports: Imports, ctx: Context
) -> tuple[list[Edit] | None, str]:
    """`(cls, v, values, config, field)` → `(cls, v)` or `(cls, v, info: ValidationInfo)`, with
    `values` read as `info.data` and `field.name` as `info.field_name`."""
    args = function.args
    if (
        args.posonlyargs
        or args.vararg is not None
        or args.defaults
        or any(d is not None for d in args.kw_defaults)
        or len(args.args) < 2
    ):
        return None, "its signature is not `(cls, value, ...)`: convert it by hand"
    # `(cls, v, values)` or `(cls, v, *, values, **kwargs)`: v1 passed them by name.
    extra = [*args.args[2:], *args.kwonlyargs]
    if any(a.arg not in _EXTRA_PARAMETERS for a in extra):
        return None, "its signature is not `(cls, value, ...)`: convert it by hand"
    body = ast.Module(body=function.body, type_ignores=[])
    body_edits: list[Edit] = []
    uses_info = False
    for parameter in extra:
        uses = list(names_in(body, parameter.arg))
        if not uses:
            continue
        if parameter.arg == "config":
            return None, "it reads `config`: use `cls.model_config` by hand"
        if any(not isinstance(u.ctx, ast.Load) for u in uses) or _rebinds(function, parameter.arg):
            return None, f"it rebinds `{parameter.arg}`: convert it by hand"
        if parameter.arg == "values":
            body_edits.extend(Edit(*ctx.span(u), "info.data") for u in uses)
        else:  # field: only its name has a v2 counterpart
            parents = {
                id(n.value): n
                for n in ast.walk(body)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            }
            for use in uses:
                attribute = parents.get(id(use))
                if attribute is None or attribute.attr != "name":
                    return None, "it reads `field` beyond `field.name`: convert it by hand"
                body_edits.append(Edit(*ctx.span(attribute), "info.field_name"))
        uses_info = True
    if args.kwarg is not None and any(names_in(body, args.kwarg.arg)):
        return None, f"it reads `**{args.kwarg.arg}`: convert it by hand"
    if uses_info and (any(names_in(body, "info")) or any(a.arg == "info" for a in args.args)):
        return None, "it already uses the name `info`: convert it by hand"
    last = args.kwarg or (args.kwonlyargs[-1] if args.kwonlyargs else args.args[-1])
    edits = body_edits
    if last is not args.args[1]:
        replacement = ""
        if uses_info:
            replacement = ", info: " + imports.name(
                "pydantic", "ValidationInfo", "pydantic_core.core_schema.ValidationInfo"
            )
        start = ctx.span(args.args[1])[1]
        end = ctx.span(last)[1]
        edits = [Edit(start, end, replacement), *body_edits]
    return edits, ""


def _rebinds(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    for node in ast.walk(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return True
        own = [*function.args.args, *function.args.kwonlyargs]
        if isinstance(node, ast.arg) and node.arg == name and not any(node is a for a in own):
            return True  # a nested function or lambda parameter of the same name
    return False


def _validate_default(
    decorator: ast.Call, class_node: ast.ClassDef, imports: Imports, ctx: Context
) -> tuple[list[Edit] | None, str]:
    """`always=True`: the field gets `validate_default=True` (v1 validated the whole field when
    its default was used, as v2's `validate_default` does)."""
    names = _field_names(decorator)
    fields = class_fields(class_node)
    if names is None or any(n not in fields for n in names):
        return None, "`always=True`: set `Field(validate_default=True)` on the field by hand"
    edits: list[Edit] = []
    for name in names:
        field = fields[name]
        value = field.value
        call = value if isinstance(value, ast.Call) else None
        if call is not None and ctx.qualified_name(call.func) in FIELD_CALLS:
            if any(k.arg == "validate_default" for k in call.keywords):
                continue
            if _field_call_has_default(call):
                # After the last argument (not before `)`, which may follow a comment).
                end = max(ctx.span(a)[1] for a in [*call.args, *call.keywords])
                edits.append(Edit(end, end, ", validate_default=True"))
                continue
            value = None  # `Field(description=...)`: no default
        elif isinstance(value, ast.Constant) and value.value is Ellipsis:
            continue  # required: `always` changed nothing
        if value is None:
            if _implicitly_optional(field, ctx):
                return None, (
                    f"`always=True`: `{name}` has no default (v1 gave it `None`): add `= None` "
                    "(FAL310) first"
                )
            continue  # a required field: a missing value never reached the validator
        field_name = imports.name("pydantic", "Field", "pydantic.fields.Field")
        edits.append(
            Edit(*ctx.span(value), f"{field_name}({ctx.text(value)}, validate_default=True)")
        )
    return edits, ""


def _field_call_has_default(call: ast.Call) -> bool:
    if call.args:
        first = call.args[0]
        return not (isinstance(first, ast.Constant) and first.value is Ellipsis)
    return any(k.arg in ("default", "default_factory") for k in call.keywords)


def _implicitly_optional(field: ast.AnnAssign, ctx: Context) -> bool:
    return optional_kind(field.annotation, ctx) is not None
