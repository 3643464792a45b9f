"""The pre-parse gate: which rules can fire on a file, decided from its text alone.

Each rule declares what a file must contain for it to fire (`Rule.triggers`, `trigger_words`,
`requires`, `requires_any`); a file the gate rules out for every rule is not parsed or walked
for them. The gate must be sound: it may let through a file a rule ignores, never rule out one
the rule could fire on (tests/test_gate.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .rule import Rule

try:
    import ahocorasick
except ImportError:  # pragma: no cover - a platform without a wheel: one scan per string
    ahocorasick = None


def presence(text: str, rules: Sequence[Rule]) -> dict[str, bool]:
    """Which of the strings the `rules`' gates test occur in `text`: every one of them, found
    in one pass (Aho-Corasick), for `gate_passes` to read instead of scanning the text once per
    string (about 160 strings for the default rules; a third of the gate's time on the corpus).
    Empty without the automaton: `gate_passes` then tests each string itself."""
    automaton = _automaton(tuple(type(rule) for rule in rules))
    if automaton is None:
        return {}
    strings, machine = automaton
    seen = dict.fromkeys(strings, False)
    for _, found in machine.iter(text):
        seen[found] = True
    return seen


@functools.lru_cache(maxsize=64)
def _automaton(kinds: tuple[type[Rule], ...]) -> tuple[tuple[str, ...], Any] | None:
    if ahocorasick is None:
        return None
    strings: dict[str, None] = {}
    for kind in kinds:
        strings.update(dict.fromkeys((*kind.requires, *kind.requires_any, *kind.triggers)))
        strings.update(dict.fromkeys(key for key, _ in _word_groups(kind.trigger_words)))
    strings.pop("", None)  # in every text; `in` answers it
    if not strings:
        return None
    machine = ahocorasick.Automaton()
    for string in strings:
        machine.add_word(string, string)
    machine.make_automaton()
    return tuple(strings), machine


def gate_passes(
    rule: Rule, text: str, seen: dict[str, bool] | None = None, *, triggers: bool = True
) -> bool:
    """Can `rule` fire on a file with this text? False only when it certainly cannot.

    Without `triggers`, only `requires` and `requires_any` are asked: whether the rule can
    fire there through another module (`Rule.across_modules`).

    `seen` memoises substring tests across the rules of one file: each is a scan of the
    whole text, and several rules share them ("async", common module names).
    """
    if seen is None:
        seen = {}
    for required in rule.requires:
        found = seen.get(required)
        if found is None:
            found = seen[required] = required in text
        if not found:
            return False
    if rule.requires_any:
        for required in rule.requires_any:
            found = seen.get(required)
            if found is None:
                found = seen[required] = required in text
            if found:
                break
        else:
            return False
    if not triggers or (not rule.triggers and not rule.trigger_words):
        return True
    for trigger in rule.triggers:
        found = seen.get(trigger)
        if found is None:
            found = seen[trigger] = trigger in text
        if found:
            return True
    for key, patterns in _word_groups(rule.trigger_words):
        # The substring test first: one fast scan for a group of words (`IO` for `TextIO`,
        # `BinaryIO`, ...), and the word-boundary regexes only when it finds something.
        found = seen.get(key)
        if found is None:
            found = seen[key] = key in text
        if found:
            for pattern in patterns:
                if pattern.search(text):
                    return True
    return False


@functools.cache
def _word_groups(words: tuple[str, ...]) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    r"""Words grouped under the shortest word they contain, with regexes that find them whole.

    Each regex starts with a literal (what `re` scans for fastest) and checks the word
    boundaries after it: `wait(?<!\wwait)(?:pid|id|3|4|)(?!\w)` finds `os.waitpid` but skips
    every `await` in one pass, where a regex per word would rescan the text for each.
    """
    unique = list(dict.fromkeys(words))
    keys = [w for w in unique if not any(other != w and other in w for other in unique)]
    groups = []
    for key in dict.fromkeys(keys):
        by_prefix: dict[str, list[str]] = {}
        for word in unique:
            if key in word:
                head = word[: word.index(key) + len(key)]
                by_prefix.setdefault(head, []).append(word[len(head) :])
        patterns = []
        for head, tails in by_prefix.items():
            tails.sort(key=len, reverse=True)  # longest first: `waitpid` before `wait`
            alternatives = "|".join(re.escape(tail) for tail in tails)
            escaped = re.escape(head)
            patterns.append(re.compile(rf"{escaped}(?<!\w{escaped})(?:{alternatives})(?!\w)"))
        groups.append((key, tuple(patterns)))
    return tuple(groups)
