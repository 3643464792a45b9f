from __future__ import annotations

import ast
import io
import re
import tokenize

from ...catalogues.pydantic_v1 import GENERIC_MODEL
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid
from ._fixes import Imports
from ._models import PydanticRule, is_guarded_import


class V1GenericModel(PydanticRule):
    """## What it does
    Checks for Pydantic v1's `GenericModel`: the import `from pydantic.generics import
    GenericModel`, and `pydantic.generics.GenericModel` used through a module import.

    ## Why is this bad?
    Pydantic v2 removed `GenericModel`: importing it raises `PydanticImportError`. A generic
    model is now a plain `BaseModel` subclass that also inherits `typing.Generic[...]`.

    ## Example
    ```python
    from pydantic.generics import GenericModel

    class Page(GenericModel, Generic[T]):
        items: list[T]
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel

    class Page(BaseModel, Generic[T]):
        items: list[T]
    ```

    ## Fix safety
    Safe: under v2 `GenericModel` is a deprecated alias of `BaseModel`. The fix drops
    `GenericModel` from the import, writes `BaseModel` wherever the name was used (bases keep
    their `Generic[...]`), and imports `BaseModel` when it is missing. Not fixed when the name
    also appears where the fix cannot follow it (a string such as an `__all__` entry).

    ## References
    - Pydantic migration guide, "Changes to pydantic.generics.GenericModel"
    - bump-pydantic BP008
    """

    code = "FAL309"
    name = "v1-generic-model"
    message = "`GenericModel` was removed in Pydantic v2; subclass `BaseModel` and `Generic[...]`"
    nodes = (ast.ImportFrom, ast.Attribute, ast.Name)
    triggers = ("GenericModel",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # The v2 way.
        """
        from typing import Generic, TypeVar
        from pydantic import BaseModel

        T = TypeVar('T')

        class Page(BaseModel, Generic[T]):
            items: list[T]
        """,
        # A project module called `generics`.
        """
        import pydantic
        from .generics import GenericModel
        """,
        # A shim for both major versions.
        """
        try:
            from pydantic.generics import GenericModel
        except ImportError:
            from pydantic import BaseModel as GenericModel
        """,
        # The v1 layer, on purpose.
        """
        from pydantic.v1.generics import GenericModel
        """,
    ]
    invalid = [
        Invalid(
            """
            from typing import Generic, TypeVar
            from pydantic.generics import GenericModel

            T = TypeVar('T')

            class Page(GenericModel, Generic[T]):
                items: list[T]
            """,
            expect=[
                "2:1-2:43 `GenericModel` was removed in Pydantic v2; subclass `BaseModel` and `Generic[...]`"
            ],
            fixed="""
            from typing import Generic, TypeVar
            from pydantic import BaseModel

            T = TypeVar('T')

            class Page(BaseModel, Generic[T]):
                items: list[T]
            """,
        ),
        Invalid(
            """
            import pydantic.generics

            class Page(pydantic.generics.GenericModel):
                items: list
            """,
            expect=[
                "3:12-3:42 `GenericModel` was removed in Pydantic v2; subclass `BaseModel` and `Generic[...]`"
            ],
            fixed="""
            import pydantic.generics
            from pydantic import BaseModel

            class Page(BaseModel):
                items: list
            """,
        ),
        # Re-exported through `__all__`: a person decides.
        Invalid(
            """
            from pydantic.generics import GenericModel

            __all__ = ['GenericModel']
            """,
            expect=[
                "1:1-1:43 `GenericModel` was removed in Pydantic v2; subclass `BaseModel` and `Generic[...]`"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        # Names that refer to the imported `GenericModel`: the fix of the import replaces them
        # all, so it is built once the walk is over (the list is complete by then).
        uses = ctx.state(list[ast.Name])
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and ctx.qualified_name(node) in GENERIC_MODEL:
                uses.append(node)
            return
        if isinstance(node, ast.ImportFrom):
            if (
                node.level == 0
                and node.module == "pydantic.generics"
                and any(a.name == "GenericModel" for a in node.names)
                and not is_guarded_import(node, ctx)
            ):
                ctx.report(node, fix=lambda: _import_fix(node, uses, ctx))
            return
        assert isinstance(node, ast.Attribute)
        if node.attr == "GenericModel" and ctx.qualified_name(node) in GENERIC_MODEL:
            imports = Imports(ctx)
            base = imports.name("pydantic", "BaseModel", "pydantic.main.BaseModel")
            fix = Fix(
                (*imports.edits, Edit(*ctx.span(node), base)),
                Applicability.SAFE,
                "Use `BaseModel`",
            )
            ctx.report(node, fix=fix)


def _import_fix(node: ast.ImportFrom, uses: list[ast.Name], ctx: Context) -> Fix | None:
    """Drop `GenericModel` from the import and write `BaseModel` wherever it was used."""
    alias = next(a for a in node.names if a.name == "GenericModel")
    local = alias.asname or alias.name
    # Every mention of the name must be one this fix rewrites (no `__all__` entry, no string
    # annotation, no second import): otherwise a person has to look.
    if _mentions(local, ctx) != 1 + len(uses) or len({a.name for a in node.names}) != len(
        node.names
    ):
        return None
    imports = Imports(ctx)
    base = imports.name("pydantic", "BaseModel", "pydantic.main.BaseModel")
    from ...fixes import import_names_removal  # noqa: PLC0415 - start-up: the fixer's module: not needed to check

    removal = import_names_removal(ctx.source, node, [alias], comment_goes=True)
    if removal is None:
        return None  # shares its line with other code
    edits = [*imports.edits, *(Edit(*ctx.span(u), base) for u in uses), *removal]
    return Fix(tuple(edits), Applicability.SAFE, "Subclass `BaseModel` instead of `GenericModel`")


def _mentions(name: str, ctx: Context) -> int:
    """How often `name` occurs as a name token, or -1 when a string spells exactly it (an
    `__all__` entry, a string annotation) or the text cannot be tokenized."""
    count = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(ctx.source.text).readline):
            if token.type == tokenize.NAME and token.string == name:
                count += 1
            elif token.type == tokenize.STRING and re.fullmatch(
                rf"[rRuU]?(['\"]){re.escape(name)}\1", token.string
            ):
                return -1
    except (tokenize.TokenError, SyntaxError):
        return -1
    return count
