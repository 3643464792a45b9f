"""What the CORS rules (FAL401-FAL403) share: deciding whether a registration's origins are a
wildcard. Finding the registration in its three forms is `semantic.fastapi.cors_registration`."""

from __future__ import annotations

import ast
import re

from ...context import Context
from ...semantic.fastapi import CorsRegistration, imported_origins, wildcard_origins
from ...semantic.model import BindingKind
from ...semantic.records import WildcardSetting, WildcardValue
from ...semantic.values import keyword, possible_values, resolve, string_value

# Origins that any attacker can serve a page from. Starlette compares the whole origin
# (`fullmatch`), so a regex that accepts these accepts every HTTPS site, which is all an
# attacker needs.
_PROBE_ORIGINS = ("https://x", "https://attacker-site.test:8443")


def regex_matches_every_origin(pattern: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return all(compiled.fullmatch(origin) for origin in _PROBE_ORIGINS)


def wildcard_arguments(
    registration: CorsRegistration, ctx: Context
) -> list[tuple[ast.keyword, str, str]]:
    """The `allow_origins=` / `allow_origin_regex=` arguments that let every origin in: the
    keyword, what it does, and where a value from configuration comes from (" (the default of
    `os.getenv('ORIGINS', '*')`, line 3)"; "" for a value written in this module's code)."""
    found: list[tuple[ast.keyword, str, str]] = []
    origins = keyword(registration.call, "allow_origins")
    if origins is not None:
        # Starlette tests `"*" in allow_origins`: a plain string containing `*` matches too.
        wildcard = wildcard_origins(origins.value, ctx)
        if wildcard is not None:
            origin = ""
            if wildcard.origin and wildcard.row == origins.value.lineno:
                origin = f" ({wildcard.origin})"  # on the line of the finding
            elif wildcard.origin:
                origin = f" ({wildcard.origin}, line {wildcard.row})"
            found.append((origins, '`allow_origins` contains `"*"`', origin))
    regex = keyword(registration.call, "allow_origin_regex")
    if regex is not None:
        for value in possible_values(regex.value, ctx):
            text = string_value(value)
            if text is not None and regex_matches_every_origin(text):
                found.append((regex, f"`allow_origin_regex={text!r}` matches every origin", ""))
                break
    return found


def imported_wildcards(
    registration: CorsRegistration, ctx: Context
) -> tuple[ast.keyword, tuple[WildcardValue, ...]] | None:
    """`allow_origins=ORIGINS`, `ORIGINS` imported from a module of the project: the keyword
    and, for each imported name it may be, the condition under which that one holds a
    wildcard (the project index knows, `ModuleSummary.wildcards`). None when it is no
    imported name."""
    origins = keyword(registration.call, "allow_origins")
    if origins is None:
        return None
    names = imported_origins(origins.value, ctx)
    if not names:
        return None
    return origins, tuple(WildcardValue(name) for name in names)


def allows_credentials(registration: CorsRegistration, ctx: Context) -> bool:
    """`allow_credentials=True`, possibly through a constant or one branch of a conditional."""
    value = keyword(registration.call, "allow_credentials")
    if value is None:
        return False
    return any(
        isinstance(v, ast.Constant) and v.value is True for v in possible_values(value.value, ctx)
    )


def settings_origins(
    registration: CorsRegistration, ctx: Context
) -> tuple[ast.keyword, WildcardSetting, str] | None:
    """`allow_origins=settings.cors_origins`, `settings` a module-level object (of this module
    or imported): the keyword, the condition under which its value is a wildcard (a settings
    class whose field defaults to `["*"]`, which the project index knows), and the value as
    written. None for any other value: an attribute of anything else is unknown."""
    origins = keyword(registration.call, "allow_origins")
    if origins is None:
        return None
    value = resolve(origins.value, ctx)
    if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)):
        return None
    owner = value.value.id
    binding = ctx.semantic.lookup(owner)
    if binding is None:
        return None
    if binding.kind is BindingKind.IMPORT:
        name = binding.qualname
    elif (
        binding.kind is BindingKind.ASSIGNMENT
        and binding is ctx.semantic.module_scope.bindings.get(owner)
    ):
        name = f"{ctx.semantic.module}.{owner}"
    else:
        return None  # a parameter, a local: its value is not known
    if name is None:
        return None
    return origins, WildcardSetting(name, value.attr), ctx.text(value)


WILDCARD_ORIGINS = '`allow_origins` contains `"*"`'


def report_wildcard_origins(registration: CorsRegistration, ctx: Context) -> None:
    """Report the arguments of `registration` that let every origin in: at once when this
    module shows it, else as facts for the project index (a settings field's default, a name
    imported from another module). FAL401 and FAL402 differ only in the credentials."""
    found = wildcard_arguments(registration, ctx)
    for argument, what, origin in found:
        ctx.report(argument, what=what, origin=origin)
    if any(argument.arg == "allow_origins" for argument, _, _ in found):
        return
    configured = settings_origins(registration, ctx)
    if configured is not None:
        # `allow_origins=settings.cors_origins`: a wildcard if the settings class's field
        # defaults to `["*"]`, which the project index knows.
        argument, condition, text = configured
        ctx.defer(
            argument, (condition,), what=WILDCARD_ORIGINS, origin=f" (the default of `{text}`)"
        )
        return
    imported = imported_wildcards(registration, ctx)
    if imported is not None:
        # `allow_origins=ORIGINS` imported from the project: the index says where it comes from.
        argument, names = imported
        for name in names:
            ctx.defer(argument, (name,), what=WILDCARD_ORIGINS, origin="")
