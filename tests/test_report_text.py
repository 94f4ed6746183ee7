"""Text report: layout, grouping, summary, colour only on request, manifest text made visible."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from types import SimpleNamespace

from netlint.report.escape import visible
from netlint.report.text import render

# Shared fixture report, hand-built report, goldens and schemas (loaded by path: tests/ is
# not a package, and this works under any pytest import mode).
S = SimpleNamespace(**runpy.run_path(str(Path(__file__).parent / "fixtures/report/support.py")))
SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_golden_default():
    S.check_golden("report.txt", render(S.fixture_report(), S.options()))


def test_golden_show_suppressed():
    S.check_golden(
        "report.show-suppressed.txt", render(S.fixture_report(), S.options(show_suppressed=True))
    )


def test_golden_related_fix_and_suppression():
    report = S.constructed_report()
    S.check_golden("constructed.txt", render(report, S.options(show_suppressed=True)))


def test_one_line_per_finding_grouped_by_file():
    out = render(S.fixture_report(), S.options())
    blocks = out.rstrip("\n").split("\n\n")
    summary = blocks.pop()
    assert summary.startswith("Found ")
    for block in blocks:
        heads = [line for line in block.splitlines() if not line.startswith("  ")]
        files = {line.split(":", 1)[0] for line in heads}
        assert len(files) == 1, block  # one file per block
    assert out.count("manifests/stray.yaml:") == 1
    assert "\nmanifests/stray.yaml:8:1: note NL003 document is a list, not a" in out


def test_summary_counts_files_and_suppressed():
    report = S.fixture_report()
    out = render(report, S.options())
    counts = report.counts()
    assert sum(counts.values()) == len(report.active) == 4
    last = out.splitlines()[-1]
    # config.yaml (an expired exclude) has a finding but is not one of the linted files
    assert last == (
        "Found 4 findings (1 error, 1 warning, 2 notes) in 4 of 6 files; "
        "2 suppressed (--show-suppressed lists them)."
    )
    shown = render(report, S.options(show_suppressed=True))
    assert shown.splitlines()[-1].endswith("; 2 suppressed (listed above).")


def test_suppressed_hidden_unless_asked_then_listed_with_reason():
    report = S.fixture_report()
    assert "NL002" not in render(report, S.options())
    shown = render(report, S.options(show_suppressed=True))
    assert (
        "  suppressed: annotation ignore.netlint.io/NL002: "
        "the chart sets type twice; the second value is the intended one"
    ) in shown
    assert "  suppressed: config.yaml exclude #1: kept on purpose" in shown


def test_source_template_hint_and_notes():
    out = render(S.constructed_report(), S.options())
    lines = out.splitlines()
    i = lines.index(
        "deploy/etcd.yaml:14:5: error NL002 duplicate key 'storageClassName' (first at line 12); "
        "Kubernetes keeps the last (StatefulSet kv/etcd)"
    )
    assert lines[i + 1 : i + 5] == [
        "  source: kv/templates/etcd.yaml",
        "  note: deploy/etcd.yaml:12:5: first definition (StatefulSet kv/etcd)",
        "  note: deploy/storage.yaml:4:9: the StorageClass it names [rotational disks] "
        "(StorageClass standard-hdd)",
        "  fix: delete the second storageClassName",
    ]


def test_clean_run_and_quiet():
    clean = S.fixture_report("manifests/clean.yaml", config=False)
    assert render(clean, S.options()) == "No findings in 1 file.\n"
    assert render(clean, S.options(quiet=True)) == ""
    report = S.fixture_report()
    loud = render(report, S.options()).splitlines()
    quiet = render(report, S.options(quiet=True)).splitlines()
    assert quiet == loud[:-2]  # the blank line and the summary go
    empty = S.Report(findings=[], rules=[], all_rules=(), files=[])
    assert render(empty, S.options()) == "No files checked.\n"


def test_no_ansi_without_color():
    for report in (S.fixture_report("manifests", "hostile"), S.constructed_report()):
        out = render(report, S.options(show_suppressed=True))
        assert "\x1b" not in out


def test_color_marks_severity_rule_and_path():
    report = S.fixture_report()
    plain = render(report, S.options())
    colored = render(report, S.options(color=True))
    assert "\x1b[1;31merror\x1b[0m" in colored
    assert "\x1b[1;33mwarning\x1b[0m" in colored
    assert "\x1b[1;36mnote\x1b[0m" in colored
    assert "\x1b[1mNL001\x1b[0m" in colored
    assert "\x1b[2mmanifests/broken.yaml:8:10:\x1b[0m" in colored
    assert SGR.sub("", colored) == plain


def test_manifest_text_cannot_drive_the_terminal():
    report = S.fixture_report("hostile", config=False)
    for color in (False, True):
        out = render(report, S.options(color=color))
        # only our own colour codes: no ESC, BEL, CR, bidi override or raw newline from input
        rest = SGR.sub("", out)
        for ch in ("\x1b", "\x07", "\r", "\u202e"):
            assert ch not in rest, repr(ch)
        assert "ConfigMap evil\\x1b[2J\\x1b[31m)" in out
        assert "ignore.netlint.io/NL\\x1b]0;pwned\\x07\\u202eX names no" in out
        assert "ignore.netlint.io/x\\n::add-mask::secret names no" in out
        heads = [line for line in rest.splitlines() if line.startswith("hostile/")]
        assert len(heads) == len(report.active) == 2


def test_visible():
    assert visible("plain ünïcødé 日本") == "plain ünïcødé 日本"
    assert visible("a\x1b[31mb") == "a\\x1b[31mb"
    assert visible("\t\n\r\x00\x7f\x9b") == "\\t\\n\\r\\x00\\x7f\\x9b"
    assert visible("\u202eabc\u2066\u2028") == "\\u202eabc\\u2066\\u2028"
    assert visible("lone \ud800") == "lone \\ud800"
