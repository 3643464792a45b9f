from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import CONSTRAINED_TYPES
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, callee_names
from ...semantic.versions import typing_module
from ._fixes import Imports, anchored_literal
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
    Safe: the call becomes `Annotated[<type>, Field(...)]` (`StringConstraints(...)` for
    `constr`) with the same keywords; `conlist`/`conset`/`confrozenset`'s item type goes into
    `list[...]`/`set[...]`/`frozenset[...]` and `min_items`/`max_items` become
    `min_length`/`max_length`. `Annotated`, `Field`, `StringConstraints` (and `date`/`Decimal`
    for `condate`/`condecimal`) are imported when missing, merged into an existing
    `from ... import`. `constr(regex=...)` becomes `pattern=` with the same care as FAL307: a
    literal not anchored with `^` is wrapped as `^(?:...)`, since v1 matched at the start and
    v2 searches anywhere. Once every fix of the file is applied, an import of `constr` (or
    another of these functions) that nothing in the file mentions any more is removed.

    Reported without a fix: a pattern that is not a literal or uses syntax v2's regex engine
    rejects (lookaround, backreferences) or starts with inline flags, `curtail_length=`,
    `unique_items=`, `**kwargs`.

    ## References
    - Pydantic migration guide, "Constrained types"
    """

    code = "FAL305"
    name = "v1-constrained-type"
    message = "`{func}()` is a Pydantic v1 constrained type; use `Annotated[{base}, {how}]`{extra}"
    nodes = (ast.Call,)
    callees = callee_names(CONSTRAINED_TYPES)
    # The gate: the function's own name is in the call or in its import.
    triggers = tuple(sorted({name.rsplit(".", 1)[1] for name in CONSTRAINED_TYPES}))
    # Where the names above are imported from (a relative import: inside those packages).
    requires_any = ("pydantic", "sqlmodel", "from .")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # The v2 spelling.
        """
        from typing import Annotated
        from pydantic import BaseModel, Field

        class O(BaseModel):
            q: Annotated[int, Field(ge=1)]
        """,
        # A project function with the same name.
        """
        import pydantic

        def conint(**kw):
            return int

        q = conint(ge=1)
        """,
        # The v1 layer, on purpose.
        """
        from pydantic.v1 import BaseModel, conint

        class O(BaseModel):
            q: conint(ge=1)
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseModel, conint, constr

            class O(BaseModel):
                q: conint(ge=1)
                code: constr(to_lower=True)
            """,
            fixed="""
            from typing import Annotated

            from pydantic import BaseModel, Field, StringConstraints

            class O(BaseModel):
                q: Annotated[int, Field(ge=1)]
                code: Annotated[str, StringConstraints(to_lower=True)]
            """,
            expect=[
                "4:8-4:20 `conint()` is a Pydantic v1 constrained type; use `Annotated[int, Field(...)]`",
                "5:11-5:32 `constr()` is a Pydantic v1 constrained type; use `Annotated[str, StringConstraints(...)]`",
            ],
        ),
        Invalid(
            """
            import pydantic

            Tags = pydantic.conlist(str, min_items=1)
            """,
            expect=[
                "3:8-3:42 `conlist()` is a Pydantic v1 constrained type; use `Annotated[list[str], Field(...)]`"
            ],
            fixed="""
            from typing import Annotated

            from pydantic import Field

            Tags = Annotated[list[str], Field(min_length=1)]
            """,
        ),
        # v1 matched `regex` at the start: the pattern is anchored for v2's search.
        Invalid(
            """
            from typing import Annotated
            from pydantic import constr

            Code = constr(regex=r'[A-Z]{3}')
            """,
            expect=[
                "4:8-4:33 `constr()` is a Pydantic v1 constrained type; use `Annotated[str, StringConstraints(...)]`"
            ],
            fixed="""
            from typing import Annotated
            from pydantic import StringConstraints

            Code = Annotated[str, StringConstraints(pattern=r'^(?:[A-Z]{3})')]
            """,
        ),
        # The item type given by keyword; a parenthesised import gets a line per name.
        Invalid(
            """
            from pydantic import (
                BaseModel,
                conlist,
            )

            class B(BaseModel):
                ids: conlist(item_type=int, max_items=3)
            """,
            expect=[
                "7:10-7:45 `conlist()` is a Pydantic v1 constrained type; use `Annotated[list, Field(...)]`"
            ],
            fixed="""
            from typing import Annotated

            from pydantic import (
                BaseModel,
                Field,
            )

            class B(BaseModel):
                ids: Annotated[list[int], Field(max_length=3)]
            """,
        ),
        # Not mechanical: a lookahead, `curtail_length`, `unique_items`.
        Invalid(
            """
            from pydantic import conlist, constr

            A = constr(regex='(?=a)a')
            B = constr(curtail_length=3)
            C = conlist(int, unique_items=True)
            """,
            expect=[
                "3:5-3:27 `constr()` is a Pydantic v1 constrained type; use `Annotated[str, StringConstraints(...)]`; its `regex=` cannot be kept equivalent under v2's `pattern=` (not a literal, or syntax v2's regex engine lacks)",
                "4:5-4:29 `constr()` is a Pydantic v1 constrained type; use `Annotated[str, StringConstraints(...)]`; `curtail_length=` has no mechanical v2 equivalent",
                "5:5-5:36 `conlist()` is a Pydantic v1 constrained type; use `Annotated[list[int], Field(...)]`; `unique_items=` has no mechanical v2 equivalent",
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
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
        fix, reason = _fix(node, func, ctx)
        ctx.report(
            node, func=func, base=base, how=how, extra=f"; {reason}" if reason else "", fix=fix
        )


# Keywords each v1 function accepts that keep their name and meaning in v2's `Field` (or
# `StringConstraints` for `constr`), and the v1 keywords that were renamed.
_SAME: dict[str, frozenset[str]] = {
    "conint": frozenset({"strict", "gt", "ge", "lt", "le", "multiple_of"}),
    "confloat": frozenset({"strict", "gt", "ge", "lt", "le", "multiple_of", "allow_inf_nan"}),
    "condecimal": frozenset(
        {"gt", "ge", "lt", "le", "multiple_of", "max_digits", "decimal_places", "allow_inf_nan"}
    ),
    "condate": frozenset({"gt", "ge", "lt", "le"}),
    "conbytes": frozenset({"strict", "min_length", "max_length"}),
    "constr": frozenset(
        {"strip_whitespace", "to_upper", "to_lower", "strict", "min_length", "max_length"}
    ),
    "conlist": frozenset({"min_length", "max_length"}),
    "conset": frozenset({"min_length", "max_length"}),
    "confrozenset": frozenset({"min_length", "max_length"}),
}
_RENAMED = {"min_items": "min_length", "max_items": "max_length", "regex": "pattern"}
# Where the base type of the `Annotated[...]` comes from (None: a builtin).
_BASES: dict[str, tuple[str | None, str]] = {
    "conint": (None, "int"),
    "confloat": (None, "float"),
    "condecimal": ("decimal", "Decimal"),
    "condate": ("datetime", "date"),
    "conbytes": (None, "bytes"),
    "constr": (None, "str"),
    "conlist": (None, "list"),
    "conset": (None, "set"),
    "confrozenset": (None, "frozenset"),
}


def _fix(node: ast.Call, func: str, ctx: Context) -> tuple[Fix | None, str]:
    collection = func in ("conlist", "conset", "confrozenset")
    keywords = node.keywords
    item = node.args[0] if collection and node.args else None
    if collection and item is None:  # `conlist(item_type=X, ...)`
        item = next((k.value for k in keywords if k.arg == "item_type"), None)
        keywords = [k for k in keywords if k.arg != "item_type"]
    if (
        len(node.args) > (1 if collection else 0)
        or any(isinstance(a, ast.Starred) for a in node.args)
        or (collection and item is None)
    ):
        return None, "its positional arguments need a person"
    arguments: list[str] = []
    for keyword in keywords:
        arg = keyword.arg
        if arg is None:
            return None, "`**kwargs` need a person"
        if arg == "regex" and func == "constr":
            literal = anchored_literal(ctx, keyword.value)
            if literal is None:
                return None, (
                    "its `regex=` cannot be kept equivalent under v2's `pattern=` (not a "
                    "literal, or syntax v2's regex engine lacks)"
                )
            arguments.append(f"pattern={literal}")
        elif arg in _RENAMED and collection:
            arguments.append(f"{_RENAMED[arg]}={ctx.text(keyword.value)}")
        elif arg in _SAME[func]:
            arguments.append(ctx.text(keyword))
        else:
            return None, f"`{arg}=` has no mechanical v2 equivalent"
    imports = Imports(ctx)
    module, base = _BASES[func]
    if module is not None:
        base = imports.name(module, base)
    if item is not None:
        base = f"{base}[{ctx.text(item)}]"
    if not arguments:
        text = base
    else:
        if func == "constr":
            constraint = imports.name(
                "pydantic", "StringConstraints", "pydantic.types.StringConstraints"
            )
        else:
            constraint = imports.name("pydantic", "Field", "pydantic.fields.Field")
        # `typing.Annotated` is Python 3.9: an older target Python gets the backport.
        module = typing_module(ctx.settings.target("python"), "Annotated")
        annotated = imports.name(
            module, "Annotated", "typing.Annotated", "typing_extensions.Annotated"
        )
        text = f"{annotated}[{base}, {constraint}({', '.join(arguments)})]"
    edits = (*imports.edits, Edit(*ctx.span(node), text))
    retires = (ctx.qualified_name(node.func) or "",)  # `constr` may now be imported for nothing
    return Fix(edits, Applicability.SAFE, "Use `Annotated[...]`", retires=retires), ""
