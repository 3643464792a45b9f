"""CPU time of the pre-parse gate over a tree, with and without the one-pass automaton.

Reads every `.py` file below the given folder, then gates every default rule on each text twice:
once with a substring scan per trigger string (`gate_passes` alone), once with the strings found
in one Aho-Corasick pass (`gate.presence`). Prints both times and whether the decisions agree.

    python bench/gate_time.py /tmp/fl-bench/corpus
"""

from __future__ import annotations

import argparse
import os
import time

from fastapi_lint.gate import gate_passes, presence
from fastapi_lint.registry import RuleSet
from fastapi_lint.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="/tmp/fl-bench/corpus")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    texts = []
    for folder, _, files in os.walk(args.root):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as handle:
                    texts.append(handle.read().decode("utf-8", "replace"))
    ruleset = RuleSet(Settings())
    rules = ruleset.for_path("module.py")
    print(f"{len(texts)} files, {len(rules)} rules")
    for _ in range(args.repeat):
        started = time.process_time()
        scanned = []
        for text in texts:
            memo: dict[str, bool] = {}  # shared by the rules of a file, as before the automaton
            scanned.append([gate_passes(r, text, memo) for r in rules])
        scan = time.process_time() - started
        started = time.process_time()
        passed = []
        for text in texts:
            seen = presence(text, rules)
            passed.append([gate_passes(r, text, seen) for r in rules])
        one_pass = time.process_time() - started
        print(f"scan per string {scan:.2f} s, one pass {one_pass:.2f} s, same: {scanned == passed}")


if __name__ == "__main__":
    main()
