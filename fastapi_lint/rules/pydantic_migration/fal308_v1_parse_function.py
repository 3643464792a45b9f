from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import PARSE_FUNCTIONS
from ...context import Context
from ...diagnostics import Applicability, Fix
from ...rule import FixAvailability, Invalid, callee_names
from ._fixes import Imports
from ._models import PydanticRule


class V1ParseFunction(PydanticRule):
    """## What it does
    Checks for Pydantic v1's `parse_obj_as(T, data)` and `parse_raw_as(T, data)` (from
    `pydantic` or `pydantic.tools`).

    ## Why is this bad?
    Both are deprecated in v2. `TypeAdapter(T)` replaces them: `validate_python` for Python
    objects and `validate_json` for JSON text. A `TypeAdapter` can also be built once at module
    level and reused, which v1's functions could not.

    ## Example
    ```python
    users = parse_obj_as(list[User], rows)
    ```

    ## Use instead
    ```python
    users = TypeAdapter(list[User]).validate_python(rows)
    ```

    ## Fix safety
    Safe: a call with exactly the type and the data as positional arguments becomes
    `TypeAdapter(T).validate_python(data)` (`validate_json` for `parse_raw_as`), and
    `from pydantic import TypeAdapter` is added when missing (and, once every fix of the file
    is applied, the import of the old function is removed if nothing mentions it any more).
    Under v2 the deprecated functions do exactly this. Calls with `type_name=` or other keywords are reported only.

    ## References
    - Pydantic migration guide, "Changes to pydantic.parse_obj_as and parse_raw_as"
    """

    code = "FAL308"
    name = "v1-parse-function"
    message = "`{func}()` is the Pydantic v1 API; use `TypeAdapter(T).{method}(...)`"
    nodes = (ast.Call,)
    callees = callee_names(PARSE_FUNCTIONS)
    # The gate: the function's own name is in the call or in its import.
    triggers = tuple(sorted({name.rsplit(".", 1)[1] for name in PARSE_FUNCTIONS}))
    # Where the functions above are imported from (a relative import: inside pydantic).
    requires_any = ("pydantic", "from .")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # The v2 API.
        """
        from pydantic import TypeAdapter

        TypeAdapter(list[int]).validate_python(['1'])
        """,
        # A project function called `parse_obj_as`.
        """
        import pydantic

        def parse_obj_as(t, v):
            return v

        parse_obj_as(int, 1)
        """,
        # The v1 layer, on purpose.
        """
        from pydantic.v1 import parse_obj_as

        parse_obj_as(int, '1')
        """,
    ]
    invalid = [
        Invalid(
            """
            from typing import List
            from pydantic import parse_obj_as

            ids = parse_obj_as(List[int], ['1', '2'])
            """,
            expect=[
                "4:7-4:42 `parse_obj_as()` is the Pydantic v1 API; use `TypeAdapter(T).validate_python(...)`"
            ],
            fixed="""
            from typing import List
            from pydantic import TypeAdapter

            ids = TypeAdapter(List[int]).validate_python(['1', '2'])
            """,
        ),
        Invalid(
            """
            import pydantic
            from pydantic import TypeAdapter as TA

            x = pydantic.parse_raw_as(dict, '{}')
            """,
            expect=[
                "4:5-4:38 `parse_raw_as()` is the Pydantic v1 API; use `TypeAdapter(T).validate_json(...)`"
            ],
            fixed="""
            from pydantic import TypeAdapter as TA

            x = TA(dict).validate_json('{}')
            """,
        ),
        # `TypeAdapter` is a project name here: pydantic's is reached through its module.
        Invalid(
            """
            from pydantic import parse_obj_as

            class TypeAdapter:
                pass

            parse_obj_as(int, '1')
            """,
            expect=[
                "6:1-6:23 `parse_obj_as()` is the Pydantic v1 API; use `TypeAdapter(T).validate_python(...)`"
            ],
            fixed="""
            import pydantic

            class TypeAdapter:
                pass

            pydantic.TypeAdapter(int).validate_python('1')
            """,
        ),
        # A keyword with no 1:1 replacement: report only.
        Invalid(
            """
            from pydantic import parse_obj_as

            parse_obj_as(int, '1', type_name='N')
            """,
            expect=[
                "3:1-3:38 `parse_obj_as()` is the Pydantic v1 API; use `TypeAdapter(T).validate_python(...)`"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, ast.Call)
        name = ctx.qualified_name(node.func)
        method = PARSE_FUNCTIONS.get(name or "")
        if method is None:
            return
        assert name is not None
        fix = None
        if (
            len(node.args) == 2
            and not node.keywords
            and not any(isinstance(a, ast.Starred) for a in node.args)
        ):
            local, _ = ctx.import_edit("pydantic", "TypeAdapter")
            fix = self._fix(node, ctx, method) if _free(local, ctx) else None
        ctx.report(node, func=name.rsplit(".", 1)[1], method=method, fix=fix)

    def _fix(self, node: ast.Call, ctx: Context, method: str) -> Fix:
        imports = Imports(ctx)  # joins an existing `from pydantic import ...`
        local = imports.name("pydantic", "TypeAdapter", "pydantic.type_adapter.TypeAdapter")
        type_text, data_text = (ctx.text(a) for a in node.args)
        replacement = f"{local}({type_text}).{method}({data_text})"
        edits = [*imports.edits, ctx.replace(node, replacement).edits[0]]
        # The v1 function may now be imported for nothing.
        retires = (ctx.qualified_name(node.func) or "",)
        message = f"Use `TypeAdapter(...).{method}()`"
        return Fix(tuple(edits), Applicability.SAFE, message, retires=retires)


def _free(local: str, ctx: Context) -> bool:
    """Can `local` name pydantic's TypeAdapter at the call? Not when something else (a
    project class, a parameter) already holds that name where the call is."""
    if "." in local:  # reached as `pydantic.TypeAdapter`: the module name must be pydantic's
        binding = ctx.semantic.lookup(local.split(".")[0])
        return binding is None or binding.qualname == "pydantic"
    binding = ctx.semantic.lookup(local)
    return binding is None or binding.qualname in (
        "pydantic.TypeAdapter",
        "pydantic.type_adapter.TypeAdapter",
    )
