"""The pydantic model of `[tool.fastapi-lint]`; imported only when a config table is present."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BlockingRule = Literal["FAL101", "FAL102", "FAL103", "FAL104", "FAL105"]
OutputFormat = Literal[
    "full",
    "concise",
    "grouped",
    "json",
    "json-lines",
    "github",
    "gitlab",
    "junit",
    "rdjson",
    "pylint",
    "azure",
    "sarif",
    "text",
]


class FileConfig(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=lambda name: name.replace("_", "-"), strict=True
    )

    # A pyproject.toml (relative to this one) whose [tool.fastapi-lint] this one builds on.
    extend: str | None = None
    select: list[str] | None = None
    extend_select: list[str] | None = None
    ignore: list[str] | None = None
    per_file_ignores: dict[str, list[str]] | None = None
    extend_per_file_ignores: dict[str, list[str]] | None = None
    exclude: list[str] | None = None
    extend_exclude: list[str] | None = None
    unsafe_fixes: bool | None = None
    output_format: OutputFormat | None = None
    cache_dir: str | None = None
    respect_gitignore: bool | None = None
    max_file_size: int | None = Field(default=None, gt=0)
    extend_blocking_calls: dict[BlockingRule, list[str]] | None = None
    python: str | None = None
    target_versions: dict[str, str] | None = None
    extend_model_bases: list[str] | None = None
    preview: bool | None = None
    fixable: list[str] | None = None
    unfixable: list[str] | None = None
