from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.fastapi import cors_registration
from ._cors import allows_credentials, report_wildcard_origins


class WildcardCorsOrigin(Rule):
    """## What it does
    Checks for `CORSMiddleware` configured to accept every origin: `allow_origins` containing
    `"*"` (written inline, held in a constant, or in one branch of a conditional expression),
    or an `allow_origin_regex` that matches any origin (`.*`, `^.*$`, `.+`, `https://.*`).
    All three registrations are recognised: `app.add_middleware(CORSMiddleware, ...)`,
    `Middleware(CORSMiddleware, ...)` in `FastAPI(middleware=[...])`, and
    `CORSMiddleware(app, ...)`.

    When the same registration also sets `allow_credentials=True`, FAL402 is reported instead.

    ## Why is this bad?
    A wildcard lets any web page read your API's responses from a visitor's browser. That is
    right for a truly public, anonymous API and wrong for everything else; it is the setting
    most often left over from development.

    A value from configuration counts when the project writes it down: the default of an
    environment variable (`os.getenv("ORIGINS", "*").split(",")`, `os.environ.get(...)`),
    which is the value wherever the variable is unset; what a plain function of the module
    returns (every `return`, and every value assigned to a local it returns, is a possible
    value; `origins, creds = cors_config()` takes the element); a module-level name imported
    from another module of the project, read there in the same way; and `allow_origins=
    settings.cors_origins`, where `settings` is a module-level instance (of this module or
    imported) of a settings class (`BaseSettings`) whose `cors_origins` field defaults to a
    literal holding `"*"` (also as `Field(default="*")`; in the class, or the nearest project
    base that declares it). The message says where the wildcard comes from. Anything the
    linter cannot read (the variable itself, a variable without default, a parameter, a
    field without such a default, a function whose decorator may change what it returns) is
    not reported: guessing would flag every correctly configured app.

    A regex counts as a wildcard when it accepts arbitrary HTTPS origins (Starlette matches
    the whole origin), because an attacker can host a page on any of them. A plain string such as `allow_origins="*"` also counts: Starlette tests `"*" in
    allow_origins`, which is true for a string containing `*`.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["*"])
    ```

    ## Use instead
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
    ```

    ## Fix safety
    No fix: only you know which origins should be allowed.

    ## References
    - FastAPI docs, "CORS (Cross-Origin Resource Sharing)"
    - semgrep rule `python.fastapi.security.wildcard-cors`
    """

    code = "FAL401"
    name = "wildcard-cors-origin"
    message = (
        "{what}{origin}: every website may read responses; list the allowed origins explicitly"
    )
    defers = True
    nodes = (ast.Call,)
    triggers = ("CORSMiddleware",)
    valid = [
        # Origins from settings: unknown, not guessed.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=settings.origins)
        """,
        # An environment variable without a default: its value is not known.
        """
        import os
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=os.environ['ORIGINS'].split(','))
        """,
        # Explicit origins; `*` only for methods and headers.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'], allow_methods=['*'], allow_headers=['*'])
        """,
        # A wildcard with credentials is FAL402, not FAL401.
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)
        """,
        # A regex restricted to one domain's subdomains.
        r"""
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origin_regex=r'https://.*\.example\.com')
        """,
        # A project class called CORSMiddleware is not Starlette's.
        """
        class CORSMiddleware:
            def __init__(self, app, allow_origins=()):
                pass

        CORSMiddleware(None, allow_origins=['*'])
        """,
        # A wildcard origin for some other middleware.
        """
        from fastapi import FastAPI
        from myapp.middleware import OriginCheck
        app = FastAPI()
        app.add_middleware(OriginCheck, allow_origins=['*'])
        """,
        # A parameter shadows the constant.
        """
        from fastapi.middleware.cors import CORSMiddleware
        ORIGINS = ['*']

        def setup(app, ORIGINS):
            app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=['*'])
            """,
            expect=[
                '4:36-4:55 `allow_origins` contains `"*"`: every website may read responses; list the allowed origins explicitly'
            ],
        ),
        Invalid(
            """
            from fastapi import FastAPI
            from starlette.middleware import Middleware
            from starlette.middleware.cors import CORSMiddleware
            ORIGINS = ['*']
            app = FastAPI(middleware=[Middleware(CORSMiddleware, allow_origins=ORIGINS)])
            """,
            expect=[
                '5:54-5:75 `allow_origins` contains `"*"`: every website may read responses; list the allowed origins explicitly'
            ],
        ),
        Invalid(
            """
            import os
            from fastapi.middleware.cors import CORSMiddleware
            DEBUG = os.environ.get('DEBUG') == '1'

            def wrap(app):
                return CORSMiddleware(app, allow_origins=['*'] if DEBUG else ['https://a.b'])
            """,
            expect=[
                '6:32-6:81 `allow_origins` contains `"*"`: every website may read responses; list the allowed origins explicitly'
            ],
        ),
        Invalid(
            """
            import os
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware
            ORIGINS = os.getenv('CORS_ORIGINS', '*').split(',')
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)
            """,
            expect=[
                "6:36-6:57 `allow_origins` contains `\"*\"` (the default of `os.getenv('CORS_ORIGINS', '*')`, line 4): every website may read responses; list the allowed origins explicitly"
            ],
        ),
        Invalid(
            """
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origin_regex='.*')
            """,
            expect=[
                "4:36-4:59 `allow_origin_regex='.*'` matches every origin: every website may read responses; list the allowed origins explicitly"
            ],
        ),
        Invalid(
            """
            from fastapi.middleware.cors import CORSMiddleware

            def setup(app):
                origins = ['https://a.example', '*']
                app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=False)
            """,
            expect=[
                '5:40-5:61 `allow_origins` contains `"*"`: every website may read responses; list the allowed origins explicitly'
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        registration = cors_registration(node, ctx)
        if registration is None or allows_credentials(registration, ctx):
            return
        report_wildcard_origins(registration, ctx)
