"""`--jobs N`: the same report, byte for byte and in every format, as `--jobs 1`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from perf_support import render_all, suite_texts, yaml_texts

from netlint import parallel
from netlint.api import lint
from netlint.catalog import load_rules

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="no os.fork on this platform")


def _all_formats(paths: list[str], cwd: Path, jobs: int, **kwargs: object) -> dict[str, str]:
    report = lint(paths, cwd=cwd, jobs=jobs, **kwargs)  # type: ignore[arg-type]
    return render_all(report, cwd)


def test_families_are_ordered_by_cost_and_cover_every_rule_once() -> None:
    rules = load_rules()
    units = parallel.families_by_cost([rule.family for rule in rules])
    assert [rules[unit[0]].family for unit in units] == ["NL4", "NL3", "NL2", "NL1", "NL0"]
    assert sorted(i for unit in units for i in unit) == list(range(len(rules)))
    for unit in units:
        assert {rules[i].family for i in unit} == {rules[unit[0]].family}
        assert unit == sorted(unit)
    # unknown families weigh 1.0 per rule; ties by name
    assert parallel.families_by_cost(["B", "A", "NL0", "B", "A"]) == [[1, 4], [0, 3], [2]]


def test_every_family_is_computed_once_whatever_the_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """run_groups: each process starts with its own family and takes the ones left from the
    pipe; every index is computed exactly once, and the answer is the serial one."""
    import os

    families = ["A", "B", "A", "C", "D", "E", "E", "F"]
    here = os.getpid()
    read, write = os.pipe()

    def work(i: int) -> tuple[int, str]:
        os.write(write, i.to_bytes(1, "big"))  # one record per computation, in any process
        return i * i, families[i]

    for jobs in (1, 2, 3, 6, 9):
        assert parallel.run_groups(len(families), work, families, jobs, []) == [
            (i * i, f) for i, f in enumerate(families)
        ]
        done = sorted(os.read(read, 64))
        assert done == list(range(len(families))), jobs
    os.close(read)
    os.close(write)
    assert os.getpid() == here


def test_files_and_refs_come_back_as_the_parents_own_objects() -> None:
    """run_groups sends a SourceFile or an ObjectRef it was given as its index: what a child
    computed holds the parent's objects themselves; others travel as values."""
    import os

    from netlint.model import ObjectRef, SourceFile

    files = [SourceFile("a.yaml", None, ()), SourceFile("b.yaml", None, ())]
    refs = [ObjectRef("v1", "ConfigMap", "n", "c"), ObjectRef("v1", "Service", None, "s")]
    other = ObjectRef("v1", "Secret", None, "x")
    here = os.getpid()

    def work(i: int) -> tuple[int, SourceFile, ObjectRef, ObjectRef]:
        return os.getpid(), files[i], refs[1 - i], other

    out = parallel.run_groups(2, work, ["A", "B"], 2, files, refs)
    assert [pid == here for pid, *_ in out] == [True, False]  # B was computed in the child
    assert [(f is files[i], r is refs[1 - i]) for i, (_, f, r, _) in enumerate(out)] == [
        (True, True),
        (True, True),
    ]
    assert out[1][3] == other and out[1][3] is not other


@pytest.mark.parametrize("waiting", ["parent", "child"])
def test_the_parent_takes_the_costliest_family_left_a_child_the_cheapest(waiting: str) -> None:
    """After its first family, this process takes the costliest left and a child the
    cheapest left. One process waits in its first family until the other has taken all it
    can (or 20 s): the other's order is then the whole order of what was left."""
    import os
    import select

    # five families of 5, 4, 3, 2 and 1 rules: A is the costliest, then B, C, D, E
    families = [f for f, n in zip("ABCDE", (5, 4, 3, 2, 1), strict=True) for _ in range(n)]
    firsts = {families.index(f): f for f in "ABCDE"}  # the first rule of each family
    here = os.getpid()
    log_r, log_w = os.pipe()  # "P" or "C" and the family, as each family starts
    done_r, done_w = os.pipe()  # the other process has taken its last family
    last = "E" if waiting == "child" else "C"  # what the other one takes last

    def work(i: int) -> int:
        family = firsts.get(i)
        if family is None:
            return i
        me = "parent" if os.getpid() == here else "child"
        os.write(log_w, (me[0].upper() + family).encode())
        if family == last and me != waiting:
            os.write(done_w, b"x")
        if family in "AB" and me == waiting:
            select.select([done_r], [], [], 20)
        return i

    assert parallel.run_groups(len(families), work, families, 2, []) == list(range(15))
    log = os.read(log_r, 64).decode()
    for fd in (log_r, log_w, done_r, done_w):
        os.close(fd)
    taken = {
        who: "".join(log[k + 1] for k in range(0, len(log), 2) if log[k] == who) for who in "PC"
    }
    assert taken == ({"P": "ACDE", "C": "B"} if waiting == "child" else {"P": "A", "C": "BEDC"})


