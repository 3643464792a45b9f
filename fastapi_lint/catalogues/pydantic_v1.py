"""Pydantic v1 → v2: what was renamed, moved or removed (FAL301-FAL310).

Data only. The detection rules read it to decide what to report, and the fixes read it to know
what a v1 name becomes; the structural fixes (validators, `class Config`, constrained types) reuse
the same tables. Keep every entry to what Pydantic's own migration guide states.
"""

from __future__ import annotations

from dataclasses import dataclass

# ------------------------------------------------------------------- models

# A class is a Pydantic model when its bases reach one of these (through project classes).
# `pydantic.v1.*` is deliberately absent: code on the v1 compatibility layer is left alone.
MODEL_BASES: frozenset[str] = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.BaseSettings",  # v1
        "pydantic.env_settings.BaseSettings",  # v1
        "pydantic.generics.GenericModel",  # v1
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)

# Settings classes get `SettingsConfigDict` rather than `ConfigDict`.
SETTINGS_BASES: frozenset[str] = frozenset(
    {
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
    }
)

# Classmethods that build an instance of the class they are called on (v1 and v2 names):
# `User.parse_obj(data)` holds a `User`.
CLASSMETHOD_CONSTRUCTORS: frozenset[str] = frozenset(
    {
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "validate",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "model_construct",
    }
)

# ----------------------------------------------------------- model methods


@dataclass(frozen=True)
class MethodRename:
    """A v1 `BaseModel` method and its v2 name.

    `fix_keywords` is the set of keyword arguments that mean the same to the v2 method; a call
    that uses only those (and at most `fix_positional` positional arguments, no `*`/`**`) is
    renamed by a safe fix. `fix_keywords=None`: never fixed automatically (`note` says why).
    """

    v1: str
    v2: str
    on_instance: bool  # called on an instance (`user.dict()`)
    on_class: bool  # called on the class (`User.parse_obj(...)`)
    fix_keywords: frozenset[str] | None = frozenset()
    fix_positional: int = 0
    note: str = ""
    # Any keyword maps through unchanged (`construct(**values)`: the keywords are field values).
    keeps_keywords: bool = False


