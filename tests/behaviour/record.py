"""Record what each ``fixtures/migration/*.py`` module does under Pydantic v1.

    python tests/behaviour/record.py            # (re)create .behaviour-venvs/v1 if needed; all
    python tests/behaviour/record.py NAME ...   # only these modules (file stem or path)
    python tests/behaviour/record.py --check    # compare with the stored recordings; no writes

Each module runs in a fresh subprocess of the v1 venv's interpreter; its ``exercise()`` record is
written to ``tests/behaviour/recordings/<module>.json`` (sorted keys, indent 2). The package
versions used go to ``recordings/_environment.json``. A module that fails to import or raises, or
that emits a warning under v1, stops the run: a recording must be of the module working.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


def _select(names: list[str]) -> list[Path]:
    modules = harness.fixture_modules()
    if not names:
        return modules
    by_stem = {path.stem: path for path in modules}
    chosen = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_stem:
            raise SystemExit(f"no fixture module {name!r}; known: {', '.join(sorted(by_stem))}")
        chosen.append(by_stem[stem])
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="fixture module names (default: all)")
    parser.add_argument(
        "--check", action="store_true", help="compare with the stored recordings; write nothing"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    python = harness.ensure_venv("v1")
    venv_seconds = time.monotonic() - started
    versions = harness.package_versions(python)
    print(f"v1 venv ready in {venv_seconds:.1f}s: {versions}")

    harness.RECORDINGS_DIR.mkdir(parents=True, exist_ok=True)
    failures = 0
    for module in _select(args.modules):
        began = time.monotonic()
        try:
            record, warnings = harness.run_exercise(python, module)
        except harness.ExerciseFailed as exc:
            print(f"FAIL {module.name}: {exc}\n{exc.error.get('traceback', '')}")
            failures += 1
            continue
        if warnings:
            print(f"FAIL {module.name}: warnings under v1: {warnings}")
            failures += 1
            continue
        target = harness.recording_path(module)
        text = harness.dump_record(record)
        took = time.monotonic() - began
        if args.check:
            stored = harness.load_recording(module) if target.exists() else None
            diffs = harness.record_differences(stored, record) if stored is not None else ["none"]
            status = "same" if not diffs else "DIFFERENT"
            failures += bool(diffs)
            print(f"{status:9} {module.name} ({took:.1f}s)")
            for line in diffs[:20]:
                print(f"    {line}")
            continue
        target.write_text(text, encoding="utf-8")
        print(f"recorded {module.name} -> {target.relative_to(harness.REPO_ROOT)} ({took:.1f}s)")

    if not args.check and not args.modules:
        environment = {"python": "{}.{}".format(*sys.version_info[:2]), "packages": versions}
        (harness.RECORDINGS_DIR / "_environment.json").write_text(
            harness.dump_record(environment), encoding="utf-8"
        )
    print(f"done in {time.monotonic() - started:.1f}s, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
