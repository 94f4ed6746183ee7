"""The JSON and SARIF reports written in pieces (`pieces`, what the CLI writes as it goes) are
the text of `render`, whatever the runs and the processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from perf_support import render

from netlint import report as report_module
from netlint.api import Report, lint
from netlint.report import RenderOptions, escape, json_report, sarif, writer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report() -> Report:
    found = lint([str(ROOT / "rules")], cwd=ROOT, jobs=1)  # every rule's fixtures
    assert len(found.findings) == 158
    return found


def _options() -> RenderOptions:
    # as perf_support.render writes them
    return RenderOptions(tool_version="test", base_dir=str(ROOT))


def test_json_in_runs(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = render(report, "json", ROOT)
    assert "".join(json_report.pieces(report, _options())) == whole
    monkeypatch.setattr(report_module, "RUN", 40)
    pieces = list(json_report.pieces(report, _options()))
    assert "".join(pieces) == whole
    assert len(pieces) == 2 + 4  # before, 158 findings in runs of 40, after


def test_sarif_in_runs(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = render(report, "sarif", ROOT)
    monkeypatch.setattr(report_module, "RUN", 50)
    pieces = list(sarif.pieces(report, _options()))
    assert "".join(pieces) == whole
    assert len(pieces) == 2 + 4  # before, 158 results in runs of 50, after


def test_without_the_c_encoder_one_piece(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    wholes = {fmt: render(report, fmt, ROOT) for fmt in ("json", "sarif")}
    monkeypatch.setattr(escape, "_c_make_encoder", None)
    for fmt, module in (("json", json_report), ("sarif", sarif)):
        assert list(module.pieces(report, _options())) == [wholes[fmt]]  # type: ignore[attr-defined]


def test_text_and_github_in_runs(
    report: Report, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from netlint.report import github, text

    # text: a piece ends with the first finding that takes it to RUN lines or more (the
    # summary joins the last); github: RUN annotations a piece, then the summary
    # (text's RUN counts lines, the other formats' `report.RUN` findings)
    for fmt, module, run, count in (("text", text, 100, 5), ("github", github, 40, 5)):
        whole = render(report, fmt, ROOT)
        monkeypatch.setattr(text if fmt == "text" else report_module, "RUN", run)
        pieces = list(module.pieces(report, _options()))  # type: ignore[attr-defined]
        assert "".join(pieces) == whole, fmt
        assert len(pieces) == count, fmt
        if fmt == "text":
            assert all(piece.count("\n") >= run for piece in pieces[:-1])
    # wrapped, quiet, with suppressed findings, and with no finding at all
    wrapped = RenderOptions(width=40, quiet=True, show_suppressed=True)
    monkeypatch.setattr(text, "RUN", 7)
    assert "".join(text.pieces(report, wrapped)) == render_with(report, wrapped)
    (tmp_path / "clean.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    empty = lint([str(tmp_path)], cwd=tmp_path, jobs=1)
    assert empty.findings == []
    assert list(text.pieces(empty, RenderOptions(quiet=True))) == []
    assert "".join(text.pieces(empty, RenderOptions())) == text.render(empty, RenderOptions())


def render_with(report: Report, options: RenderOptions) -> str:
    """The text report as one join of its lines, as it was written before `pieces`."""
    from netlint.report.text import _Style, finding_lines, summary_line, wrap

    style = _Style(options.color)
    shown = report.findings if options.show_suppressed else report.active
    lines: list[str] = []
    current: str | None = None
    for finding in shown:
        if current is not None and finding.file.path != current:
            lines.append("")
        current = finding.file.path
        lines.extend(finding_lines(finding, style))
    if not options.quiet:
        if lines:
            lines.append("")
        lines.append(style.bold(summary_line(report, "listed above")))
    if options.width:
        lines = [w for line in lines for w in wrap(line, options.width)]
    return "\n".join(lines) + "\n" if lines else ""


def test_what_the_cli_writes() -> None:
    """writer: the formatter's pieces."""
    from netlint.report import github, text

    for fmt, module in (
        ("json", json_report),
        ("sarif", sarif),
        ("text", text),
        ("github", github),
    ):
        assert writer(fmt) is module.pieces  # type: ignore[attr-defined]


def _both_ways(report: Report, base: Path) -> tuple[list[str], list[str]]:
    results: list[object] = []
    _, write = sarif._frame(report, RenderOptions(tool_version="t", base_dir=str(base)), results)
    texts = write.texts(report.findings)
    assert texts is not None
    return texts, escape.texts_at(write(report.findings), 4)


def test_sarif_results_from_templates_are_the_dicts_written(report: Report) -> None:
    templated, written = _both_ways(report, ROOT)
    assert templated == written
    # and with suppressed findings (annotations, a baseline), outside the base directory too
    known = {f.fingerprint for f in report.findings[::3]}
    baselined = lint([str(ROOT / "rules")], cwd=ROOT, jobs=1, baseline=known)
    expected = sum(f.fingerprint in known for f in report.findings)
    assert sum(f.suppressed for f in baselined.findings) == expected == 61
    for base in (ROOT, ROOT / "netlint"):
        templated, written = _both_ways(baselined, base)
        assert templated == written


@pytest.mark.slow
def test_sarif_results_from_templates_on_the_corpus(corpus_dir: Path) -> None:
    corpus = lint([str(corpus_dir)], cwd=corpus_dir, jobs=1)
    templated, written = _both_ways(corpus, corpus_dir)
    assert templated == written
    assert len(templated) == len(corpus.findings)
