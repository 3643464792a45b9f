from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule, callee_names
from ...semantic.values import keyword, possible_elements, possible_values, resolve, string_value

# `decode` functions by library. PyJWT and python-jose take `algorithms=`; authlib's
# module-level `jwt` instance accepts every algorithm it knows and has no such argument.
_PYJWT = frozenset({"jwt.decode", "jwt.api_jwt.decode"})
_JOSE = frozenset({"jose.jwt.decode"})
_AUTHLIB = frozenset({"authlib.jose.jwt.decode"})


class JwtDecodeUnverified(Rule):
    """## What it does
    Checks for `jwt.decode(...)` calls of PyJWT, python-jose or authlib that do not pin the
    accepted algorithms or turn signature verification off:

    - PyJWT and python-jose: no `algorithms=` argument, `algorithms` containing `"none"`,
      `options={"verify_signature": False}`, or `verify=False` (PyJWT 1.x).
    - authlib: `authlib.jose.jwt.decode(...)`, the module-level instance, which accepts every
      algorithm authlib implements.

    The module is resolved through imports (`import jwt`, `from jose import jwt`,
    `from authlib.jose import jwt`, `from jwt import decode`); a project function or object
    called `jwt` is not matched.

    ## Why is this bad?
    A token whose signature is not checked proves nothing: anyone can write
    `{"sub": "admin"}` and be believed. Without a fixed list of algorithms the token chooses
    how it is checked — `alg: none`, or an HMAC "signed" with your public RSA key (algorithm
    confusion). python-jose accepts any algorithm when `algorithms` is omitted; PyJWT 2
    raises instead, but the argument is what makes the intent reviewable in both.

    Decoding without verification to read a token's header or claims you have just received
    from a trusted party is sometimes intended; say so with `# noqa: FAL404`.

    ## Example
    ```python
    payload = jwt.decode(token, SECRET_KEY)
    claims = jwt.decode(token, options={"verify_signature": False})
    ```

    ## Use instead
    ```python
    payload = jwt.decode(token, SECRET_KEY, algorithms=["HS256"])
    ```
    With authlib, use an instance that names its algorithms:
    `JsonWebToken(["RS256"]).decode(token, key)`.

    ## Fix safety
    No fix: the algorithm depends on how your tokens are issued.

    ## References
    - PyJWT docs, "Usage Examples"; RFC 8725 "JSON Web Token Best Current Practices"
    - semgrep rules `python.jwt.security.unverified-jwt-decode`, `jwt-none-alg`
    """

    code = "FAL404"
    name = "jwt-decode-unverified"
    message = "`{call}` {problem}; {remedy}"
    nodes = (ast.Call,)
    callees = callee_names(_PYJWT | _JOSE | _AUTHLIB)
    triggers = ("jwt", "jose")
    valid = [
        """
        import jwt

        def read(token, key):
            return jwt.decode(token, key, algorithms=['HS256'])
        """,
        """
        from jose import jwt

        def read(token, key):
            return jwt.decode(token, key, algorithms=[ALGORITHM])
        """,
        # A project module or object called jwt is not PyJWT.
        """
        from .security import jwt

        def read(token):
            return jwt.decode(token)
        """,
        """
        def read(jwt, token):
            return jwt.decode(token)
        """,
        # Other `decode` functions.
        """
        import base64

        def read(token):
            return base64.b64decode(token).decode()
        """,
        # Verification explicitly on.
        """
        import jwt

        def read(token, key):
            return jwt.decode(token, key, algorithms=['RS256'], options={'verify_signature': True, 'verify_aud': False})
        """,
        # authlib with pinned algorithms.
        """
        from authlib.jose import JsonWebToken

        def read(token, key):
            return JsonWebToken(['RS256']).decode(token, key)
        """,
    ]
    invalid = [
        Invalid(
            """
            import jwt

            def read(token, key):
                return jwt.decode(token, key)
            """,
            expect=[
                '4:12-4:34 `jwt.decode()` does not pin `algorithms`; pass `algorithms=["HS256"]` (the algorithm your tokens use)'
            ],
        ),
        Invalid(
            """
            from jose import jwt

            def read(token, key):
                return jwt.decode(token, key, algorithms=['HS256', 'none'])
            """,
            expect=[
                '4:12-4:64 `jwt.decode()` accepts the `"none"` algorithm, i.e. unsigned tokens; remove `"none"` from `algorithms`'
            ],
        ),
        Invalid(
            """
            import jwt

            def read(token):
                return jwt.decode(token, algorithms=['RS256'], options={'verify_signature': False})
            """,
            expect=[
                '4:12-4:88 `jwt.decode()` turns signature verification off (`"verify_signature": False`); verify the signature'
            ],
        ),
        Invalid(
            """
            import jwt

            def read(token, key):
                return jwt.decode(token, key, verify=False, algorithms=['HS256'])
            """,
            expect=[
                "4:12-4:70 `jwt.decode()` turns signature verification off (`verify=False`); verify the signature"
            ],
        ),
        Invalid(
            """
            from authlib.jose import jwt

            def read(token, key):
                return jwt.decode(token, key)
            """,
            expect=[
                '4:12-4:34 `jwt.decode()` uses authlib\'s shared instance, which accepts every algorithm; decode with `JsonWebToken(["RS256"])` (your algorithm)'
            ],
        ),
        Invalid(
            """
            from jwt import decode

            def read(token, key):
                return decode(token, key)
            """,
            expect=[
                '4:12-4:30 `decode()` does not pin `algorithms`; pass `algorithms=["HS256"]` (the algorithm your tokens use)'
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        name = ctx.qualified_name(node.func)
        if name is None or not name.endswith("decode"):
            return
        call = f"{ctx.text(node.func)}()"
        if name in _AUTHLIB:
            ctx.report(
                node,
                call=call,
                problem="uses authlib's shared instance, which accepts every algorithm",
                remedy='decode with `JsonWebToken(["RS256"])` (your algorithm)',
            )
            return
        if name not in _PYJWT and name not in _JOSE:
            return
        if any(kw.arg is None for kw in node.keywords):
            return  # `**kwargs`: the arguments are not visible here
        problem = _verification_off(node, ctx)
        if problem is not None:
            ctx.report(node, call=call, problem=problem, remedy="verify the signature")
            return
        algorithms = keyword(node, "algorithms")
        # PyJWT and jose take `algorithms` as the third positional argument.
        value = algorithms.value if algorithms is not None else _positional(node, 2)
        if value is None:
            ctx.report(
                node,
                call=call,
                problem="does not pin `algorithms`",
                remedy='pass `algorithms=["HS256"]` (the algorithm your tokens use)',
            )
            return
        if any(
            (text := string_value(e)) is not None and text.lower() == "none"
            for e in possible_elements(value, ctx)
        ):
            ctx.report(
                node,
                call=call,
                problem='accepts the `"none"` algorithm, i.e. unsigned tokens',
                remedy='remove `"none"` from `algorithms`',
            )


def _positional(call: ast.Call, index: int) -> ast.AST | None:
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[index]
    return None


def _verification_off(call: ast.Call, ctx: Context) -> str | None:
    verify = keyword(call, "verify")
    if verify is not None and any(
        isinstance(v, ast.Constant) and v.value is False for v in possible_values(verify.value, ctx)
    ):
        return "turns signature verification off (`verify=False`)"
    options = keyword(call, "options")
    if options is None:
        return None
    for value in possible_values(options.value, ctx):
        if not isinstance(value, ast.Dict):
            continue
        for key, item in zip(value.keys, value.values, strict=True):
            if key is None or string_value(key) != "verify_signature":
                continue
            if any(
                isinstance(v, ast.Constant) and v.value is False
                for v in possible_values(resolve(item, ctx), ctx)
            ):
                return 'turns signature verification off (`"verify_signature": False`)'
    return None
