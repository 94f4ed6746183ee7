"""engine.Stream: a serial run checks each batch of files with the file-scoped rules as they
are read and keeps only the documents the other rules read. Its report must be the report of
the run that keeps every document (engine.run on all the files), finding for finding, on every
corpus at hand: with the defaults, a cluster profile, a baseline, every rule chosen, and
batches of one file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_scope import CORPORA, _configs, _paths, _rules

from netlint import engine
from netlint.api import Report, lint
from netlint.checks import FACTS, REGISTRY
from netlint.config import Config
from netlint.context import ReadWhole, ResourceIndex
from netlint.load import LoadedFile


def _lint(paths: list[Path], config: Config, **kw: Any) -> Report:
    return lint([str(p) for p in paths], config, rules=_rules(), cwd=Path.cwd(), **kw)


def _documents(report: Report) -> list[tuple[str, int]]:
    loaded: list[LoadedFile] = report.inputs[0]
    return [(lf.file.path, doc.index) for lf in loaded for doc in lf.documents]


@pytest.fixture(params=["batches of 1 MiB", "one file a batch"])
def batch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "one file a batch":
        monkeypatch.setattr(engine.Stream, "BATCH_BYTES", 1)
    yield request.param


@pytest.mark.parametrize("corpus", CORPORA)
def test_a_stream_finds_what_a_whole_run_finds(corpus: str, tmp_path: Path, batch: str) -> None:
    paths = _paths(corpus, tmp_path)
    every = [rule.id for rule in _rules()]
    differ = []
    for name, config in _configs(tmp_path).items():
        whole = _lint(paths, config, keep_documents=True)
        half = {f.fingerprint for f in whole.findings[::2]}
        cases: dict[str, dict[str, Any]] = {
            "": {},
            " and a baseline": {"baseline": half},
            " and every rule": {"select": every},
        }
        for case, kw in cases.items():
            expected = whole if not kw else _lint(paths, config, keep_documents=True, **kw)
            streamed = _lint(paths, config, **kw)
            if streamed.findings != expected.findings or streamed.files != expected.files:
                differ.append(f"the {name}{case}")
            assert [r.id for r in streamed.rules] == [r.id for r in expected.rules]
    assert differ == []


def _holding(config: Config, index: ResourceIndex) -> set[int]:
    """The documents a stream keeps: those holding an object of a kind read whole after the
    files, or one a family's facts keep whole (context.ReadWhole: NL1's CNI workloads, NL2's
    exposed Services). NL3 keeps whole only members that read other objects, or in files
    mapped to templates: the corpora have none of a kind the run drops."""
    kinds = _read_after_the_files(config)
    chosen = {rule.family for rule in engine.select_rules(_rules(), config.model.select, ())}
    stores = [FACTS[f]() for f in sorted(chosen) if f in FACTS]
    whole = [s for s in stores if isinstance(s, ReadWhole)]
    return {
        id(r.doc)
        for r in index.resources
        if r.ref.kind in kinds or any(r.ref.kind in s.READ and s.reads(r) for s in whole)
    }


def _read_after_the_files(config: Config, select: tuple[str, ...] = ()) -> frozenset[str]:
    """The kinds the run checks read whole after the files: a family that takes facts from
    each file (checks.FACTS) reads its facts' KINDS."""
    chosen = engine.select_rules(_rules(), select or config.model.select, config.model.ignore)
    return frozenset(
        k
        for rule in chosen
        if REGISTRY[rule.check].scope == "run"
        for k in (
            FACTS[rule.family]().KINDS if rule.family in FACTS else REGISTRY[rule.check].kinds
        )
        or ()
    )


