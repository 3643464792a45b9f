from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import ANNOTATED_ALIASES, ANNOTATED_ALIASES_CALL_FAILS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, callee_names
from ._fixes import Imports
from ._models import PydanticRule

_TYPE_CHECKS = frozenset({"builtins.isinstance", "builtins.issubclass"})


class V1AnnotatedAlias(PydanticRule):
    """## What it does
    Checks for Pydantic types that were classes in v1 and are `Annotated[...]` aliases in v2,
    used where only a class works:

    - called: `UUID1(...)`, `UUID3(...)`, `UUID4(...)`, `UUID5(...)`;
    - given to `isinstance()` or `issubclass()`: any of the UUID types, `FilePath`,
      `DirectoryPath`, `PositiveInt`, `NegativeInt`, `NonNegativeInt`, `NonPositiveInt`,
      `PositiveFloat`, `NegativeFloat`, `NonNegativeFloat`, `NonPositiveFloat`, `FiniteFloat`,
      `StrictStr`, `StrictInt`, `StrictFloat`, `StrictBool`, `StrictBytes`.

    ## Why is this bad?
    In v2 `pydantic.UUID4` is `Annotated[UUID, UuidVersion(4)]`. Calling an `Annotated` alias
    calls the underlying type and then sets `__orig_class__` on the result, which a `UUID`
    refuses: `UUID4("...")` raises `TypeError: UUID objects are immutable`. `isinstance(x,
    PositiveInt)` raises `TypeError` for every alias. Both worked in v1, where these were
    subclasses of `uuid.UUID`, `int`, `str`, ...

    Calling the other aliases still works in v2 (`PositiveInt(5)` is `int(5)`; v1 did not
    check the constraint in the call either), so those calls are not reported.

    ## Example
    ```python
    from pydantic import UUID4, PositiveInt

    DEFAULT_ID = UUID4("12345678-1234-4678-9234-567812345678")
    ok = isinstance(count, PositiveInt)
    ```

    ## Use instead
    ```python
    from uuid import UUID

    DEFAULT_ID = UUID("12345678-1234-4678-9234-567812345678")
    ok = isinstance(count, int) and count > 0
    ```

    ## Fix safety
    Safe for the calls: `UUID4(...)` becomes `uuid.UUID(...)` with the same arguments
    (imported when missing; the pydantic import goes once nothing else uses it). v1's
    `UUID4(...)` did not check the version either: the value is the same UUID (equal, same
    hash, same `str()` and JSON); only its class name (`repr`, `type()`) was pydantic's
    subclass. The fix is valid under both major versions, so it is offered whatever the
    project's Pydantic version.

    `isinstance()`/`issubclass()` are reported only: the v1 check also looked at the class
    (values a model validated were plain `UUID`/`int`/`str` objects, so it was usually false),
    and what the code meant needs a person.

    ## References
    - Pydantic migration guide, "Changes to pydantic.types" (constrained types as `Annotated`)
    - pydantic 2.x `pydantic/types.py`: `UUID4 = Annotated[UUID, UuidVersion(4)]`
    """

    code = "FAL311"
    name = "v1-annotated-alias"
    message = "`{use}` raises `TypeError` under Pydantic v2, where `{name}` is an `Annotated` alias; {advice}"
    nodes = (ast.Call,)
    callees = callee_names(_TYPE_CHECKS | ANNOTATED_ALIASES_CALL_FAILS)
    triggers = tuple(sorted({name.rsplit(".", 1)[1] for name in ANNOTATED_ALIASES}))
    requires_any = ("pydantic",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    # `uuid.UUID(...)` is right under v1 and v2 alike.
    fix_targets = None
    valid = [
        # Look-alike: the same name as an annotation, where an alias belongs.
        """
        from pydantic import UUID4, BaseModel

        class User(BaseModel):
            id: UUID4
        """,
        # Calling an alias whose base value is mutable still works in v2.
        """
        from pydantic import PositiveInt, StrictStr

        n = PositiveInt(5)
        s = StrictStr('a')
        """,
        # A project class called `UUID4`.
        """
        import pydantic

        class UUID4:
            def __init__(self, text):
                self.text = text

        UUID4('x')
        """,
        # `isinstance` against the base type.
        """
        import uuid
        from pydantic import UUID4

        def f(x):
            return isinstance(x, uuid.UUID)
        """,
        # The v1 layer, on purpose.
        """
        from pydantic.v1 import UUID4

        UUID4('12345678123456781234567812345678')
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import UUID4, BaseModel

            class User(BaseModel):
                id: UUID4

            ADMIN = User(id=UUID4('12345678-1234-4678-9234-567812345678'))
            """,
            expect=[
                "6:17-6:62 `UUID4(...)` raises `TypeError` under Pydantic v2, where `UUID4` is an `Annotated` alias; use `uuid.UUID(...)`"
            ],
            fixed="""
            from uuid import UUID

            from pydantic import UUID4, BaseModel

            class User(BaseModel):
                id: UUID4

            ADMIN = User(id=UUID('12345678-1234-4678-9234-567812345678'))
            """,
        ),
        # The pydantic import goes with its last use; an existing `import uuid` is reused.
        Invalid(
            """
            import uuid
            from pydantic.types import UUID1

            NIL = UUID1(int=0)
            """,
            expect=[
                "4:7-4:19 `UUID1(...)` raises `TypeError` under Pydantic v2, where `UUID1` is an `Annotated` alias; use `uuid.UUID(...)`"
            ],
            fixed="""
            import uuid

            NIL = uuid.UUID(int=0)
            """,
        ),
        # Type checks: reported on the alias, not fixed.
        Invalid(
            """
            import pydantic

            def positive(x):
                return isinstance(x, (pydantic.PositiveInt, float))
            """,
            expect=[
                "4:27-4:47 `isinstance(..., PositiveInt)` raises `TypeError` under Pydantic v2, where `PositiveInt` is an `Annotated` alias; check against `int` (and the constraint) instead"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, ast.Call)
        name = ctx.qualified_name(node.func)
        if name in _TYPE_CHECKS and len(node.args) == 2:
            classes = node.args[1]
            items = classes.elts if isinstance(classes, ast.Tuple) else [classes]
            for item in items:
                alias = ctx.qualified_name(item)
                if alias in ANNOTATED_ALIASES:
                    short = alias.rsplit(".", 1)[1]
                    base = ANNOTATED_ALIASES[alias]
                    ctx.report(
                        item,
                        use=f"{name.rsplit('.', 1)[1]}(..., {short})",
                        name=short,
                        advice=f"check against `{base}` (and the constraint) instead",
                    )
            return
        if name not in ANNOTATED_ALIASES_CALL_FAILS:
            return
        assert name is not None
        short = name.rsplit(".", 1)[1]
        base = ANNOTATED_ALIASES[name]
        ctx.report(
            node,
            use=f"{short}(...)",
            name=short,
            advice=f"use `{base}(...)`",
            fix=lambda: _fix(node, name, base, ctx),
        )


def _fix(node: ast.Call, alias: str, base: str, ctx: Context) -> Fix:
    module, _, short = base.rpartition(".")
    imports = Imports(ctx)
    names = ctx.semantic.module_import_names()
    if base not in names and module in names:  # `import uuid` is there: `uuid.UUID`
        local = f"{names[module]}.{short}"
    else:
        local = imports.name(module, short)
    start, end = ctx.span(node.func)
    return Fix(
        (*imports.edits, Edit(start, end, local)),
        Applicability.SAFE,
        f"Call `{base}`",
        retires=(alias,),
    )
