from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import FIELD_CALLS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid
from ...semantic.records import IsModel
from ._models import PydanticRule, enclosing_candidate, enclosing_model

# `Field()` callables whose first argument / `default=` is the field's default.
_FIELD_CALLS = FIELD_CALLS | {"sqlmodel.Field", "sqlmodel.main.Field"}

# Values whose class v1 took as the field's type, by the node that writes them.
_DISPLAYS: dict[type[ast.expr], str] = {
    ast.List: "list",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.Tuple: "tuple",
}


class UnannotatedField(PydanticRule):
    """## What it does
    Checks for attributes assigned without an annotation in the body of a Pydantic model
    (`is_sale = True`) where the value is a literal (a number, string, bytes, boolean, list,
    dict, set or tuple display) or a `Field(...)` call.

    ## Why is this bad?
    Pydantic v1 made such an attribute a field and took its type from the default's class:
    `is_sale = True` was a `bool` field, set from input like any other. Pydantic v2 refuses the
    class when it is defined (`PydanticUserError: A non-annotated attribute was detected`), so
    the module no longer imports.

    Other values (a function, a class, a call of something else) are not reported: v1 left
    some of them alone, and the rule never guesses which. Names starting with `_` were never
    fields and are not reported either.

    ## Example
    ```python
    class Product(BaseModel):
        name: str
        is_sale = False
        tags = Field([], max_items=5)
    ```

    ## Use instead
    ```python
    class Product(BaseModel):
        name: str
        is_sale: bool = False
        tags: list = Field([], max_items=5)
    ```
    or `ClassVar[bool]` if the attribute was never meant to be a field (v1 made it one
    anyway: it appeared in `.dict()` and was set from input).

    ## Fix safety
    Safe: the fix writes the annotation v1 inferred — the class of the default (`bool`, `int`,
    `float`, `str`, `bytes`, `list`, `dict`, `set`, `tuple`), also for a `Field(...)` whose
    default is such a literal — so the field validates as before (`'false'` still gives
    `False`). The annotation is valid under v1 too, so the fix is offered whatever the
    project's Pydantic version. Not fixed: a `Field(...)` without a literal default, or when
    the type's name means something else in the class.

    Models whose base class lives in another module are found in a project run, through the
    project index.

    ## References
    - Pydantic v2 error `model-field-missing-annotation`
    - bump-pydantic's unit tests (un-annotated fields are left to the user there)
    """

    code = "FAL312"
    name = "v1-unannotated-field"
    message = "Model attribute `{field}` has no annotation: Pydantic v1 made it a field{kind}, v2 refuses the class; annotate it{advice}"
    nodes = (ast.Assign,)
    # A model's base may live in another module: any file with a class may hold one.
    triggers = ("pydantic", "sqlmodel", "class ")
    defers = True
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    # An annotation is valid under v1 and v2 alike.
    fix_targets = None
    valid = [
        # Look-alike: annotated, the v2 (and v1) way.
        """
        from pydantic import BaseModel

        class Product(BaseModel):
            is_sale: bool = False
        """,
        # Private names and non-literal values are not fields (or not guessed).
        """
        from pydantic import BaseModel

        def make():
            return 1

        class Product(BaseModel):
            _cache = {}
            label = make()
            to_upper = str.upper
        """,
        # A plain class, not a model.
        """
        import pydantic

        class Defaults:
            is_sale = False
        """,
        # `model_config` is configuration, not a field.
        """
        from pydantic import BaseModel, ConfigDict

        class Product(BaseModel):
            model_config = ConfigDict(frozen=True)
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseModel, Field

            class Product(BaseModel):
                name: str
                is_sale = False
                tags = Field([], max_items=5)
            """,
            expect=[
                "5:5-5:20 Model attribute `is_sale` has no annotation: Pydantic v1 made it a field of type `bool`, v2 refuses the class; annotate it",
                "6:5-6:34 Model attribute `tags` has no annotation: Pydantic v1 made it a field of type `list`, v2 refuses the class; annotate it",
            ],
            fixed="""
            from pydantic import BaseModel, Field

            class Product(BaseModel):
                name: str
                is_sale: bool = False
                tags: list = Field([], max_items=5)
            """,
        ),
        # The type's name is taken in the class: reported only.
        Invalid(
            """
            from pydantic import BaseModel, Field

            class Odd(BaseModel):
                int: str = 'x'
                count = 3
                extra = Field(default_factory=list)
            """,
            expect=[
                "5:5-5:14 Model attribute `count` has no annotation: Pydantic v1 made it a field of type `int`, v2 refuses the class; annotate it",
                "6:5-6:40 Model attribute `extra` has no annotation: Pydantic v1 made it a field, v2 refuses the class; annotate it (or mark it `ClassVar[...]`)",
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, ast.Assign)
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        target = node.targets[0]
        if target.id.startswith("_") or target.id == "model_config":
            return
        value = node.value
        kind = _inferred_type(value, ctx)
        if kind is None and not (
            isinstance(value, ast.Call) and ctx.qualified_name(value.func) in _FIELD_CALLS
        ):
            return
        candidate = None
        if enclosing_model(ctx) is None:
            candidate = enclosing_candidate(ctx)
            if candidate is None:
                return
        fix = None
        if kind is not None and _names_builtin(kind, ctx):
            end = ctx.span(target)[1]
            fix = Fix((Edit(end, end, f": {kind}"),), Applicability.SAFE, f"Annotate it `{kind}`")
        fmt = {
            "field": target.id,
            "kind": f" of type `{kind}`" if kind else "",
            "advice": "" if kind else " (or mark it `ClassVar[...]`)",
        }
        if candidate is not None:
            ctx.defer(node, (IsModel(candidate),), fix=fix, **fmt)
        else:
            ctx.report(node, fix=fix, **fmt)


def _inferred_type(value: ast.expr, ctx: Context) -> str | None:
    """The class v1 took as the field's type: the default's, when the code writes it."""
    if isinstance(value, ast.Call) and ctx.qualified_name(value.func) in _FIELD_CALLS:
        default = value.args[0] if value.args else None
        for keyword in value.keywords:
            if keyword.arg == "default":
                default = keyword.value
        if default is None or (isinstance(default, ast.Constant) and default.value is Ellipsis):
            return None
        return _inferred_type(default, ctx)
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
        value = value.operand
        if not (isinstance(value, ast.Constant) and type(value.value) in (int, float)):
            return None
    if isinstance(value, ast.Constant):
        if isinstance(value.value, (bool, int, float, str, bytes)):
            return type(value.value).__name__
        return None
    return _DISPLAYS.get(type(value))


def _names_builtin(name: str, ctx: Context) -> bool:
    """Does `name`, written in the class body, still mean the builtin?"""
    binding = ctx.semantic.lookup(name)
    return binding is None or binding.qualname == f"builtins.{name}"
