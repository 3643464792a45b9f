from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ...catalogues.pydantic_v1 import (
    FIELD_CALLS,
    FIELD_INVERTED,
    FIELD_REMOVED,
    FIELD_RENAMES,
    FIELD_SPECIAL_EXTRAS,
    FIELD_V1_PARAMETERS,
    FIELD_V2_PARAMETERS,
)
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...layout import nested_item
from ...rule import FixAvailability, Invalid, callee_names
from ._fixes import Imports
from ._models import PydanticRule, enclosing_model, is_settings, written_for_v2

# Pattern syntax Python's `re` has and the Rust engine of Pydantic v2 rejects: lookaround,
# backreferences, possessive/atomic groups, conditionals.
_PYTHON_ONLY = re.compile(r"\(\?(?:[=!]|<[=!]|P=|\(|>)|\\[1-9]")
# A leading inline-flag group (`(?i)`) must stay first, so the pattern cannot be wrapped.
_LEADING_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")
# A string prefix that is a plain or raw string (no bytes, no f-string).
_STRING_PREFIX = re.compile(r"^([rRuU]?)(['\"]{1,3})")


@dataclass
class _Extras:
    """The file's findings, kept for `finish`."""

    # Extra keywords of the file's `Field(...)` calls, each with its fix.
    found: list[tuple[ast.keyword, Fix | None]] = field(default_factory=list)


