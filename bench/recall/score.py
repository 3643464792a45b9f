"""Score fastapi-lint against the hand-made recall set (bench/recall/labels/*.toml).

Each label file names one pinned app of the corpus (`app`, `version`; the directory
`<corpus>/<app>-<version>/`) and holds:

- `[[label]]` entries: `path` (relative to the app's root), `line` (where fastapi-lint is
  expected to point: the first line of the call, decorator, keyword or statement, as
  RULES.md says), `family`, `code` (the expected rule code, or `"none"` for a look-alike
  negative that must stay silent) and `reason` (a short quote of the code).
- `[[complete]]` entries: `family` and `paths` (glob patterns relative to the root; optional
  `codes` narrows it to some codes of the family). Within a complete scope every occurrence
  was labelled, so a finding there that matches no positive label is a false positive.
  A finding outside every complete scope that matches no label is *unreviewed*: it is
  counted and listed, but it enters neither recall nor precision.

Matching is by (path, line, code) first, then by (path, line, family): a finding whose code
differs from a still unmatched label's code but belongs to the same family takes that label
(e.g. FAL402 where FAL401 was expected: the wildcard was found) and is listed as a code
disagreement. A finding left over on a line whose labels are all taken is judged like an
unlabelled one.

    recall    = positive labels matched by a finding / positive labels
    precision = matched findings / (matched findings + false positives)
    false positives = findings on a "none" label + unmatched findings in a complete scope

Usage:
    python bench/recall/score.py                   # every label file, the corpus in /tmp/fl-bench
    python bench/recall/score.py --labels FILE ... --corpus DIR --tool fastapi-lint --misses
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The families of the "know the project" issue and the rule codes each one is scored on.
FAMILIES: dict[str, tuple[str, ...]] = {
    "v1": tuple(f"FAL{n}" for n in range(301, 311)),
    "blocking": ("FAL101", "FAL102", "FAL103", "FAL104", "FAL105"),
    "blocking-helper": ("FAL106",),
    "import-time": ("FAL202", "FAL203", "FAL204"),
    "on_event": ("FAL201",),
    "cors": ("FAL401", "FAL402", "FAL403"),
    "patch": ("FAL501",),
}
CODE_FAMILY = {code: fam for fam, codes in FAMILIES.items() for code in codes}


class LabelError(Exception):
    """A label file that does not follow the format (reported as one line, exit 2)."""


@dataclass(frozen=True)
class Label:
    path: str
    line: int
    family: str
    code: str  # "none" for a look-alike negative
    reason: str

    @property
    def positive(self) -> bool:
        return self.code != "none"


@dataclass(frozen=True)
class Scope:
    family: str
    paths: tuple[str, ...]
    codes: tuple[str, ...]

    def covers(self, path: str, code: str) -> bool:
        return (
            CODE_FAMILY.get(code) == self.family
            and (not self.codes or code in self.codes)
            and any(fnmatch.fnmatchcase(path, pat) for pat in self.paths)
        )


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    code: str

    @property
    def family(self) -> str | None:
        return CODE_FAMILY.get(self.code)


@dataclass
class LabelSet:
    app: str
    version: str
    labels: list[Label]
    complete: list[Scope]

    @property
    def dirname(self) -> str:
        return f"{self.app}-{self.version}"


def load_labels(path: Path) -> LabelSet:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LabelError(f"{path}: {exc}") from None
    try:
        app, version = str(data["app"]), str(data["version"])
    except KeyError as exc:
        raise LabelError(f"{path}: missing top-level key {exc}") from None
    labels: list[Label] = []
    seen: set[tuple[str, int, str]] = set()
    for i, raw in enumerate(data.get("label", []), 1):
        try:
            lab = Label(
                path=str(raw["path"]),
                line=int(raw["line"]),
                family=str(raw["family"]),
                code=str(raw["code"]),
                reason=str(raw.get("reason", "")),
            )
        except KeyError as exc:
            raise LabelError(f"{path}: label #{i} lacks {exc}") from None
        if lab.family not in FAMILIES:
            raise LabelError(f"{path}: label #{i}: unknown family {lab.family!r}")
        if lab.positive and CODE_FAMILY.get(lab.code) != lab.family:
            raise LabelError(f"{path}: label #{i}: {lab.code} is not a code of {lab.family}")
        key = (lab.path, lab.line, lab.code if lab.positive else lab.family)
        if key in seen:
            raise LabelError(f"{path}: label #{i}: duplicate label for {key}")
        seen.add(key)
        labels.append(lab)
    complete: list[Scope] = []
    for raw in data.get("complete", []):
        fam = str(raw.get("family"))
        if fam not in FAMILIES:
            raise LabelError(f"{path}: [[complete]]: unknown family {fam!r}")
        complete.append(
            Scope(
                family=fam,
                paths=tuple(raw.get("paths", ["*"])),
                codes=tuple(raw.get("codes", ())),
            )
        )
    return LabelSet(app, version, labels, complete)


@dataclass
class FamilyScore:
    positives: int = 0
    lookalikes: int = 0
    recalled: int = 0
    matched_findings: int = 0
    false_positives: int = 0
    unreviewed: int = 0
    unreviewed_findings: list[Finding] = field(default_factory=list)
    misses: list[Label] = field(default_factory=list)
    fps: list[tuple[Finding, str]] = field(default_factory=list)
    code_disagreements: list[tuple[Label, Finding]] = field(default_factory=list)

    def add(self, other: FamilyScore) -> None:
        self.positives += other.positives
        self.lookalikes += other.lookalikes
        self.recalled += other.recalled
        self.matched_findings += other.matched_findings
        self.false_positives += other.false_positives
        self.unreviewed += other.unreviewed
        self.unreviewed_findings += other.unreviewed_findings
        self.misses += other.misses
        self.fps += other.fps
        self.code_disagreements += other.code_disagreements

    @property
    def recall(self) -> float | None:
        return self.recalled / self.positives if self.positives else None

    @property
    def precision(self) -> float | None:
        judged = self.matched_findings + self.false_positives
        return self.matched_findings / judged if judged else None


def score(labelset: LabelSet, findings: list[Finding]) -> dict[str, FamilyScore]:
    """Match findings to labels; pure function of its inputs (the unit-tested part)."""
    result = {fam: FamilyScore() for fam in FAMILIES}
    at: dict[tuple[str, int, str], list[Label]] = defaultdict(list)
    for lab in labelset.labels:
        at[(lab.path, lab.line, lab.family)].append(lab)
    matched: set[Label] = set()
    unmatched: list[Finding] = []
    ordered = sorted(set(findings), key=lambda f: (f.path, f.line, f.code))
    # First pass: exact code matches, so a second code on the same line (FAL401 and FAL403
    # on one add_middleware call) cannot take the other's label.
    for f in ordered:
        fam = f.family
        if fam is None:
            continue
        exact = [
            lab
            for lab in at.get((f.path, f.line, fam), [])
            if lab.code == f.code and lab not in matched
        ]
        if exact:
            matched.add(exact[0])
            result[fam].matched_findings += 1
        else:
            unmatched.append(f)
    # Second pass: same line and family, other code: the problem was found, the code differs.
    for f in unmatched:
        fam = f.family
        assert fam is not None
        s = result[fam]
        here = at.get((f.path, f.line, fam), [])
        other = [lab for lab in here if lab.positive and lab not in matched]
        negative = [lab for lab in here if not lab.positive]
        if other:
            matched.add(other[0])
            s.matched_findings += 1
            s.code_disagreements.append((other[0], f))
        elif negative:
            s.false_positives += 1
            s.fps.append((f, f"look-alike: {negative[0].reason}"))
        elif any(sc.covers(f.path, f.code) for sc in labelset.complete):
            s.false_positives += 1
            s.fps.append((f, "unlabelled in a complete scope"))
        else:
            s.unreviewed += 1
            s.unreviewed_findings.append(f)
    for lab in labelset.labels:
        s = result[lab.family]
        if not lab.positive:
            s.lookalikes += 1
            continue
        s.positives += 1
        if lab in matched:
            s.recalled += 1
        else:
            s.misses.append(lab)
    return result


def parse_findings(report: list[dict], root: Path) -> list[Finding]:
    out = []
    for item in report:
        name = Path(item["filename"])
        if not name.is_absolute():
            name = root / name
        rel = os.path.relpath(name, root).replace(os.sep, "/")
        out.append(Finding(rel, int(item["location"]["row"]), str(item["code"])))
    return out


def run_tool(tool: str, root: Path) -> list[Finding]:
    codes = ",".join(sorted(CODE_FAMILY))
    cmd = [
        *tool.split(),
        "check",
        ".",
        "--select",
        codes,
        "--output-format",
        "json",
        "--exit-zero",
        "--no-cache",
    ]
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    except OSError as exc:  # no such program: say which, not a traceback
        raise LabelError(f"cannot run {cmd[0]!r} ({exc.strerror}); pass --tool") from None
    if proc.returncode != 0:
        raise LabelError(f"{' '.join(cmd)} failed in {root}: {proc.stderr.strip()[:500]}")
    return parse_findings(json.loads(proc.stdout or "[]"), root)


def fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def table(rows: list[tuple[str, str, FamilyScore]]) -> str:
    lines = [
        "| app | family | positive labels | look-alikes | recalled | recall | findings matched "
        "| false positives | precision | unreviewed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for app, fam, s in rows:
        lines.append(
            f"| {app} | {fam} | {s.positives} | {s.lookalikes} | {s.recalled} | {fmt(s.recall)} "
            f"| {s.matched_findings} | {s.false_positives} | {fmt(s.precision)} | {s.unreviewed} |"
        )
    return "\n".join(lines)


def default_tool() -> str:
    beside = Path(sys.executable).parent / "fastapi-lint"
    if beside.exists():
        return str(beside)
    return shutil.which("fastapi-lint") or "fastapi-lint"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--labels", nargs="*", type=Path, help="label files (default: all)")
    ap.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("FL_BENCH_ROOT", "/tmp/fl-bench")) / "corpus",
    )
    ap.add_argument("--tool", default=None, help="fastapi-lint command (default: beside python)")
    ap.add_argument("--misses", action="store_true", help="list misses and false positives")
    ap.add_argument(
        "--unreviewed", action="store_true", help="also list findings outside every label"
    )
    args = ap.parse_args(argv)
    files = args.labels or sorted((HERE / "labels").glob("*.toml"))
    tool = args.tool or default_tool()
    rows: list[tuple[str, str, FamilyScore]] = []
    total = {fam: FamilyScore() for fam in FAMILIES}
    details: list[str] = []
    try:
        for file in files:
            ls = load_labels(file)
            root = args.corpus / ls.dirname
            if not root.is_dir():
                raise LabelError(f"{root}: not found (build the corpus: ../shared/bench/)")
            result = score(ls, run_tool(tool, root))
            for fam, s in result.items():
                if s.positives or s.lookalikes or s.matched_findings or s.false_positives:
                    rows.append((ls.dirname, fam, s))
                total[fam].add(s)
                for lab in s.misses:
                    details.append(
                        f"MISS {ls.dirname}/{lab.path}:{lab.line} {lab.code} — {lab.reason}"
                    )
                for f, why in s.fps:
                    details.append(f"FP   {ls.dirname}/{f.path}:{f.line} {f.code} — {why}")
                if args.unreviewed:
                    for f in s.unreviewed_findings:
                        details.append(f"UNRV {ls.dirname}/{f.path}:{f.line} {f.code}")
                for lab, f in s.code_disagreements:
                    details.append(
                        f"CODE {ls.dirname}/{lab.path}:{lab.line} expected {lab.code}, got {f.code}"
                    )
    except LabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for fam, s in total.items():
        if s.positives or s.lookalikes or s.matched_findings or s.false_positives:
            rows.append(("**all**", fam, s))
    print(table(rows))
    if (args.misses or args.unreviewed) and details:
        print()
        print("\n".join(details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
