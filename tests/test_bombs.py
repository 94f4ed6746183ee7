"""Resource bombs end quickly, in bounded memory, with a clear finding.

Each input is generated in tmp_path at test time and checked by the CLI in a subprocess whose
own peak RSS (os.wait4) must stay under 200 MiB. Time is never asserted (tests/measure.py has a
generous hang guard only); `pytest -s` prints each run's seconds and MiB.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from measure import MAX_RSS_BYTES, Measured, run_measured

from netlint.config import LimitsModel

MiB = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 8 * MiB

REFUSED_DEEP = (
    "document refused: nested too deeply to parse safely (over 5000 open brackets or columns "
    "of block indentation); the file is not parsed"
)
TOO_MANY_NODES = (
    "document refused: document expands to more than 2000000 nodes (alias bomb?); not checked "
    "(limit: limits.max_nodes_per_document)"
)
CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{}\n"


def check(tmp_path: Path, name: str, *extra: str, stdin: Path | None = None) -> Measured:
    result = run_measured(["check", "--format", "json", *extra, name], tmp_path, stdin)
    assert "Traceback" not in result.stderr, result.describe()
    assert result.max_rss < MAX_RSS_BYTES, result.describe()
    return result


def laughs(levels: int, width: int = 10) -> str:
    """The billion laughs: each anchor is a list of `width` aliases to the one before."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lol.yaml").write_text(laughs(10))  # 10**10 strings once expanded
    result = check(tmp_path, "lol.yaml")
    assert result.returncode == 1, result.describe()
    assert result.findings() == [("NL001", 1, 1, TOO_MANY_NODES)]  # the document's start


def test_many_documents_of_laughs_share_one_budget(tmp_path: Path) -> None:
    """20 documents under the per-document limit (1.1 million nodes each) would build 22
    million nodes: the file's budget (limits.max_nodes_per_file, 5 million) stops at the
    fifth; the four before it are checked (NL003: they are not Kubernetes objects)."""
    doc = laughs(6)
    (tmp_path / "lols.yaml").write_text("---\n".join([doc] * 20))
    result = check(tmp_path, "lols.yaml")
    assert result.returncode == 1, result.describe()
    per_doc = doc.count("\n") + 1  # lines of one document with its `---`
    not_objects = [("NL003", 1 + per_doc * i) for i in range(4)]
    refused = [("NL001", 1 + per_doc * i) for i in range(4, 20)]
    assert [(r, line) for r, line, _, _ in result.findings()] == not_objects + refused
    messages = {m for r, _, _, m in result.findings() if r == "NL001"}
    assert messages == {
        "document refused: the documents of this file expand to more than 5000000 nodes "
        "together (alias bombs?); this document is not checked (limit: limits.max_nodes_per_file)"
    }


def test_alias_limit_is_configurable(tmp_path: Path) -> None:
    (tmp_path / ".netlint.yaml").write_text("limits:\n  max_nodes_per_document: 1000\n")
    (tmp_path / "lol.yaml").write_text(laughs(4))  # 10 + 100 + 1000 + 10000 nodes
    result = check(tmp_path, "lol.yaml")
    assert result.findings() == [
        (
            "NL001",
            1,
            1,
            "document refused: document expands to more than 1000 nodes (alias bomb?); not "
            "checked (limit: limits.max_nodes_per_document)",
        )
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "- " * 10_000 + "x\n",
        "{a: " * 10_000 + "x" + "}" * 10_000 + "\n",
    ],
    ids=["flow-sequences", "block-sequences", "flow-mappings"],
)
def test_ten_thousand_levels_of_nesting_are_refused_before_parsing(
    tmp_path: Path, text: str
) -> None:
    (tmp_path / "deep.yaml").write_text(text)
    result = check(tmp_path, "deep.yaml")
    assert result.returncode == 1, result.describe()
    assert result.findings() == [("NL001", 1, 1, REFUSED_DEEP)]


def test_nesting_the_parser_survives_is_refused_at_max_depth(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 4000 + "]" * 4000 + "\n")
    result = check(tmp_path, "deep.yaml")
    assert result.findings() == [
        (
            "NL001",
            1,
            404,
            "document refused: nesting deeper than 400 levels; not checked (limit: "
            "limits.max_depth)",
        )
    ]