_DUMP_KEYWORDS = frozenset(
    {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
)

MODEL_METHODS: dict[str, MethodRename] = {
    m.v1: m
    for m in (
        # `skip_defaults` is gone in v2: a call using it is reported only.
        MethodRename("dict", "model_dump", True, False, _DUMP_KEYWORDS),
        # `encoder=`, `models_as_dict=` and `json.dumps` keywords other than `indent` have no
        # v2 counterpart.
        MethodRename(
            "json",
            "model_dump_json",
            True,
            False,
            _DUMP_KEYWORDS | {"indent"},
            note="`encoder=`, `models_as_dict=` and `json.dumps` options have no v2 equivalent",
        ),
        # `include=`/`exclude=` are gone from `model_copy`.
        MethodRename(
            "copy",
            "model_copy",
            True,
            False,
            frozenset({"update", "deep"}),
            note="`include=`/`exclude=` are gone: use `model_dump(include=...)` instead",
        ),
        MethodRename("parse_obj", "model_validate", False, True, frozenset(), 1),
        MethodRename(
            "parse_raw",
            "model_validate_json",
            False,
            True,
            frozenset(),
            1,
            note="`content_type=`, `encoding=`, `proto=` and `allow_pickle=` are gone",
        ),
        MethodRename(
            "parse_file",
            "model_validate_json",
            False,
            True,
            None,
            note="read the file yourself and pass its text to `model_validate_json()`",
        ),
        MethodRename(
            "from_orm",
            "model_validate",
            False,
            True,
            None,
            note="it needs `from_attributes=True` in the config or the call",
        ),
        MethodRename(
            "schema", "model_json_schema", False, True, frozenset({"by_alias", "ref_template"})
        ),
        MethodRename(
            "schema_json",
            "model_json_schema",
            False,
            True,
            None,
            note="v2 has no JSON-string variant: `json.dumps(Model.model_json_schema())`",
        ),
        # `construct(_fields_set=None, **values)` has the same signature in v2.
        MethodRename(
            "construct", "model_construct", False, True, frozenset(), 1, keeps_keywords=True
        ),
        MethodRename("validate", "model_validate", False, True, frozenset(), 1),
        MethodRename(
            "update_forward_refs",
            "model_rebuild",
            False,
            True,
            frozenset(),
            note="`model_rebuild()` takes no namespace keywords: pass `_types_namespace=`",
        ),
    )
}
# Attributes (not calls) renamed in v2. A rename is a safe fix unless a note says why not.
MODEL_ATTRIBUTES: dict[str, str] = {
    "__fields__": "model_fields",
    "__fields_set__": "model_fields_set",  # the same set of names in both
}
# Reported only: the values differ (`ModelField` in v1, `FieldInfo` in v2), so code reading them
# usually needs more than a rename.
MODEL_ATTRIBUTE_NOTES: dict[str, str] = {
    "__fields__": " (its values are `FieldInfo` objects, not v1 `ModelField`s)",
}

# ------------------------------------------------------------------ config

# `class Config` keys → `ConfigDict` keys. None: the key was removed and is dropped.
CONFIG_KEYS: dict[str, str | None] = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
    "min_anystr_length": "str_min_length",
    "max_anystr_length": "str_max_length",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
    "underscore_attrs_are_private": None,
    "smart_union": None,
}
# Keys whose value changes too: `allow_mutation = False` → `frozen = True`.
CONFIG_INVERTED_KEYS: dict[str, str] = {"allow_mutation": "frozen"}
# Keys that exist unchanged in `ConfigDict` (a Config using only these and the renames above is
# mechanically convertible).
CONFIG_SAME_KEYS: frozenset[str] = frozenset(
    {
        "title",
        "str_strip_whitespace",
        "str_to_lower",
        "str_to_upper",
        "str_min_length",
        "str_max_length",
        "extra",
        "frozen",
        "populate_by_name",
        "use_enum_values",
        "validate_assignment",
        "arbitrary_types_allowed",
        "from_attributes",
        "alias_generator",
        "json_schema_extra",
        "validate_default",
        "protected_namespaces",
    }
)
# Settings keys `SettingsConfigDict` keeps under the same name (v1 `BaseSettings.Config`).
SETTINGS_KEYS: frozenset[str] = frozenset(
    {
        "env_prefix",
        "env_file",
        "env_file_encoding",
        "env_nested_delimiter",
        "case_sensitive",
        "secrets_dir",
    }
)
# Keys removed without a ConfigDict equivalent (with advice, if any); a Config using them needs
# a person.
CONFIG_REMOVED_KEYS: dict[str, str] = {
    "fields": "use `Field(alias=...)` on each field",
    "json_loads": "",
    "json_dumps": "",
    "copy_on_model_validation": "use `revalidate_instances`",
    "getter_dict": "removed with `from_orm`",
    "keep_untouched": "use `ignored_types`",
    "error_msg_templates": "",
    "post_init_call": "",
}
# Keys v2 deprecates but still honours (with advice): the model works as before, but the key is
# on its way out, so the Config still needs a person.
CONFIG_DEPRECATED_KEYS: dict[str, str] = {
    "json_encoders": "use `@field_serializer`",
}

# ------------------------------------------------------------------- fields

FIELD_CALLS: frozenset[str] = frozenset({"pydantic.Field", "pydantic.fields.Field"})

# `Field(...)` keyword renames that keep meaning (`regex` needs care, see FAL307's docs).
FIELD_RENAMES: dict[str, str] = {
    "regex": "pattern",
    "min_items": "min_length",
    "max_items": "max_length",
}
# `allow_mutation=<bool>` → `frozen=<not bool>`.
FIELD_INVERTED: dict[str, str] = {"allow_mutation": "frozen"}
# Keywords removed without a rename: reported with advice.
FIELD_REMOVED: dict[str, str] = {
    "const": "annotate the field with `Literal[value]`",
    "unique_items": "use a `set[...]` annotation",
}

