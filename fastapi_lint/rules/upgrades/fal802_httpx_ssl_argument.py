from __future__ import annotations

import ast

from ...catalogues.upgrades import HTTPX_CLIENTS, HTTPX_FUNCTIONS, HTTPX_TRANSPORTS
from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.model import BindingKind
from ...semantic.values import keyword, possible_values
from ._versions import worth_reporting

_DEPRECATED_IN = (0, 28)


class HttpxSslArgument(Rule):
    """## What it does
    Checks httpx clients, transports (`HTTPTransport`, `AsyncHTTPTransport`) and top-level
    request functions for `verify=` given a path (a string, or a constant holding one) and for
    any `cert=`.

    ## Why is this bad?
    httpx 0.28 deprecated both: `verify=<str>` ("Use `verify=ssl.create_default_context(
    cafile=...)` or `verify=ssl.create_default_context(capath=...)` instead") and `cert=`
    ("Use `verify=<ssl_context>` instead, with `.load_cert_chain()`"). Each client built so
    emits a `DeprecationWarning`, and the arguments are to be removed. (`cert=` is deprecated
    in every form, not only as a string.)

    ## Example
    ```python
    client = httpx.Client(verify="/etc/ssl/internal-ca.pem", cert=("client.crt", "client.key"))
    ```

    ## Use instead
    ```python
    context = ssl.create_default_context(cafile="/etc/ssl/internal-ca.pem")
    context.load_cert_chain("client.crt", "client.key")
    client = httpx.Client(verify=context)
    ```

    ## Fix safety
    No fix: httpx picked `cafile` or `capath` by looking at the path at run time
    (`os.path.isdir`), and the client certificate moves into the same context, so the
    rewrite needs knowledge of the deployment. `verify=True`/`False` and an `ssl.SSLContext`
    are fine; a `verify=` value whose type is not known is not reported, and neither is
    `cert=` passing the enclosing function's own parameter along (the caller decides whether
    a certificate is given, and httpx warns only when one is). A project known to
    use an httpx older than 0.28 is not reported.

    ## References
    - httpx changelog 0.28.0; `httpx/_config.py`
    """

    code = "FAL802"
    name = "httpx-ssl-argument"
    message = (
        "`{argument}=`{what} is deprecated since httpx 0.28; pass an `ssl.SSLContext` as `verify=`"
    )
    nodes = (ast.Call,)
    triggers = ("verify", "cert")
    valid = [
        """
        import ssl
        import httpx

        client = httpx.Client(verify=ssl.create_default_context(cafile="ca.pem"))
        insecure = httpx.get("https://localhost", verify=False)
        """,
        # requests takes a CA bundle path.
        """
        import requests

        requests.get("https://example.com", verify="/etc/ssl/ca.pem", cert="client.pem")
        """,
        # A wrapper passing its caller's certificate along (litellm's client factories).
        """
        import httpx

        def make_client(cert=None):
            return httpx.Client(cert=cert)
        """,
        # A value whose type is not known (lnbits: `verify=self.cert`).
        """
        import httpx

        class Wallet:
            def __init__(self, cert):
                self.client = httpx.AsyncClient(verify=cert)
        """,
    ]
    invalid = [
        Invalid(
            """
            import httpx

            CA = "/etc/ssl/internal-ca.pem"

            client = httpx.Client(verify=CA, cert=("client.crt", "client.key"))
            transport = httpx.AsyncHTTPTransport(verify=f"{CA}")
            """,
            expect=[
                "5:23-5:32 `verify=` with a path is deprecated since httpx 0.28; pass an "
                "`ssl.SSLContext` as `verify=`",
                "5:34-5:67 `cert=` is deprecated since httpx 0.28; pass an `ssl.SSLContext` as "
                "`verify=`",
                "6:38-6:52 `verify=` with a path is deprecated since httpx 0.28; pass an "
                "`ssl.SSLContext` as `verify=`",
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        verify, cert = keyword(node, "verify"), keyword(node, "cert")
        if verify is None and cert is None:
            return
        if not _is_httpx_call(node, ctx) or not worth_reporting(ctx, "httpx", _DEPRECATED_IN):
            return
        if verify is not None and _is_path(verify.value, ctx):
            ctx.report(verify, argument="verify", what=" with a path")
        if cert is not None and not _none_or_forwarded(cert.value, ctx):
            ctx.report(cert, argument="cert", what="")


def _is_httpx_call(node: ast.Call, ctx: Context) -> bool:
    if ctx.qualified_name(node.func) in HTTPX_FUNCTIONS:
        return True
    made = ctx.semantic.call_result_type(node)
    return made in HTTPX_CLIENTS or made in HTTPX_TRANSPORTS


def _none_or_forwarded(value: ast.AST, ctx: Context) -> bool:
    """`cert=None`, or `cert=cert` passing the enclosing function's own parameter along: the
    caller decides whether a certificate is given (httpx warns only when one is)."""
    if isinstance(value, ast.Constant) and value.value is None:
        return True
    if isinstance(value, ast.Name):
        binding = ctx.semantic.lookup(value.id)
        return binding is not None and binding.kind is BindingKind.PARAMETER
    return False


def _is_path(value: ast.AST, ctx: Context) -> bool:
    """Every value it may hold is a string (a literal, an f-string, through constants)."""
    values = list(possible_values(value, ctx))
    return bool(values) and all(
        isinstance(v, ast.JoinedStr) or (isinstance(v, ast.Constant) and isinstance(v.value, str))
        for v in values
    )
