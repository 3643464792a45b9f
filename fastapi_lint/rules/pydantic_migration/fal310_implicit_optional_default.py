from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...catalogues.pydantic_v1 import FIELD_CALLS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid
from ...semantic.records import IsModel
from ._models import (
    PydanticRule,
    candidate_class,
    enclosing_candidate,
    enclosing_model,
    optional_kind,
    version_evidence,
)

# `Field()` callables whose first argument / `default=` is the field's default.
_FIELD_CALLS = FIELD_CALLS | {"sqlmodel.Field", "sqlmodel.main.Field"}


class ImplicitOptionalDefault(PydanticRule):
    """## What it does
    Checks for fields of a Pydantic model annotated `Optional[X]`, `Union[X, None]`,
    `X | None` or `Any` that have no default (no value, or a `Field(...)` without a default
    or `default_factory`).

    ## Why is this bad?
    Pydantic v1 gave such fields an implicit default of `None`; v2 makes them required. After
    the upgrade, every request or settings load that omits the field fails validation — the
    most common silent break of a v1 → v2 migration.

    Under v2 the same line is the normal way to declare a *required, nullable* field, so the
    rule only speaks about code written for v1: it reports a module that shows v1 usage (a
    v1-only import such as `validator`, `BaseSettings` from `pydantic` or `constr`, a v1
    module such as `pydantic.generics`, or a model with a nested `class Config`) and no v2
    usage (a v2-only import such as `field_validator`, `ConfigDict`, `pydantic_settings`, or a
    model assigning `model_config`). A module that shows neither is not reported: nothing in
    it says which Pydantic it targets.

    A model whose base lives in another module (`class ItemRead(AppBase)` with `AppBase` in
    `app/models.py`) is found in a project run, through the project index; its module needs no
    pydantic import. If nothing else in that module says which Pydantic it targets, a nested
    `class Config` in such a class counts as v1 usage once the index confirms the class is a
    model, and an assignment of `model_config` in one keeps the module unreported.

    When the project's Pydantic version is known — installed in its environment, or declared
    in pyproject.toml, a requirements file or a lock file — that decides instead, for every
    module: a project on Pydantic 1 is reported (also after `--fix` rewrote its `class
    Config`), a project on Pydantic 2 is not (also where a `class Config` is left). A
    `target-versions` override (a migration branch) does not count here: it says where the
    code is going, not what it was written for.

    Class variables (`ClassVar[...]`), private attributes (`_name`), and classes that are not
    models (in this file) are not reported. A field whose `Field(...)` gives `...` as its
    default was required in v1 too and is not reported.

    ## Example
    ```python
    class UserUpdate(BaseModel):
        name: Optional[str]
        email: str | None = Field(description="new email")
    ```

    ## Use instead
    ```python
    class UserUpdate(BaseModel):
        name: Optional[str] = None
        email: str | None = Field(None, description="new email")
    ```

    ## Fix safety
    Unsafe: the fix adds `= None` (or `None` as `Field`'s first argument), which is what v1
    did implicitly — but code already written for v2 may mean the field to be required.

    Without a known project version, the v1 evidence is read from the module as written:
    `--fix` without `--unsafe-fixes` turns `class Config` and the other v1 spellings into v2
    ones and still reports the fields it left without a default; a later `check` of the
    migrated module finds nothing that says it was written for v1. Declare the version (or
    run the FAL3xx fixes together, `--fix --unsafe-fixes`) to keep them reported.

    ## References
    - Pydantic migration guide, "Required, optional, and nullable fields"
    - bump-pydantic BP002
    """

    code = "FAL310"
    name = "implicit-optional-default"
    message = (
        "Field `{field}` is `{annotation}` without a default: Pydantic v1 defaulted it to "
        "`None`, v2 makes it required"
    )
    nodes = (ast.AnnAssign,)
    # A model whose base lives in another module needs no pydantic import in its own file.
    triggers = ("pydantic", "sqlmodel", "Optional", "None", "Any")
    defers = True
    fix_availability = FixAvailability.ALWAYS
    fix_applicability = (Applicability.UNSAFE,)
    fix_targets = None  # `= None` is what v1 did implicitly: valid under both

    valid = [
        # Has a default.
        """
        from typing import Optional
        from pydantic import BaseModel, Field

        class U(BaseModel):
            a: Optional[int] = None
            b: Optional[int] = Field(None)
            c: Optional[int] = Field(default_factory=int)
        """,
        # Explicitly required in v1 too.
        """
        from typing import Optional
        from pydantic import BaseModel, Field

        class U(BaseModel):
            a: Optional[int] = ...
            b: Optional[int] = Field(...)
        """,
        # Not a model: a dataclass, a TypedDict, a plain class.
        """
        from dataclasses import dataclass
        from typing import Optional, TypedDict
        import pydantic

        @dataclass
        class D:
            a: Optional[int]

        class T(TypedDict):
            a: Optional[int]
        """,
        # ClassVar and private attributes are not fields.
        """
        from typing import Any, ClassVar, Optional
        from pydantic import BaseModel

        class U(BaseModel):
            registry: ClassVar[Optional[dict]]
            _cache: Optional[dict]
        """,
        # Not optional.
        """
        from pydantic import BaseModel

        class U(BaseModel):
            a: int
            b: list[int | str]
        """,
        # An annotated local variable inside a method.
        """
        from typing import Optional
        from pydantic import BaseModel

        class U(BaseModel):
            a: int = 0

            def f(self):
                x: Optional[int]
                return 1
        """,
        # The v1 layer, on purpose.
        """
        from typing import Optional
        from pydantic.v1 import BaseModel

        class U(BaseModel):
            a: Optional[int]
        """,
        # A v2 module: `Optional[X]` without a default is a required, nullable field on purpose.
        """
        from pydantic import BaseModel, ConfigDict

        class U(BaseModel):
            model_config = ConfigDict(frozen=True)
            a: int | None
        """,
        """
        from pydantic import BaseModel, field_validator

        class U(BaseModel):
            a: int | None

            @field_validator('a')
            @classmethod
            def check(cls, v):
                return v
        """,
        # Nothing says which Pydantic the module targets.
        """
        from typing import Optional
        from pydantic import BaseModel

        class U(BaseModel):
            a: Optional[int]
        """,
    ]
    invalid = [
        Invalid(
            """
            from typing import Any, Optional, Union
            from pydantic import BaseModel

            class U(BaseModel):
                a: Optional[int]
                b: Union[str, None]
                c: Any
                d: 'int | None'

                class Config:
                    orm_mode = True
            """,
            fixed="""
            from typing import Any, Optional, Union
            from pydantic import BaseModel

            class U(BaseModel):
                a: Optional[int] = None
                b: Union[str, None] = None
                c: Any = None
                d: 'int | None' = None

                class Config:
                    orm_mode = True
            """,
            unsafe=True,
            expect=[
                "5:5-5:21 Field `a` is `Optional` without a default: Pydantic v1 defaulted it to `None`, v2 makes it required",
                "6:5-6:24 Field `b` is `Optional` without a default: Pydantic v1 defaulted it to `None`, v2 makes it required",
                "7:5-7:11 Field `c` is `Any` without a default: Pydantic v1 defaulted it to `None`, v2 makes it required",
                "8:5-8:20 Field `d` is `X | None` without a default: Pydantic v1 defaulted it to `None`, v2 makes it required",
            ],
        ),
        Invalid(
            """
            from typing import Annotated, Optional
            from pydantic import BaseSettings, Field

            class S(BaseSettings):
                url: Annotated[Optional[str], 'doc']
                token: str | None = Field(description='API token')
            """,
            fixed="""
            from typing import Annotated, Optional
            from pydantic import BaseSettings, Field

            class S(BaseSettings):
                url: Annotated[Optional[str], 'doc'] = None
                token: str | None = Field(None, description='API token')
            """,
            unsafe=True,
            expect=[
                "5:5-5:41 Field `url` is `Optional` without a default: Pydantic v1 defaulted it to `None`, v2 makes it required",
                "6:5-6:55 Field `token` is `X | None` without a default: Pydantic v1 defaulted it to `None`, v2 makes it required",
            ],
        ),
        # SQLModel's `Field(primary_key=True)` has no default either.
        Invalid(
            """
            from typing import Optional
            from pydantic import validator
            from sqlmodel import Field, SQLModel

            class Hero(SQLModel, table=True):
                id: Optional[int] = Field(primary_key=True)
            """,
            expect=[
                "6:5-6:48 Field `id` is `Optional` without a default: Pydantic v1 defaulted it to `None`, v2 makes it required"
            ],
            fixed="""
            from typing import Optional
            from pydantic import validator
            from sqlmodel import Field, SQLModel

            class Hero(SQLModel, table=True):
                id: Optional[int] = Field(None, primary_key=True)
            """,
            unsafe=True,
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, ast.AnnAssign)
        target = node.target
        if not isinstance(target, ast.Name) or target.id.startswith("_"):
            return
        if node.value is not None and not self._field_without_default(node.value, ctx):
            return
        candidate = None
        if enclosing_model(ctx) is None:
            candidate = enclosing_candidate(ctx)
            if candidate is None:
                return
        kind = optional_kind(node.annotation, ctx)
        if kind is None:
            return
        # Reported in `finish`, once the module's Pydantic version is known.
        state = ctx.state(_Candidates)
        if candidate is None:
            state.fields.append((node, target.id, kind))
        else:
            state.deferred.append((node, target.id, kind, candidate))

    def finish(self, ctx: Context) -> None:
        state = ctx.state(_Candidates)
        if not state.fields and not state.deferred:
            return
        v1 = self._v1_code(ctx)
        if v1:
            for node, name, kind in state.fields:
                ctx.report(node, field=name, annotation=kind, fix=_fix(node, ctx))
        if not state.deferred:
            return
        # Fields of classes whose base lives in another module: reported if the index finds a
        # model there. With nothing else saying v1, a nested `class Config` in such a class is
        # the evidence, conditional on that class being a model too.
        evidence: tuple[IsModel, ...] = ()
        if not v1:
            owner = self._config_evidence(ctx)
            if owner is None:
                return
            evidence = (IsModel(owner),)
        for node, name, kind, cls in state.deferred:
            requires = (IsModel(cls), *(e for e in evidence if e.cls != cls))
            ctx.defer(node, requires, field=name, annotation=kind, fix=_fix(node, ctx))

    def _config_evidence(self, ctx: Context) -> str | None:
        """When neither the project's version nor the module decides (no v1 and no v2
        evidence of its own), the first class of the module with a base from another module
        and a nested `class Config` — v1 evidence if the index finds it is a model. None when
        the version is known, the module shows v2, or such a class assigns `model_config`."""
        if self.settings.versions.written_for("pydantic").at_least((2,)) is not None:
            return None
        v1_evidence, v2_evidence = version_evidence(ctx)
        if v1_evidence or v2_evidence:
            return None
        # About the file as written: FAL303's fix turns that `class Config` into `model_config`.
        return ctx.source.as_written("pydantic.config-evidence", lambda: _config_owner(ctx))

    def _v1_code(self, ctx: Context) -> bool:
        """Is the module written for Pydantic v1? The project's installed or declared version
        decides when known (a `target-versions` override says where the code goes, not what
        it was written for); otherwise what the module itself shows."""
        v2 = self.settings.versions.written_for("pydantic").at_least((2,))
        if v2 is not None:
            return not v2
        v1_evidence, v2_evidence = version_evidence(ctx)
        return v1_evidence and not v2_evidence

    @staticmethod
    def _field_without_default(value: ast.expr, ctx: Context) -> bool:
        if not isinstance(value, ast.Call) or ctx.qualified_name(value.func) not in _FIELD_CALLS:
            return False
        if value.args:
            return False
        return not any(
            kw.arg in ("default", "default_factory") or kw.arg is None for kw in value.keywords
        )


def _config_owner(ctx: Context) -> str | None:
    found = None
    for qualname, info in ctx.semantic.classes.items():
        if not candidate_class(qualname, ctx):
            continue
        for statement in info.node.body:
            if isinstance(statement, ast.ClassDef) and statement.name == "Config":
                found = found or qualname
            elif _assigns_model_config(statement):
                return None
    return found


@dataclass
class _Candidates:
    """The file's implicitly optional fields without a default: (node, name, annotation kind)."""

    fields: list[tuple[ast.AnnAssign, str, str]] = field(default_factory=list)
    # Those of classes the index decides about: (node, name, annotation kind, class).
    deferred: list[tuple[ast.AnnAssign, str, str, str]] = field(default_factory=list)


def _assigns_model_config(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    else:
        return False
    return any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets)


def _fix(node: ast.AnnAssign, ctx: Context) -> Fix:
    """`= None` after the annotation, or `None` as the first argument of `Field(...)`."""
    message = "Give the field the `None` default v1 gave it"
    if node.value is None:
        end = ctx.span(node)[1]
        return Fix((Edit(end, end, " = None"),), Applicability.UNSAFE, message)
    call = node.value
    assert isinstance(call, ast.Call)
    opening = ctx.source.text.index("(", ctx.span(call.func)[1])
    content = "None, " if call.keywords else "None"
    return Fix((Edit(opening + 1, opening + 1, content),), Applicability.UNSAFE, message)
