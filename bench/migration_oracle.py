"""A real project's own test suite as the oracle of the Pydantic v1 -> v2 migration.

For each project in PROJECTS: its sdist (which ships its tests) is unpacked, its test suite is
run in a venv pinned to the Pydantic-v1 era (all of it should pass), then a copy is migrated

    fastapi-lint check --fix --unsafe-fixes --exit-zero --no-cache --python <v1 venv>
                 --target-version pydantic=2.1.1 --target-version fastapi=0.100.1 ...
                 <package> <tests>

(in the v1 venv, `--python`, and with `--target-version LIB=VERSION` for each of Pydantic,
pydantic-settings, FastAPI, Starlette and httpx as installed in the v2 venv: what a migration
branch moves to), and its test suite is run again in a venv pinned to the Pydantic-v2 era. The number of tests
that still pass is the figure: every failure is a place where the migration changed behaviour
(or left v1 code v2 refuses). With --bump-pydantic the same is done on a second copy with
bump-pydantic's migration, for comparison.

    python bench/migration_oracle.py --work /tmp/fl-bench/work/oracle
    python bench/migration_oracle.py fastapi-users --bump-pydantic /path/to/bump-pydantic

The sdist is taken from --dl when it is there, otherwise downloaded with `pip download`. Venvs
are kept in <work>/venvs, one per dependency set, and reused. Each run's failing test ids go
to <work>/<project>/<side>-failures.txt and the figures to <work>/<project>/result.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from flbench import envs

CLI = Path(sys.executable).parent / "fastapi-lint"

_TEST_TOOLS = ("pytest==7.4.4", "pytest-asyncio==0.21.1", "pytest-mock==3.11.1")


@dataclass(frozen=True)
class Project:
    """One project whose own test suite judges the migration."""

    name: str  # the distribution name, as pip takes it
    version: str
    fix: tuple[str, ...]  # the paths (relative to the unpacked sdist) migrated and tested
    before: tuple[str, ...]  # requirements of the Pydantic-v1 run
    after: tuple[str, ...]  # requirements of the Pydantic-v2 run
    pytest_args: tuple[str, ...] = ()

    def sdist_names(self) -> tuple[str, ...]:
        """The sdist's file name: older ones keep the dashes of the name, newer ones not."""
        return tuple(
            f"{name}-{self.version}.tar.gz" for name in (self.name.replace("-", "_"), self.name)
        )


# Requirements are pinned to releases of the project's own era, so that the "before" run passes
# whole; the "after" run changes only Pydantic/FastAPI (and what their new majors require).
PROJECTS = {
    "fastapi-users": Project(
        name="fastapi-users",
        version="10.4.2",
        fix=("fastapi_users", "tests"),
        before=(
            "pydantic[email]==1.10.7",
            "fastapi==0.95.1",
            "email-validator==1.3.1",
            "passlib[bcrypt]==1.7.4",
            "bcrypt==4.0.1",
            "pyjwt[crypto]==2.6.0",
            "python-multipart==0.0.6",
            "makefun==1.15.1",
            "httpx==0.23.3",
            "httpx-oauth==0.11.2",
            "redis==4.6.0",
            "asgi-lifespan==2.1.0",
            *_TEST_TOOLS,
        ),
        after=(
            "pydantic[email]==2.1.1",
            "fastapi==0.100.1",
            "email-validator==2.0.0.post2",
            "passlib[bcrypt]==1.7.4",
            "bcrypt==4.0.1",
            "pyjwt[crypto]==2.6.0",
            "python-multipart==0.0.6",
            "makefun==1.15.1",
            "httpx==0.23.3",
            "httpx-oauth==0.11.2",
            "redis==4.6.0",
            "asgi-lifespan==2.1.0",
            *_TEST_TOOLS,
        ),
    ),
    # BaseSettings, validators and constrained types (StrictBool, StrictStr, StrictInt) in the
    # package, and settings classes in the tests; its tests use Starlette's TestClient.
    "fastapi-jwt-auth": Project(
        name="fastapi-jwt-auth",
        version="0.5.0",
        fix=("fastapi_jwt_auth", "tests"),
        before=(
            "pydantic==1.10.7",
            "fastapi==0.95.1",
            "pyjwt==1.7.1",
            "cryptography==3.4.8",
            "httpx==0.23.3",
            *_TEST_TOOLS,
        ),
        after=(
            "pydantic==2.1.1",
            "pydantic-settings==2.0.3",
            "fastapi==0.100.1",
            "pyjwt==1.7.1",
            "cryptography==3.4.8",
            "httpx==0.23.3",
            *_TEST_TOOLS,
        ),
    ),
}


