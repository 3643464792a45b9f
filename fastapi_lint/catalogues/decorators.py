"""Decorators that keep what a function returns (the semantic model's `returned`).

A function decorated with anything else may return something else entirely (a cached wrapper
object, a task, a response), so its return type is unknown unless listed here. Called
decorators (`@lru_cache(maxsize=8)`, `@retry(stop=...)`) are listed by the callee's name.
"""

from __future__ import annotations

# The value a call returns is the value the undecorated function returns.
SIGNATURE_PRESERVING: frozenset[str] = frozenset(
    {
        "functools.cache",
        "functools.lru_cache",
        "functools.wraps",
        "builtins.staticmethod",
        "typing.override",
        "typing_extensions.override",
        "tenacity.retry",
        "backoff.on_exception",
        "backoff.on_predicate",
        "retry.retry",
        "cachetools.cached",
        "cachetools.func.ttl_cache",
        "cachetools.func.lru_cache",
    }
)
