"""Subprocess side of the behaviour harness: ``python _runner.py MODULE_PATH RESULT_PATH``.

Imports MODULE_PATH as a fresh module, calls its ``exercise()`` and writes one JSON object to
RESULT_PATH: ``{"ok", "phase", "record" | "error", "warnings"}``. Every warning raised while
importing and exercising is caught (``simplefilter("always")``, so none is hidden by the
once-per-location default or by the interpreter's default ignore of DeprecationWarning outside
``__main__``) and reported; none is turned into an error, so one warning does not hide the next.

Standard library only: it runs under the Pydantic v1 and the Pydantic v2 venvs alike.
"""

import importlib.util
import json
import sys
import traceback
import warnings
from pathlib import Path


def _origin(filename, module_path):
    if not filename:
        return "unknown"
    path = Path(filename)
    try:
        if path.resolve() == module_path:
            return "module"
    except OSError:
        pass
    text = path.as_posix()
    marker = "site-packages/"
    if marker in text:
        return text.split(marker, 1)[1]
    return path.name


def _describe(message, module_path):
    category = message.category
    names = [cls.__name__ for cls in category.__mro__ if issubclass(cls, Warning)]
    origin = _origin(message.filename, module_path)
    return {
        "category": category.__name__,
        "categories": names,
        "deprecation": issubclass(category, (DeprecationWarning, PendingDeprecationWarning)),
        "message": str(message.message),
        "origin": origin,
        "lineno": message.lineno if origin == "module" else None,
    }


def _error(exc):
    cls = type(exc)
    return {
        "type": f"{cls.__module__}.{cls.__qualname__}",
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(cls, exc, exc.__traceback__)),
    }


def main(argv):
    module_path = Path(argv[1]).resolve()
    result_path = Path(argv[2])
    result = {"ok": False, "phase": "import"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            name = module_path.stem
            spec = importlib.util.spec_from_file_location(name, module_path)
            module = importlib.util.module_from_spec(spec)
            # Registered before execution: Pydantic resolves forward references and generic
            # parametrisations through sys.modules[cls.__module__].
            sys.modules[name] = module
            spec.loader.exec_module(module)
            result["phase"] = "exercise"
            record = module.exercise()
            result["phase"] = "serialise"
            # No default= hook: a set, enum or model in the record is a fixture bug, not something
            # to coerce silently (coercion could make two different records look equal).
            result["record"] = json.loads(json.dumps(record, sort_keys=True, allow_nan=False))
            result["ok"] = True
        except BaseException as exc:
            result["error"] = _error(exc)
    result["warnings"] = [_describe(w, module_path) for w in caught]
    result_path.write_text(json.dumps(result, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