def test_a_span_pickles_as_its_four_ints() -> None:
    import pickle

    from netlint.model import Span

    span = Span(3, 5, 4, 1)
    assert span.__reduce__() == (Span, (3, 5, 4, 1))
    back = pickle.loads(pickle.dumps([span, span], pickle.HIGHEST_PROTOCOL))
    assert back == [span, span] and type(back[0]) is Span and back[0] is back[1]


def test_a_finding_pickles_as_its_fields() -> None:
    import dataclasses
    import pickle

    finding = lint([str(ROOT / "examples")], cwd=ROOT, jobs=1).findings[0]
    reduced = finding.__reduce__()
    assert reduced == (
        type(finding),
        tuple(getattr(finding, f.name) for f in dataclasses.fields(finding)),
    )
    back = pickle.loads(pickle.dumps([finding, finding], pickle.HIGHEST_PROTOCOL))
    assert back == [finding, finding] and type(back[0]) is type(finding) and back[0] is back[1]
    assert not hasattr(finding, "__dict__")  # slotted


def test_examples_give_the_same_report_in_every_format(tmp_path: Path) -> None:
    serial = _all_formats([str(ROOT / "examples")], ROOT, 1)
    assert "NL101" in serial["json"] and "NL401" in serial["json"]
    for jobs in (2, 3, 5):
        assert _all_formats([str(ROOT / "examples")], ROOT, jobs) == serial


def test_suppressed_and_baselined_findings_are_the_same(tmp_path: Path) -> None:
    first = lint([str(ROOT / "examples")], cwd=ROOT, jobs=1)
    known = {f.fingerprint for f in first.findings[::2]}
    serial = _all_formats([str(ROOT / "examples")], ROOT, 1, baseline=known)
    assert '"baseline"' in serial["sarif"] or "baseline" in serial["json"]
    assert _all_formats([str(ROOT / "examples")], ROOT, 2, baseline=known) == serial


def test_an_error_in_a_worker_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.checks import REGISTRY, Check

    def broken(ctx: object, params: object) -> list[object]:
        raise ValueError("broken check")

    # a rule of the second costliest family: the forked child starts with it
    rules = load_rules()
    units = parallel.families_by_cost([rule.family for rule in rules])
    monkeypatch.setitem(REGISTRY, rules[units[1][0]].check, Check(broken))
    with pytest.raises(ValueError, match="broken check"):
        lint([str(ROOT / "examples")], cwd=ROOT, jobs=2)


def test_cli_jobs_must_be_at_least_one() -> None:
    result = run_cli("check", str(ROOT / "examples"), "--jobs", "0")
    assert result.returncode == 2, result.describe()
    assert "--jobs" in result.stderr


@pytest.mark.slow
def test_the_corpus_gives_the_same_report_in_every_format(corpus_dir: Path) -> None:
    serial = _all_formats([str(corpus_dir)], corpus_dir, 1)
    assert _all_formats([str(corpus_dir)], corpus_dir, 2) == serial


