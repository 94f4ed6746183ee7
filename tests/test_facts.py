"""Facts kept past their documents (checks.FACTS, engine.Stream).

A Detached object answers `resource_span` as the object it was detached from, for the places it
was given. NL3 takes its members from each file as it is read: a member that reads nothing else
of the run is kept detached and its document goes; one that reads a ConfigMap or a claim keeps
its document and is found at the end; an owner in another file still makes its Pods its own.
NL2 keeps only the Services it can judge (exposed ones) beside the workloads and ConfigMaps.
tests/test_stream.py compares every streamed report with a whole run's on every corpus."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_scope import CORPORA, _paths, _rules

from netlint import engine
from netlint.api import Report, lint
from netlint.config import default_config
from netlint.context import Identities, ResourceIndex
from netlint.engine import fingerprint
from netlint.load import LoadedFile
from netlint.model import Detached, ObjectRef, Resource
from netlint.model import Path as FieldPath
from netlint.positions import detach, resource_span

ETCD = ROOT / "tests" / "fixtures" / "facts" / "etcd"


def _field_paths(data: Any, base: FieldPath = (), depth: int = 4) -> Iterator[FieldPath]:
    yield base
    if depth == 0:
        return
    if isinstance(data, dict):
        for key, value in list(data.items())[:6]:
            if isinstance(key, (str, int)) and not isinstance(key, bool):
                yield from _field_paths(value, (*base, key), depth - 1)
    elif isinstance(data, list):
        for i, value in enumerate(data[:3]):
            yield from _field_paths(value, (*base, i), depth - 1)


@pytest.mark.parametrize("corpus", CORPORA)
def test_a_detached_object_is_placed_as_its_document_places_it(corpus: str, tmp_path: Path) -> None:
    """Every object of the corpus, detached with its first fields (and a missing one), at the
    key and at the value: the same spans, identity, fingerprint and suppressions."""
    paths = _paths(corpus, tmp_path)
    report = lint([str(p) for p in paths], rules=_rules(), cwd=ROOT, keep_documents=True)
    loaded: list[LoadedFile] = report.inputs[0]
    index = engine.context(loaded, default_config()).index
    differ = []
    for resource in index.resources:
        places = [
            (path, at_key)
            for path in [*_field_paths(resource.data), ("spec", "no-such-field")]
            for at_key in (False, True)
        ]
        alone = detach(resource, places)
        assert type(alone) is Detached
        assert (alone.ref, alone.prefix, alone.file) == (
            resource.ref,
            resource.prefix,
            resource.file,
        )
        assert alone.doc.source_template == resource.doc.source_template
        assert alone.annotations == resource.annotations
        assert alone.labels == resource.labels
        for path, at_key in places:
            if resource_span(alone, path, at_key) != resource_span(resource, path, at_key):
                differ.append((resource.file.path, resource.ref.describe(), path, at_key))
        assert fingerprint("NL301", alone.file.path, alone.ref, alone.prefix, "") == fingerprint(
            "NL301", resource.file.path, resource.ref, resource.prefix, ""
        )
    assert differ == []
    assert bool(index.resources) is (corpus != "../shared/yaml-test-suite")  # not objects


def test_a_detached_object_has_no_document_to_read(tmp_path: Path) -> None:
    [resource] = _index([ETCD / "e-class.yaml"]).resources
    alone = detach(resource, [(("parameters", "type"), False)])
    assert alone.data == {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": "slow-hdd"},
    }
    assert alone.doc.data == {}
    assert resource_span(alone, ("parameters", "type"), False)[0].line == 7
    with pytest.raises(AssertionError, match="a detached object has no node"):
        alone.node  # noqa: B018
    with pytest.raises(KeyError):
        resource_span(alone, ("provisioner",), False)  # not given: never placed
    again = pickle.loads(pickle.dumps(alone))  # --jobs sends facts between processes
    assert (again.ref, again.spans) == (alone.ref, alone.spans)


def _index(paths: list[Path]) -> ResourceIndex:
    report = lint([str(p) for p in paths], cwd=ROOT, keep_documents=True)
    return engine.context(report.inputs[0], default_config()).index


def test_identities_find_what_the_index_finds() -> None:
    """`Identities.get` is `ResourceIndex.get` without the objects: exact, else without a
    namespace for a namespaced lookup; without a namespace, the only one of that name."""
    index = ResourceIndex()
    identities = Identities()
    objects = [
        ("StatefulSet", "kv", "etcd"),
        ("StatefulSet", None, "etcd"),
        ("StatefulSet", "a", "web"),
        ("StatefulSet", "b", "web"),
        ("StatefulSet", None, "bare"),
        ("Job", "a", "once"),
        ("Job", "a", "once"),
    ]
    for kind, namespace, name in objects:
        ref = ObjectRef("v1", kind, namespace, name)
        index.add(Resource(None, ref, {}, None))  # type: ignore[arg-type]
        identities.add(ref)
    asked = [
        (kind, name, namespace)
        for kind in ("StatefulSet", "Job", "Pod")
        for name in ("etcd", "web", "bare", "once", "none")
        for namespace in (None, "kv", "a", "b", "c")
    ]
    for kind, name, namespace in asked:
        found = index.get(kind, name, namespace)
        assert identities.get(kind, name, namespace) == (None if found is None else found.ref)
    assert identities.get("StatefulSet", "web") is None  # two namespaces: not the only one
    assert identities.get("StatefulSet", "bare", "c") is not None


def _lint(jobs: int = 1, keep: bool = False) -> Report:
    return lint([str(ETCD)], cwd=ROOT, select=["NL3"], jobs=jobs, keep_documents=keep)


def _kept(report: Report) -> list[tuple[str, int]]:
    return [(Path(lf.file.path).name, doc.index) for lf in report.inputs[0] for doc in lf.documents]


@pytest.fixture(params=["batches of 1 MiB", "one file a batch"])
def batch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "one file a batch":
        monkeypatch.setattr(engine.Stream, "BATCH_BYTES", 1)
    return str(request.param)


@pytest.fixture
def detached(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The objects NL3 detaches from their documents in this process, in order."""
    from netlint.checks.etcd import facts

    seen: list[str] = []

    def recording(resource: Resource, places: Any) -> Detached:
        seen.append(resource.ref.describe())
        return detach(resource, places)

    monkeypatch.setattr(facts, "detach", recording)
    return seen


