from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.model import BindingKind, ScopeKind
from ...semantic.records import IsModel
from ..pydantic_migration._models import model_candidate, model_instance_of
from ._v2code import may_be_v2

_ATTRIBUTES = frozenset({"model_fields", "model_computed_fields"})
_COMPUTED_ON_CLASS = (2, 6)
# Pydantic decorators whose method receives the model instance as its first parameter.
_INSTANCE_DECORATORS = frozenset(
    {
        "pydantic.field_serializer",
        "pydantic.model_serializer",
        "pydantic.functional_serializers.field_serializer",
        "pydantic.functional_serializers.model_serializer",
    }
)
_MODEL_VALIDATORS = frozenset(
    {"pydantic.model_validator", "pydantic.functional_validators.model_validator"}
)


class ModelFieldsOnInstance(Rule):
    """## What it does
    Checks for `model_fields` and `model_computed_fields` read from a model *instance*:
    `self.model_fields` in a method of a model, or `item.model_fields` where `item` is known
    to hold a model instance (an annotation, a constructor call). A class whose base lives
    in another module of the project is a model when the project pass says so (run on the
    whole project); a name imported from another module may be the class itself, and is
    not reported.

    ## Why is this bad?
    Pydantic 2.11 deprecated reading these two from an instance: each access warns
    (`PydanticDeprecatedSince211: Accessing the 'model_fields' attribute on the instance is
    deprecated`), and Pydantic 3 will make them class-only. Checked in Pydantic 2.10.6 (no
    warning), 2.11.10, 2.12.5 and 2.14.4 (the warning on every access, the same dictionary
    returned).

    ## Example
    ```python
    class Item(BaseModel):
        name: str

        def describe(self) -> list[str]:
            return list(self.model_fields)
    ```

    ## Use instead
    ```python
    class Item(BaseModel):
        name: str

        def describe(self) -> list[str]:
            return list(type(self).model_fields)
    ```

    ## Fix safety
    `model_fields`: safe. `type(x).model_fields` is the dictionary `x.model_fields` returns,
    in every Pydantic 2 release (2.0.3 through 2.14.4 were run; a subclass instance gets its
    own class's fields either way, which naming the class would not). The construct exists
    only in Pydantic 2, so the module is v2 code whatever the project declares; only a
    project known to be on Pydantic 1 is not checked.

    `model_computed_fields`: on the class it is the dictionary only from Pydantic 2.6; in
    2.0.3 to 2.5.3 `Model.model_computed_fields` is a `property` object (found running the
    fixed code under 2.0.3; bisected over 2.1.1, 2.4.2, 2.5.3, 2.6.4). So the fix is safe
    when the project is known to use 2.6 or later, unsafe when its version is not known, and
    a project known to use 2.0-2.5 is not told about it (nothing warns there, and the class
    has no dictionary to read).

    No fix where the name `type` means something else in that scope (a parameter called
    `type`).

    Reported also when the project pins a release before 2.11: the replacement works there
    too, and the warning comes with the next upgrade. Receivers whose type is not known are
    not reported (`getattr(obj, "model_fields")`, an unannotated parameter).

    ## References
    - Pydantic 2.11 release notes; `pydantic/main.py` (`BaseModel.__getattr__`,
      `_model_construction.py`: the deprecated instance access)
    """

    code = "FAL901"
    name = "model-fields-on-instance"
    message = (
        "`{attribute}` read from a model instance is deprecated since Pydantic 2.11; "
        "read it from the class: `type({receiver}).{attribute}`"
    )
    nodes = (ast.Attribute,)
    attributes = _ATTRIBUTES
    triggers = ("model_fields", "model_computed_fields")
    defers = True
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE, Applicability.UNSAFE)
    valid = [
        # Read from the class: the spelling Pydantic asks for.
        """
        from pydantic import BaseModel

        class Item(BaseModel):
            name: str

            def describe(self) -> list[str]:
                return list(type(self).model_fields)

            @classmethod
            def names(cls) -> list[str]:
                return list(cls.model_fields) + list(Item.model_computed_fields)
        """,
        # Not a model: a class of the project with its own `model_fields` attribute.
        """
        class Form:
            model_fields = {"name": str}

            def describe(self):
                return list(self.model_fields)
        """,
        # A receiver of unknown type.
        """
        def describe(obj):
            return list(obj.model_fields)
        """,
        # The v1 compatibility layer has no `model_fields` to deprecate.
        """
        from pydantic.v1 import BaseModel

        class Item(BaseModel):
            name: str

            def describe(self):
                return list(self.model_fields)
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseModel, computed_field

            class Item(BaseModel):
                name: str

                @computed_field
                @property
                def slug(self) -> str:
                    return self.name.lower()

                def describe(self) -> list[str]:
                    return [*self.model_fields]

            def required(item: Item) -> list[str]:
                return [n for n, f in item.model_fields.items() if f.is_required()]
            """,
            expect=[
                "12:18-12:35 `model_fields` read from a model instance is deprecated since "
                "Pydantic 2.11; read it from the class: `type(self).model_fields`",
                "15:27-15:44 `model_fields` read from a model instance is deprecated since "
                "Pydantic 2.11; read it from the class: `type(item).model_fields`",
            ],
            fixed="""
            from pydantic import BaseModel, computed_field

            class Item(BaseModel):
                name: str

                @computed_field
                @property
                def slug(self) -> str:
                    return self.name.lower()

                def describe(self) -> list[str]:
                    return [*type(self).model_fields]

            def required(item: Item) -> list[str]:
                return [n for n, f in type(item).model_fields.items() if f.is_required()]
            """,
        ),
        # An after-validator and a serializer receive the instance too.
        Invalid(
            """
            from pydantic import BaseModel, field_serializer, model_validator

            class Patch(BaseModel):
                title: str | None = None

                @model_validator(mode="after")
                def not_empty(self):
                    if not any(getattr(self, n) for n in self.model_fields):
                        raise ValueError("empty patch")
                    return self

                @field_serializer("title")
                def upper(self, value):
                    return value.upper() if "title" in self.model_fields else value
            """,
            expect=[
                "8:46-8:63 `model_fields` read from a model instance is deprecated since "
                "Pydantic 2.11; read it from the class: `type(self).model_fields`",
                "14:44-14:61 `model_fields` read from a model instance is deprecated since "
                "Pydantic 2.11; read it from the class: `type(self).model_fields`",
            ],
            fixed="""
            from pydantic import BaseModel, field_serializer, model_validator

            class Patch(BaseModel):
                title: str | None = None

                @model_validator(mode="after")
                def not_empty(self):
                    if not any(getattr(self, n) for n in type(self).model_fields):
                        raise ValueError("empty patch")
                    return self

                @field_serializer("title")
                def upper(self, value):
                    return value.upper() if "title" in type(self).model_fields else value
            """,
        ),
        # Unsafe while the project's Pydantic is not known: before 2.6 the class holds a
        # `property` object there, not the dictionary.
        Invalid(
            """
            from pydantic import BaseModel, computed_field

            class Item(BaseModel):
                name: str

                @computed_field
                @property
                def slug(self) -> str:
                    return self.name.lower()

                def computed(self) -> list[str]:
                    return list(self.model_computed_fields)
            """,
            expect=[
                "12:21-12:47 `model_computed_fields` read from a model instance is deprecated "
                "since Pydantic 2.11; read it from the class: `type(self).model_computed_fields`",
            ],
            fixed="""
            from pydantic import BaseModel, computed_field

            class Item(BaseModel):
                name: str

                @computed_field
                @property
                def slug(self) -> str:
                    return self.name.lower()

                def computed(self) -> list[str]:
                    return list(type(self).model_computed_fields)
            """,
            unsafe=True,
        ),
        # `type` is a parameter here: reported without a fix.
        Invalid(
            """
            from pydantic import BaseModel

            class Event(BaseModel):
                kind: str

                def matches(self, type: str) -> bool:
                    return type in self.model_fields
            """,
            expect=[
                "7:24-7:41 `model_fields` read from a model instance is deprecated since "
                "Pydantic 2.11; read it from the class: `type(self).model_fields`"
            ],
        ),
    ]

    def applies(self, ctx: Context) -> bool:
        return may_be_v2(ctx)

    def check(self, node: ast.Attribute, ctx: Context) -> None:
        if node.attr not in _ATTRIBUTES or not isinstance(node.ctx, ast.Load):
            return
        receiver = node.value
        model = model_instance_of(receiver, ctx) or _instance_of_pydantic_method(receiver, ctx)
        candidate = None
        if model is None:
            if _names_imported_object(receiver, ctx):
                # `FileConfig.model_fields` with `FileConfig` imported: the index would answer
                # "a model" for the class itself, and the class is the right receiver.
                return
            candidate = model_candidate(receiver, ctx, on_class=False)
            if candidate is None:
                return
        applicability = Applicability.SAFE
        if node.attr == "model_computed_fields":
            # On the class it is a dict only from Pydantic 2.6 (a `property` object before).
            known = ctx.settings.target("pydantic").at_least(_COMPUTED_ON_CLASS)
            if known is False:
                return  # no deprecation there, and no replacement either
            applicability = Applicability.SAFE if known else Applicability.UNSAFE
        text = ctx.text(receiver)
        fix = None
        if ctx.semantic.lookup("type") is None:  # `type` is the builtin here
            fix = ctx.replace(
                receiver, f"type({text})", applicability, message="Read it from the class"
            )
        fmt = {"attribute": node.attr, "receiver": text}
        if candidate is not None:
            # A class from another module: a finding if the project index knows it is a model.
            ctx.defer(node, (IsModel(candidate),), fix=fix, **fmt)
            return
        ctx.report(node, fix=fix, **fmt)


