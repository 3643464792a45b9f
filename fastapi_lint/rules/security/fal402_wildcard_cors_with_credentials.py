from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.fastapi import cors_registration
from ._cors import allows_credentials, report_wildcard_origins


class WildcardCorsWithCredentials(Rule):
    """## What it does
    Checks for `CORSMiddleware` that accepts every origin (see FAL401, values from
    configuration included) *and* sets `allow_credentials=True` (a literal, a constant, or one
    branch of a conditional). As for FAL401, the origins may come from configuration the
    project writes down (an environment variable's default, a module function's return, a
    name imported from another module, a settings field whose default is `["*"]`), and the
    message says where.
    Reported instead of FAL401 for the same registration.

    ## Why is this bad?
    Browsers refuse `Access-Control-Allow-Origin: *` on credentialed requests, so Starlette
    answers a request that carries cookies by echoing the caller's `Origin` back. The effect
    is that any website a logged-in user visits can call your API with the user's cookies
    and read the answers: a cross-site request forgery that also leaks data.

    ## Example
    ```python
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_credentials=True
    )
    ```

    ## Use instead
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
    )
    ```

    ## Fix safety
    No fix: only you know which origins should be allowed.

    ## References
    - FastAPI docs, "CORS (Cross-Origin Resource Sharing)"
    - Starlette `CORSMiddleware`: "allow_credentials ... the wildcard is not allowed"
    """

    code = "FAL402"
    name = "wildcard-cors-with-credentials"
    message = (
        "{what}{origin} with `allow_credentials=True`: any website can make authenticated requests "
        "as your users; list the allowed origins explicitly"
    )
    defers = True
    nodes = (ast.Call,)
    triggers = ("CORSMiddleware",)
    valid = [
        # Without credentials it is FAL401's business.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=['*'])
        """,
        # Credentials with explicit origins: the right setup.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'], allow_credentials=True, allow_headers=['*'])
        """,
        # Unknown origins.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=settings.BACKEND_CORS_ORIGINS, allow_credentials=True)
        """,
        # `allow_credentials=False` spelled out.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=False)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)
            """,
            expect=[
                '4:36-4:55 `allow_origins` contains `"*"` with `allow_credentials=True`: any website can make authenticated requests as your users; list the allowed origins explicitly'
            ],
        ),
        Invalid(
            """
            from fastapi import FastAPI
            from fastapi.middleware import Middleware
            from fastapi.middleware.cors import CORSMiddleware
            CREDENTIALS = True
            app = FastAPI(middleware=[Middleware(CORSMiddleware, allow_origin_regex='^.*$', allow_credentials=CREDENTIALS)])
            """,
            expect=[
                "5:54-5:79 `allow_origin_regex='^.*$'` matches every origin with `allow_credentials=True`: any website can make authenticated requests as your users; list the allowed origins explicitly"
            ],
        ),
        Invalid(
            """
            from fastapi.middleware.cors import CORSMiddleware

            def wrap(app):
                return CORSMiddleware(app, allow_origins='*', allow_credentials=True)
            """,
            expect=[
                '4:32-4:49 `allow_origins` contains `"*"` with `allow_credentials=True`: any website can make authenticated requests as your users; list the allowed origins explicitly'
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        registration = cors_registration(node, ctx)
        if registration is None or not allows_credentials(registration, ctx):
            return
        report_wildcard_origins(registration, ctx)
