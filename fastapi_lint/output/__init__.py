"""Reporters: the only code that knows how findings look on screen or to another tool."""

from __future__ import annotations

from collections.abc import Callable

from ..runner import RunReport
from . import github, json_format, text
from .options import ReportOptions

REPORTERS: dict[str, Callable[[RunReport, ReportOptions], str]] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
}

__all__ = ["REPORTERS", "ReportOptions"]