# The keyword parameters of `Field()` in v1 (1.10) and v2 (2.14), from their signatures. Any
# other keyword was a v1 "extra": copied into the field's JSON schema (`example=1`). v2 still
# accepts extras, deprecated, and wants them in `json_schema_extra={...}`.
FIELD_V1_PARAMETERS: frozenset[str] = frozenset(
    {
        "alias", "allow_inf_nan", "allow_mutation", "const", "decimal_places", "default",
        "default_factory", "description", "discriminator", "exclude", "extra", "ge", "gt",
        "include", "le", "lt", "max_digits", "max_items", "max_length", "min_items",
        "min_length", "multiple_of", "regex", "repr", "title", "unique_items",
    }
)  # fmt: skip
FIELD_V2_PARAMETERS: frozenset[str] = frozenset(
    {
        "alias", "alias_priority", "allow_inf_nan", "coerce_numbers_to_str", "decimal_places",
        "default", "default_factory", "deprecated", "description", "discriminator", "examples",
        "exclude", "exclude_if", "fail_fast", "field_title_generator", "frozen", "ge", "gt",
        "init", "init_var", "json_schema_extra", "kw_only", "le", "lt", "max_digits",
        "max_length", "min_length", "multiple_of", "pattern", "repr", "serialization_alias",
        "strict", "title", "union_mode", "validate_default", "validation_alias",
    }
)  # fmt: skip
# Extras with a meaning of their own elsewhere (`env=` of settings fields: see FAL307's docs).
FIELD_SPECIAL_EXTRAS: frozenset[str] = frozenset({"env"})

# ------------------------------------------------------------- decorators

VALIDATOR_DECORATORS: frozenset[str] = frozenset(
    {"pydantic.validator", "pydantic.class_validators.validator"}
)
ROOT_VALIDATOR_DECORATORS: frozenset[str] = frozenset(
    {"pydantic.root_validator", "pydantic.class_validators.root_validator"}
)

# ------------------------------------------------------- constrained types

# v1 constrained-type functions → the type they constrain in an `Annotated[...]`.
CONSTRAINED_TYPES: dict[str, str] = {
    **{
        f"{module}.{name}": base
        for module in ("pydantic", "pydantic.types")
        for name, base in (
            ("conint", "int"),
            ("confloat", "float"),
            ("constr", "str"),
            ("conlist", "list"),
            ("conset", "set"),
            ("confrozenset", "frozenset"),
            ("condecimal", "Decimal"),
            ("conbytes", "bytes"),
            ("condate", "date"),
        )
    }
}

# ------------------------------------------------- types that became aliases

# v1 classes that Pydantic 2 turned into `Annotated[base, ...]` aliases (checked against
# pydantic 2.14: `typing.get_origin(pydantic.X) is Annotated`), with the type they annotate.
# An alias cannot be used with `isinstance()`/`issubclass()` (TypeError), and calling one calls
# the base type and then sets `__orig_class__` on the result, which an immutable `uuid.UUID`
# refuses (TypeError); the int/float/str/bytes/Path ones return a plain base-type value.
ANNOTATED_ALIASES: dict[str, str] = {
    f"{module}.{name}": base
    for module in ("pydantic", "pydantic.types")
    for name, base in (
        ("UUID1", "uuid.UUID"),
        ("UUID3", "uuid.UUID"),
        ("UUID4", "uuid.UUID"),
        ("UUID5", "uuid.UUID"),
        ("FilePath", "pathlib.Path"),
        ("DirectoryPath", "pathlib.Path"),
        ("PositiveInt", "int"),
        ("NegativeInt", "int"),
        ("NonNegativeInt", "int"),
        ("NonPositiveInt", "int"),
        ("PositiveFloat", "float"),
        ("NegativeFloat", "float"),
        ("NonNegativeFloat", "float"),
        ("NonPositiveFloat", "float"),
        ("FiniteFloat", "float"),
        ("StrictStr", "str"),
        ("StrictInt", "int"),
        ("StrictFloat", "float"),
        ("StrictBool", "bool"),
        ("StrictBytes", "bytes"),
    )
}
# Aliases whose *call* fails under v2 (the value is immutable): the rest still construct.
ANNOTATED_ALIASES_CALL_FAILS: frozenset[str] = frozenset(
    name for name, base in ANNOTATED_ALIASES.items() if base == "uuid.UUID"
)

# ------------------------------------------------------------ functions

# v1 module-level parse functions → the `TypeAdapter` method that replaces them.
PARSE_FUNCTIONS: dict[str, str] = {
    "pydantic.parse_obj_as": "validate_python",
    "pydantic.tools.parse_obj_as": "validate_python",
    "pydantic.parse_raw_as": "validate_json",
    "pydantic.tools.parse_raw_as": "validate_json",
}

# ---------------------------------------------------------------- imports

