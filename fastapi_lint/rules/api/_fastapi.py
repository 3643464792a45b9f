"""What the API-correctness fixes (FAL501-FAL506) share: the `Annotated` name to write.

The FastAPI facts they detect with (parameter functions, a route's parameters, `Annotated`
metadata) are semantic questions the module summary asks too: `semantic/fastapi.py`."""

from __future__ import annotations

from ...context import Context
from ...diagnostics import Edit
from ...semantic.fastapi import ANNOTATED
from ...semantic.versions import typing_module


def annotated_name(ctx: Context) -> tuple[str, Edit | None] | None:
    """The name to write for `Annotated` and the import edit it needs; None if unavailable."""
    # Asked for every route with a dependency: look-ups, not scans of the module's names.
    semantic = ctx.semantic
    names = semantic.module_names_bound_to(ANNOTATED)
    if names:
        return names[0], None
    names = semantic.module_names_bound_to(("typing",))
    if names:
        return f"{names[0]}.Annotated", None
    if "Annotated" in semantic.module_scope.bindings:
        return None  # the name means something else here
    # `typing.Annotated` is Python 3.9: an older target Python gets the backport.
    return ctx.import_edit(typing_module(ctx.settings.target("python"), "Annotated"), "Annotated")
