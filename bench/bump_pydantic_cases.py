"""bump-pydantic's own unit-test pairs as a yardstick: is every v1 construct in a `before`
migrated by `--fix` or at least reported by a plain `check`?

bump-pydantic's unit tests (`tests/unit/test_*.py` of its repository) hold pairs of snippets:
a `before` (or `source`) and the `after` (or `expected`) its codemods produce. A line of a
`before` that the `after` changes (or above which it inserts a `# TODO[pydantic]` note) is a v1
construct bump-pydantic knows about. This script extracts the pairs from a checkout or a bare
mirror of the repository (nothing is copied into this repository), writes each `before` as a
file of a scratch project that declares `pydantic<2` (code written for v1), and runs the real
command line on it:

    fastapi-lint check --select FAL3 --output-format json --no-cache <cases>
    fastapi-lint check --select FAL3 --fix --unsafe-fixes --target-version pydantic=2 --no-cache <copy>

A changed line counts as *reported* when a finding's range covers it, as *migrated* when our
fix changes it too, and as a *miss* otherwise. Import lines are listed apart: bump-pydantic
renames `validator` to `field_validator` in the import, which our fixes do once the uses are
fixed (and which is not worth a finding of its own when the uses are reported). Pairs whose
`after` equals the `before` are bump-pydantic's look-alikes: any finding there is listed for
review.

    python bench/bump_pydantic_cases.py                       # the mirror under /work/.mirror
    python bench/bump_pydantic_cases.py --repo ~/src/bump-pydantic
    python bench/bump_pydantic_cases.py --json results.json   # also the raw per-case data

Exit 0 when the repository is not there (nothing to measure), else 0 as well: this is a
measurement, not a test; docs/bump-pydantic.md records the result and the misses' reasons.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MIRROR = Path("/work/.mirror/pydantic+bump-pydantic/repo")
BEFORE_NAMES = ("before", "source")
AFTER_NAMES = ("after", "expected")


@dataclass
class Case:
    name: str  # <test module>__<test function>
    before: str
    after: str
    changed: list[int] = field(default_factory=list)  # 1-based rows of `before`
    reported: set[int] = field(default_factory=set)
    migrated: set[int] = field(default_factory=set)
    findings: list[str] = field(default_factory=list)

    @property
    def lookalike(self) -> bool:
        return self.before.strip() == self.after.strip()


# ------------------------------------------------------------------ reading


def _read_repo(repo: Path) -> dict[str, str] | None:
    """The unit-test modules, from a working tree or a bare mirror."""
    unit = repo / "tests" / "unit"
    if unit.is_dir():
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(unit.glob("test_*.py"))}
    if not (repo / "HEAD").exists():
        return None
    listing = subprocess.run(
        ["git", "--git-dir", str(repo), "ls-tree", "--name-only", "HEAD", "tests/unit/"],
        capture_output=True,
        text=True,
    )
    if listing.returncode != 0:
        return None
    out = {}
    for path in listing.stdout.split():
        name = path.rsplit("/", 1)[-1]
        if name.startswith("test_") and name.endswith(".py"):
            shown = subprocess.run(
                ["git", "--git-dir", str(repo), "show", f"HEAD:{path}"],
                capture_output=True,
                text=True,
            )
            out[name] = shown.stdout
    return out


def _string(node: ast.expr) -> str | None:
    """A snippet: a string constant, `textwrap.dedent("...")`, either with `.lstrip()`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in ("lstrip", "strip") and not node.args:
            return _string(node.func.value)
        if node.func.attr == "dedent" and len(node.args) == 1:
            return _string(node.args[0])
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return textwrap.dedent(node.value).lstrip("\n")
    return None


def extract(modules: dict[str, str]) -> list[Case]:
    cases = []
    for module, text in modules.items():
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            snippets: dict[str, str] = {}
            for statement in ast.walk(node):
                if (
                    isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                ):
                    value = _string(statement.value)
                    if value is not None:
                        snippets.setdefault(statement.targets[0].id, value)
            before = next((snippets[n] for n in BEFORE_NAMES if n in snippets), None)
            if before is None:
                continue
            after = next((snippets[n] for n in AFTER_NAMES if n in snippets), before)
            cases.append(Case(f"{module[:-3]}__{node.name}", before, after))
    return cases


def changed_rows(before: str, after: str) -> list[int]:
    """Rows of `before` that `after` replaces or deletes, or right above which it inserts."""
    a, b = before.splitlines(), after.splitlines()
    rows: set[int] = set()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            rows.update(range(i1 + 1, i2 + 1))
        elif tag == "insert" and i1 < len(a):
            rows.add(i1 + 1)
    return sorted(r for r in rows if a[r - 1].strip())


