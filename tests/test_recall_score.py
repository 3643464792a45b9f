"""bench/recall/score.py: how findings are matched to hand-made labels, and one real run.

The matching rules are the contract of the recall set's figures (bench/recall/README.md): by
(path, line, family); a finding on a look-alike label or unlabelled inside a complete scope is a
false positive; anything else unlabelled is unreviewed and enters neither figure.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "recall" / "score.py"


def _load():
    spec = importlib.util.spec_from_file_location("recall_score", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["recall_score"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


score_mod = _load()
Finding = score_mod.Finding

LABELS = """\
app = "tiny"
version = "1.0"

[[complete]]
family = "blocking"
paths = ["app/*.py"]

[[label]]
path = "app/main.py"
line = 3
family = "blocking"
code = "FAL102"
reason = "time.sleep(1) in async def"

[[label]]
path = "app/main.py"
line = 7
family = "blocking"
code = "FAL101"
reason = "requests.get in async def"

[[label]]
path = "app/main.py"
line = 9
family = "blocking"
code = "none"
reason = "time.sleep in a sync def"

[[label]]
path = "app/cors.py"
line = 5
family = "cors"
code = "FAL401"
reason = "allow_origins=['*']"

[[label]]
path = "app/cors.py"
line = 5
family = "cors"
code = "FAL403"
reason = "added before GZip"
"""


@pytest.fixture
def labelset(tmp_path):
    path = tmp_path / "tiny-1.0.toml"
    path.write_text(LABELS, encoding="utf-8")
    return score_mod.load_labels(path)


def test_exact_matches_misses_and_false_positives(labelset):
    findings = [
        Finding("app/main.py", 3, "FAL102"),  # recalled
        Finding("app/main.py", 9, "FAL102"),  # on a look-alike: false positive
        Finding("app/main.py", 12, "FAL103"),  # unlabelled, complete scope: false positive
        Finding("lib/other.py", 4, "FAL103"),  # unlabelled, outside: unreviewed
        Finding("app/main.py", 3, "FAL201"),  # another family, no label, no scope: unreviewed
    ]
    result = score_mod.score(labelset, findings)
    b = result["blocking"]
    assert (b.positives, b.recalled, b.matched_findings, b.false_positives, b.unreviewed) == (
        2,
        1,
        1,
        2,
        1,
    )
    assert [lab.line for lab in b.misses] == [7]
    assert b.recall == 0.5
    assert b.precision == pytest.approx(1 / 3)
    assert sorted(why for _, why in b.fps) == [
        "look-alike: time.sleep in a sync def",
        "unlabelled in a complete scope",
    ]
    assert result["on_event"].unreviewed == 1 and result["on_event"].precision is None


def test_two_codes_on_one_line_each_take_their_own_label(labelset):
    result = score_mod.score(
        labelset, [Finding("app/cors.py", 5, "FAL403"), Finding("app/cors.py", 5, "FAL401")]
    )
    c = result["cors"]
    assert (c.positives, c.recalled, c.matched_findings, c.false_positives) == (2, 2, 2, 0)
    assert c.code_disagreements == []


def test_other_code_of_the_family_on_the_line_counts_and_is_listed(labelset):
    result = score_mod.score(labelset, [Finding("app/cors.py", 5, "FAL402")])
    c = result["cors"]
    assert (c.recalled, c.matched_findings, c.false_positives) == (1, 1, 0)
    assert [(lab.code, f.code) for lab, f in c.code_disagreements] == [("FAL401", "FAL402")]
    assert [lab.code for lab in c.misses] == ["FAL403"]


def test_line_must_match_exactly(labelset):
    result = score_mod.score(labelset, [Finding("app/main.py", 4, "FAL102")])
    b = result["blocking"]
    assert b.recalled == 0 and b.false_positives == 1


def test_score_is_deterministic_whatever_the_finding_order(labelset):
    findings = [
        Finding("app/cors.py", 5, "FAL402"),
        Finding("app/cors.py", 5, "FAL401"),
        Finding("app/main.py", 3, "FAL102"),
        Finding("app/main.py", 9, "FAL102"),
    ]
    a = score_mod.score(labelset, findings)
    b = score_mod.score(labelset, list(reversed(findings)))
    for fam in score_mod.FAMILIES:
        assert (a[fam].recalled, a[fam].false_positives, a[fam].matched_findings) == (
            b[fam].recalled,
            b[fam].false_positives,
            b[fam].matched_findings,
        )
    # FAL401 takes its own label first, whatever the order; FAL402 then takes the label left.
    assert a["cors"].code_disagreements == b["cors"].code_disagreements
    assert [(lab.code, f.code) for lab, f in a["cors"].code_disagreements] == [("FAL403", "FAL402")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('app = "x"\n', "missing top-level key 'version'"),
        (
            'app = "x"\nversion = "1"\n[[label]]\npath = "a.py"\nline = 1\n'
            'family = "cors"\ncode = "FAL102"\n',
            "FAL102 is not a code of cors",
        ),
        (
            'app = "x"\nversion = "1"\n[[label]]\npath = "a.py"\nline = 1\n'
            'family = "speed"\ncode = "none"\n',
            "unknown family 'speed'",
        ),
        (
            'app = "x"\nversion = "1"\n' + '[[label]]\npath = "a.py"\nline = 1\n'
            'family = "on_event"\ncode = "FAL201"\n' * 2,
            "duplicate label",
        ),
    ],
)
def test_bad_label_files_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(score_mod.LabelError, match=message):
        score_mod.load_labels(path)


@pytest.mark.slow
def test_end_to_end_with_the_real_cli(tmp_path, capsys):
    app = tmp_path / "corpus" / "tiny-1.0" / "app"
    app.mkdir(parents=True)
    (app / "main.py").write_text(
        textwrap.dedent(
            """\
            import time
            async def slow():
                time.sleep(1)
            async def fetch():
                import requests
                # a label expects line 7; nothing is there
                return 1
            def sync_ok():
                time.sleep(1)
            """
        ),
        encoding="utf-8",
    )
    labels = tmp_path / "tiny-1.0.toml"
    labels.write_text(LABELS, encoding="utf-8")
    assert score_mod.main(["--labels", str(labels), "--corpus", str(tmp_path / "corpus")]) == 0
    out = capsys.readouterr().out
    assert "| tiny-1.0 | blocking | 2 | 1 | 1 | 0.50 | 1 | 0 | 1.00 | 0 |" in out
    assert "| tiny-1.0 | cors | 2 | 0 | 0 | 0.00 | 0 | 0 | – | 0 |" in out


def test_a_leftover_finding_on_a_taken_line_is_judged_as_unlabelled(tmp_path):
    path = tmp_path / "v1-1.0.toml"
    path.write_text(
        'app = "v1"\nversion = "1.0"\n'
        '[[complete]]\nfamily = "v1"\npaths = ["*"]\ncodes = ["FAL305"]\n'
        '[[label]]\npath = "m.py"\nline = 5\nfamily = "v1"\ncode = "FAL305"\n'
        'reason = "last_name: Optional[constr(min_length=1)]"\n',
        encoding="utf-8",
    )
    labels = score_mod.load_labels(path)
    # FAL310 beside the expected FAL305: outside the complete codes, so unreviewed.
    v1 = score_mod.score(labels, [Finding("m.py", 5, "FAL305"), Finding("m.py", 5, "FAL310")])["v1"]
    assert (v1.recalled, v1.matched_findings, v1.false_positives, v1.unreviewed) == (1, 1, 0, 1)
    # A second FAL305 finding elsewhere in the complete scope is a false positive.
    v1 = score_mod.score(labels, [Finding("m.py", 5, "FAL305"), Finding("m.py", 9, "FAL305")])["v1"]
    assert (v1.matched_findings, v1.false_positives) == (1, 1)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bench" / "recall" / "labels").glob("*.toml")), ids=lambda p: p.stem
)
def test_every_committed_label_file_is_well_formed(path):
    # score.py refuses a malformed file with exit 2; catch it here, before anyone scores.
    labels = score_mod.load_labels(path)
    assert path.stem == labels.dirname, "a label file is named <app>-<version>.toml"
    assert labels.labels, "a label file holds labels"
    for lab in labels.labels:
        assert lab.reason.strip(), f"{lab.path}:{lab.line} has no reason"
        assert lab.line >= 1 and not lab.path.startswith("/"), f"{lab.path}:{lab.line}"
