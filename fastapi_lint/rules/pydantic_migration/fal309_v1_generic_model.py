from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import GENERIC_MODEL
from ...context import Context
from ...rule import Invalid
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
    Detection only for now. The fix (the base replaced by `BaseModel` with `Generic[...]` kept,
    the import rewritten, and `BaseModel` imported) touches the import and every class using
    it, and comes with the libcst-based fixes.

    ## References
    - Pydantic migration guide, "Changes to pydantic.generics.GenericModel"
    - bump-pydantic BP008
    """

    code = "FAL309"
    name = "v1-generic-model"
    message = "`GenericModel` was removed in Pydantic v2; subclass `BaseModel` and `Generic[...]`"
    nodes = (ast.ImportFrom, ast.Attribute)
    valid = [
        # The v2 way.
        "from typing import Generic, TypeVar\nfrom pydantic import BaseModel\n\n"
        "T = TypeVar('T')\n\nclass Page(BaseModel, Generic[T]):\n    items: list[T]\n",
        # A project module called `generics`.
        "import pydantic\nfrom .generics import GenericModel\n",
        # A shim for both major versions.
        "try:\n    from pydantic.generics import GenericModel\nexcept ImportError:\n"
        "    from pydantic import BaseModel as GenericModel\n",
        # The v1 layer, on purpose.
        "from pydantic.v1.generics import GenericModel\n",
    ]
    invalid = [
        Invalid(
            "from typing import Generic, TypeVar\nfrom pydantic.generics import GenericModel\n\n"
            "T = TypeVar('T')\n\nclass Page(GenericModel, Generic[T]):\n    items: list[T]\n"
        ),
        Invalid(
            "import pydantic.generics\n\nclass Page(pydantic.generics.GenericModel):\n"
            "    items: list\n"
        ),
    ]

    def visit(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.ImportFrom):
            if (
                node.level == 0
                and node.module == "pydantic.generics"
                and any(a.name == "GenericModel" for a in node.names)
                and not is_guarded_import(node, ctx)
            ):
                ctx.report(node)
            return
        assert isinstance(node, ast.Attribute)
        if node.attr == "GenericModel" and ctx.qualified_name(node) in GENERIC_MODEL:
            ctx.report(node)