# ------------------------------------------------------------------ running


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "fastapi-lint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "fastapi_lint"]


def run(cases: list[Case]) -> None:
    with tempfile.TemporaryDirectory(prefix="bump-cases-") as tmp:
        project = Path(tmp) / "cases"
        project.mkdir()
        (project / "pyproject.toml").write_text(
            '[project]\nname = "cases"\nversion = "0"\ndependencies = ["pydantic<2"]\n'
        )
        for case in cases:
            (project / f"{case.name}.py").write_text(case.before, encoding="utf-8")
        fixed = Path(tmp) / "fixed"
        shutil.copytree(project, fixed)
        check = subprocess.run(
            [*_cli(), "check", "--select", "FAL3", "--output-format", "json", "--no-cache", "."],
            cwd=project,
            capture_output=True,
            text=True,
        )
        if check.returncode not in (0, 1):
            sys.exit(f"fastapi-lint check failed: {check.stderr.strip()}")
        by_name = {c.name: c for c in cases}
        for finding in json.loads(check.stdout):
            case = by_name[Path(finding["filename"]).stem]
            start, end = finding["location"]["row"], finding["end_location"]["row"]
            case.reported.update(range(start, end + 1))
            case.findings.append(f"{start}: {finding['code']} {finding['message']}")
        subprocess.run(
            [
                *_cli(),
                "check",
                "--select",
                "FAL3",
                "--fix",
                "--unsafe-fixes",
                "--target-version",
                "pydantic=2",
                "--no-cache",
                "--exit-zero",
                "-q",
                ".",
            ],
            cwd=fixed,
            capture_output=True,
            text=True,
        )
        for case in cases:
            ours = (fixed / f"{case.name}.py").read_text(encoding="utf-8")
            case.migrated = set(changed_rows(case.before, ours))


def _is_import(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("import ", "from ")) or stripped in (")", "(")


def report(cases: list[Case]) -> str:
    lines = []
    converted = [c for c in cases if not c.lookalike]
    misses: list[tuple[Case, int]] = []
    import_only: list[tuple[Case, int]] = []
    covered_cases = 0
    total_rows = migrated_rows = reported_rows = 0
    for case in converted:
        case.changed = changed_rows(case.before, case.after)
        source = case.before.splitlines()
        missing = [r for r in case.changed if r not in case.reported | case.migrated]
        total_rows += len(case.changed)
        migrated_rows += sum(1 for r in case.changed if r in case.migrated)
        reported_rows += sum(1 for r in case.changed if r in case.reported - case.migrated)
        for row in missing:
            (import_only if _is_import(source[row - 1]) else misses).append((case, row))
        if not [r for r in missing if not _is_import(source[r - 1])]:
            covered_cases += 1
    lines.append(
        f"pairs: {len(cases)} ({len(converted)} converted, {len(cases) - len(converted)} left unchanged by bump-pydantic)"
    )
    lines.append(f"changed lines in the converted `before`s: {total_rows}")
    lines.append(f"  migrated by --fix: {migrated_rows}; reported only: {reported_rows}")
    lines.append(
        f"converted pairs with every changed non-import line reported or migrated: {covered_cases} of {len(converted)}"
    )
    lines.append(f"changed non-import lines neither reported nor migrated: {len(misses)}")
    lines.append(f"changed import lines neither reported nor migrated: {len(import_only)}")
    lines.append("")
    lines.append("## Misses (neither reported nor migrated)")
    for case, row in misses:
        lines.append(f"- {case.name}:{row}: `{case.before.splitlines()[row - 1].strip()}`")
    lines.append("")
    lines.append("## Import lines left to the uses")
    for case, row in import_only:
        lines.append(f"- {case.name}:{row}: `{case.before.splitlines()[row - 1].strip()}`")
    lines.append("")
    lines.append("## Findings on pairs bump-pydantic leaves unchanged")
    for case in cases:
        if case.lookalike and case.findings:
            for finding in case.findings:
                lines.append(f"- {case.name}:{finding}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_MIRROR, help="checkout or bare mirror")
    parser.add_argument("--json", type=Path, help="write the per-case data here")
    args = parser.parse_args(argv)
    modules = _read_repo(args.repo) if args.repo.exists() else None
    if not modules:
        print(f"no bump-pydantic repository at {args.repo}: nothing to measure")
        return 0
    cases = extract(modules)
    run(cases)
    print(report(cases))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "case": c.name,
                        "lookalike": c.lookalike,
                        "changed": c.changed,
                        "reported": sorted(c.reported),
                        "migrated": sorted(c.migrated),
                        "findings": c.findings,
                    }
                    for c in cases
                ],
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