def test_units_are_claimed_heaviest_first_in_runs_of_at_most_1024() -> None:
    assert parallel.claim_units([5, 1, 1, 3]) == [[0], [3], [1], [2]]
    assert parallel.claim_units([]) == []
    assert parallel.claim_units([2, 2]) == [[0], [1]]  # ties in order
    assert len(parallel.claim_units([1] * 1024)) == 1024
    # past 1024 items, consecutive runs of that order: 2 per unit up to 2048, then 3
    units = parallel.claim_units([*range(2048)])
    assert len(units) == 1024 and units[0] == [2047, 2046] and units[-1] == [1, 0]
    units = parallel.claim_units([*range(2050)])
    assert len(units) == 684 and units[0] == [2049, 2048, 2047] and units[-1] == [0]
    assert sorted(i for unit in units for i in unit) == list(range(2050))


def test_map_claimed_computes_every_item_once_whatever_the_processes() -> None:
    """Each process takes the next unit left; every item is computed exactly once, `meanwhile`
    once in this process before it claims anything, and the answer is the serial one."""
    import os

    here = os.getpid()
    read, write = os.pipe()
    meanwhile: list[int] = []

    def work(i: int) -> tuple[int, int]:
        os.write(write, i.to_bytes(1, "big"))  # one record per computation, in any process
        return i, i * i

    for jobs in (1, 2, 3, 9):
        meanwhile.clear()
        out = parallel.map_claimed(
            list(range(7)), work, [3, 1, 4, 1, 5, 9, 2], jobs, lambda: meanwhile.append(os.getpid())
        )
        assert out == [(i, i * i) for i in range(7)]
        assert sorted(os.read(read, 64)) == list(range(7)), jobs
        assert meanwhile == [here]
    os.close(read)
    os.close(write)


def test_items_a_child_does_not_send_are_computed_here() -> None:
    """A child whose result does not pickle sends nothing: what it claimed is computed here."""
    import os

    here = os.getpid()

    def work(i: int) -> object:
        # in a child, an item that does not pickle; here, its pid
        return (lambda: i) if os.getpid() != here else (i, os.getpid())

    assert parallel.map_claimed(list(range(5)), work, [1] * 5, 2) == [(i, here) for i in range(5)]


def test_a_childs_results_arrive_while_it_works() -> None:
    """This process takes in a child's results as they come (after each item of its own),
    `received` applied to each: the child's second item waits for its first to have been
    received here, which only a streamed result can be (a child that sent its results at the
    end would give up waiting after 20 s, and say so in its result)."""
    import os
    import select

    here = os.getpid()
    at_second_r, at_second_w = os.pipe()  # the child tells: it is at its second item
    got_r, got_w = os.pipe()  # this process tells: it received a result
    received: list[object] = []

    def work(i: int) -> tuple[str, int, int]:
        if os.getpid() == here:
            return ("here", i, 0)
        if i == 5:
            os.write(at_second_w, b"5")
            ready, _, _ = select.select([got_r], [], [], 20)
            return ("child", i, os.read(got_r, 1)[0] if ready else -1)
        return ("child", i, 0)

    def got(result: tuple[str, int, int]) -> tuple[str, int, int]:
        received.append(result)
        os.write(got_w, b"\x01")
        return result

    def meanwhile() -> None:
        # this process claims nothing before the child is at its second item
        select.select([at_second_r], [], [], 20)

    # the units, heaviest first: 0 and 5, both claimed by the child, then 1 to 4
    out = parallel.map_claimed(list(range(6)), work, [9, 1, 1, 1, 1, 8], 2, meanwhile, got)
    for fd in (at_second_r, at_second_w, got_r, got_w):
        os.close(fd)
    # 1 to 4: computed in whichever process claimed them
    assert [(i, extra) for _, i, extra in out] == [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 1)]
    assert out[0] == ("child", 0, 0) and out[5] == ("child", 5, 1)
    later = [r for r in out[1:5] if r[0] == "child"]
    assert received == [("child", 0, 0), ("child", 5, 1), *later]


