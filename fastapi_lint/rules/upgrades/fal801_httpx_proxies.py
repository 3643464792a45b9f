from __future__ import annotations

import ast

from ...catalogues.upgrades import HTTPX_CLIENTS, HTTPX_FUNCTIONS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.values import keyword, possible_values
from ._versions import fix_applicability, worth_reporting

# `proxy=` appeared in httpx 0.26, which deprecated `proxies=`; 0.28 removed `proxies=`.
_PROXY_ADDED = (0, 26)


class HttpxProxies(Rule):
    """## What it does
    Checks for the `proxies=` argument of `httpx.Client`, `httpx.AsyncClient` and the
    top-level request functions (`httpx.get(...)`, `httpx.request(...)`, ...).

    ## Why is this bad?
    httpx 0.26 added `proxy=` and deprecated `proxies=`; httpx 0.28 removed it, so the call
    fails with `TypeError: ... got an unexpected keyword argument 'proxies'`.

    ## Example
    ```python
    client = httpx.Client(proxies="http://proxy.internal:3128")
    routed = httpx.Client(proxies={"https://": "http://proxy.internal:3128"})
    ```

    ## Use instead
    ```python
    client = httpx.Client(proxy="http://proxy.internal:3128")
    routed = httpx.Client(
        mounts={"https://": httpx.HTTPTransport(proxy="http://proxy.internal:3128")}
    )
    ```

    ## Fix safety
    A single proxy (a string, an f-string, an `httpx.URL(...)` or `None`, also through a
    constant) is renamed to `proxy=`: httpx 0.26 and 0.27 hand either argument to the same
    code (`proxies or proxy`), so the client is configured the same. The rename needs httpx
    0.26 or newer: safe when the project's httpx is known to be that recent, unsafe when its
    version is not known; a project known to use an older httpx is not reported. Verified by
    running: `tests/behaviour/test_upgrades.py` sends requests through a recording proxy under
    httpx 0.27 (the original) and httpx 0.28+ (the fixed code).

    A dict of proxies is reported only: each pattern becomes a transport in `mounts=`, with
    the options (`verify=`, `http2=`, limits) the client had to be repeated on each transport,
    which is a rewrite to do by hand. A value whose kind is not known is reported only.

    ## References
    - httpx changelog 0.26.0 and 0.28.0; httpx docs, "Proxies"
    """

    code = "FAL801"
    name = "httpx-proxies"
    message = "`proxies=` was removed in httpx 0.28; {remedy}"
    nodes = (ast.Call,)
    triggers = ("proxies",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE, Applicability.UNSAFE)
    valid = [
        """
        import httpx

        client = httpx.Client(proxy="http://proxy:3128")
        """,
        # requests keeps `proxies=`.
        """
        import requests

        requests.get("https://example.com", proxies={"https": "http://proxy:3128"})
        """,
        # A project client class.
        """
        class Client:
            def __init__(self, proxies=None): ...

        client = Client(proxies={"https": "http://p"})
        """,
        # Another library's `proxies=` (dstack's `ssh_proxies=` and the like).
        """
        from aiohttp import ClientSession

        session = ClientSession(trust_env=True)
        connect(ssh_proxies=[])
        """,
    ]
    invalid = [
        Invalid(
            """
            import httpx

            PROXY = "http://proxy.internal:3128"

            client = httpx.AsyncClient(proxies=PROXY, timeout=10)
            page = httpx.get("https://example.com", proxies=f"http://{PROXY}")
            """,
            expect=[
                "5:28-5:41 `proxies=` was removed in httpx 0.28; use `proxy=`",
                "6:41-6:66 `proxies=` was removed in httpx 0.28; use `proxy=`",
            ],
            fixed="""
            import httpx

            PROXY = "http://proxy.internal:3128"

            client = httpx.AsyncClient(proxy=PROXY, timeout=10)
            page = httpx.get("https://example.com", proxy=f"http://{PROXY}")
            """,
            unsafe=True,
        ),
        # A dict: report only.
        Invalid(
            """
            from httpx import Client

            client = Client(proxies={"https://": "http://proxy:3128"})
            """,
            expect=[
                "3:17-3:58 `proxies=` was removed in httpx 0.28; give each pattern a transport: "
                "`mounts={pattern: httpx.HTTPTransport(proxy=...)}`"
            ],
        ),
        # Not known: report only.
        Invalid(
            """
            import httpx

            def make(settings):
                return httpx.Client(proxies=settings.proxies)
            """,
            expect=[
                "4:25-4:49 `proxies=` was removed in httpx 0.28; use `proxy=` for one proxy, "
                "`mounts=` for several"
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        argument = keyword(node, "proxies")
        if argument is None or not _is_httpx_call(node, ctx):
            return
        if not worth_reporting(ctx, "httpx", _PROXY_ADDED):
            return
        kinds = {_kind(value, ctx) for value in possible_values(argument.value, ctx)}
        fix = None
        if kinds == {"dict"}:
            remedy = (
                "give each pattern a transport: `mounts={pattern: httpx.HTTPTransport(proxy=...)}`"
            )
        elif kinds and kinds <= {"single"}:
            remedy = "use `proxy=`"
            applicability = fix_applicability(ctx, "httpx", _PROXY_ADDED)
            if applicability is not None and keyword(node, "proxy") is None:
                start = ctx.span(argument)[0]
                edit = Edit(start, start + len("proxies"), "proxy")
                fix = Fix((edit,), applicability, "Rename to `proxy=`")
        else:
            remedy = "use `proxy=` for one proxy, `mounts=` for several"
        ctx.report(argument, remedy=remedy, fix=fix)


def _is_httpx_call(node: ast.Call, ctx: Context) -> bool:
    if ctx.qualified_name(node.func) in HTTPX_FUNCTIONS:
        return True
    return ctx.semantic.call_result_type(node) in HTTPX_CLIENTS


def _kind(value: ast.AST, ctx: Context) -> str:
    """ "single" (one proxy URL, or None), "dict", or "unknown"."""
    if isinstance(value, ast.JoinedStr):
        return "single"
    if isinstance(value, ast.Constant) and (value.value is None or isinstance(value.value, str)):
        return "single"
    if isinstance(value, ast.Call) and ctx.qualified_name(value.func) in ("httpx.URL",):
        return "single"
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return "dict"
    return "unknown"