class V1FieldArgument(PydanticRule):
    """## What it does
    Checks `pydantic.Field(...)` for v1 keyword arguments: `regex=` (now `pattern=`),
    `min_items=`/`max_items=` (now `min_length=`/`max_length=`), `allow_mutation=` (now
    `frozen=`, inverted), the removed `const=` and `unique_items=`, and extra keywords
    (`example=1`: any keyword that is a parameter of neither v1's nor v2's `Field`).

    ## Why is this bad?
    Under Pydantic v2 `regex=` raises at class definition, the others are deprecated, and
    `const=` and `unique_items=` make v2 refuse the class (`PydanticUserError: const is
    removed, use Literal instead`).
    Extra keywords, which v1 copied into the field's JSON schema, are deprecated in v2
    (`PydanticDeprecatedSince20: Using extra keyword arguments on Field is deprecated`).

    ## Example
    ```python
    class Tag(BaseModel):
        slug: str = Field(regex=r"^[a-z-]+$")
        aliases: list[str] = Field(default_factory=list, max_items=5)
    ```

    ## Use instead
    ```python
    class Tag(BaseModel):
        slug: str = Field(pattern=r"^[a-z-]+$")
        aliases: list[str] = Field(default_factory=list, max_length=5)
    ```

    ## Fix safety
    Safe renames for `min_items`, `max_items`, and for `regex` when the value is a string
    literal. Pydantic v1 matched `regex` at the start of the string (`re.match`); v2 searches
    anywhere. A literal that already starts with `^` or `\\A` (and has no `|`) is only renamed;
    any other literal is renamed *and* anchored as `^(?:...)`, which keeps v1's meaning. Not
    fixed: a pattern held in a variable (its anchoring cannot be checked), and a pattern using
    syntax that v2's Rust regex engine rejects (lookaround, backreferences) or that starts with
    inline flags — such a model needs `regex_engine="python-re"` in its config, which a person
    should decide.

    `allow_mutation=False` → `frozen=True` (and `True` → `False`) is *unsafe*: in v1 the flag
    was only enforced when the model's config set `validate_assignment = True`, while v2's
    `frozen=True` is always enforced, so assignments that worked under v1 would start to fail.

    `const=True` on a field whose default is a literal or a dotted name (an enum member) →
    `Literal[<default>]` as the annotation and `const=True` dropped (`name: Literal["a"] =
    "a"` when nothing else is left in the `Field(...)`), unsafe: v1 validated the input as the
    annotated type and then compared it with the default, so `"1"` passed a `const` `int`
    field equal to `1`; `Literal[1]` rejects it (measured under pydantic 1.10 and 2.14). The
    same input passes both when it is already of the default's type. `unique_items=` is
    reported only (a `set` type changes the value's type).

    Extra keywords are reported here in v1 code only; in Pydantic 2 code (the project known
    to use v2, or, when its version is not known, a module showing v2 usage and no v1 usage)
    they are FAL903's, which also says when `json_schema_extra=` makes v2 drop them.

    An extra keyword becomes `json_schema_extra={"example": 1}`, safe: v2 merges that dict
    into the field's schema, where v1 put the extra. Fixed when it is the call's only extra and
    the call has no `json_schema_extra=` yet; otherwise reported only. `Field(**options)` is
    never reported (its keys are unknown).

    `env=` on a field of a settings class (v2 ignores it, with a warning, and reads the prefixed
    field name instead) → `validation_alias=AliasChoices("<env>", "<field>")`: the variable
    named by `env=` is read without prefix, as in v1, and the field can still be passed by
    name. Safe when the names are literals, the field has no alias and the settings are not
    case-sensitive (with case-sensitive names the field's own name would be a second,
    unprefixed variable v1 never read: reported only).

    ## References
    - Pydantic migration guide, "Changes to pydantic.Field"
    """

    code = "FAL307"
    name = "v1-field-argument"
    message = "`Field({arg}=...)` is Pydantic v1; {advice}"
    nodes = (ast.Call,)
    callees = callee_names(FIELD_CALLS)
    # The gate: a reported keyword is written out (`regex=`); `**kwargs` is never reported.
    # Extra keywords can be any word: a file that calls `Field(` is walked.
    triggers = tuple(sorted({*FIELD_RENAMES, *FIELD_INVERTED, *FIELD_REMOVED, "env", "Field("}))
    # Where `Field` is imported from (a relative import: inside those packages).
    requires_any = ("pydantic", "sqlmodel", "from .")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (
        Applicability.SAFE,
        Applicability.UNSAFE,
    )
    valid = [
        # An extra keyword in Pydantic 2 code (`ConfigDict`) is FAL903's.
        """
        from pydantic import BaseModel, ConfigDict, Field

        class T(BaseModel):
            model_config = ConfigDict(frozen=True)
            a: int = Field(1, example=2)
        """,
        # Look-alikes of extras: v2 parameters, SQLModel's own `Field` keywords, `**options`.
        """
        from pydantic import BaseModel, Field
        from sqlmodel import Field as SQLField, SQLModel

        class T(BaseModel):
            a: int = Field(1, examples=[1, 2], json_schema_extra={'x': 1}, strict=True)

        class Row(SQLModel, table=True):
            id: int = SQLField(primary_key=True, foreign_key='a.id')

        def make(**options):
            return Field(**options)
        """,
        # v2 keywords.
        """
        from pydantic import BaseModel, Field

        class T(BaseModel):
            slug: str = Field(pattern='^[a-z]+$')
            tags: list = Field(max_length=3)
        """,
        # FastAPI's Query(regex=) belongs to FAL506, not to this rule.
        """
        import pydantic
        from fastapi import Query

        def f(q: str = Query(regex='^a')):
            return q
        """,
        # A dataclasses or SQLAlchemy `field(...)` / project `Field`.
        """
        import pydantic

        def Field(**kw):
            return kw

        x = Field(regex='a', min_items=1)
        """,
        # The v1 layer, on purpose.
        """
        from pydantic.v1 import BaseModel, Field

        class T(BaseModel):
            slug: str = Field(regex='a')
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseModel, Field

            class Item(BaseModel):
                price: float = Field(..., example=9.5, gt=0)
                sku: str = Field(example='A-1', format_hint='upper')
            """,
            expect=[
                "4:31-4:42 `Field(example=...)` is Pydantic v1; extra keywords are deprecated in v2: put it in `json_schema_extra={...}`",
                "5:22-5:35 `Field(example=...)` is Pydantic v1; extra keywords are deprecated in v2: put it in `json_schema_extra={...}`",
                "5:37-5:56 `Field(format_hint=...)` is Pydantic v1; extra keywords are deprecated in v2: put it in `json_schema_extra={...}`",
            ],
            fixed="""
            from pydantic import BaseModel, Field

            class Item(BaseModel):
                price: float = Field(..., json_schema_extra={'example': 9.5}, gt=0)
                sku: str = Field(example='A-1', format_hint='upper')
            """,
        ),
        Invalid(
            """
            from pydantic import BaseModel, Field

            class T(BaseModel):
                slug: str = Field(regex=r'^[a-z-]+$')
            """,
            expect=[
                "4:23-4:41 `Field(regex=...)` is Pydantic v1; use `pattern=` (v2 searches anywhere in the string; v1 matched at the start)"
            ],
            fixed="""
            from pydantic import BaseModel, Field

            class T(BaseModel):
                slug: str = Field(pattern=r'^[a-z-]+$')
            """,
        ),
        # Unanchored: anchored to keep v1's match-at-start meaning.
        Invalid(
            """
            import pydantic

            code = pydantic.Field(..., regex='[A-Z]{3}|X')
            """,
            expect=[
                "3:28-3:46 `Field(regex=...)` is Pydantic v1; use `pattern=` (v2 searches anywhere in the string; v1 matched at the start)"
            ],
            fixed="""
            import pydantic

            code = pydantic.Field(..., pattern='^(?:[A-Z]{3}|X)')
            """,
        ),
        Invalid(
            """
            from pydantic import Field

            tags = Field(default_factory=list, min_items=1, max_items=5)
            """,
            fixed="""
            from pydantic import Field

            tags = Field(default_factory=list, min_length=1, max_length=5)
            """,
            expect=[
                "3:36-3:47 `Field(min_items=...)` is Pydantic v1; use `min_length=`",
                "3:49-3:60 `Field(max_items=...)` is Pydantic v1; use `max_length=`",
            ],
        ),
        Invalid(
            """
            from pydantic import Field

            id_ = Field(1, allow_mutation=False)
            """,
            expect=[
                "3:16-3:36 `Field(allow_mutation=...)` is Pydantic v1; use `frozen=` with the opposite value"
            ],
            fixed="""
            from pydantic import Field

            id_ = Field(1, frozen=True)
            """,
            unsafe=True,
        ),
        # A settings field read from an unprefixed variable.
        Invalid(
            """
            from pydantic import BaseSettings, Field

            class S(BaseSettings):
                db: str = Field('sqlite://', env='DATABASE_URL')

                class Config:
                    env_prefix = 'APP_'
            """,
            expect=[
                "4:34-4:52 `Field(env=...)` is Pydantic v1; use `validation_alias=AliasChoices(...)`: v2 ignores `env=`"
            ],
            # `BaseSettings` moves (FAL306): the new name gets a line of its own.
            fixed="""
            from pydantic import AliasChoices, BaseSettings, Field

            class S(BaseSettings):
                db: str = Field('sqlite://', validation_alias=AliasChoices('DATABASE_URL', 'db'))

                class Config:
                    env_prefix = 'APP_'
            """,
        ),
        # `const=True` → `Literal[...]`: unsafe (v1 coerced before comparing).
        Invalid(
            """
            from enum import Enum
            from pydantic import BaseModel, Field

            class Kind(str, Enum):
                tag = 'tag'

            class Tag(BaseModel):
                version: int = Field(1, const=True)
                kind: Kind = Field(Kind.tag, const=True, description='always tag')
            """,
            expect=[
                "8:29-8:39 `Field(const=...)` is Pydantic v1; it was removed: annotate the field with `Literal[value]`",
                "9:34-9:44 `Field(const=...)` is Pydantic v1; it was removed: annotate the field with `Literal[value]`",
            ],
            fixed="""
            from enum import Enum
            from typing import Literal
            from pydantic import BaseModel, Field

            class Kind(str, Enum):
                tag = 'tag'

            class Tag(BaseModel):
                version: Literal[1] = 1
                kind: Literal[Kind.tag] = Field(Kind.tag, description='always tag')
            """,
            unsafe=True,
        ),
        # Not fixable: a variable pattern, a lookahead, a removed keyword.
        Invalid(
            """
            from pydantic import Field

            SLUG = '^a'
            x = Field(regex=SLUG)
            y = Field(regex='(?=a)a')
            z = Field('v', const=True)
            """,
            expect=[
                "4:11-4:21 `Field(regex=...)` is Pydantic v1; use `pattern=` (v2 searches anywhere in the string; v1 matched at the start)",
                "5:11-5:25 `Field(regex=...)` is Pydantic v1; use `pattern=` (v2 searches anywhere in the string; v1 matched at the start)",
                "6:16-6:26 `Field(const=...)` is Pydantic v1; it was removed: annotate the field with `Literal[value]`",
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, ast.Call)
        if not node.keywords or ctx.qualified_name(node.func) not in FIELD_CALLS:
            return
        for keyword in node.keywords:
            arg = keyword.arg
            if arg in FIELD_RENAMES:
                new = FIELD_RENAMES[arg]
                fix: Fix | None = _rename(keyword, new, ctx)
                if arg == "regex" and fix is not None:
                    fix = _regex_fix(keyword, ctx, fix)
                advice = f"use `{new}=`"
                if arg == "regex":
                    advice += " (v2 searches anywhere in the string; v1 matched at the start)"
                ctx.report(keyword, arg=arg, advice=advice, fix=fix)
            elif arg in FIELD_INVERTED:
                new = FIELD_INVERTED[arg]
                value = keyword.value
                fix = None
                if isinstance(value, ast.Constant) and isinstance(value.value, bool):
                    fix = Fix(
                        (Edit(*ctx.span(keyword), f"{new}={not value.value}"),),
                        Applicability.UNSAFE,
                        f"Use `{new}=`",
                    )
                advice = f"use `{new}=` with the opposite value"
                ctx.report(keyword, arg=arg, advice=advice, fix=fix)
            elif arg in FIELD_REMOVED:
                fix = _const_fix(node, keyword, ctx) if arg == "const" else None
                advice = f"it was removed: {FIELD_REMOVED[arg]}"
                ctx.report(keyword, arg=arg, advice=advice, fix=fix)
            elif arg == "env":
                self._env(node, keyword, ctx)
            elif arg is not None and _extra(arg):
                self._extra(node, keyword, ctx)

    def _extra(self, call: ast.Call, keyword: ast.keyword, ctx: Context) -> None:
        """`Field(example=1)` → `Field(json_schema_extra={"example": 1})`."""
        assert keyword.arg is not None
        extras = [k for k in call.keywords if k.arg is not None and _extra(k.arg)]
        fix = None
        if len(extras) == 1 and not any(k.arg == "json_schema_extra" for k in call.keywords):
            quote = _quote(ctx.text(call)) or _quote(ctx.source.text) or '"'
            start, end = ctx.span(keyword)
            key = f"{quote}{keyword.arg}{quote}: "
            # A value over several lines: the dict split as the formatter splits it.
            content = nested_item(ctx.source, start, "json_schema_extra=", key, keyword.value)
            if content is None:
                content = f"json_schema_extra={{{key}{ctx.text(keyword.value)}}}"
            fix = Fix(
                (Edit(start, end, content),),
                Applicability.SAFE,
                "Move it into `json_schema_extra`",
            )
        # Reported in `finish`, once it is known whether the module is v1 code: in v2 code
        # the extra keyword is FAL903's.
        ctx.state(_Extras).found.append((keyword, fix))

    def finish(self, ctx: Context) -> None:
        found = ctx.state(_Extras).found
        if not found or written_for_v2(ctx):
            return
        advice = "extra keywords are deprecated in v2: put it in `json_schema_extra={...}`"
        for keyword, fix in found:
            ctx.report(keyword, arg=keyword.arg, advice=advice, fix=fix)

    def _env(self, call: ast.Call, keyword: ast.keyword, ctx: Context) -> None:
        """`BaseSettings` field `Field(env="DB_URL")` → `validation_alias=AliasChoices("DB_URL",
        "<field>")`: v2 ignores `env=` (with a warning) and reads the prefixed field name."""
        model = enclosing_model(ctx)
        statement = _field_statement(call, model, ctx)
        if model is None or not is_settings(model, ctx) or statement is None:
            return
        advice = "use `validation_alias=AliasChoices(...)`: v2 ignores `env=`"
        names = (
            keyword.value.elts
            if isinstance(keyword.value, (ast.List, ast.Tuple))
            else [keyword.value]
        )
        fix = None
        if (
            names
            and all(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in names)
            and not any(k.arg in ("alias", "validation_alias") for k in call.keywords)
            and not _case_sensitive(model, ctx)
        ):
            assert isinstance(statement.target, ast.Name)
            imports = Imports(ctx)
            choices = imports.name("pydantic", "AliasChoices", "pydantic.aliases.AliasChoices")
            spelled = [ctx.text(n) for n in names]
            quote = '"' if spelled[0].endswith('"') else "'"
            spelled.append(f"{quote}{statement.target.id}{quote}")
            fix = Fix(
                (
                    *imports.edits,
                    Edit(
                        *ctx.span(keyword),
                        f"validation_alias={choices}({', '.join(spelled)})",
                    ),
                ),
                Applicability.SAFE,
                "Use `validation_alias=AliasChoices(...)`",
            )
        ctx.report(keyword, arg="env", advice=advice, fix=fix)


def _const_fix(call: ast.Call, keyword: ast.keyword, ctx: Context) -> Fix | None:
    """`x: T = Field(d, const=True, ...)` → `x: Literal[d] = Field(d, ...)` (`= d` alone when
    nothing else is left). Only for `const=True` written out, a default that is a literal or
    a dotted name, and a field declared in a model's body."""
    if not (isinstance(keyword.value, ast.Constant) and keyword.value.value is True):
        return None
    statement = _field_statement(call, enclosing_model(ctx), ctx)
    default = call.args[0] if len(call.args) == 1 else None
    for other in call.keywords:
        if other.arg == "default":
            default = other.value
    if statement is None or default is None or not _literal_value(default):
        return None
    if len(call.args) > 1 or any(k.arg is None for k in call.keywords):
        return None
    imports = Imports(ctx)
    literal = imports.name("typing", "Literal", "typing_extensions.Literal")
    default_text = ctx.text(default)
    edits = [*imports.edits, Edit(*ctx.span(statement.annotation), f"{literal}[{default_text}]")]
    rest = [k for k in call.keywords if k is not keyword and k.arg != "default"]
    retires: tuple[str, ...] = ()
    if not rest:
        edits.append(Edit(*ctx.span(call), default_text))
        retires = (ctx.qualified_name(call.func) or "",)  # `Field` may be imported for nothing
    else:
        elements: list[ast.AST] = [*call.args, *call.keywords]
        elements.sort(key=lambda e: ctx.span(e)[0])
        index = elements.index(keyword)
        if index > 0:  # `, const=True` after the previous argument
            start, end = ctx.span(elements[index - 1])[1], ctx.span(keyword)[1]
        else:  # `const=True, ` before the next one
            start, end = ctx.span(keyword)[0], ctx.span(elements[1])[0]
        edits.append(Edit(start, end, ""))
    return Fix(
        tuple(edits), Applicability.UNSAFE, "Annotate the field `Literal[...]`", retires=retires
    )


def _literal_value(node: ast.expr) -> bool:
    """Can the expression stand inside `Literal[...]`: a str/bytes/int/bool/None literal, or a
    dotted name (an enum member)."""
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, (str, bytes, int, bool))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant) and type(node.operand.value) is int
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _quote(text: str) -> str | None:
    """The quote the text uses most for its strings (the fix writes a key in the same)."""
    single, double = text.count("'"), text.count('"')
    if single == double:
        return None
    return "'" if single > double else '"'


