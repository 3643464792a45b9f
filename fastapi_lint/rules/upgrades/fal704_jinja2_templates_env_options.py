from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule

_TEMPLATES = "starlette.templating.Jinja2Templates"
# What `Jinja2Templates.__init__` still takes in Starlette 1.x.
_KEPT = frozenset({"directory", "context_processors", "env"})


class Jinja2TemplatesEnvOptions(Rule):
    """## What it does
    Checks for `Jinja2Templates(directory, **env_options)`: keyword arguments other than
    `directory`, `context_processors` and `env` (`autoescape=False`, `trim_blocks=True`,
    `extensions=[...]`), which went to the `jinja2.Environment` Starlette built.

    ## Why is this bad?
    Starlette 0.29 deprecated the extra environment options ("Use a preconfigured
    jinja2.Environment instead") and 1.0 removed them: the call fails with `TypeError: ...
    got an unexpected keyword argument`. Note also that the environment Starlette 1.x builds
    from `directory=` no longer escapes every template: it uses
    `autoescape=select_autoescape()` (HTML and XML files only), where 0.x used
    `autoescape=True`.

    ## Example
    ```python
    templates = Jinja2Templates(directory="templates", trim_blocks=True)
    ```

    ## Use instead
    ```python
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader("templates"), autoescape=True, trim_blocks=True
    )
    templates = Jinja2Templates(env=env)
    ```

    ## Fix safety
    No fix: the replacement environment must repeat the loader and `autoescape=True` that
    Starlette 0.x added, and whether templates other than `.html` relied on that escaping is
    the project's choice. `Jinja2Templates(env=...)` exists from Starlette 0.29 on.

    ## References
    - Starlette release notes 0.29.0 and 1.0.0; `starlette/templating.py`
    """

    code = "FAL704"
    name = "jinja2-templates-env-options"
    message = (
        "`Jinja2Templates(..., {options})`: Starlette 1.0 removed the Jinja2 environment "
        "options; build a `jinja2.Environment` and pass `env=`"
    )
    nodes = (ast.Call,)
    triggers = ("Jinja2Templates",)
    valid = [
        """
        from fastapi.templating import Jinja2Templates

        templates = Jinja2Templates(directory="templates", context_processors=[])
        """,
        """
        import jinja2
        from starlette.templating import Jinja2Templates

        env = jinja2.Environment(loader=jinja2.FileSystemLoader("t"), trim_blocks=True)
        templates = Jinja2Templates(env=env)
        """,
        # Options forwarded through `**` are not known here.
        """
        from fastapi.templating import Jinja2Templates

        def make(**options):
            return Jinja2Templates(**options)
        """,
        # A project subclass with its own constructor (lnbits).
        """
        import jinja2
        from starlette.templating import Jinja2Templates as Base

        class Jinja2Templates(Base):
            def __init__(self, loader):
                super().__init__(env=jinja2.Environment(loader=loader))

        templates = Jinja2Templates(loader=jinja2.FileSystemLoader("t"))
        """,
        # Jinja2's own Environment takes them.
        """
        import jinja2

        env = jinja2.Environment(trim_blocks=True, autoescape=False)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi.templating import Jinja2Templates

            templates = Jinja2Templates(directory="templates", trim_blocks=True, autoescape=False)
            """,
            expect=[
                "3:13-3:87 `Jinja2Templates(..., trim_blocks=, autoescape=)`: Starlette 1.0 "
                "removed the Jinja2 environment options; build a `jinja2.Environment` and pass "
                "`env=`"
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        extra = [k.arg for k in node.keywords if k.arg is not None and k.arg not in _KEPT]
        if not extra or ctx.semantic.call_result_type(node) != _TEMPLATES:
            return
        ctx.report(node, options=", ".join(f"{name}=" for name in extra))
