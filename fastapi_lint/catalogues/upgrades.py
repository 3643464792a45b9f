"""Library names that upgrades renamed or removed, as data (the FAL7xx/FAL8xx rules).

Each entry was read in the libraries' own sources (see the rules' docs for the releases).
"""

from __future__ import annotations

# Starlette 0.48 renamed four status constants after RFC 9110 and keeps the old names through
# a module `__getattr__` that warns (`StarletteDeprecationWarning` from 1.0 on). FastAPI's
# `fastapi.status` is Starlette's module.
STATUS_RENAMES: dict[str, str] = {
    "HTTP_413_REQUEST_ENTITY_TOO_LARGE": "HTTP_413_CONTENT_TOO_LARGE",
    "HTTP_414_REQUEST_URI_TOO_LONG": "HTTP_414_URI_TOO_LONG",
    "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE": "HTTP_416_RANGE_NOT_SATISFIABLE",
    "HTTP_422_UNPROCESSABLE_ENTITY": "HTTP_422_UNPROCESSABLE_CONTENT",
}
STATUS_MODULES: frozenset[str] = frozenset({"starlette.status", "fastapi.status"})
# The Starlette release that added the new names.
STATUS_RENAMED_IN: tuple[int, ...] = (0, 48)