def _extra(arg: str) -> bool:
    """A keyword v1 copied into the schema: a parameter of neither major's `Field`."""
    return (
        arg not in FIELD_V1_PARAMETERS
        and arg not in FIELD_V2_PARAMETERS
        and arg not in FIELD_SPECIAL_EXTRAS
    )


def _field_statement(call: ast.Call, model: str | None, ctx: Context) -> ast.AnnAssign | None:
    """The field declaration in the model's body whose value is `call`."""
    if model is None:
        return None
    for statement in ctx.semantic.classes[model].node.body:
        if (
            isinstance(statement, ast.AnnAssign)
            and statement.value is call
            and isinstance(statement.target, ast.Name)
        ):
            return statement
    return None


def _case_sensitive(model: str, ctx: Context) -> bool:
    """Does the settings class (or its config) set `case_sensitive` to anything but a literal
    False? Then the field's own name is a different variable from the `env=` one, and the
    second alias choice would read a variable v1 never read."""
    for statement in ast.walk(ctx.semantic.classes[model].node):
        if (isinstance(statement, ast.keyword) and statement.arg == "case_sensitive") or (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "case_sensitive" for t in statement.targets)
        ):
            value = statement.value
        else:
            continue
        if not (isinstance(value, ast.Constant) and value.value is False):
            return True
    return False