def test_a_stream_keeps_the_documents_the_later_rules_read(tmp_path: Path) -> None:
    """On ../shared/corpus, the documents kept are those that hold an object of a kind a run
    check reads; the others (CRDs, RBAC, ...) are dropped, and that is most of them."""
    paths = _paths("../shared/corpus", tmp_path)
    config = _configs(tmp_path)["defaults"]
    whole = _lint(paths, config, keep_documents=True)
    kinds = _read_after_the_files(config)
    assert {"ConfigMap", "StorageClass", "Deployment"} <= kinds
    assert "Service" not in kinds  # NL2 keeps the exposed ones only (checks/ingress/facts.py)
    assert "CustomResourceDefinition" not in kinds
    loaded: list[LoadedFile] = whole.inputs[0]
    index = engine.context(loaded, config).index  # the objects of the run
    holding = _holding(config, index)
    expected = [
        (lf.file.path, doc.index) for lf in loaded for doc in lf.documents if id(doc) in holding
    ]
    streamed = _lint(paths, config)
    kept = _documents(streamed)
    assert kept == expected
    # the files left without documents let go of their text
    emptied = {lf.file.path for lf in loaded} - {path for path, _ in expected}
    assert {lf.file.path for lf in streamed.inputs[0] if lf.file.lines == ()} == emptied
    assert len(emptied) == 118
    # 224 fewer than when NL1, NL2 and NL3 read their kinds' documents at the end (checks.FACTS):
    # the corpus's two EtcdClusters and 49 Jobs, CronJobs and ReplicationControllers, which NL2
    # does not read, NL1 reads none of (checks/mtu/facts.py) and NL3 finds no member among; and
    # 173 documents whose only Services are not exposed (checks/ingress/facts.py)
    assert (len(kept), len(_documents(whole))) == (503, 1989)


def test_every_rule_keeps_every_document(tmp_path: Path) -> None:
    """NL407 reads every object (Check.kinds None): chosen, nothing is dropped."""
    paths = _paths("examples", tmp_path)
    config = _configs(tmp_path)["defaults"]
    whole = _documents(_lint(paths, config, keep_documents=True))
    assert _documents(_lint(paths, config, select=["NL407", "NL001"])) == whole
    assert len(_documents(_lint(paths, config, select=["NL201", "NL001"]))) < len(whole)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_stream_writes_the_reports_of_a_whole_run(fmt: str, tmp_path: Path) -> None:
    """Every report format, byte for byte, on ../shared/corpus: the files whose documents all
    went let go of their text too (engine.Stream), and no report reads it."""
    from netlint.report import RenderOptions, writer

    paths = _paths("../shared/corpus", tmp_path)
    config = _configs(tmp_path)["examples profile"]
    options = RenderOptions(tool_version="0", base_dir=str(ROOT))
    streamed = _lint(paths, config)
    assert any(lf.file.lines == () for lf in streamed.inputs[0])
    whole = "".join(writer(fmt)(_lint(paths, config, keep_documents=True), options))
    assert "".join(writer(fmt)(streamed, options)) == whole


@pytest.mark.parametrize("corpus", CORPORA)
def test_load_processes_stream_as_one_does(corpus: str, tmp_path: Path) -> None:
    """--jobs 2: each load process checks the files it reads and sends them without the
    documents no later rule reads (api._load_in_processes); the report is the whole run's and
    the documents kept are the serial stream's."""
    from netlint.parallel import can_fork

    if not can_fork():
        pytest.skip("no os.fork here: --jobs runs serially")
    paths = _paths(corpus, tmp_path)
    for config in _configs(tmp_path).values():
        whole = _lint(paths, config, keep_documents=True)
        serial = _lint(paths, config)
        forked = _lint(paths, config, jobs=2)
        assert forked.findings == whole.findings
        assert forked.files == whole.files
        assert _documents(forked) == _documents(serial)


KUSTOMIZE = ROOT / "tests" / "fixtures" / "kustomize"