EXPECTED = [
    ("NL301", "a-local.yaml", 25, 25),  # its claim template's class, a StorageClass elsewhere
    ("NL303", "b-from-env.yaml", 15, 9),  # ETCD_DATA_DIR=/srv/etcd, from c-env.yaml
    ("NL303", "d-pods.yaml", 23, 5),  # orphan-0: its owner is not in the run
    ("NL305", "d-pods.yaml", 25, 51),  # local-0 is StatefulSet local's: no finding
]


def test_nl3_takes_its_members_as_the_files_are_read(batch: str, detached: list[str]) -> None:
    """Only the member that reads a ConfigMap keeps its document, beside the ConfigMap and the
    StorageClass that NL3 reads whole at the end; the report is the whole run's."""
    whole = _lint(keep=True)
    streamed = _lint()
    assert streamed.findings == whole.findings
    found = [
        (f.rule, Path(f.file.path).name, f.span.line, f.span.column) for f in streamed.findings
    ]
    assert found == EXPECTED
    assert _kept(streamed) == [("b-from-env.yaml", 0), ("c-env.yaml", 0), ("e-class.yaml", 0)]
    assert len(_kept(whole)) == 6
    # the members that read nothing else: local-0 too, though its owner makes it no member
    assert detached == ["StatefulSet kv/local", "Pod kv/local-0", "Pod kv/orphan-0"]


def test_load_processes_send_the_facts_with_their_files() -> None:
    from netlint.parallel import can_fork

    if not can_fork():
        pytest.skip("no os.fork here: --jobs runs serially")
    whole = _lint(keep=True)
    forked = _lint(jobs=2)
    assert forked.findings == whole.findings
    assert _kept(forked) == [("b-from-env.yaml", 0), ("c-env.yaml", 0), ("e-class.yaml", 0)]


def test_a_rendered_member_keeps_its_document(tmp_path: Path) -> None:
    """Findings on helm output are mapped to its templates by reading the documents around
    them (Staged.finish): a member on standard input with `# Source:` lines is found at the
    end, from its document kept whole."""
    pods = (ETCD / "d-pods.yaml").read_text()
    text = "---\n# Source: chart/templates/etcd.yaml\n" + pods.replace(
        "---\n", "---\n# Source: chart/templates/orphan.yaml\n"
    )
    whole = lint(["-"], stdin=text.encode(), cwd=ROOT, select=["NL3"], keep_documents=True)
    streamed = lint(["-"], stdin=text.encode(), cwd=ROOT, select=["NL3"])
    assert streamed.findings == whole.findings
    # local-0's owner is not in this run: it is a member too
    assert [(f.rule, f.span.line, f.source_template) for f in streamed.findings] == [
        ("NL303", 12, "chart/templates/etcd.yaml"),
        ("NL303", 26, "chart/templates/orphan.yaml"),
        ("NL305", 28, "chart/templates/orphan.yaml"),
    ]
    assert _kept(streamed) == [("<stdin>", 0), ("<stdin>", 1)]


