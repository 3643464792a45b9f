"""What the Pydantic 2.x deprecation rules (FAL901-FAL909) share: is this module v2 code, and
how far can a fix be trusted here.

These rules are about code that already runs on Pydantic 2. Some of the constructs they report
exist only in v2 (`self.model_fields`, `@model_validator`, `model_config`), so the construct
itself says which major the module is written for; others mean something else, and are right,
in v1 code (`Field(example=...)` is v1's documented way to add a schema key, and
`pydantic.json.pydantic_encoder` is v1's JSON encoder). The project's version decides first
(`Settings.target`, see `semantic/versions.py`); when it is not known, the second kind is
reported only in a module that shows v2 usage and no v1 usage (the evidence FAL310 reads the
other way round; `written_for_v2`, beside it, is also where FAL307 hands extra `Field`
keywords in v2 code over to FAL903). A module on the `pydantic.v1` layer is left alone, as the FAL3xx rules do.
"""

from __future__ import annotations

from ...context import Context
from ...diagnostics import Applicability
from ..pydantic_migration._models import uses_v1_layer
from ..pydantic_migration._models import written_for_v2 as written_for_v2  # for the rules

_V2 = (2,)


def project_on_v2(ctx: Context) -> bool | None:
    """True/False when every Pydantic version the project may use is / is not 2.x or later;
    None when that is not known."""
    return ctx.settings.target("pydantic").at_least(_V2)


def may_be_v2(ctx: Context) -> bool:
    """For constructs that only exist in Pydantic 2: not a project known to be on v1, and not
    a module on the `pydantic.v1` layer. Ask once per file (`Rule.applies`)."""
    return project_on_v2(ctx) is not False and not uses_v1_layer(ctx)


def fix_applicability(ctx: Context) -> Applicability:
    """A fix that is exact under every Pydantic 2 release: safe when the project is known to
    be on v2, unsafe when only the module's own usage says so (the family policy of
    `rules/upgrades/_versions.py`: an unknown version gets unsafe fixes)."""
    return Applicability.SAFE if project_on_v2(ctx) else Applicability.UNSAFE


# `pydantic.Field` (SQLModel's own `Field` takes `nullable=`, `primary_key=`, ... as real
# parameters and is another function).
FIELD_CALLS = frozenset({"pydantic.Field", "pydantic.fields.Field"})

# Every parameter `pydantic.Field` has in some 2.x release, read from the signatures of 2.0.3,
# 2.10.6, 2.11.10, 2.12.5 and 2.14.4 (`include` is in 2.0's signature and later handled as a
# deprecated keyword that does nothing).
FIELD_PARAMETERS = frozenset(
    {
        "alias",
        "alias_priority",
        "allow_inf_nan",
        "coerce_numbers_to_str",
        "decimal_places",
        "default",
        "default_factory",
        "deprecated",
        "description",
        "discriminator",
        "examples",
        "exclude",
        "exclude_if",
        "fail_fast",
        "field_title_generator",
        "frozen",
        "ge",
        "gt",
        "include",
        "init",
        "init_var",
        "json_schema_extra",
        "kw_only",
        "le",
        "lt",
        "max_digits",
        "max_length",
        "min_length",
        "multiple_of",
        "pattern",
        "repr",
        "serialization_alias",
        "strict",
        "title",
        "union_mode",
        "validate_default",
        "validation_alias",
    }
)
# v1 keywords Pydantic 2's `Field` handles itself (renamed, removed with an error, or
# deprecated with their own warning) and FAL307 reports: not extra schema keys.
FIELD_V1_KEYWORDS = frozenset(
    {"regex", "min_items", "max_items", "allow_mutation", "const", "unique_items", "env"}
)
