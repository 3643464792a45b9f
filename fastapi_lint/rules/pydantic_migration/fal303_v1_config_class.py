from __future__ import annotations

import ast
import io
import tokenize

from ...catalogues.pydantic_v1 import (
    CONFIG_DEPRECATED_KEYS,
    CONFIG_INVERTED_KEYS,
    CONFIG_KEYS,
    CONFIG_REMOVED_KEYS,
    CONFIG_SAME_KEYS,
    SETTINGS_KEYS,
)
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid
from ...semantic.records import PlainModel, SettingsModel
from ._fixes import Imports, line_indent, starts_line
from ._models import PydanticRule, enclosing_candidate, enclosing_model, is_settings


class V1ConfigClass(PydanticRule):
    """## What it does
    Checks for a nested `class Config:` inside a Pydantic model, also one whose base class
    lives in another module.

    A model is a class whose bases reach `BaseModel`, `BaseSettings` or `SQLModel` in this
    file, through an installed package, or (in a project run) through a project class of
    another module (`class ItemRead(AppBase)` with `AppBase(BaseModel)` in `app/models.py`;
    the project index also says whether that base is a settings class, which takes
    `SettingsConfigDict`).

    ## Why is this bad?
    Pydantic v2 configures models with a `model_config = ConfigDict(...)` attribute
    (`SettingsConfigDict` for settings). `class Config` still works but is deprecated, and
    several keys were renamed (`orm_mode` → `from_attributes`, `allow_population_by_field_name`
    → `populate_by_name`, `schema_extra` → `json_schema_extra`, …) or removed (`fields`,
    `json_loads`, …): a renamed key left in a v1 `Config` is silently ignored under v2 or
    warned about, so `from_orm`-style validation or field population by name stops working.
    The message lists the keys of this `Config` that need renaming or rethinking.

    A `class Config` in a class that is not a model (a plain settings holder, a dataclass) is
    not reported.

    ## Example
    ```python
    class UserOut(BaseModel):
        id: int

        class Config:
            orm_mode = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)

        id: int
    ```

    ## Fix safety
    Safe: the `class Config` statement is replaced in place by `model_config =
    ConfigDict(...)` (`SettingsConfigDict` from `pydantic_settings` for settings), keys renamed
    as above (`underscore_attrs_are_private` and `smart_union` dropped: v2 always behaves as
    they asked), values kept verbatim except `Extra.forbid` → `"forbid"` (reading
    `pydantic.Extra` warns under v2), and comments kept. `allow_mutation = False` → `frozen=True`
    makes the fix unsafe: v1 raised `TypeError` on assignment and its instances were not
    hashable, v2 raises `ValidationError` and hashes them.

    `class Config(AppSettings.Config)` in `class Settings(AppSettings)` is converted like a
    `Config` without bases: v1 merges a model's `Config` with its bases' anyway, and v2 merges
    `model_config` the same way, so the converted model keeps what it inherited.

    Reported without a fix: a key with no mechanical equivalent (`fields`, `getter_dict`, any
    unknown key), `json_encoders` (deprecated in v2 but still honoured, in `ConfigDict` too: the
    message says so, and moving to `@field_serializer` is left to a person), a method in the `Config` (`schema_extra` as a function), a
    `Config` with other bases (the `Config` of a class the model does not inherit from: what
    it brings must be copied by hand), and a model that also assigns `model_config`.

    ## References
    - Pydantic migration guide, "Changes to config"
    - bump-pydantic BP003
    """

    code = "FAL303"
    name = "v1-config-class"
    message = "`class Config` is Pydantic v1 configuration; use `model_config = {kind}(...)`{keys}"
    nodes = (ast.ClassDef,)
    # A model whose base lives in another module needs no pydantic import in its own file.
    triggers = ("pydantic", "sqlmodel", "Config")
    defers = True
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # v2 configuration.
        """
        from pydantic import BaseModel, ConfigDict

        class U(BaseModel):
            model_config = ConfigDict(from_attributes=True)
            id: int
        """,
        # A `Config` class in a plain class.
        """
        import pydantic

        class Settings:
            class Config:
                debug = True
        """,
        # A module-level class called Config.
        """
        import pydantic

        class Config:
            orm_mode = True
        """,
        # A `Config` nested in a function, not in a model body.
        """
        from pydantic import BaseModel

        def make():
            class Config:
                orm_mode = True
            return Config
        """,
        # A model on the v1 compatibility layer.
        """
        from pydantic.v1 import BaseModel

        class U(BaseModel):
            class Config:
                orm_mode = True
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseModel

            class U(BaseModel):
                id: int

                class Config:
                    orm_mode = True
            """,
            expect=[
                "6:5-7:24 `class Config` is Pydantic v1 configuration; use `model_config = ConfigDict(...)`; `orm_mode` → `from_attributes`"
            ],
            fixed="""
            from pydantic import BaseModel, ConfigDict

            class U(BaseModel):
                id: int

                model_config = ConfigDict(from_attributes=True)
            """,
        ),
        Invalid(
            """
            from pydantic import BaseSettings

            class S(BaseSettings):
                url: str

                class Config:
                    env_prefix = 'APP_'
            """,
            expect=[
                "6:5-7:28 `class Config` is Pydantic v1 configuration; use `model_config = SettingsConfigDict(...)`"
            ],
            fixed="""
            from pydantic import BaseSettings
            from pydantic_settings import SettingsConfigDict

            class S(BaseSettings):
                url: str

                model_config = SettingsConfigDict(env_prefix='APP_')
            """,
        ),
        # Comments are kept; `Extra.forbid` becomes the string v2 takes.
        Invalid(
            """
            from pydantic import BaseModel, Extra

            class Q(BaseModel):
                q: str

                class Config:
                    # clients send camelCase
                    allow_population_by_field_name = True
                    extra = Extra.forbid  # reject typos
                    smart_union = True
            """,
            expect=[
                "6:5-10:27 `class Config` is Pydantic v1 configuration; use `model_config = ConfigDict(...)`; `allow_population_by_field_name` → `populate_by_name`; `smart_union` is dropped"
            ],
            fixed="""
            from pydantic import BaseModel, ConfigDict

            class Q(BaseModel):
                q: str

                model_config = ConfigDict(
                    # clients send camelCase
                    populate_by_name=True,
                    extra="forbid",  # reject typos
                )
            """,
        ),
        # Nested config inheritance from the model's own base: v2 merges it the same way.
        Invalid(
            """
            from pydantic import BaseSettings

            class AppSettings(BaseSettings):
                debug: bool = False

            class Settings(AppSettings):
                class Config(AppSettings.Config):
                    env_file = '.env'
            """,
            expect=[
                "7:5-8:26 `class Config` is Pydantic v1 configuration; use `model_config = SettingsConfigDict(...)`"
            ],
            fixed="""
            from pydantic import BaseSettings
            from pydantic_settings import SettingsConfigDict

            class AppSettings(BaseSettings):
                debug: bool = False

            class Settings(AppSettings):
                model_config = SettingsConfigDict(env_file='.env')
            """,
        ),
        # The `Config` of a class the model does not inherit from: copied by hand.
        Invalid(
            """
            from pydantic import BaseModel

            class Shared:
                class Config:
                    orm_mode = True

            class U(BaseModel):
                class Config(Shared.Config):
                    extra = 'forbid'
            """,
            expect=[
                "8:5-9:25 `class Config` is Pydantic v1 configuration; use `model_config = ConfigDict(...)`; a `Config` with bases needs a person"
            ],
        ),
        # Through a project base class.
        Invalid(
            """
            from sqlmodel import SQLModel

            class Base(SQLModel):
                pass

            class Hero(Base):
                name: str

                class Config:
                    allow_population_by_field_name = True
                    fields = {'name': 'n'}
            """,
            expect=[
                "9:5-11:31 `class Config` is Pydantic v1 configuration; use `model_config = ConfigDict(...)`; `allow_population_by_field_name` → `populate_by_name`; `fields` was removed, use `Field(alias=...)` on each field"
            ],
        ),
        # A key v2 deprecates but still honours: not "removed".
        Invalid(
            """
            from datetime import datetime
            from pydantic import BaseModel

            class Event(BaseModel):
                at: datetime

                class Config:
                    json_encoders = {datetime: lambda v: v.isoformat()}
            """,
            expect=[
                "7:5-8:60 `class Config` is Pydantic v1 configuration; use `model_config = ConfigDict(...)`; `json_encoders` is deprecated (still honoured in v2), use `@field_serializer`"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, ast.ClassDef)
        if node.name != "Config":
            return
        model = enclosing_model(ctx)
        candidate = enclosing_candidate(ctx) if model is None else None
        if model is None and candidate is None:
            return
        notes = []
        for key in _keys(node):
            if key in CONFIG_KEYS:
                new = CONFIG_KEYS[key]
                notes.append(f"`{key}` → `{new}`" if new else f"`{key}` is dropped")
            elif key in CONFIG_INVERTED_KEYS:
                notes.append(f"`{key}` → `{CONFIG_INVERTED_KEYS[key]}` (inverted)")
            elif key in CONFIG_REMOVED_KEYS:
                advice = CONFIG_REMOVED_KEYS[key]
                notes.append(f"`{key}` was removed" + (f", {advice}" if advice else ""))
            elif key in CONFIG_DEPRECATED_KEYS:
                advice = CONFIG_DEPRECATED_KEYS[key]
                notes.append(f"`{key}` is deprecated (still honoured in v2), {advice}")
        keys = f"; {'; '.join(notes)}" if notes else ""
        if candidate is not None:
            # The model's base lives in another module: the project index decides whether it
            # is a model, and whether a settings one (which takes `SettingsConfigDict`).
            owner = ctx.semantic.classes[candidate].node
            for settings, condition in ((True, SettingsModel), (False, PlainModel)):
                fix, reason = _fix(node, owner, settings, ctx)
                kind = "SettingsConfigDict" if settings else "ConfigDict"
                extra = f"; {reason}" if reason else ""
                ctx.defer(node, (condition(candidate),), fix=fix, kind=kind, keys=keys + extra)
            return
        assert model is not None
        settings = is_settings(model, ctx)
        kind = "SettingsConfigDict" if settings else "ConfigDict"
        fix, reason = _fix(node, ctx.semantic.classes[model].node, settings, ctx)
        if reason:
            keys += f"; {reason}"
        ctx.report(node, kind=kind, keys=keys, fix=fix)


# `Extra.forbid` → `"forbid"`: v2 takes the string, and reading `pydantic.Extra` warns.
_EXTRA_ENUMS = frozenset({"pydantic.Extra", "pydantic.config.Extra"})


def _fix(
    node: ast.ClassDef, model: ast.ClassDef, settings: bool, ctx: Context
) -> tuple[Fix | None, str]:
    """`class Config:` → `model_config = ConfigDict(...)` with the v1 keys renamed, the values
    kept verbatim and the comments kept in place; None when a key or statement has no
    mechanical equivalent."""
    if node.keywords or node.decorator_list or not _inherits_own_config(node, model, ctx):
        return None, "a `Config` with bases needs a person"
    for statement in model.body:
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
            return None, "the model also assigns `model_config`: merge them by hand"
    if not starts_line(ctx, node):
        return None, "convert it by hand"
    entries: list[tuple[ast.stmt, str | None]] = []  # statement → `key=value` (None: dropped)
    for index, statement in enumerate(node.body):
        if (index == 0 and _is_docstring(statement)) or isinstance(statement, ast.Pass):
            entries.append((statement, None))
            continue
        if not (
            isinstance(statement, (ast.Assign, ast.AnnAssign))
            and statement.value is not None
            and len(statement.targets if isinstance(statement, ast.Assign) else [1]) == 1
        ):
            return None, "a statement other than `key = value` in it needs a person"
        target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
        if not isinstance(target, ast.Name):
            return None, "a statement other than `key = value` in it needs a person"
        key, value = target.id, statement.value
        value_text = ctx.text(value)
        if (
            isinstance(value, ast.Attribute)
            and ctx.qualified_name(value.value) in _EXTRA_ENUMS
            and value.attr in ("allow", "ignore", "forbid")
        ):
            value_text = f'"{value.attr}"'
        if key in CONFIG_KEYS:
            new = CONFIG_KEYS[key]
            entries.append((statement, f"{new}={value_text}" if new else None))
        elif key in CONFIG_INVERTED_KEYS:
            if not (isinstance(value, ast.Constant) and isinstance(value.value, bool)):
                return None, f"`{key}` is not a literal `True`/`False`: invert it by hand"
            entries.append((statement, f"{CONFIG_INVERTED_KEYS[key]}={not value.value}"))
        elif key in CONFIG_SAME_KEYS or (settings and key in SETTINGS_KEYS):
            entries.append((statement, f"{key}={value_text}"))
        elif key in CONFIG_REMOVED_KEYS or key in CONFIG_DEPRECATED_KEYS:
            return None, ""  # the message already says what to do
        else:
            return None, f"`{key}` has no mechanical v2 equivalent: convert it by hand"
    comments = _comments(node, ctx)
    imports = Imports(ctx)
    if settings:
        factory = imports.name(
            "pydantic_settings", "SettingsConfigDict", "pydantic_settings.main.SettingsConfigDict"
        )
    else:
        factory = imports.name("pydantic", "ConfigDict", "pydantic.config.ConfigDict")
    indent = line_indent(ctx, node)
    newline = ctx.source.newline
    items = [text for _, text in entries if text is not None]
    single = f"model_config = {factory}({', '.join(items)})"
    if not comments and "\n" not in single and len(indent) + len(single) <= 88:
        text = single
    else:
        inner = indent + "    "
        lines = [f"model_config = {factory}("]
        for statement, item in entries:
            for comment in comments.pop(statement.lineno, []):
                lines.append(f"{inner}{comment}")
            trailing = comments.pop(-statement.lineno, [])
            if item is not None:
                suffix = f"  {trailing[0]}" if trailing else ""
                lines.append(f"{inner}{item},{suffix}")
            elif trailing:
                lines.append(f"{inner}{trailing[0]}")
        for rest in comments.values():  # after the last statement
            lines.extend(f"{inner}{c}" for c in rest)
        lines.append(f"{indent})")
        text = newline.join(lines)
    edits = [*imports.edits, Edit(*ctx.span(node), text)]
    safety = Applicability.SAFE
    message = f"Use `model_config = {factory}(...)`"
    if any(k in CONFIG_INVERTED_KEYS for k in _keys(node)):
        # v1 raised TypeError on assignment to a frozen model and its instances were not
        # hashable; v2 raises ValidationError and hashes them.
        safety = Applicability.UNSAFE
    # `Extra.forbid` became `"forbid"`: `from pydantic import Extra` may be unused now.
    return Fix(tuple(edits), safety, message, retires=tuple(sorted(_EXTRA_ENUMS))), ""


def _inherits_own_config(node: ast.ClassDef, model: ast.ClassDef, ctx: Context) -> bool:
    """Has the `Config` no bases, or only the `Config` of one of the model's own bases
    (`class Config(AppSettings.Config)` in `class Settings(AppSettings)`)? v1 merges a
    subclass's `Config` with its parents' anyway, and v2 merges `model_config` the same way,
    so that base says nothing the converted model would not inherit."""
    own = {ctx.qualified_name(base) for base in model.bases} - {None}
    return all(
        isinstance(base, ast.Attribute)
        and base.attr == "Config"
        and ctx.qualified_name(base.value) in own
        for base in node.bases
    )


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _comments(node: ast.ClassDef, ctx: Context) -> dict[int, list[str]]:
    """The comments inside the `Config` statement, keyed by the row of the statement they
    precede (own-line comments, and one after `class Config:`), by minus the row of the
    statement they trail, or by a large row when they come after the last statement."""
    start, end = ctx.span(node)
    text = ctx.source.text[start:end]
    rows = [s.lineno for s in node.body]
    found: dict[int, list[str]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return {}
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        row = node.lineno + token.start[0] - 1
        trailing = bool(token.line[: token.start[1]].strip()) and row != node.lineno
        if trailing:
            key = -row
        else:
            following = [r for r in rows if r >= row]
            key = following[0] if following else 10**9
        found.setdefault(key, []).append(token.string)
    return found


def _keys(node: ast.ClassDef) -> list[str]:
    keys: list[str] = []
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            keys.extend(t.id for t in statement.targets if isinstance(t, ast.Name))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            keys.append(statement.target.id)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            keys.append(statement.name)  # `def schema_extra(schema): ...`
    return keys
