"""Moved to `semantic/values.py` (the module summary needs it too, and semantic/ never imports
rules/); importable from here for rules written against the old place."""

from ..semantic.values import (
    MODEL_BASES,
    is_model_class,
    is_true,
    keyword,
    possible_elements,
    possible_values,
    resolve,
    string_value,
)

__all__ = [
    "MODEL_BASES",
    "is_model_class",
    "is_true",
    "keyword",
    "possible_elements",
    "possible_values",
    "resolve",
    "string_value",
]