def test_a_record_cut_off_is_dropped_and_what_came_before_kept() -> None:
    import io
    import os
    import pickle

    read, write = os.pipe()
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    shared = ["shared", "by", "both"]
    records = []
    for value in ((0, shared), (1, shared), (2, "cut off")):
        pickler.dump(value)
        records.append(len(buffer.getvalue()).to_bytes(8, "big") + buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    os.write(write, records[0] + records[1] + records[2][:-3])
    os.close(write)
    inbox = parallel._Inbox(read)
    got = list(inbox.records(True))
    inbox.close()
    # the second refers to the first's list (one pickler's memo): one list again
    assert got == [(0, shared), (1, shared)] and got[0][1] is got[1][1]


def test_the_records_after_one_that_does_not_unpickle_are_dropped() -> None:
    import os
    import pickle

    read, write = os.pipe()
    good = pickle.dumps((0, "a"), pickle.HIGHEST_PROTOCOL)
    bad = b"not a pickle"
    os.write(write, b"".join(len(r).to_bytes(8, "big") + r for r in (good, bad, good)))
    os.close(write)
    inbox = parallel._Inbox(read)
    assert list(inbox.records(True)) == [(0, "a")]
    inbox.close()


def test_what_a_child_sent_before_it_died_is_kept_and_the_rest_computed_here() -> None:
    import os
    import select

    here = os.getpid()
    read, write = os.pipe()  # the items computed in this process, as they are
    dying_r, dying_w = os.pipe()

    def work(i: int) -> tuple[int, int]:
        if os.getpid() != here and i == 3:
            os.write(dying_w, b"3")
            os._exit(9)  # the child dies on its third item, having sent two
        if os.getpid() == here:
            os.write(write, bytes([i]))
        return i, i * i

    def wait() -> None:
        # nothing here before the child has claimed three units and died
        select.select([dying_r], [], [], 20)

    # the child claims 0, 1 and 3 (the heaviest units) before this process claims any
    out = parallel.map_claimed(list(range(6)), work, [9, 8, 1, 7, 1, 1], 2, wait)
    os.close(write)
    here_items = sorted(os.read(read, 64))
    for fd in (read, dying_r, dying_w):
        os.close(fd)
    assert out == [(i, i * i) for i in range(6)]
    assert here_items == [2, 3, 4, 5]


def test_files_loaded_in_processes_are_the_files_loaded_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading in two processes (api._load_in_processes) gives the serial report: the same
    files in the same order, the same read errors; a file whose documents keep node trees (an
    alias) is not sent between processes but read again in the parent."""
    import os

    from netlint import api

    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  type: NodePort\n"
    (tmp_path / "a.yaml").write_text(service.format(i=1) + "# " + "x" * 400 + "\n")
    # the second heaviest: the second share, loaded in the child
    (tmp_path / "b.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n b\n  labels: {x: *n}\n"
        + "# "
        + "y" * 300
        + "\n"
    )
    (tmp_path / "c.yaml").write_text(service.format(i=3))
    (tmp_path / "d.yaml").write_text("a: [\n")
    (tmp_path / "e.yaml").write_text(service.format(i=5))
    read = api.read_input
    loads: list[str] = []  # the files read in this process
    in_child: list[str] = []  # those read in the child, in order, as it tells on a pipe
    here = os.getpid()
    signal_r, signal_w = os.pipe()

    def reading(path: Path, limit: int) -> bytes:
        if os.getpid() == here:
            loads.append(path.name)
        else:
            os.write(signal_w, path.name.encode() + b"\n")
        if path.name == "e.yaml":
            raise PermissionError(13, "Permission denied")
        return read(path, limit)

    real = parallel.map_claimed

    def child_first(
        items: list[object],
        work: object,
        weights: list[int],
        jobs: int,
        meanwhile: object,
        received: object,
    ) -> list[object]:
        def wait() -> None:
            # this process claims nothing before the child has read every file
            told = b""
            while told.count(b"\n") < len(items):
                told += os.read(signal_r, 64)
            in_child.extend(told.decode().split())

        return real(items, work, weights, jobs, wait, received)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "read_input", reading)
    serial = lint([str(tmp_path)], cwd=tmp_path, jobs=1)
    loads.clear()
    monkeypatch.setattr(parallel, "map_claimed", child_first)
    both = lint([str(tmp_path)], cwd=tmp_path, jobs=2)
    os.close(signal_r)
    os.close(signal_w)
    assert both.files == serial.files == ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
    assert both.errors == serial.errors == ["e.yaml: cannot read: permission denied"]
    assert render_all(both, tmp_path) == render_all(serial, tmp_path)
    # the child read every file, the biggest first (ties in order); then this process read b
    # again, whose alias keeps its node tree
    assert in_child == ["a.yaml", "b.yaml", "c.yaml", "e.yaml", "d.yaml"]
    assert loads == ["b.yaml"]


def test_progress_counts_the_files_read_here_then_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from netlint import api

    for name in "abcd":
        (tmp_path / f"{name}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n"
        )
    read = api.read_input
    here: list[str] = []

    def reading(path: Path, limit: int) -> bytes:
        if os.getpid() == pid:
            here.append(path.name)
        return read(path, limit)

    pid = os.getpid()
    monkeypatch.setattr(api, "read_input", reading)
    calls: list[tuple[int, int]] = []
    lint(
        [str(tmp_path)],
        cwd=tmp_path,
        jobs=2,
        progress=lambda done, total: calls.append((done, total)),
    )
    # one call per file read here (however many the child took), then one for all
    assert calls == [*((i, 4) for i in range(1, len(here) + 1)), (4, 4)]


def test_the_default_is_a_process_per_share_of_input_up_to_the_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    share = parallel.AUTO_SHARE
    assert [parallel.auto_jobs(n) for n in (0, share - 1, share, 3 * share + 1, 99 * share)] == [
        1,
        1,
        1,
        3,
        4,
    ]
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.auto_jobs(99 * share) == 1


def test_a_share_whose_process_sends_nothing_is_loaded_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child's results would not pickle (here: pickling fails in the child): the parent
    loads that share itself, and the report is the serial one."""
    for name in "abcd":
        (tmp_path / f"{name}.yaml").write_text(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{type: NodePort}}\n"
        )
    serial = render_all(lint([str(tmp_path)], cwd=tmp_path, jobs=1), tmp_path)

    class Refusing(parallel.pickle.Pickler):  # type: ignore[misc]
        def dump(self, obj: object) -> None:
            raise RuntimeError("cannot pickle")

    monkeypatch.setattr(parallel.pickle, "Pickler", Refusing)
    calls: list[tuple[int, int]] = []
    report = lint([str(tmp_path)], cwd=tmp_path, jobs=2, progress=lambda d, t: calls.append((d, t)))
    assert render_all(report, tmp_path) == serial
    # all four files were read in this process: what it claimed, then what the child had
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4), (4, 4)]