@dataclass
class Counts:
    tests: int
    passed: int
    failed: int
    errors: int
    skipped: int
    seconds: float

    def line(self) -> str:
        if self.tests == 0:
            return f"no test ran: the suite could not be collected (in {self.seconds:.0f} s)"
        return (
            f"{self.passed} of {self.tests} passed ({self.failed} failed, {self.errors} errors, "
            f"{self.skipped} skipped) in {self.seconds:.0f} s"
        )


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def sdist_path(project: Project, dl: Path) -> Path:
    for name in project.sdist_names():
        if (dl / name).exists():
            return dl / name
    dl.mkdir(parents=True, exist_ok=True)
    spec = f"{project.name}=={project.version}"
    # Only the project itself from source: its build backend may come as a wheel.
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", project.name]
    proc = run([*command, spec, "-d", str(dl)])
    for name in project.sdist_names():
        if (dl / name).exists():
            return dl / name
    raise SystemExit(f"{spec}: could not download its sdist\n{proc.stderr[-2000:]}")


def unpack(sdist: Path, into: Path) -> Path:
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    with tarfile.open(sdist) as archive:
        archive.extractall(into, filter="data")
    (root,) = into.iterdir()
    return root


def venv(work: Path, requirements: tuple[str, ...]) -> Path:
    """The interpreter of a venv with exactly these requirements, made once and reused."""
    try:
        return envs.ensure_venv(work / "venvs", "oracle", list(requirements)) / "bin" / "python"
    except RuntimeError as error:  # pip failed: the run cannot go on
        raise SystemExit(str(error)) from None


