"""The Python version that added each name of `typing` a fix may write.

A fix that writes `from typing import Annotated` breaks a project that still supports Python
3.8. When the project's target Python (`Settings.target("python")`, from `requires-python`)
admits a version older than the one listed here, fixes import the name from
`typing_extensions` instead, which backports all of them (and which Pydantic and FastAPI
depend on, so it is installed wherever they are). From the "Added in version" notes of the
`typing` documentation.
"""

from __future__ import annotations

TYPING_ADDED: dict[str, tuple[int, int]] = {
    "Literal": (3, 8),
    "Final": (3, 8),
    "Protocol": (3, 8),
    "TypedDict": (3, 8),
    "Annotated": (3, 9),
    "ParamSpec": (3, 10),
    "Concatenate": (3, 10),
    "TypeAlias": (3, 10),
    "TypeGuard": (3, 10),
    "Self": (3, 11),
    "Never": (3, 11),
    "LiteralString": (3, 11),
    "Required": (3, 11),
    "NotRequired": (3, 11),
    "assert_never": (3, 11),
    "dataclass_transform": (3, 11),
    "Unpack": (3, 11),
    "TypeVarTuple": (3, 11),
    "override": (3, 12),
    "TypeIs": (3, 13),
    "ReadOnly": (3, 13),
}