def _files_text(held: object, lines: object) -> bool:
    """Whether a document's tree composes from its file's own text (the same object)."""
    from netlint.model import Lines

    return held is lines or (isinstance(lines, Lines) and held is lines.held)


def _round_trip(text: str, name: str) -> bool:
    """load.pack, pickled and unpickled as between processes, then load.unpack: the file as it
    was loaded. Returns whether the file could be packed (no document keeps its node tree)."""
    import pickle

    from netlint.load import _Tree, load_text, pack, unpack
    from netlint.model import Lines, SourceFile

    loaded = load_text(SourceFile(name, "/abs/" + name, Lines(text)), text, keep_nodes=False)
    packed = pack(loaded)
    if packed is None:
        assert any(type(d.tree) is not _Tree for d in loaded.documents)
        return False
    back = unpack(pickle.loads(pickle.dumps(packed, pickle.HIGHEST_PROTOCOL)))
    assert back.file == loaded.file and back.file.lines.text == text  # type: ignore[attr-defined]
    assert back.file.lines.raw == loaded.file.lines.raw  # type: ignore[attr-defined]
    assert back.problems == loaded.problems and back.sources == loaded.sources
    assert len(back.documents) == len(loaded.documents)
    for was, doc in zip(loaded.documents, back.documents, strict=True):
        assert doc.file is back.file
        assert (doc.index, doc.data, doc.source_template) == (
            was.index,
            was.data,
            was.source_template,
        )
        assert type(doc.data) is type(was.data)
        old, new = was.tree, doc.tree
        assert isinstance(old, _Tree) and isinstance(new, _Tree)
        assert (new.text, new.line0, new.start, new.node) == (old.text, old.line0, old.start, None)
        assert type(new.text) is type(old.text)  # a str, the file's Lines, or UTF-8
        # one text for the file and its documents, as loaded
        assert _files_text(new.text, back.file.lines) == _files_text(old.text, loaded.file.lines)
        if old.marks is None:
            assert new.marks is None
        else:
            assert new.marks is not None
            assert new.marks.cells == old.marks.cells
            assert new.marks.cells.typecode == old.marks.cells.typecode
        assert doc.node is not None and was.node is not None
    return True


