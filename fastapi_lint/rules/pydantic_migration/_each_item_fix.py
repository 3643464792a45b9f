"""The FAL301 fix for `@validator(field, each_item=True)`: the check moves onto the item type.

v1 ran an `each_item=True` validator on every item of a `List[T]`/`Set[T]` field, after the
item was validated, and filed its errors under the item (`("tags", 0)`). v2's
`@field_validator` has no `each_item`; the v2 way is a validator of the item type itself:

    class Post(BaseModel):                      def lower(v):
        tags: List[str]                             return v.lower()

        @validator("tags", each_item=True)      class Post(BaseModel):
        def lower(cls, v):               →          tags: List[Annotated[str, AfterValidator(lower)]]
            return v.lower()

which runs at the same moment (after the item's own validation) with the same error location.
The function leaves the class body (an annotation cannot name a method of the class it is
defining) and becomes a plain function defined just before the class.

Only the plain case is rewritten, and everything else keeps the report without a fix: one
literal field name; no keyword but `each_item=True` and `allow_reuse=`; a field of this class
annotated `List[T]`, `list[T]`, `Set[T]`, `set[T]`, `FrozenSet[T]`, `frozenset[T]` or
`Sequence[T]`, also inside `Optional[...]` / `... | None` (no dict, no nested container); no other validator of that field in the class (their relative order would change);
a class at module level; a function `(cls, v)` with no other decorator, that never uses `cls`,
does not raise `TypeError` (v1 made it a validation error, v2 lets it propagate), holds no
string spanning lines (the body is re-indented line by line), and whose name appears nowhere
else in the module and is free at module level (the method disappears from the class).
"""

from __future__ import annotations

import ast
import io
import tokenize

from ...catalogues.pydantic_v1 import VALIDATOR_DECORATORS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ._fixes import Imports, is_true, names_in, raises_type_error

_ITEM_CONTAINERS = frozenset(
    {
        "typing.List",
        "builtins.list",
        "typing.Set",
        "builtins.set",
        "typing.FrozenSet",
        "builtins.frozenset",
        "typing.Sequence",
        "collections.abc.Sequence",
    }
)
_OPTIONAL = frozenset({"typing.Optional"})
_UNION = frozenset({"typing.Union"})


def plan_item_validator(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    decorator: ast.expr,
    class_node: ast.ClassDef | None,
    ctx: Context,
) -> Fix | None:
    """The rewrite described in the module docstring, or None when it does not apply."""
    if (
        class_node is None
        or not isinstance(function, ast.FunctionDef)
        or not isinstance(decorator, ast.Call)
        or function.decorator_list != [decorator]
        or class_node not in ctx.semantic.tree.body
    ):
        return None
    field = _field_name(decorator)
    if field is None:
        return None
    item = _item_annotation(class_node, field, ctx)
    if item is None or _other_validators(class_node, field, function, ctx):
        return None
    args = function.args
    if (
        args.posonlyargs
        or args.vararg
        or args.kwarg
        or args.kwonlyargs
        or args.defaults
        or len(args.args) != 2
    ):
        return None
    cls_name = args.args[0].arg
    if any(names_in(function, cls_name)) or raises_type_error(function):
        return None
    if not (function.lineno == args.args[0].lineno == args.args[1].lineno):
        return None  # the parameters are rewritten on the `def` line
    if _multiline_strings(function, ctx) or not _only_mention(function.name, ctx):
        return None
    moved = _dedented(function, ctx)
    if moved is None:
        return None
    imports = Imports(ctx)
    annotated = imports.name("typing", "Annotated", "typing_extensions.Annotated")
    after = imports.name(
        "pydantic", "AfterValidator", "pydantic.functional_validators.AfterValidator"
    )
    source = ctx.source
    text = source.text
    newline = source.newline
    # The function, as a plain function, right before the class (and its decorators).
    first_line = class_node.decorator_list[0] if class_node.decorator_list else class_node
    class_start = _line_start(text, ctx.span(first_line)[0])
    # `def check(cls, v):` → `def check(v):`, dropping the text from `cls` to `v`.
    dropped = ctx.span(args.args[1])[0] - ctx.span(args.args[0])[0]
    opening = moved.index("(") + 1
    moved = moved[:opening] + moved[opening + dropped :]
    insertion = Edit(class_start, class_start, moved + newline * 3)
    # The item type gets the validator.
    item_start, item_end = ctx.span(item)
    annotation = Edit(
        item_start, item_end, f"{annotated}[{ctx.text(item)}, {after}({function.name})]"
    )
    # The method and its decorator leave the class, with the blank line before them.
    removal_start = _line_start(text, ctx.span(decorator)[0])
    removal_end = _line_end(text, ctx.span(function)[1])
    while removal_start > 0 and text[:removal_start].rstrip(" \t").endswith(("\n\n", "\r\n\r\n")):
        removal_start = _line_start(text, removal_start - 1)
    removal = Edit(removal_start, removal_end, "")
    return Fix(
        (*imports.edits, insertion, annotation, removal),
        Applicability.SAFE,
        "Move the check onto the item type with `AfterValidator`",
        retires=tuple(sorted(VALIDATOR_DECORATORS & {ctx.qualified_name(decorator.func) or ""})),
    )