def _big_config_map(path: Path, size: int) -> None:
    """A real manifest of `size` bytes (a ConfigMap with many keys), written in 1 MiB blocks."""
    head = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n"
    line = b"  key-%07d: " + b"v" * 80 + b"\n"
    block = b"".join(line % i for i in range(MiB // len(line % 0)))
    with open(path, "wb") as f:
        f.write(head)
        written = len(head)
        n = 0
        while written + len(block) <= size:
            f.write(block.replace(b"key-", b"k%03d" % n))  # unique keys, same length
            written += len(block)
            n += 1
        f.write(b"#" * (size - written - 1) + b"\n")


@pytest.mark.slow
def test_hundred_megabyte_file_is_refused_unread(tmp_path: Path) -> None:
    size = 100 * MiB
    _big_config_map(tmp_path / "huge.yaml", size)
    (tmp_path / "ok.yaml").write_text(CONFIG_MAP.format(1) + "data: {a: b}\n")
    result = run_measured(["check", "--format", "json", "huge.yaml", "ok.yaml"], tmp_path)
    assert result.max_rss < MAX_RSS_BYTES, result.describe()
    assert result.returncode == 1, result.describe()
    assert result.findings() == [
        (
            "NL001",
            1,
            1,
            f"file not checked: it is {size} bytes, above limits.max_file_bytes "
            f"({DEFAULT_MAX_FILE_BYTES}); it is not read: set limits: {{max_file_bytes: "
            f"{size}}} in the config to check it",
        )
    ]
    assert result.json()["summary"]["files"] == 2  # the other file was checked


@pytest.mark.slow
def test_hundred_megabytes_on_stdin_are_refused_after_the_limit(tmp_path: Path) -> None:
    _big_config_map(tmp_path / "huge.yaml", 100 * MiB)
    result = run_measured(["check", "--format", "json", "-"], tmp_path, tmp_path / "huge.yaml")
    assert result.max_rss < MAX_RSS_BYTES, result.describe()
    assert result.findings() == [
        (
            "NL001",
            1,
            1,
            f"file not checked: it has more than {DEFAULT_MAX_FILE_BYTES} bytes, above "
            "limits.max_file_bytes; it is not read: raise limits.max_file_bytes in the config "
            "to check it",
        )
    ]


def test_file_size_limit_is_configurable(tmp_path: Path) -> None:
    (tmp_path / ".netlint.yaml").write_text("limits:\n  max_file_bytes: 2048\n")
    _big_config_map(tmp_path / "big.yaml", 4096)
    (tmp_path / "small.yaml").write_text(CONFIG_MAP.format(1) + "data: {a: b}\n")
    result = check(tmp_path, ".")
    assert result.returncode == 1, result.describe()
    assert result.findings() == [
        (
            "NL001",
            1,
            1,
            "file not checked: it is 4096 bytes, above limits.max_file_bytes (2048); it is not "
            "read: set limits: {max_file_bytes: 4096} in the config to check it",
        )
    ]
    (tmp_path / ".netlint.yaml").write_text("limits:\n  max_file_bytes: 4096\n")
    assert check(tmp_path, ".").findings() == []


def test_megabyte_line_is_checked(tmp_path: Path) -> None:
    """A 1 MiB line is legal (minified JSON dashboards in ConfigMaps) and checked normally."""
    value = "x" * MiB
    (tmp_path / "line.yaml").write_text(CONFIG_MAP.format(1) + f"data:\n  k: {value}\n")
    result = check(tmp_path, "line.yaml")
    assert (result.returncode, result.findings()) == (0, [])


def test_broken_megabyte_line_is_a_syntax_finding(tmp_path: Path) -> None:
    (tmp_path / "line.yaml").write_text(
        CONFIG_MAP.format(1) + "data:\n  k: [" + "x, " * 350_000 + "\n"
    )
    result = check(tmp_path, "line.yaml")
    assert result.returncode == 1, result.describe()
    line = "  k: [" + "x, " * 350_000
    assert result.findings() == [
        (
            "NL001",
            6,
            len(line) + 1,  # the end of the last line (libyaml says: the line after it)
            "YAML syntax error: did not find expected node content (while parsing a flow node). "
            "kubectl and Helm reject this file; nothing after this point in the document was "
            "checked",
        )
    ]


@pytest.mark.slow
def test_hundred_thousand_documents_stop_at_the_limit(tmp_path: Path) -> None:
    docs = [CONFIG_MAP.format(i) for i in range(100_000)]
    (tmp_path / "many.yaml").write_text("---\n".join(docs))
    result = check(tmp_path, "many.yaml")
    assert result.returncode == 1, result.describe()
    line = 10_000 * 5 + 1  # five lines per document with its `---`
    assert result.findings() == [
        (
            "NL001",
            line,
            1,
            "document refused: more than 10000 documents in one file; this one and all after "
            f"it (from line {line}) are not checked (limit: limits.max_documents_per_file; "
            "raise it in the config or split the file)",
        )
    ]


def test_document_limit_is_configurable_and_checks_the_ones_before(tmp_path: Path) -> None:
    (tmp_path / ".netlint.yaml").write_text("limits:\n  max_documents_per_file: 2\n")
    (tmp_path / "docs.yaml").write_text("a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n")
    result = check(tmp_path, "docs.yaml")
    assert [(r, line) for r, line, _, _ in result.findings()] == [
        ("NL003", 1),
        ("NL003", 3),
        ("NL001", 5),
    ]


def test_readme_lists_every_limit_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Untrusted input", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\s*\| `(\w+)` \| (\d+)", section, re.M))
    assert {k: int(v) for k, v in rows.items()} == LimitsModel().model_dump()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "limits:\n  max_file_bytes: 10\n",
            ".netlint.yaml:2: limits.max_file_bytes: must be at least 1024, got 10",
        ),
        (
            "limits:\n  max_documents_per_file: 0\n",
            ".netlint.yaml:2: limits.max_documents_per_file: must be at least 1, got 0",
        ),
    ],
)
def test_limits_are_validated(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / ".netlint.yaml").write_text(text)
    (tmp_path / "m.yaml").write_text(CONFIG_MAP.format(1))
    result = run_cli("check", "m.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, message + "\n")


def test_huge_config_is_refused_unread(tmp_path: Path) -> None:
    """The config is a file of the repository under review too."""
    with open(tmp_path / ".netlint.yaml", "wb") as f:
        f.write(b"fail_on: error\n" + (b"# " + b"x" * 1022 + b"\n") * (9 * 1024))
    size = (tmp_path / ".netlint.yaml").stat().st_size
    (tmp_path / "m.yaml").write_text(CONFIG_MAP.format(1))
    result = run_measured(["check", "m.yaml"], tmp_path)
    assert result.max_rss < MAX_RSS_BYTES, result.describe()
    assert (result.returncode, result.stderr) == (
        2,
        f".netlint.yaml:1: cannot read: the file is {size} bytes; netlint reads at most "
        "8388608 bytes of a config or rule file\n",
    )
