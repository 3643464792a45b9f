from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule, callee_names
from ...semantic.model import BindingKind

_CALLS = {
    "datetime.datetime.utcnow": "utcnow",
    "datetime.datetime.utcfromtimestamp": "utcfromtimestamp",
}


class NaiveUtcNow(Rule):
    """## What it does
    Checks for `datetime.utcnow()` and `datetime.utcfromtimestamp(ts)`.

    ## Why is this bad?
    Both are deprecated since Python 3.12, and both return a *naive* datetime that merely
    happens to hold UTC: compared with an aware value it raises, serialised it has no offset
    (clients read it as local time), and `.timestamp()` on it interprets it as local time —
    off by the server's UTC offset.

    ## Example
    ```python
    expires = datetime.utcnow() + timedelta(minutes=15)
    ```

    ## Use instead
    ```python
    expires = datetime.now(timezone.utc) + timedelta(minutes=15)
    ```

    ## Fix safety
    Unsafe: `datetime.now(timezone.utc)` and `datetime.fromtimestamp(ts, timezone.utc)`
    return *aware* datetimes. Comparing them with naive ones raises `TypeError`, and a
    database column without a time zone may reject or convert them, so code around the call
    may need to change too. `timezone` is taken from an existing `import datetime` when
    there is one, else imported with `from datetime import timezone`.

    ## References
    - ruff DTZ003 / DTZ004; Python docs, `datetime.datetime.utcnow`
    """

    code = "FAL505"
    name = "naive-utc-now"
    message = "`{call}` is deprecated and returns a naive datetime; use `{replacement}`"
    nodes = (ast.Call,)
    callees = callee_names(_CALLS)
    triggers = ("utcnow", "utcfromtimestamp")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        """
        from datetime import datetime, timezone
        now = datetime.now(timezone.utc)
        """,
        # A project class with its own utcnow.
        """
        class Clock:
            def utcnow(self):
                return 0

        Clock().utcnow()
        """,
        """
        import arrow
        now = arrow.utcnow()
        """,
        # pendulum / a parameter named datetime.
        """
        def stamp(datetime):
            return datetime.utcnow()
        """,
        # A reference, not a call (a default factory is reported by none of this).
        """
        from datetime import datetime
        from pydantic import Field
        created: datetime = Field(default_factory=datetime.now)
        """,
    ]
    invalid = [
        Invalid(
            """
            from datetime import datetime

            expires = datetime.utcnow()
            """,
            expect=[
                "3:11-3:28 `datetime.utcnow()` is deprecated and returns a naive datetime; use `datetime.now(timezone.utc)`"
            ],
            fixed="""
            from datetime import datetime, timezone

            expires = datetime.now(timezone.utc)
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import datetime as dt

            def when(ts):
                return dt.datetime.utcfromtimestamp(ts)
            """,
            expect=[
                "4:12-4:44 `datetime.utcfromtimestamp()` is deprecated and returns a naive datetime; use `datetime.fromtimestamp(ts, timezone.utc)`"
            ],
            fixed="""
            import datetime as dt

            def when(ts):
                return dt.datetime.fromtimestamp(ts, dt.timezone.utc)
            """,
            unsafe=True,
        ),
        Invalid(
            """
            from datetime import datetime, timezone

            a = datetime.utcnow()
            b = datetime.utcfromtimestamp(0)
            """,
            fixed="""
            from datetime import datetime, timezone

            a = datetime.now(timezone.utc)
            b = datetime.fromtimestamp(0, timezone.utc)
            """,
            unsafe=True,
            expect=[
                "3:5-3:22 `datetime.utcnow()` is deprecated and returns a naive datetime; use `datetime.now(timezone.utc)`",
                "4:5-4:33 `datetime.utcfromtimestamp()` is deprecated and returns a naive datetime; use `datetime.fromtimestamp(ts, timezone.utc)`",
            ],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        name = ctx.qualified_name(node.func)
        method = _CALLS.get(name or "")
        if method is None:
            return
        # `from datetime import datetime; utcnow = datetime.utcnow; utcnow()` has no receiver
        # to rewrite: reported without a fix.
        receiver = ctx.text(node.func.value) if isinstance(node.func, ast.Attribute) else None
        new = "now" if method == "utcnow" else "fromtimestamp"
        ctx.report(
            node,
            call=f"datetime.{method}()",
            replacement=f"datetime.{new}({'' if method == 'utcnow' else 'ts, '}timezone.utc)",
            fix=self._fix(node, receiver, method, ctx),
        )

    @staticmethod
    def _fix(node: ast.Call, receiver: str | None, method: str, ctx: Context) -> Fix | None:
        if receiver is None or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return None
        if len(node.args) != (0 if method == "utcnow" else 1):
            return None
        timezone = _timezone(node, ctx)
        if timezone is None:
            return None
        utc, import_edit = timezone
        if method == "utcnow":
            text = f"{receiver}.now({utc})"
        else:
            text = f"{receiver}.fromtimestamp({ctx.text(node.args[0])}, {utc})"
        start, end = ctx.span(node)
        edits = [Edit(start, end, text)]
        if import_edit is not None:
            edits.insert(0, import_edit)
        return Fix(tuple(edits), Applicability.UNSAFE, "Use an aware UTC datetime")


def _timezone(node: ast.Call, ctx: Context) -> tuple[str, Edit | None] | None:
    """How to write `timezone.utc` here, and the import it needs."""
    func = node.func
    # `dt.datetime.utcnow()`: the module is at hand.
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
        module = func.value.value
        if ctx.qualified_name(module) == "datetime":
            return f"{ctx.text(module)}.timezone.utc", None
    binding = ctx.semantic.lookup("timezone")
    if binding is not None and binding.qualname == "datetime.timezone":
        return "timezone.utc", None
    # `import datetime as dt` elsewhere in the module: `dt.timezone.utc` needs no import.
    bindings = ctx.semantic.module_scope.bindings
    for name in ctx.semantic.module_names_bound_to(("datetime",)):
        other = bindings[name]
        if other.kind is BindingKind.IMPORT:
            local = ctx.semantic.lookup(name)
            if local is other:
                return f"{name}.timezone.utc", None
    if binding is not None:
        return None  # `timezone` means something else here
    name, edit = ctx.import_edit("datetime", "timezone")
    return f"{name}.utc", edit
