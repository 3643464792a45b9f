from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule

# Top-level module → (distribution, what FastAPI's docs use now).
_UNMAINTAINED = {
    "jose": ("python-jose", "PyJWT (`import jwt`)"),
    "passlib": ("passlib", "pwdlib"),
}


class UnmaintainedAuthDependency(Rule):
    """## What it does
    Checks for imports of `jose` (python-jose) and `passlib`. Off by default: enable it with
    `extend-select = ["FAL406"]`.

    ## Why is this bad?
    Both packages were what FastAPI's security tutorial used, and both have gone years
    without maintenance: python-jose has had unfixed security reports, and passlib breaks
    with current `bcrypt` releases. FastAPI's docs moved to PyJWT and pwdlib. This is advice
    about dependencies rather than a bug in the code, hence off by default.

    ## Example
    ```python
    from jose import JWTError, jwt
    from passlib.context import CryptContext
    ```

    ## Use instead
    ```python
    import jwt
    from jwt.exceptions import InvalidTokenError
    from pwdlib import PasswordHash
    ```

    ## Fix safety
    No fix: the APIs differ.

    ## References
    - FastAPI docs, "OAuth2 with Password (and hashing), Bearer with JWT tokens"
    """

    code = "FAL406"
    name = "unmaintained-auth-dependency"
    message = "`{module}` ({distribution}) is unmaintained; FastAPI's docs use {replacement}"
    nodes = (ast.Import, ast.ImportFrom)
    triggers = ("jose", "passlib")
    default_enabled = False
    valid = [
        """
        import jwt
        from pwdlib import PasswordHash
        """,
        # authlib's `jose` subpackage and josepy are different projects.
        """
        from authlib.jose import JsonWebToken
        import josepy
        """,
        # A relative import of a project module called jose.
        """
        from .jose import decode
        """,
    ]
    invalid = [
        Invalid(
            """
            from jose import JWTError, jwt
            """,
            expect=[
                "1:1-1:31 `jose` (python-jose) is unmaintained; FastAPI's docs use PyJWT (`import jwt`)"
            ],
        ),
        Invalid(
            """
            import passlib.context
            """,
            expect=["1:1-1:23 `passlib` (passlib) is unmaintained; FastAPI's docs use pwdlib"],
        ),
        Invalid(
            """
            from passlib.context import CryptContext
            from jose.exceptions import JWTError
            """,
            expect=[
                "1:1-1:41 `passlib` (passlib) is unmaintained; FastAPI's docs use pwdlib",
                "2:1-2:37 `jose` (python-jose) is unmaintained; FastAPI's docs use PyJWT (`import jwt`)",
            ],
        ),
    ]

    def check(self, node: ast.Import | ast.ImportFrom, ctx: Context) -> None:
        if isinstance(node, ast.ImportFrom):
            if node.level or node.module is None:
                return
            modules = [node.module]
        else:
            modules = [alias.name for alias in node.names]
        for module in modules:
            top = module.split(".")[0]
            if top in _UNMAINTAINED:
                distribution, replacement = _UNMAINTAINED[top]
                ctx.report(node, module=top, distribution=distribution, replacement=replacement)
                return
