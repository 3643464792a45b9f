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

`project_version` is the single place that learns the project's installed or declared
versions; until the project-level version reading exists it knows none.
"""

from __future__ import annotations

from ...context import Context
from ...diagnostics import Applicability


def project_version(ctx: Context, package: str) -> tuple[int, ...] | None:
    """The version of `package` the project uses (installed, else declared), if known."""
    return None


def has_version(ctx: Context, package: str, minimum: tuple[int, ...]) -> bool | None:
    """True/False when the project's `package` is known to be at least `minimum`; None when
    its version is not known."""
    version = project_version(ctx, package)
    if version is None:
        return None
    return version >= minimum


def fix_applicability(ctx: Context, package: str, minimum: tuple[int, ...]) -> Applicability | None:
    """How a fix that needs `package >= minimum` may be applied here (see the module doc)."""
    known = has_version(ctx, package, minimum)
    if known is None:
        return Applicability.UNSAFE
    return Applicability.SAFE if known else None


def worth_reporting(ctx: Context, package: str, minimum: tuple[int, ...]) -> bool:
    """False when the project's `package` is known to predate the replacement (see above)."""
    return has_version(ctx, package, minimum) is not False