def test_a_packed_file_is_the_file_loaded() -> None:
    wide = "".join(f"k{i}: {'v' * 70000 if i == 3 else i}\n" for i in range(5))  # 'i' cells
    texts = [
        ("plain.yaml", "a: 1\n---\nkind: K\nb: [1, {c: d}]\n"),
        ("alias.yaml", "a: &x 1\nb: *x\n"),  # keeps its tree: not packed
        ("inexact.yaml", "kind: A\n80: x\n"),  # no recorded positions
        ("broken.yaml", "a: 1\n---\nb: [\n"),
        ("wide.yaml", wide),
        ("crlf.yaml", "a: 1\r\nb: 2\r\n"),
        ("empty.yaml", ""),
        # held as UTF-8 (model.Lines.compact): the file's text, and a skimmed CRD's copy
        ("quotes.yaml", "# it\u2019s\n" + "---\nkind: K\nspec: {a: b}\n" * 300),
        ("crd.yaml", "# \u201c\n" + _CRD * 40),
    ]
    assert [_round_trip(text, name) for name, text in texts] == [
        True,
        False,
        True,
        True,
        True,
        True,
        True,
        True,
        True,
    ]


_CRD = (
    "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
    "  name: c.example.com\nspec:\n  group: example.com\n  versions:\n  - name: v1\n"
    "    schema:\n      openAPIV3Schema:\n        type: object\n"
)


def test_texts_held_as_utf8_pack_as_utf8() -> None:
    import pickle

    from netlint.load import _Tree, load_text, pack, unpack
    from netlint.model import Lines, SourceFile

    for text, skimmed in (
        ("# it\u2019s\n" + "---\nkind: K\nspec: {a: b}\n" * 300, False),
        ("# \u201c\n" + _CRD * 40, True),
    ):
        loaded = load_text(SourceFile("a.yaml", None, Lines(text)), text, keep_nodes=False)
        packed = pack(loaded)
        assert packed is not None and packed[2] == text.encode("utf-8")
        back = unpack(pickle.loads(pickle.dumps(packed, pickle.HIGHEST_PROTOCOL)))
        assert isinstance(back.file.lines, Lines) and back.file.lines.raw == packed[2]
        held = {id(d.tree.text): d.tree.text for d in back.documents}  # type: ignore[union-attr]
        # one text for all documents: the file's, or the skimmed copy's (unread.py)
        assert len(held) == 1
        (one,) = held.values()
        assert isinstance(one, Lines) and (one is back.file.lines) is not skimmed
        assert one.raw is not None
        assert all(type(d.tree) is _Tree for d in back.documents)


@pytest.mark.slow
def test_every_corpus_file_packs_as_loaded(corpus_dir: Path) -> None:
    texts = yaml_texts(corpus_dir)
    packed = [_round_trip(text, name) for name, text in texts]
    # the 3 corpus files that keep a node tree (an anchor, templates that may hold an alias,
    # one 1 MB document with templates) are read again
    assert (len(texts), packed.count(True)) == (380, 377)


@pytest.mark.slow
def test_every_yaml_test_suite_text_packs_as_loaded(shared_dir: Path) -> None:
    texts = suite_texts(shared_dir)
    packed = [_round_trip(text, name) for name, text in texts]
    assert (len(texts), packed.count(True)) == (402, 346)
