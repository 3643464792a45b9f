from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import (
    MODEL_ATTRIBUTE_NOTES,
    MODEL_ATTRIBUTES,
    MODEL_METHODS,
    MethodRename,
)
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...layout import argument_after
from ...rule import FixAvailability, Invalid
from ...semantic.records import ModelWithout
from ._models import (
    PydanticRule,
    defines_member,
    in_v1_fallback,
    model_candidate,
    model_class_of,
    model_instance_of,
    reads_attributes,
)


class V1ModelMethod(PydanticRule):
    """## What it does
    Checks for Pydantic v1 `BaseModel` methods called on a receiver known to be a model
    instance or class: `.dict()`, `.json()`, `.copy()`, `.parse_obj()`, `.parse_raw()`,
    `.parse_file()`, `.from_orm()`, `.schema()`, `.schema_json()`, `.construct()`,
    `.validate()`, `.update_forward_refs()`, and the `__fields__` attribute.

    A receiver is known when it is a parameter annotated with a model of this file (also
    `Optional[...]`, `Annotated[...]`), a name assigned from the model's constructor or from
    one of its classmethod constructors (`User.parse_obj(...)`), such a call itself, the model
    class, `self` in a method of the model, or `cls` in one of its classmethods. Anything else
    — `.dict()` on an untyped parameter, `.json()` on an HTTP response, `.copy()` on a dict —
    is never reported. Neither is a call of a method the model (or a project base of it)
    defines itself: `user.dict()` then runs project code, not the v1 API. A v1 call in the
    `except` handler of a `try` whose body uses the v2 API is a deliberate fallback for
    Pydantic v1 and is left alone too.

    Models defined in other modules of the project count too (`payload: schemas.ItemCreate`
    with `ItemCreate` a model in `app/schemas.py`, or a class here whose base is such a
    model): the project index decides, so `fastapi-lint check` on the project finds them,
    and the flake8 plugin does when a cached index is present.

    ## Why is this bad?
    The v1 names are deprecated in Pydantic v2 (they warn on every call and will be removed);
    `parse_file`, `from_orm`, `schema_json` and several arguments have no 1:1 replacement.

    ## Example
    ```python
    def save(user: User) -> dict:
        return user.dict(exclude_unset=True)

    user = User.parse_obj(payload)
    ```

    ## Use instead
    ```python
    def save(user: User) -> dict:
        return user.model_dump(exclude_unset=True)

    user = User.model_validate(payload)
    ```

    ## Fix safety
    Safe, and offered only where the v2 method takes the same arguments with the same meaning:
    `dict` → `model_dump` and `json` → `model_dump_json` with `include`, `exclude`, `by_alias`,
    `exclude_unset`, `exclude_defaults`, `exclude_none` (and `indent` for `json`); `copy` →
    `model_copy` with `update`/`deep` only; `parse_obj`/`validate` → `model_validate` and
    `parse_raw` → `model_validate_json` with a single argument; `schema` →
    `model_json_schema` with `by_alias`/`ref_template`; `construct` → `model_construct`;
    `update_forward_refs()` → `model_rebuild()` without arguments; `from_orm(obj)` →
    `model_validate(obj)` when the model's config (or a base's, in this file) sets `orm_mode`
    / `from_attributes` (v2's deprecated `from_orm` checks that and calls `model_validate`);
    the attribute `__fields_set__` → `model_fields_set`. Unsafe: `from_orm(obj)` on a model
    without that setting in this file → `model_validate(obj, from_attributes=True)` (the
    setting may live in a base class of another module, where the call means the same; if it
    is nowhere, v1 raised `ConfigError` and v2 now validates). Report only: `parse_file`,
    `from_orm` with other arguments, `schema_json`, `__fields__` (its values are `FieldInfo`,
    not `ModelField`), `skip_defaults=`, `encoder=`, `models_as_dict=`,
    `copy(include=/exclude=)`, and calls with `*args`/`**kwargs`. On a model instance
    (`self.__fields__` in a method, `user.__fields__`), the advice is `type(self).model_fields`:
    reading `model_fields` from an instance is deprecated since Pydantic 2.11 (FAL901), so the
    plain rename would only trade this finding for that one.

    Only the method name changes; what the deprecated v1 spelling does under v2 (which is a
    call of the v2 method) is unchanged. Output that differs between the two *library*
    versions (v2's `model_dump_json()` is compact JSON, v1's `.json()` had spaces after `:`
    and `,`) differs whether or not the name is updated.

    ## References
    - Pydantic migration guide, "Changes to pydantic.BaseModel"
    - bump-pydantic BP004
    """

    code = "FAL304"
    name = "v1-model-method"
    message = "`{old}` is the Pydantic v1 API; use `{new}`{note}"
    defers = True
    nodes = (ast.Call, ast.Attribute)
    callees = frozenset(MODEL_METHODS)
    attributes = frozenset(MODEL_ATTRIBUTES)
    # A model may come from another module (`app/schemas.py`), so a file that never imports
    # pydantic can still call its v1 methods.
    triggers = (
        "pydantic",
        "sqlmodel",
        *(f".{method}(" for method in MODEL_METHODS),
        *MODEL_ATTRIBUTES,
    )
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE, Applicability.UNSAFE)
    valid = [
        # `.dict()` on an untyped receiver is never guessed to be a model.
        """
        from pydantic import BaseModel

        class User(BaseModel):
            name: str
            tags: list = []

        def save(obj):
            return obj.dict()
        """,
        # `.json()` on a requests response.
        """
        import requests
        from pydantic import BaseModel

        def fetch(url):
            return requests.get(url).json()
        """,
        # `dict.copy()`.
        """
        from pydantic import BaseModel

        defaults = {'a': 1}
        settings = defaults.copy()
        """,
        # A model that defines its own `dict()`: the call runs project code.
        """
        from pydantic import BaseModel

        class Item(BaseModel):
            a: int

            def dict(self, **kw):
                return {'a': self.a}

        Item(a=1).dict()
        """,
        # v2 methods.
        """
        from pydantic import BaseModel

        class User(BaseModel):
            name: str
            tags: list = []

        u = User.model_validate({'name': 'a'})
        u.model_dump()
        """,
        # A fallback for Pydantic v1, on purpose.
        """
        from pydantic import BaseModel

        class User(BaseModel):
            name: str
            tags: list = []

        def f(u: User):
            try:
                return u.model_dump()
            except AttributeError:
                return u.dict()
        """,
        # An imported class the project does not define: not known to be a model.
        """
        from vendor import Record

        def f(r: Record):
            return r.dict()
        """,
        # A non-model class with a `parse_obj` classmethod.
        """
        import pydantic

        class Parser:
            @classmethod
            def parse_obj(cls, o):
                return o

        Parser.parse_obj({})
        """,
        # A parameter shadowing the model's name.
        """
        from pydantic import BaseModel

        class User(BaseModel):
            name: str
            tags: list = []

        def f(User):
            return User.parse_obj({})
        """,
        # The v1 compatibility layer, on purpose.
        """
        from pydantic.v1 import BaseModel

        class U(BaseModel):
            a: int

        U(a=1).dict()
        """,
        # A field of the model called `copy` is not the method.
        """
        from pydantic import BaseModel

        class Doc(BaseModel):
            copy: str

        def f(d: Doc):
            return d.copy.upper()
        """,
        # The first parameter of a staticmethod is not an instance of the model.
        """
        from pydantic import BaseModel

        class U(BaseModel):
            a: int

            @staticmethod
            def clean(data):
                return data.dict()
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            def save(user: User):
                return user.dict(exclude_unset=True)
            """,
            expect=["8:12-8:41 `.dict()` is the Pydantic v1 API; use `.model_dump()`"],
            fixed="""
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            def save(user: User):
                return user.model_dump(exclude_unset=True)
            """,
        ),
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            user = User.parse_obj({'name': 'a'})
            print(user.json(indent=2))
            """,
            fixed="""
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            user = User.model_validate({'name': 'a'})
            print(user.model_dump_json(indent=2))
            """,
            expect=[
                "7:8-7:37 `.parse_obj()` is the Pydantic v1 API; use `.model_validate()`",
                "8:7-8:26 `.json()` is the Pydantic v1 API; use `.model_dump_json()`",
            ],
        ),
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            from typing import Optional

            def f(u: Optional[User]):
                return u.copy(update={'name': 'b'}), u.copy(exclude={'tags'})
            """,
            fixed="""
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            from typing import Optional

            def f(u: Optional[User]):
                return u.model_copy(update={'name': 'b'}), u.copy(exclude={'tags'})
            """,
            expect=[
                "10:12-10:40 `.copy()` is the Pydantic v1 API; use `.model_copy()`",
                "10:42-10:66 `.copy()` is the Pydantic v1 API; use `.model_copy()` (`include=`/`exclude=` are gone: use `model_dump(include=...)` instead)",
            ],
        ),
        # Report only: no 1:1 replacement.
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            User.parse_file('u.json')
            User.schema_json()
            """,
            expect=[
                "7:1-7:26 `.parse_file()` is the Pydantic v1 API; use `.model_validate_json()` (read the file yourself and pass its text to `model_validate_json()`)",
                "8:1-8:19 `.schema_json()` is the Pydantic v1 API; use `.model_json_schema()` (v2 has no JSON-string variant: `json.dumps(Model.model_json_schema())`)",
            ],
        ),
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            def f(db_user):
                return User.from_orm(db_user)
            """,
            expect=[
                "8:12-8:34 `.from_orm()` is the Pydantic v1 API; use `.model_validate(..., from_attributes=True)`"
            ],
            fixed="""
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            def f(db_user):
                return User.model_validate(db_user, from_attributes=True)
            """,
            unsafe=True,
        ),
        # With `orm_mode` the rename is exact; `__fields_set__` is the same set.
        Invalid(
            """
            from pydantic import BaseModel

            class Row(BaseModel):
                id: int

                class Config:
                    orm_mode = True

            def f(obj):
                row = Row.from_orm(obj)
                return row.__fields_set__
            """,
            fixed="""
            from pydantic import BaseModel

            class Row(BaseModel):
                id: int

                class Config:
                    orm_mode = True

            def f(obj):
                row = Row.model_validate(obj)
                return row.model_fields_set
            """,
            expect=[
                "10:11-10:28 `.from_orm()` is the Pydantic v1 API; use `.model_validate()`",
                "11:12-11:30 `__fields_set__` is the Pydantic v1 API; use `model_fields_set`",
            ],
        ),
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            print(User.__fields__)
            """,
            expect=[
                "7:7-7:22 `__fields__` is the Pydantic v1 API; use `model_fields` (its values are `FieldInfo` objects, not v1 `ModelField`s)"
            ],
        ),
        # On an instance, `model_fields` is deprecated too (FAL901): the class's is advised.
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str

                def names(self):
                    return list(self.__fields__)

            def keys(user: User):
                return user.__fields__.keys()
            """,
            expect=[
                "7:21-7:36 `__fields__` is the Pydantic v1 API; use `type(self).model_fields` (its values are `FieldInfo` objects, not v1 `ModelField`s)",
                "10:12-10:27 `__fields__` is the Pydantic v1 API; use `type(user).model_fields` (its values are `FieldInfo` objects, not v1 `ModelField`s)",
            ],
        ),
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            User.update_forward_refs()
            """,
            expect=[
                "7:1-7:27 `.update_forward_refs()` is the Pydantic v1 API; use `.model_rebuild()`"
            ],
            fixed="""
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            User.model_rebuild()
            """,
        ),
        # `self` in a model method and `cls` in a classmethod.
        Invalid(
            """
            from pydantic import BaseModel

            class U(BaseModel):
                a: int

                def public(self):
                    return self.dict(exclude={'a'})

                @classmethod
                def load(cls, raw):
                    return cls.parse_raw(raw)
            """,
            fixed="""
            from pydantic import BaseModel

            class U(BaseModel):
                a: int

                def public(self):
                    return self.model_dump(exclude={'a'})

                @classmethod
                def load(cls, raw):
                    return cls.model_validate_json(raw)
            """,
            expect=[
                "7:16-7:40 `.dict()` is the Pydantic v1 API; use `.model_dump()`",
                "11:16-11:34 `.parse_raw()` is the Pydantic v1 API; use `.model_validate_json()`",
            ],
        ),
        # Classmethods called on an instance; `construct(**data)` keeps its keywords.
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            def f(u: User, data: dict):
                return u.schema(), User.construct(**data)
            """,
            fixed="""
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            def f(u: User, data: dict):
                return u.model_json_schema(), User.model_construct(**data)
            """,
            expect=[
                "8:12-8:22 `.schema()` is the Pydantic v1 API; use `.model_json_schema()`",
                "8:24-8:46 `.construct()` is the Pydantic v1 API; use `.model_construct()`",
            ],
        ),
        # A v1-only argument: reported, not fixed.
        Invalid(
            """
            from pydantic import BaseModel

            class User(BaseModel):
                name: str
                tags: list = []

            User(name='a').dict(skip_defaults=True)
            """,
            expect=["7:1-7:40 `.dict()` is the Pydantic v1 API; use `.model_dump()`"],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Attribute):
            self._attribute(node, ctx)
            return
        assert isinstance(node, ast.Call)
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        spec = MODEL_METHODS.get(func.attr)
        if spec is None or in_v1_fallback(node, ctx):
            return
        receiver = func.value
        model = None
        if spec.on_class:
            model = model_class_of(receiver, ctx)
        if model is None:
            # v1 classmethods work on instances too (`self.schema()`).
            model = model_instance_of(receiver, ctx)
        if model is not None and defines_member(model, spec.v1, ctx):
            return
        candidate = model_candidate(receiver, ctx, spec.on_class) if model is None else None
        if model is None and candidate is None:
            return
        fixable = _fixable(node, spec)
        fix = None
        new = f".{spec.v2}()"
        if (
            spec.v1 == "from_orm"
            and len(node.args) == 1
            and not node.keywords
            and not isinstance(node.args[0], ast.Starred)
        ):
            # Under v2 the deprecated `from_orm` checks `from_attributes` and then calls
            # `model_validate`: with the setting in the model's config the rename is exact.
            fixable = model is not None and reads_attributes(model, ctx)
            if not fixable:
                # The setting may be in a base of another module, or missing (v1 then raised
                # `ConfigError`): ask for it in the call, which changes what a call without
                # it did, so unsafe.
                end = ctx.span(func)[1]
                first, after = ctx.span(node.args[0])
                fix = Fix(
                    (
                        Edit(end - len(spec.v1), end, spec.v2),
                        argument_after(ctx.source, after, first, "from_attributes=True"),
                    ),
                    Applicability.UNSAFE,
                    "Use `model_validate(..., from_attributes=True)`",
                )
                new = ".model_validate(..., from_attributes=True)"
        note = f" ({spec.note})" if spec.note and not fixable and fix is None else ""
        if fixable:
            end = ctx.span(func)[1]
            fix = Fix(
                (Edit(end - len(spec.v1), end, spec.v2),),
                Applicability.SAFE,
                f"Rename to `{spec.v2}()`",
            )
        fmt = {"old": f".{spec.v1}()", "new": new, "note": note}
        if candidate is not None:
            # A class from another module: a finding if the project index knows it is a model.
            ctx.defer(node, (ModelWithout(candidate, spec.v1),), fix=fix, **fmt)
            return
        ctx.report(node, fix=fix, **fmt)

    def _attribute(self, node: ast.Attribute, ctx: Context) -> None:
        new = MODEL_ATTRIBUTES.get(node.attr)
        if new is None or not isinstance(node.ctx, ast.Load) or in_v1_fallback(node, ctx):
            return
        cls = model_class_of(node.value, ctx)
        model = cls or model_instance_of(node.value, ctx)
        if model is not None and defines_member(model, node.attr, ctx):
            return
        if new == "model_fields" and cls is None and model is not None:
            # Read from an instance, `model_fields` is itself deprecated (Pydantic 2.11,
            # FAL901): advise the class's, so that following the advice is the end of it.
            new = f"type({ctx.text(node.value)}).model_fields"
        note = MODEL_ATTRIBUTE_NOTES.get(node.attr, "")
        fix = None
        if not note:
            end = ctx.span(node)[1]
            fix = Fix(
                (Edit(end - len(node.attr), end, new),), Applicability.SAFE, f"Rename to `{new}`"
            )
        if model is None:
            candidate = model_candidate(node.value, ctx, on_class=True)
            if candidate is not None:
                requires = (ModelWithout(candidate, node.attr),)
                ctx.defer(node, requires, old=node.attr, new=new, note=note, fix=fix)
            return
        ctx.report(node, old=node.attr, new=new, note=note, fix=fix)


def _fixable(call: ast.Call, spec: MethodRename) -> bool:
    if spec.fix_keywords is None:
        return False
    if len(call.args) > spec.fix_positional or any(isinstance(a, ast.Starred) for a in call.args):
        return False
    for keyword in call.keywords:
        if keyword.arg is None and not spec.keeps_keywords:  # **kwargs: unknown keywords
            return False
        if not spec.keeps_keywords and keyword.arg not in spec.fix_keywords:
            return False
    # The parse methods take exactly the data.
    return spec.v1 not in ("parse_obj", "parse_raw", "validate") or len(call.args) == 1