# (v1 module, name) → the v2 module that now holds the same name.
MOVED_IMPORTS: dict[tuple[str, str], str] = {
    ("pydantic", "BaseSettings"): "pydantic_settings",
    ("pydantic.env_settings", "BaseSettings"): "pydantic_settings",
    ("pydantic.settings", "BaseSettings"): "pydantic_settings",
    ("pydantic", "Color"): "pydantic_extra_types.color",
    ("pydantic.color", "Color"): "pydantic_extra_types.color",
    ("pydantic", "PaymentCardNumber"): "pydantic_extra_types.payment",
    ("pydantic.payment", "PaymentCardNumber"): "pydantic_extra_types.payment",
    ("pydantic.payment", "PaymentCardBrand"): "pydantic_extra_types.payment",
    # v2 keeps these importable from the old place only through a deprecation shim.
    ("pydantic.error_wrappers", "ValidationError"): "pydantic",
    ("pydantic.utils", "version_info"): "pydantic.version",
}

# Exceptions whose handler marks an import as optional (`try: import x / except ImportError`).
IMPORT_ERRORS: frozenset[str] = frozenset(
    {"builtins.ImportError", "builtins.ModuleNotFoundError", "builtins.Exception"}
)

# `pydantic.errors` in v2 keeps only these; every other v1 error class is gone.
V2_ERRORS: frozenset[str] = frozenset(
    {
        "PydanticErrorCodes",
        "PydanticErrorMixin",
        "PydanticUserError",
        "PydanticUndefinedAnnotation",
        "PydanticImportError",
        "PydanticSchemaGenerationError",
        "PydanticInvalidForJsonSchema",
        "PydanticForbiddenQualifier",
    }
)

GENERIC_MODEL: frozenset[str] = frozenset({"pydantic.generics.GenericModel"})

# Wrappers in annotations: `Optional[X]`, `Union[X, None]`, `Annotated[X, ...]`.
OPTIONAL_NAMES: frozenset[str] = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION_NAMES: frozenset[str] = frozenset({"typing.Union", "typing_extensions.Union"})
ANNOTATED_NAMES: frozenset[str] = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
ANY_NAMES: frozenset[str] = frozenset({"typing.Any", "typing_extensions.Any"})
CLASSVAR_NAMES: frozenset[str] = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})

# ----------------------------------------------------- which major version

# Evidence that a module is written against Pydantic v1: names only v1 exports (or that v2
# deprecated), and v1-only modules. Used where a construct means different things under v1
# and v2 (FAL310: `Optional[X]` without a default is intentional "required, nullable" in v2).
V1_ONLY_NAMES: frozenset[str] = frozenset(
    {
        "validator",
        "root_validator",
        "BaseSettings",
        "parse_obj_as",
        "parse_raw_as",
        "conint",
        "confloat",
        "constr",
        "conlist",
        "conset",
        "confrozenset",
        "condecimal",
        "conbytes",
        "condate",
    }
)
V1_ONLY_MODULES: frozenset[str] = frozenset(
    {
        "pydantic.class_validators",
        "pydantic.env_settings",
        "pydantic.error_wrappers",
        "pydantic.generics",
        "pydantic.typing",
        "pydantic.utils",
        "pydantic.tools",
    }
)
# Evidence that a module is written against Pydantic v2.
V2_ONLY_NAMES: frozenset[str] = frozenset(
    {
        "field_validator",
        "model_validator",
        "field_serializer",
        "model_serializer",
        "computed_field",
        "ConfigDict",
        "TypeAdapter",
        "RootModel",
        "ValidationInfo",
        "AliasChoices",
        "AliasPath",
        "StringConstraints",
        "BeforeValidator",
        "AfterValidator",
        "WrapValidator",
        "PlainValidator",
        "PlainSerializer",
        "WrapSerializer",
        "SerializeAsAny",
        "SkipValidation",
        "InstanceOf",
        "validate_call",
        "with_config",
        "JsonValue",
        "Discriminator",
        "SerializationInfo",
        "ValidatorFunctionWrapHandler",
        "GetCoreSchemaHandler",
        "GetJsonSchemaHandler",
    }
)
V2_ONLY_MODULES: frozenset[str] = frozenset(
    {"pydantic_settings", "pydantic_core", "pydantic_extra_types", "pydantic.functional_validators"}
)
