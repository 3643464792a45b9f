"""The pinned corpus: manifest, build, file sets (whole, legacy, samples, scaled copies)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Package:
    """One pinned distribution of the corpus manifest."""

    group: str
    name: str
    version: str

    @property
    def ident(self) -> str:
        return f"{self.name}-{self.version}"


@dataclass
class FileSet:
    """Files a benchmark row runs on: `paths` (dirs or files) are relative to `cwd`."""

    label: str
    cwd: Path
    paths: list[str]
    files: int
    lines: int
    size: int
    file_list: list[str] = field(default_factory=list, repr=False)

    def summary(self) -> dict[str, object]:
        return {
            "label": self.label,
            "cwd": str(self.cwd),
            "paths": self.paths if len(self.paths) <= 40 else f"{len(self.paths)} paths",
            "files": self.files,
            "lines": self.lines,
            "bytes": self.size,
        }


def read_manifest(path: Path) -> list[Package]:
    """Parse corpus.manifest: group, name, version, kind, sha256, file per line."""
    packages = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        group, name, version, *_ = line.split()
        packages.append(Package(group, name, version))
    return packages


def build_corpus(shared: Path, root: Path) -> None:
    """Run the shared, idempotent build script (downloads only what is missing)."""
    script = shared / "bench" / "build_corpus.sh"
    if not script.is_file():
        raise SystemExit(f"corpus build script not found: {script} (see --shared)")
    env = {**os.environ, "FL_BENCH_ROOT": str(root), "PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"corpus build failed (exit {proc.returncode})")


def py_files(directory: Path) -> list[Path]:
    """Every *.py file under `directory`, sorted (the same walk as build_corpus.sh)."""
    if directory.is_file():
        return [directory]
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames.sort()
        found.extend(Path(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
    return found


def _measure(files: list[Path]) -> tuple[int, int]:
    lines = size = 0
    for path in files:
        data = path.read_bytes()
        lines += data.count(b"\n")
        size += len(data)
    return lines, size


def dir_set(label: str, cwd: Path, dirs: list[str]) -> FileSet:
    """A file set made of whole directories under `cwd`."""
    files = [f for d in dirs for f in py_files(cwd / d)]
    lines, size = _measure(files)
    rel = [str(f.relative_to(cwd)) for f in files]
    return FileSet(label, cwd, list(dirs), len(files), lines, size, rel)


def sample_set(base: FileSet, fraction: float) -> FileSet:
    """Every k-th file of `base` (k = 1/fraction), passed to tools as explicit files."""
    if fraction >= 1.0:
        return base
    step = max(1, round(1 / fraction))
    chosen = base.file_list[::step]
    lines, size = _measure([base.cwd / f for f in chosen])
    label = f"{base.label}, sample 1/{step}"
    return FileSet(label, base.cwd, chosen, len(chosen), lines, size, chosen)


def link_tree(src: Path, dst: Path) -> None:
    try:
        shutil.copytree(src, dst, copy_function=os.link)
    except OSError:  # another filesystem: plain copies
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)


def scaled_set(base: FileSet, work: Path, factor: int) -> FileSet:
    """`factor` copies of `base` under renamed roots copy0/, copy1/, ... (hard links)."""
    key = hashlib.sha256("\n".join([str(base.cwd), *base.paths]).encode()).hexdigest()[:12]
    scale_root = work / f"scale-{key}"
    for i in range(factor):
        copy = scale_root / f"copy{i}"
        stamp = scale_root / f".copy{i}.done"
        if not stamp.exists():
            shutil.rmtree(copy, ignore_errors=True)
            for p in base.paths:
                link_tree(base.cwd / p, copy / p)
            stamp.touch()
    paths = [f"copy{i}/{p}" for i in range(factor) for p in base.paths]
    return FileSet(
        f"{base.label} x{factor}",
        scale_root,
        paths,
        base.files * factor,
        base.lines * factor,
        base.size * factor,
    )


def fresh_copy(corpus: Path, ident: str, work: Path) -> Path:
    """A private copy of one corpus package (tools that may write never touch the corpus)."""
    dst = work / "pkg" / ident
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(corpus / ident, dst)
    return dst.parent
