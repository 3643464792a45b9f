from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid
from ._models import PydanticRule, enclosing_class

# v1 hook → the v2 hook that replaces it, and what v2 does with the old one (pydantic 2.14).
_HOOKS: dict[str, tuple[str, str]] = {
    "__get_validators__": (
        "__get_pydantic_core_schema__",
        "v2 still calls it (deprecated) but passes each validator it yields a second `info` argument",
    ),
    "__modify_schema__": (
        "__get_pydantic_json_schema__",
        "v2 refuses every model with a field of this type",
    ),
}


class V1CustomTypeHook(PydanticRule):
    """## What it does
    Checks for a class that defines Pydantic v1's custom-type hooks, `__get_validators__` or
    `__modify_schema__`, and not their v2 counterparts.

    ## Why is this bad?
    Pydantic v2 asks a type for `__get_pydantic_core_schema__(cls, source, handler)`
    (validation) and `__get_pydantic_json_schema__(cls, core_schema, handler)` (JSON schema).
    What it does with the v1 hooks (measured with pydantic 2.14):

    - `__get_validators__` is still called, with a `PydanticDeprecatedSince20` warning, but
      every validator it yields is called as `validator(value, info)`: v1's one-argument
      `validate(cls, v)` fails with `TypeError: ... takes 2 positional arguments but 3 were
      given` when a value is validated.
    - `__modify_schema__` makes every model with a field of the type fail when the class is
      defined (`PydanticUserError: The __modify_schema__ method is not supported in Pydantic
      v2`).

    The hooks are reported wherever they are defined, also in a module that does not import
    pydantic: a custom type is usually a plain subclass of `str` or `int`. A class that also
    defines the v2 hook supports both versions and is not reported.

    ## Example
    ```python
    class Phone(str):
        @classmethod
        def __get_validators__(cls):
            yield cls.validate

        @classmethod
        def validate(cls, v):
            return cls(normalise(v))
    ```

    ## Use instead
    ```python
    from pydantic_core import core_schema

    class Phone(str):
        @classmethod
        def __get_pydantic_core_schema__(cls, source, handler):
            return core_schema.no_info_after_validator_function(cls.validate, handler(str))

        @classmethod
        def validate(cls, v):
            return cls(normalise(v))
    ```

    ## Fix safety
    No fix: the v2 hook returns a core schema, which has to be chosen (before, after or wrap
    validation of which base schema), and v1 validators that took `field` or `config` need
    rewriting.

    ## References
    - Pydantic migration guide, "Defining custom types"
    - Pydantic docs, "Customizing validation with `__get_pydantic_core_schema__`"
    """

    code = "FAL314"
    name = "v1-custom-type-hook"
    message = "`{hook}` is Pydantic v1's custom-type hook: {effect}; define `{new}`"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef)
    triggers = tuple(_HOOKS)
    valid = [
        # Look-alike: the v2 hooks.
        """
        class Phone(str):
            @classmethod
            def __get_pydantic_core_schema__(cls, source, handler):
                return handler(str)
        """,
        # Both versions supported on purpose.
        """
        class Phone(str):
            @classmethod
            def __get_validators__(cls):
                yield cls

            @classmethod
            def __get_pydantic_core_schema__(cls, source, handler):
                return handler(str)
        """,
        # A module-level function of that name is not a hook.
        """
        def __get_validators__():
            return []
        """,
    ]
    invalid = [
        Invalid(
            """
            class Phone(str):
                @classmethod
                def __get_validators__(cls):
                    yield cls.validate

                @classmethod
                def __modify_schema__(cls, schema):
                    schema.update(pattern=r'^\\+[0-9]+$')

                @classmethod
                def validate(cls, v):
                    return cls(v)
            """,
            expect=[
                "3:5-4:27 `__get_validators__` is Pydantic v1's custom-type hook: v2 still calls it (deprecated) but passes each validator it yields a second `info` argument; define `__get_pydantic_core_schema__`",
                "7:5-8:45 `__modify_schema__` is Pydantic v1's custom-type hook: v2 refuses every model with a field of this type; define `__get_pydantic_json_schema__`",
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        hook = _HOOKS.get(node.name)
        if hook is None:
            return
        new, effect = hook
        owner = enclosing_class(ctx)
        if owner is None:
            return
        defined = {
            s.name for s in owner.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        if new in defined:
            return
        ctx.report(node, hook=node.name, new=new, effect=effect)
