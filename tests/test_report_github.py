"""GitHub workflow commands: one annotation per active finding, GitHub's escaping, and no way
for manifest text to start a command of its own."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from types import SimpleNamespace

from netlint.model import Finding, ObjectRef, Severity, SourceFile, Span
from netlint.report.github import escape_data, escape_property, render

# Shared fixture report, hand-built report, goldens and schemas (loaded by path: tests/ is
# not a package, and this works under any pytest import mode).
S = SimpleNamespace(**runpy.run_path(str(Path(__file__).parent / "fixtures/report/support.py")))
# What the runner accepts as a command: `::name` at the very start of a line.
COMMAND = re.compile(r"^::([A-Za-z-]+)[ :]")


def _finding(message: str, path: str = "render/x.yaml", **kw: object) -> Finding:
    values: dict[str, object] = {
        "rule": "NL006",
        "name": "unknown-suppression",
        "severity": Severity.WARNING,
        "message": message,
        "file": SourceFile(path, None),
        "span": Span(3, 5, 3, 9),
        "object": None,
        "source_template": None,
        "fingerprint": "ab",
    }
    values.update(kw)
    return Finding(**values)  # type: ignore[arg-type]


def _render(*findings: Finding) -> str:
    report = S.Report(findings=list(findings), rules=[], all_rules=(), files=["render/x.yaml"])
    return render(report, S.options())


def test_golden_fixture_set():
    S.check_golden("report.github.txt", render(S.fixture_report(), S.options()))


def test_golden_related_fix_and_suppressions():
    S.check_golden("constructed.github.txt", render(S.constructed_report(), S.options()))


def test_annotation_format_and_levels():
    out = render(S.fixture_report(), S.options()).splitlines()
    assert out[-1] == (
        "netlint: Found 4 findings (1 error, 1 warning, 2 notes) in 4 of 6 files; 2 suppressed."
    )
    assert [COMMAND.match(line).group(1) for line in out[:-1]] == [  # type: ignore[union-attr]
        "notice",
        "error",
        "warning",
        "notice",
    ]
    # commas and colons are escaped in properties only, not in the message
    assert out[1].startswith(
        "::error file=manifests/broken.yaml,line=8,col=10,endLine=8,endColumn=11,"
        "title=NL001 invalid-yaml::YAML syntax error: did not find expected ',' or ']'"
    )
    assert out[2].endswith(
        "(ConfigMap ingress/edge-settings)%0Asource: edge/templates/configmap.yaml"
    )


def test_suppressed_findings_are_not_annotated():
    out = render(S.fixture_report(), S.options())
    assert "NL002" not in out and "leftover" not in out
    assert "stdin" not in render(S.constructed_report(), S.options())


def test_related_notes_and_fix_become_extra_lines_of_the_message():
    out = render(S.constructed_report(), S.options())
    line = next(x for x in out.splitlines() if "NL002" in x)
    message = line.split("::", 2)[2]
    assert message.split("%0A") == [
        "duplicate key 'storageClassName' (first at line 12); Kubernetes keeps the last "
        "(StatefulSet kv/etcd)",
        "source: kv/templates/etcd.yaml",
        "note: deploy/etcd.yaml:12:5: first definition (StatefulSet kv/etcd)",
        "note: deploy/storage.yaml:4:9: the StorageClass it names [rotational disks] "
        "(StorageClass standard-hdd)",
        "fix: delete the second storageClassName",
    ]


def test_escaping_rules():
    assert escape_data("100% a\r\nb:c,d") == "100%25 a%0D%0Ab:c,d"
    assert escape_property("100% a\r\nb:c,d") == "100%25 a%0D%0Ab%3Ac%2Cd"
    out = _render(_finding("50% of 1,2: done", path="dir, with: odd%name.yaml"))
    assert out.startswith(
        "::warning file=dir%2C with%3A odd%25name.yaml,line=3,col=5,endLine=3,endColumn=9,"
        "title=NL006 unknown-suppression::50%25 of 1,2: done\n"
    )


def test_message_cannot_start_a_workflow_command():
    hostile = (
        "x\n::add-mask::hunter2\r\n::stop-commands::tok\r::error::fake"
        "\u2028::warning::fake\x85::notice::fake %0A::set-output name=a::b"
    )
    out = _render(
        _finding(
            hostile,
            path="a\n::add-mask::p.yaml",
            object=ObjectRef("v1", "ConfigMap", None, "n\n::add-mask::o"),
            source_template="t\n::add-mask::s",
        )
    )
    lines = out.split("\n")
    assert lines[-1] == ""
    assert len(lines) == 3  # the annotation, the summary, the final newline
    assert lines[0].startswith("::warning file=a\\n%3A%3Aadd-mask%3A%3Ap.yaml,line=3,")
    assert lines[1].startswith("netlint: ")
    for text in lines:
        match = COMMAND.match(text)
        assert match is None or match.group(1) == "warning", text
    for ch in ("\r", "\u2028", "\x85"):
        assert ch not in out
    # a literal "%0A" in the input stays text: its % is escaped
    assert "%250A::set-output" in lines[0]
    assert "x\\n::add-mask::hunter2\\r\\n::stop-commands::tok" in lines[0]


def test_hostile_fixture():
    out = render(S.fixture_report("hostile", config=False), S.options())
    for text in out.splitlines():
        assert text.startswith(("::warning ", "netlint: ")), text
    assert "\x1b" not in out and "\x07" not in out
    assert "ignore.netlint.io/x\\n::add-mask::secret names no" in out


def test_clean_run_is_just_the_summary():
    out = render(S.fixture_report("manifests/clean.yaml", config=False), S.options())
    assert out == "netlint: No findings in 1 file.\n"