def test_nl3_reads_whole_the_kinds_another_family_keeps(batch: str, detached: list[str]) -> None:
    """With NL2 chosen too, StatefulSets and Pods are kept whole for it: NL3 reads its members
    there at the end, as without facts, and detaches none."""
    whole = lint([str(ETCD)], cwd=ROOT, select=["NL2", "NL3"], keep_documents=True)
    streamed = lint([str(ETCD)], cwd=ROOT, select=["NL2", "NL3"])
    assert streamed.findings == whole.findings
    found = [
        (f.rule, Path(f.file.path).name, f.span.line, f.span.column) for f in streamed.findings
    ]
    assert found == EXPECTED  # no Service: NL2 finds nothing
    assert _kept(streamed) == [
        ("a-local.yaml", 0),
        ("b-from-env.yaml", 0),
        ("c-env.yaml", 0),
        ("d-pods.yaml", 0),
        ("d-pods.yaml", 1),
        ("e-class.yaml", 0),
    ]
    assert detached == []


INGRESS = ROOT / "tests" / "fixtures" / "facts" / "ingress"


def test_nl2_keeps_only_the_services_it_can_judge(batch: str) -> None:
    """NL2 keeps a Service whole only if it is exposed (LoadBalancer or NodePort): the
    ClusterIP admission webhook, the ClusterIP metrics Service and the ExternalName go once
    their file is read, and NL202 still finds the misspelt policy there as it is read. The
    workloads and ConfigMaps are kept; the report is the whole run's."""
    from netlint.parallel import can_fork

    def run(**kw: Any) -> Report:
        return lint([str(INGRESS)], cwd=ROOT, select=["NL2"], **kw)

    whole = run(keep_documents=True)
    streamed = run()
    assert streamed.findings == whole.findings
    found = [
        (f.rule, Path(f.file.path).name, f.span.line, f.span.column) for f in streamed.findings
    ]
    assert found == [("NL201", "a-service.yaml", 10, 1), ("NL202", "b-internal.yaml", 10, 26)]
    [nl201, _] = streamed.findings
    related = [(Path(r.file.path).name, r.span.line, r.span.column) for r in nl201.related]
    assert related == [("a-service.yaml", 8, 29), ("c-controller.yaml", 3, 1)]
    kept = [("a-service.yaml", 0), ("c-controller.yaml", 0), ("c-controller.yaml", 1)]
    kept.append(("d-nodeport.yaml", 0))
    assert _kept(streamed) == kept
    assert len(_kept(whole)) == 7
    if can_fork():
        forked = run(jobs=2)
        assert forked.findings == whole.findings
        assert _kept(forked) == kept


# ../shared/corpus holds no CNI install NL1 judges
SHARED_FINDS = {("../shared/corpus", "NL2"), ("../shared/corpus", "NL3")}


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("family", ["NL1", "NL2", "NL3"])
def test_a_family_on_facts_finds_alone_what_a_whole_run_finds(
    corpus: str, family: str, tmp_path: Path
) -> None:
    """Chosen alone, a family that takes facts is the only reader of its kinds: NL1 keeps only
    the workloads its extractors read, NL2 only exposed Services, NL3 detaches its members. Its
    report is the whole run's on every corpus, serially and with two load processes."""
    from netlint.parallel import can_fork

    paths = [str(p) for p in _paths(corpus, tmp_path)]

    def run(**kw: Any) -> Report:
        return lint(paths, rules=_rules(), cwd=ROOT, select=[family], **kw)

    whole = run(keep_documents=True)
    assert run().findings == whole.findings
    if can_fork():
        assert run(jobs=2).findings == whole.findings
    # not a comparison of empty reports
    if corpus in ("examples", "rule fixtures") or (corpus, family) in SHARED_FINDS:
        assert any(f.rule.startswith(family) for f in whole.findings)


def test_a_load_process_sends_its_facts_without_the_objects_kept_whole() -> None:
    """`Stream.check` (what a --jobs process does with a file) leaves the facts unattached:
    the member found at the end travels as its key, not as a copy of its object, and is
    attached to the receiving process's own copy (`add_checked`)."""
    from netlint.api import read_file
    from netlint.checks.etcd.facts import EtcdFacts
    from netlint.inputs import InputFile
    from netlint.load import Limits

    path = ETCD / "b-from-env.yaml"
    loaded = read_file(InputFile(str(path), path), None, Limits(), False)
    with engine.Stream(default_config(), _rules(), select=["NL3"]) as stream:
        assert stream.check(loaded) == []
        sent = stream.facts_of(loaded)
        store = sent["NL3"]
        assert isinstance(store, EtcdFacts)
        [entry] = store.entries["StatefulSet"]
        assert (entry.members, entry.resource) == (None, None)
        assert [d.index for d in loaded.documents] == [0]  # kept whole
        stream.received(loaded, sent)
        stream.add_checked(loaded, [])
        [attached] = stream.facts["NL3"].entries["StatefulSet"]  # type: ignore[attr-defined]
        assert attached.resource is not None and attached.resource.doc is loaded.documents[0]