def _field_name(decorator: ast.Call) -> str | None:
    if len(decorator.args) != 1:
        return None
    name = decorator.args[0]
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)) or name.value == "*":
        return None
    for keyword in decorator.keywords:
        if keyword.arg == "each_item" and is_true(keyword.value):
            continue
        if keyword.arg == "allow_reuse":
            continue
        return None
    return name.value


def _item_annotation(class_node: ast.ClassDef, field: str, ctx: Context) -> ast.expr | None:
    """The `T` of the field's `List[T]`/`Set[T]` annotation in the class body."""
    for statement in class_node.body:
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == field
        ):
            # v1 ran no item validator on the `None` of an optional field; v2 never reaches
            # the item type with it either.
            annotation = _without_none(statement.annotation, ctx)
            if (
                isinstance(annotation, ast.Subscript)
                and ctx.qualified_name(annotation.value) in _ITEM_CONTAINERS
                and not isinstance(annotation.slice, ast.Tuple)
            ):
                return annotation.slice
            return None
    return None


def _without_none(annotation: ast.expr, ctx: Context) -> ast.expr:
    """`X` of `Optional[X]`, `Union[X, None]` and `X | None`; else the annotation itself."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        parts = [annotation.left, annotation.right]
    elif (
        isinstance(annotation, ast.Subscript) and ctx.qualified_name(annotation.value) in _OPTIONAL
    ):
        return annotation.slice
    elif (
        isinstance(annotation, ast.Subscript)
        and ctx.qualified_name(annotation.value) in _UNION
        and isinstance(annotation.slice, ast.Tuple)
    ):
        parts = list(annotation.slice.elts)
    else:
        return annotation
    rest = [p for p in parts if not (isinstance(p, ast.Constant) and p.value is None)]
    return rest[0] if len(rest) == 1 and len(parts) == 2 else annotation


def _other_validators(
    class_node: ast.ClassDef, field: str, function: ast.FunctionDef, ctx: Context
) -> bool:
    """Does another validator of the class name the field (or `"*"`)?"""
    for statement in class_node.body:
        if statement is function or not isinstance(
            statement, (ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            continue
        for decorator in statement.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            name = ctx.qualified_name(decorator.func) or ""
            if not name.endswith("validator"):
                continue
            if any(isinstance(a, ast.Constant) and a.value in (field, "*") for a in decorator.args):
                return True
    return False


def _multiline_strings(function: ast.FunctionDef, ctx: Context) -> bool:
    return any(
        isinstance(node, (ast.Constant, ast.JoinedStr)) and "\n" in ctx.text(node)
        for node in ast.walk(function)
        if isinstance(node, (ast.Constant, ast.JoinedStr))
    )


def _only_mention(name: str, ctx: Context) -> bool:
    """Is the function's name written once in the module (its `def`), and free at module
    level, so that moving it out of the class breaks no caller and shadows nothing?"""
    if name in ctx.semantic.module_scope.bindings:
        return False
    count = 0
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(ctx.source.text).readline):
            # `v.lower()` is an attribute of something else, not this name.
            if token.type == tokenize.NAME and token.string == name and previous != ".":
                count += 1
            elif token.type == tokenize.STRING and name in token.string:
                return False
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                previous = token.string
    except (tokenize.TokenError, SyntaxError):
        return False
    # The `def` and the decorator-free use in the new annotation are all there will be.
    return count == 1


def _dedented(function: ast.FunctionDef, ctx: Context) -> str | None:
    """The function's text from `def` to its end, moved to column 0."""
    text = ctx.source.text
    start = _line_start(text, ctx.span(function)[0])
    # `ctx.span(function)` starts at the first decorator for decorated functions in some
    # Python versions: start at the `def` keyword's line instead.
    def_line = function.lineno
    lines = text[start : _line_end(text, ctx.span(function)[1])].splitlines(keepends=True)
    first = def_line - (ctx.source.position(start)[0])
    lines = lines[first:]
    if not lines:
        return None
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip(" \t"))]
    out = []
    for line in lines:
        if not line.strip():
            out.append(line.lstrip(" \t"))
        elif line.startswith(indent):
            out.append(line[len(indent) :])
        else:
            return None
    return "".join(out).rstrip("\r\n")


def _line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def _line_end(text: str, offset: int) -> int:
    """The offset just after the line break ending the line that holds `offset`."""
    end = text.find("\n", offset)
    return len(text) if end == -1 else end + 1
