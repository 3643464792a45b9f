from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import CONSTRAINED_TYPES
from ...context import Context
from ...rule import Invalid
from ._models import PydanticRule


class V1ConstrainedType(PydanticRule):
    """## What it does
    Checks for calls of Pydantic v1's constrained-type functions: `conint`, `confloat`,
    `constr`, `conlist`, `conset`, `confrozenset`, `condecimal`, `conbytes`, `condate`
    (from `pydantic` or `pydantic.types`).

    ## Why is this bad?
    Pydantic v2 discourages them in favour of `Annotated[int, Field(ge=0)]` (and
    `StringConstraints` for string options), which type checkers understand; `conlist`'s
    `min_items`/`max_items` became `min_length`/`max_length`, and `constr(regex=...)` became
    `pattern=` with different matching (v2 searches anywhere in the string, v1 matched at the
    start), so the v1 call raises or validates differently under v2.

    ## Example
    ```python
    class Order(BaseModel):
        quantity: conint(ge=1)
        code: constr(strip_whitespace=True, to_lower=True)
    ```

    ## Use instead
    ```python
    class Order(BaseModel):
        quantity: Annotated[int, Field(ge=1)]
        code: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]
    ```

    ## Fix safety
    Detection only for now. The rewrite to `Annotated[...]` (adding imports, mapping the
    keywords) is structural and comes with the libcst-based fixes.

    ## References
    - Pydantic migration guide, "Constrained types"
    """

    code = "FAL305"
    name = "v1-constrained-type"
    message = "`{func}()` is a Pydantic v1 constrained type; use `Annotated[{base}, {how}]`"
    nodes = (ast.Call,)
    valid = [
        # The v2 spelling.
        "from typing import Annotated\nfrom pydantic import BaseModel, Field\n\n"
        "class O(BaseModel):\n    q: Annotated[int, Field(ge=1)]\n",
        # A project function with the same name.
        "import pydantic\n\ndef conint(**kw):\n    return int\n\nq = conint(ge=1)\n",
        # The v1 layer, on purpose.
        "from pydantic.v1 import BaseModel, conint\n\nclass O(BaseModel):\n    q: conint(ge=1)\n",
    ]
    invalid = [
        Invalid(
            "from pydantic import BaseModel, conint, constr\n\nclass O(BaseModel):\n"
            "    q: conint(ge=1)\n    code: constr(to_lower=True)\n",
            count=2,
        ),
        Invalid("import pydantic\n\nTags = pydantic.conlist(str, min_items=1)\n"),
    ]

    def visit(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, ast.Call)
        name = ctx.qualified_name(node.func)
        base = CONSTRAINED_TYPES.get(name or "")
        if base is None:
            return
        assert name is not None
        func = name.rsplit(".", 1)[1]
        if func in ("conlist", "conset", "confrozenset") and node.args:
            base = f"{base}[{ctx.text(node.args[0])}]"
        how = "StringConstraints(...)" if func == "constr" else "Field(...)"
        ctx.report(node, func=func, base=base, how=how)