@pytest.mark.parametrize("overlay", ["overlays/dev", "overlays/staging", "overlays/prod"])
def test_a_rendered_kustomization_streams_too(overlay: str, tmp_path: Path) -> None:
    """One render, no alternative beside it: it is fed to the stream after the files, and its
    findings are mapped to the base and patch files as a whole run maps them."""
    import shutil

    if shutil.which("kustomize") is None and shutil.which("kubectl") is None:
        pytest.skip("neither kustomize nor kubectl is on PATH")
    config = _configs(tmp_path)["defaults"]
    paths = [KUSTOMIZE / overlay]
    whole = lint([str(p) for p in paths], config, cwd=KUSTOMIZE, keep_documents=True)
    streamed = lint([str(p) for p in paths], config, cwd=KUSTOMIZE)
    assert streamed.findings == whole.findings
    assert [f.rendered is not None for f in streamed.findings] == [True] * len(whole.findings)
    assert whole.findings
    loaded: list[LoadedFile] = whole.inputs[0]
    index = engine.context(loaded, config).index
    holding = _holding(config, index)
    assert _documents(streamed) == [
        (lf.file.path, doc.index) for lf in loaded for doc in lf.documents if id(doc) in holding
    ]


_CRD = (
    "# an operator's install\n"
    "apiVersion: apiextensions.k8s.io/v1\n"
    "kind: CustomResourceDefinition\n"
    "metadata:\n"
    "  name: widgets.example.com\n"
)
_SCHEMA = "spec:\n  group: example.com\n  names:\n    kind: Widget\n  scope: Namespaced\n"
# no CRD: nothing is skimmed
_SECRET = _CRD.replace("apiextensions.k8s.io/v1", "v1").replace(
    "CustomResourceDefinition", "Secret"
)
_REST = (
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    "  name: widget-operator\n"
    "spec:\n"
    "  template:\n"
    "    spec:\n"
    "      containers: [{name: op, image: 'example/op:1'}]\n"
    "---\n"
    "apiVersion: rbac.authorization.k8s.io/v1\n"
    "kind: Role\n"
    "metadata: {name: widget-operator}\n"
)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (_SECRET + _REST, 5),  # every document composed from the file's text
        (_CRD + _SCHEMA + _REST, 10),  # from a copy with the CRD's schema blanked (unread.py)
        ((_SECRET + _REST).replace("\n", "\r\n"), None),  # other line breaks: kept whole
    ],
    ids=["the file's text", "a skimmed copy", "CRLF"],
)
def test_a_file_keeps_the_text_of_its_kept_documents_only(
    text: str, first: int | None, tmp_path: Path
) -> None:
    """A CRD (or a Secret), a Deployment and a Role in one file: the Deployment is kept, and
    so are its lines (from its first up to the Role's first) at their numbers; the other
    lines are empty. Its tree, composed again from that text, is the tree of the whole
    text."""
    from netlint.positions import node_span

    path = tmp_path / "install.yaml"
    path.write_bytes(text.encode())
    config = _configs(tmp_path)["defaults"]
    whole = lint([str(path)], config, cwd=tmp_path, keep_documents=True)
    streamed = lint([str(path)], config, cwd=tmp_path)
    assert streamed.findings == whole.findings
    [loaded] = streamed.inputs[0]
    old = text.splitlines()
    if first is None:
        assert list(loaded.file.lines) == old
    else:
        deployment = range(first + 1, first + 10)  # after its `---`, up to the Role's
        assert list(loaded.file.lines) == [
            line if i in deployment else "" for i, line in enumerate(old)
        ]
    [doc] = loaded.documents
    assert doc.data["kind"] == "Deployment"
    [before] = [d for d in whole.inputs[0][0].documents if d.index == doc.index]

    def spans(node: Any) -> list[Any]:
        out = [node_span(node)]
        for child in getattr(node, "value", ()):
            for part in child if isinstance(child, tuple) else (child,):
                if hasattr(part, "start_mark"):
                    out += spans(part)
        return out

    assert spans(doc.node) == spans(before.node)
    assert len(spans(doc.node)) > 10