def _rename(keyword: ast.keyword, new: str, ctx: Context) -> Fix:
    start = ctx.span(keyword)[0]
    assert keyword.arg is not None
    return Fix((Edit(start, start + len(keyword.arg), new),), Applicability.SAFE, f"Use `{new}=`")


def _regex_fix(keyword: ast.keyword, ctx: Context, rename: Fix) -> Fix | None:
    """The rename, anchoring the literal when it is not anchored; None when it cannot be
    kept equivalent."""
    value = keyword.value
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return None
    pattern = value.value
    if _PYTHON_ONLY.search(pattern) or _LEADING_FLAGS.match(pattern):
        return None
    if pattern.startswith(("^", "\\A")) and "|" not in pattern:
        return rename  # anchored as a whole (an alternation could reopen it: `^a|b`)
    text = ctx.text(value)
    prefix = _STRING_PREFIX.match(text)
    if prefix is None or not text.endswith(prefix.group(2)):
        return None  # implicit concatenation or an unusual literal: leave it to a person
    start, end = ctx.span(value)
    opening = start + prefix.end()
    closing = end - len(prefix.group(2))
    return Fix(
        (*rename.edits, Edit(opening, opening, "^(?:"), Edit(closing, closing, ")")),
        Applicability.SAFE,
        "Use `pattern=`, anchored at the start as v1's `regex=` was",
    )
