"""How much the pre-parse gate skips: per rule, the files its text gate lets through.

    python scripts/gate_stats.py /tmp/fl-bench/corpus [--select FAL1]

A rule whose gate passes a file gets that file parsed and walked; a file that no rule's gate
passes is only parsed when FAL000 (syntax errors) is enabled, and never walked.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from fastapi_lint.config import apply_overrides
from fastapi_lint.discovery import discover
from fastapi_lint.gate import gate_passes
from fastapi_lint.parsing import PARSE_ERROR
from fastapi_lint.registry import RuleSet
from fastapi_lint.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--select", default="FAL")
    args = parser.parse_args()
    settings = apply_overrides(Settings(), select=args.select.split(","))
    ruleset = RuleSet(settings)
    rules = [r for r in ruleset.rules if r.code != PARSE_ERROR]
    passed: Counter[str] = Counter()
    walked = 0
    files = discover(args.paths, settings)
    size = 0
    walked_size = 0
    for item in files:
        try:
            with open(item.path, "rb") as handle:
                text = handle.read().decode("utf-8", errors="replace")
        except OSError:
            continue
        size += len(text)
        any_rule = False
        for rule in rules:
            if gate_passes(rule, text):
                passed[rule.code] += 1
                any_rule = True
        if any_rule:
            walked += 1
            walked_size += len(text)
    total = len(files)
    print(f"files: {total}  ({size / 1e6:.1f} M chars)")
    for rule in rules:
        count = passed[rule.code]
        print(f"  {rule.code}  passes {count:6d}  ({100 * count / max(total, 1):5.1f} %)")
    print(
        f"walked by at least one rule: {walked} ({100 * walked / max(total, 1):.1f} % of files, "
        f"{100 * walked_size / max(size, 1):.1f} % of text)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
