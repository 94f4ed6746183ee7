"""Every case of ../shared/yaml-test-suite through netlint's loader, against the suite's verdict.

A case is a folder with `in.yaml`, its title in `===` and an `error` file when the input is
invalid YAML. Valid input must load without NL001; invalid input must give NL001 at a line of
the file. Where libyaml (the parser netlint uses, through ruamel.yaml.clib) disagrees with the
suite, the case must be listed in docs/yaml-conformance.md; the test fails on a disagreement
that is not listed and on a listed case that now agrees (a stale list).

Regenerate the table after a parser upgrade: `python tests/test_yaml_conformance.py`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "yaml-conformance.md"
SUITE = ROOT.parent / "shared" / "yaml-test-suite"
ACCEPTS = "accepts it"
_ROW = re.compile(r"^\| `([0-9A-Z]{4}(?:/\d+)?)` \| (.*?) \| (invalid|valid) \| (.*) \|$")


@dataclass(frozen=True)
class Verdict:
    case: str  # `2JQS` or `DK95/01`
    name: str
    invalid: bool  # what the suite says
    problem: str | None  # netlint's NL001 message (parser part), None when it loaded
    line: int  # of the NL001 finding (0 without one)
    lines: int  # lines in the file


def _name(folder: Path) -> str:
    for where in (folder, folder.parent):
        title = where / "==="
        if title.is_file():
            return " ".join(title.read_text("utf-8").split())
    return ""


def verdicts(suite: Path) -> list[Verdict]:
    from netlint.api import lint

    files = sorted(suite.rglob("in.yaml"))
    report = lint([str(f) for f in files], select=["NL001"], cwd=suite)
    assert report.errors == []
    found: dict[str, tuple[str, int]] = {}
    for finding in report.findings:
        found.setdefault(finding.file.path, (finding.message, finding.span.line))
    out = []
    for path in files:
        rel = path.relative_to(suite).as_posix()
        message, line = found.get(rel, (None, 0))
        if message is not None:
            message = message.removeprefix("YAML syntax error: ").split(". kubectl")[0]
        out.append(
            Verdict(
                rel.removesuffix("/in.yaml"),
                _name(path.parent),
                (path.parent / "error").exists(),
                message,
                line,
                path.read_bytes().count(b"\n") + 1,
            )
        )
    return out


def disagreements(all_verdicts: list[Verdict]) -> list[Verdict]:
    return [v for v in all_verdicts if v.invalid != (v.problem is not None)]


def listed() -> dict[str, tuple[str, str]]:
    """case -> (name, what the suite says) from the table in docs/yaml-conformance.md."""
    rows: dict[str, tuple[str, str]] = {}
    for line in DOC.read_text("utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            assert m.group(1) not in rows, f"{m.group(1)} is listed twice"
            rows[m.group(1)] = (m.group(2).replace("\\|", "|"), m.group(3))
    return rows


def render(all_verdicts: list[Verdict]) -> str:
    off = disagreements(all_verdicts)
    accepted = [v for v in off if v.invalid]
    rejected = [v for v in off if not v.invalid]
    head = f"""# YAML conformance

netlint parses YAML with libyaml (through `ruamel.yaml.clib`'s `CSafeLoader`), the parser
PyYAML and many other tools use. Its verdict on every case of the official
[YAML test suite](https://github.com/yaml/yaml-test-suite) (data branch, 2022-01-17) is tested
by `tests/test_yaml_conformance.py`: of {len(all_verdicts)} inputs, libyaml and the suite agree on
{len(all_verdicts) - len(off)}. The {len(off)} where they disagree are listed below; the test
fails when a case disagrees that is not listed, and when a listed case agrees again (after a
parser upgrade: regenerate this page with `python tests/test_yaml_conformance.py`).

What it means for a manifest: an input in the first table loads without a finding although
strict YAML 1.2 calls it invalid; an input in the second is reported as NL001 although it is
valid YAML 1.2. Nearly all of them are corner cases that Kubernetes manifests do not use
(directives, tabs as indentation, flow collections spanning lines with odd indentation,
anchors redefined). kubectl and Helm use go-yaml, a different parser with deviations of its own.

## Invalid YAML that libyaml accepts ({len(accepted)})

| case | name | suite | libyaml |
|---|---|---|---|
"""
    rows = [_row(v) for v in accepted]
    middle = f"""
## Valid YAML that libyaml rejects ({len(rejected)})

| case | name | suite | libyaml |
|---|---|---|---|
"""
    return head + "\n".join(rows) + "\n" + middle + "\n".join(_row(v) for v in rejected) + "\n"


def _row(v: Verdict) -> str:
    does = ACCEPTS if v.problem is None else f"line {v.line}: {v.problem}"
    name = v.name.replace("|", "\\|")
    return f"| `{v.case}` | {name} | {'invalid' if v.invalid else 'valid'} | {does} |"


@pytest.fixture(scope="module")
def suite_verdicts(shared_dir: Path) -> list[Verdict]:
    suite = shared_dir / "yaml-test-suite"
    if not suite.is_dir():
        pytest.skip(f"{suite} is absent")
    return verdicts(suite)


def test_every_case_is_read(suite_verdicts: list[Verdict]) -> None:
    assert len(suite_verdicts) == 402
    assert sum(v.invalid for v in suite_verdicts) == 94


def test_disagreements_are_exactly_the_documented_deviations(
    suite_verdicts: list[Verdict],
) -> None:
    documented = listed()
    actual = {
        v.case: (v.name, "invalid" if v.invalid else "valid") for v in disagreements(suite_verdicts)
    }
    new = {case: actual[case] for case in sorted(set(actual) - set(documented))}
    stale = {case: documented[case] for case in sorted(set(documented) - set(actual))}
    assert new == {}, "parser and suite disagree on cases docs/yaml-conformance.md does not list"
    assert stale == {}, "docs/yaml-conformance.md lists cases the parser now gets right"
    assert documented == actual  # names and verdicts as in the suite


def test_the_page_is_current(suite_verdicts: list[Verdict]) -> None:
    assert DOC.read_text("utf-8") == render(suite_verdicts), (
        "docs/yaml-conformance.md is stale: python tests/test_yaml_conformance.py"
    )


def test_invalid_inputs_are_reported_on_a_line_of_the_file(suite_verdicts: list[Verdict]) -> None:
    reported = [v for v in suite_verdicts if v.problem is not None]
    assert reported
    outside = [v.case for v in reported if not 1 <= v.line <= v.lines]
    assert outside == []


def test_valid_inputs_outside_the_list_load_cleanly(suite_verdicts: list[Verdict]) -> None:
    documented = listed()
    broken = [
        v.case for v in suite_verdicts if not v.invalid and v.problem and v.case not in documented
    ]
    assert broken == []


if __name__ == "__main__":
    DOC.write_text(render(verdicts(SUITE)), "utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