def _names_imported_object(receiver: ast.expr, ctx: Context) -> bool:
    """Is `receiver` a name imported from another module (or an attribute of one), whose type
    this file does not know? It may be a class as well as an instance."""
    if ctx.type_of(receiver) is not None:
        return False
    if isinstance(receiver, ast.Attribute):
        return ctx.qualified_name(receiver) is not None
    if isinstance(receiver, ast.Name):
        binding = ctx.semantic.lookup(receiver.id)
        return binding is not None and binding.kind is BindingKind.IMPORT
    return False


def _instance_of_pydantic_method(receiver: ast.expr, ctx: Context) -> str | None:
    """The model whose instance `receiver` is when it is the first parameter of a method the
    Pydantic decorators call with the instance: an after model validator that is not a
    classmethod, a field or model serializer."""
    if not isinstance(receiver, ast.Name):
        return None
    binding = ctx.semantic.lookup(receiver.id)
    if binding is None or binding.kind is not BindingKind.PARAMETER:
        return None
    scope = ctx.semantic.function_scope
    while scope is not None and receiver.id not in scope.bindings:
        scope = scope.parent
    if scope is None or not isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    function = scope.node
    positional = [*function.args.posonlyargs, *function.args.args]
    if not positional or positional[0] is not binding.node:
        return None
    owner = scope.parent
    if owner is None or owner.kind is not ScopeKind.CLASS:
        return None
    qualname_binding = owner.bindings.get("__qualname__")
    model = qualname_binding.qualname if qualname_binding is not None else None
    if not ctx.semantic.is_model(model):
        return None
    names = []
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.append(ctx.qualified_name(target))
    if "builtins.classmethod" in names or "builtins.staticmethod" in names:
        return None
    for decorator, name in zip(function.decorator_list, names, strict=True):
        if name in _INSTANCE_DECORATORS:
            return model
        if name in _MODEL_VALIDATORS and _mode(decorator) == "after":
            return model
    return None


def _mode(decorator: ast.expr) -> str | None:
    if not isinstance(decorator, ast.Call):
        return None
    for keyword in decorator.keywords:
        if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return None
