"""The one question the upgrade rules ask about the project's libraries: does the version the
project uses have a given API?

Fixes that rename to an API added in a later release (`HTTP_422_UNPROCESSABLE_CONTENT` exists
from Starlette 0.48 on) are only as safe as the project's version allows. Every upgrade rule
goes through `fix_applicability` and `worth_reporting`, so the policy is written once:

- the project's version is known and has the replacement: the finding is reported and its
  fix is safe;
- it is known and lacks it: nothing is reported (the old spelling is the only one that
  version has; the finding comes back when the project moves to a release with the
  replacement);
- it is not known: the finding is reported and the fix offered as unsafe (it targets the
  current release; read the diff).

The project's versions come from `Settings.target` (the user's `--target-version`, else the
version installed in the project's environment, else what the project declares; see
`semantic/versions.py`). A declared range that allows both sides of `minimum` is unknown.
"""

from __future__ import annotations

from ...context import Context
from ...diagnostics import Applicability


def has_version(ctx: Context, package: str, minimum: tuple[int, ...]) -> bool | None:
    """True/False when every version of `package` the project may use is at least / below
    `minimum`; None when that is not known."""
    return ctx.settings.target(package).at_least(minimum)


def fix_applicability(ctx: Context, package: str, minimum: tuple[int, ...]) -> Applicability | None:
    """How a fix that needs `package >= minimum` may be applied here (see the module doc)."""
    known = has_version(ctx, package, minimum)
    if known is None:
        return Applicability.UNSAFE
    return Applicability.SAFE if known else None


def worth_reporting(ctx: Context, package: str, minimum: tuple[int, ...]) -> bool:
    """False when the project's `package` is known to predate the replacement (see above)."""
    return has_version(ctx, package, minimum) is not False
