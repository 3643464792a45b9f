"""What the CORS rules (FAL401-FAL403) share: finding a CORSMiddleware registration in its three
forms and deciding whether its origins are a wildcard."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ...context import Context
from .._values import keyword, possible_elements, possible_values, string_value

CORS_MIDDLEWARE = frozenset(
    {"fastapi.middleware.cors.CORSMiddleware", "starlette.middleware.cors.CORSMiddleware"}
)
MIDDLEWARE_WRAPPER = frozenset({"fastapi.middleware.Middleware", "starlette.middleware.Middleware"})

# Origins that any attacker can serve a page from. Starlette compares the whole origin
# (`fullmatch`), so a regex that accepts these accepts every HTTPS site, which is all an
# attacker needs.
_PROBE_ORIGINS = ("https://x", "https://attacker-site.test:8443")


@dataclass(frozen=True)
class CorsRegistration:
    call: ast.Call
    form: str  # "add_middleware", "Middleware", "CORSMiddleware"


def cors_registration(call: ast.Call, ctx: Context) -> CorsRegistration | None:
    """The CORSMiddleware registration `call` makes, if it is one."""
    func = call.func
    first = call.args[0] if call.args else None
    if isinstance(func, ast.Attribute) and func.attr == "add_middleware":
        if first is not None and ctx.qualified_name(first) in CORS_MIDDLEWARE:
            return CorsRegistration(call, "add_middleware")
        return None
    name = ctx.qualified_name(func)
    if name in MIDDLEWARE_WRAPPER:
        if first is not None and ctx.qualified_name(first) in CORS_MIDDLEWARE:
            return CorsRegistration(call, "Middleware")
        return None
    if name in CORS_MIDDLEWARE:
        return CorsRegistration(call, "CORSMiddleware")
    return None


def regex_matches_every_origin(pattern: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return all(compiled.fullmatch(origin) for origin in _PROBE_ORIGINS)


def wildcard_arguments(
    registration: CorsRegistration, ctx: Context
) -> list[tuple[ast.keyword, str]]:
    """The `allow_origins=` / `allow_origin_regex=` arguments that let every origin in."""
    found: list[tuple[ast.keyword, str]] = []
    origins = keyword(registration.call, "allow_origins")
    if origins is not None:
        # Starlette tests `"*" in allow_origins`: a plain string containing `*` matches too.
        plain = any(
            (text := string_value(value)) is not None and "*" in text
            for value in possible_values(origins.value, ctx)
        )
        listed = any(string_value(e) == "*" for e in possible_elements(origins.value, ctx))
        if plain or listed:
            found.append((origins, '`allow_origins` contains `"*"`'))
    regex = keyword(registration.call, "allow_origin_regex")
    if regex is not None:
        for value in possible_values(regex.value, ctx):
            text = string_value(value)
            if text is not None and regex_matches_every_origin(text):
                found.append((regex, f"`allow_origin_regex={text!r}` matches every origin"))
                break
    return found


def allows_credentials(registration: CorsRegistration, ctx: Context) -> bool:
    """`allow_credentials=True`, possibly through a constant or one branch of a conditional."""
    value = keyword(registration.call, "allow_credentials")
    if value is None:
        return False
    return any(
        isinstance(v, ast.Constant) and v.value is True for v in possible_values(value.value, ctx)
    )
