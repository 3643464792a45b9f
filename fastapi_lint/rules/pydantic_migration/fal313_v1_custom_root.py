from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid
from ...semantic.records import IsModel
from ._models import PydanticRule, enclosing_candidate, enclosing_model


class V1CustomRoot(PydanticRule):
    """## What it does
    Checks for a field called `__root__` in a Pydantic model: v1's custom root type
    (`__root__: List[Item]`, also assigned without an annotation, `__root__ = int`).

    ## Why is this bad?
    Pydantic v2 refuses the class when it is defined (`PydanticUserError: To define root
    models, use pydantic.RootModel rather than a field called '__root__'`). The replacement is
    a subclass of `RootModel[T]`, whose value is `.root`.

    ## Example
    ```python
    class Tags(BaseModel):
        __root__: List[str]
    ```

    ## Use instead
    ```python
    class Tags(RootModel[List[str]]):
        pass
    ```

    ## Fix safety
    No fix: more than the class statement changes. v1's `.dict()` of such a model is
    `{"__root__": [...]}` and v2's `model_dump()` is the bare value; every `obj.__root__`
    becomes `obj.root`; a `RootModel` accepts no other fields and no `model_config`
    `extra`. The code that reads these models has to be looked at.

    Models whose base class lives in another module are found in a project run, through the
    project index.

    ## References
    - Pydantic migration guide, "Changes to pydantic.BaseModel" (`__root__` → `RootModel`)
    - bump-pydantic's unit tests (custom root types are left to the user there)
    """

    code = "FAL313"
    name = "v1-custom-root"
    message = "`__root__` is Pydantic v1's custom root type; v2 refuses the class: subclass `RootModel[{type}]` and read `.root`"
    nodes = (ast.AnnAssign, ast.Assign)
    defers = True
    triggers = ("__root__",)
    valid = [
        # Look-alike: the v2 way.
        """
        from typing import List
        from pydantic import RootModel

        class Tags(RootModel[List[str]]):
            pass
        """,
        # A plain class may use the name for its own purposes.
        """
        from typing import List
        import pydantic

        class Tree:
            __root__: List[str] = []
        """,
    ]
    invalid = [
        # Without an annotation: the value names the type.
        Invalid(
            """
            from pydantic import BaseModel

            class Count(BaseModel):
                __root__ = int
            """,
            expect=[
                "4:5-4:19 `__root__` is Pydantic v1's custom root type; v2 refuses the class: subclass `RootModel[int]` and read `.root`"
            ],
        ),
        Invalid(
            """
            from typing import List
            from pydantic import BaseModel

            class Tags(BaseModel):
                __root__: List[str]
            """,
            expect=[
                "5:5-5:24 `__root__` is Pydantic v1's custom root type; v2 refuses the class: subclass `RootModel[List[str]]` and read `.root`"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Assign):
            if len(node.targets) != 1:
                return
            target, type_node = node.targets[0], node.value
        else:
            assert isinstance(node, ast.AnnAssign)
            target, type_node = node.target, node.annotation
        if not isinstance(target, ast.Name) or target.id != "__root__":
            return
        annotation = ctx.text(type_node)
        if "\n" in annotation or len(annotation) > 60:
            annotation = "T"
        if enclosing_model(ctx) is not None:
            ctx.report(node, type=annotation)
            return
        candidate = enclosing_candidate(ctx)
        if candidate is not None:
            ctx.defer(node, (IsModel(candidate),), type=annotation)