def run_tests(python: Path, tree: Path, project: Project, failures: Path) -> Counts:
    report = failures.with_suffix(".xml")
    report.unlink(missing_ok=True)
    # The project is not installed: the tree is put first on sys.path, so the sources imported
    # are the ones just migrated.
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += [f"--junitxml={report}", *project.pytest_args]
    start = time.perf_counter()
    proc = run(command, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
    seconds = time.perf_counter() - start
    (failures.with_suffix(".log")).write_text(proc.stdout + proc.stderr)
    if not report.exists():
        # The suite did not even start (a conftest that cannot be imported): nothing passed.
        failures.write_text("(no test ran: see the .log)\n")
        return Counts(0, 0, 0, 1, 0, seconds)
    root = ET.parse(report).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    failed_ids = []
    for case in suite.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed_ids.append(f"{case.get('classname')}::{case.get('name')}")
    failures.write_text("\n".join(failed_ids) + ("\n" if failed_ids else ""))
    tests, failed = int(suite.get("tests", 0)), int(suite.get("failures", 0))
    errors, skipped = int(suite.get("errors", 0)), int(suite.get("skipped", 0))
    return Counts(tests, tests - failed - errors - skipped, failed, errors, skipped, seconds)


# The libraries whose versions decide fastapi-lint's rewrites (see README, "The project's
# environment and versions").
_VERSIONED = ("pydantic", "pydantic-settings", "fastapi", "starlette", "httpx")


def installed_versions(python: Path) -> dict[str, str]:
    script = (
        "import importlib.metadata as m, json, sys\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try: found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(found))"
    )
    proc = run([str(python), "-c", script, *_VERSIONED])
    proc.check_returncode()
    return json.loads(proc.stdout)


def migrate_with_fastapi_lint(
    cli: Path, tree: Path, project: Project, before: Path, targets: dict[str, str]
) -> float:
    """As a user would on a migration branch: in the project's (v1) environment, saying which
    versions the branch moves to."""
    start = time.perf_counter()
    command = [str(cli), "check", "--fix", "--unsafe-fixes", "--exit-zero", "--no-cache", "-q"]
    command += ["--python", str(before.parent.parent)]
    for library, version in targets.items():
        command += ["--target-version", f"{library}={version}"]
    proc = run([*command, *project.fix], cwd=tree)
    if proc.returncode != 0:
        raise SystemExit(f"fastapi-lint failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def migrate_with_bump_pydantic(bump: Path, tree: Path, project: Project) -> float:
    start = time.perf_counter()
    for path in project.fix:
        proc = run([str(bump), path], cwd=tree)
        if proc.returncode != 0:
            raise SystemExit(f"bump-pydantic failed on {path}:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def oracle(project: Project, args: argparse.Namespace) -> dict:
    base = args.work / project.name
    original = unpack(sdist_path(project, args.dl), base / "original")
    before_python = venv(args.work, project.before)
    after_python = venv(args.work, project.after)
    saved = base / "result.json"
    result: dict = {"project": f"{project.name}-{project.version}"}
    if args.only and saved.exists():
        result = json.loads(saved.read_text())  # other sides' figures are kept

    if not args.only:
        counts = run_tests(before_python, original, project, base / "before-failures.txt")
        print(f"{project.name}: v1, unchanged: {counts.line()}", flush=True)
        result["before"] = counts.__dict__

        counts = run_tests(after_python, original, project, base / "unmigrated-failures.txt")
        print(f"{project.name}: v2, unchanged: {counts.line()}", flush=True)
        result["unmigrated"] = counts.__dict__

    targets = installed_versions(after_python)
    result["targets"] = targets
    sides = [
        (
            "fastapi-lint",
            lambda t: migrate_with_fastapi_lint(args.cli, t, project, before_python, targets),
        )
    ]
    if args.bump_pydantic:
        sides.append(("bump-pydantic", lambda t: migrate_with_bump_pydantic(args.bump_pydantic, t, project)))  # fmt: skip
    for side, migrate in sides:
        if args.only and side != args.only:
            continue
        tree = base / side / original.name
        if tree.parent.exists():
            shutil.rmtree(tree.parent)
        shutil.copytree(original, tree, symlinks=True)
        seconds = migrate(tree)
        counts = run_tests(after_python, tree, project, base / f"{side}-failures.txt")
        print(f"{project.name}: v2, {side} ({seconds:.1f} s): {counts.line()}", flush=True)
        result[side] = {**counts.__dict__, "migration_seconds": round(seconds, 1)}
    saved.write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("projects", nargs="*", help=f"default: {', '.join(PROJECTS)}")
    parser.add_argument("--work", type=Path, default=Path("/tmp/fl-bench/work/oracle"))
    parser.add_argument("--dl", type=Path, default=Path("/tmp/fl-bench/dl"))
    parser.add_argument("--cli", type=Path, default=CLI, help="the fastapi-lint executable")
    parser.add_argument("--bump-pydantic", type=Path, help="also migrate with this bump-pydantic")
    parser.add_argument(
        "--only",
        choices=("fastapi-lint", "bump-pydantic"),
        help="run only this migration and its tests (the unchanged runs are not repeated)",
    )
    args = parser.parse_args(argv)
    if args.only == "bump-pydantic" and not args.bump_pydantic:
        parser.error("--only bump-pydantic needs --bump-pydantic PATH")
    unknown = [name for name in args.projects if name not in PROJECTS]
    if unknown:
        parser.error(f"unknown project {unknown[0]!r}; known: {', '.join(PROJECTS)}")
    args.work = args.work.resolve()
    for name in args.projects or PROJECTS:
        oracle(PROJECTS[name], args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
