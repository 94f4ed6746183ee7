"""Text inside manifests that CNIs parse themselves: config files embedded in ConfigMap strings
(Antrea's antrea-agent.conf is YAML, OVN-Kubernetes' ovnkube.conf is gcfg INI) and command-line
flags in container `command`/`args` (`--mtu=1400`, `--mtu 1400`).

`Embedded` maps a place in the embedded text (0-based line and columns) back to the file, so a
finding lands on the real line inside a block scalar, in LF and CRLF files alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from netlint.checks.k8s import get
from netlint.checks.patterns import lazy
from netlint.load import load_text, node_span
from netlint.model import Path, Resource, SourceFile, Span
from netlint.positions import resolve


@dataclass(frozen=True)
class Embedded:
    """A string value of an object (a ConfigMap key) that holds a config file."""

    resource: Resource
    path: Path  # path of the string inside the resource: ("data", "antrea-agent.conf")
    node: ScalarNode
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def span(self, line: int, col: int, end_col: int) -> Span:
        """The file span of columns [col, end_col) of line `line` of the text (0-based)."""
        lines = self.lines
        text_line = lines[line] if 0 <= line < len(lines) else ""
        file_lines = self.resource.file.lines
        start = self.node.start_mark.line
        if self.node.style == "|" and text_line:
            # literal block scalar: text line i is file line start + 1 + i, after indentation
            at = start + 1 + line
            if at < len(file_lines) and file_lines[at].endswith(text_line):
                offset = len(file_lines[at]) - len(text_line)
                return Span(at + 1, offset + col + 1, at + 1, offset + end_col + 1)
        needle = text_line.strip()
        if needle:
            lead = len(text_line) - len(text_line.lstrip())
            last = min(self.node.end_mark.line, len(file_lines) - 1)
            for at in range(start, last + 1):
                found = file_lines[at].find(needle)
                if found >= 0:
                    base = found - lead
                    return Span(at + 1, base + col + 1, at + 1, base + end_col + 1)
        whole = node_span(self.node)
        return Span(whole.line, whole.column, whole.line, whole.column + 1)


def embedded(resource: Resource, path: Path) -> Embedded | None:
    """The string at `path` of `resource` with its node, or None when it is not a string."""
    text = get(resource.data, path)
    if not isinstance(text, str):
        return None
    _, node, depth = resolve(resource.node, path)
    if depth != len(path) or not isinstance(node, ScalarNode):
        return None
    return Embedded(resource, path, node, text)


# --- embedded YAML ---------------------------------------------------------------------------


@dataclass(frozen=True)
class YamlEntry:
    """A top-level (or nested) key of an embedded YAML mapping, with its value's position."""

    value: Any
    line: int  # 0-based line of the value in the embedded text
    col: int
    end_col: int
    key_line: int
    key_col: int
    key_end_col: int
    tag: str  # YAML tag suffix of the value: "str", "int", ...


def yaml_mapping(text: str, name: str) -> tuple[dict[str, YamlEntry], MappingNode] | None:
    """The first document of embedded YAML text when it is a mapping: key -> entry (the last
    duplicate wins, as in Go's decoders), and the node for nested lookups. None when the text is
    not valid YAML or not a mapping."""
    loaded = load_text(SourceFile(name, None), text)
    if not loaded.documents or any(p.code == "syntax" for p in loaded.problems):
        return None
    node = loaded.documents[0].node
    if not isinstance(node, MappingNode):
        return None
    return mapping_entries(node), node


def mapping_entries(node: MappingNode) -> dict[str, YamlEntry]:
    from netlint.load import scalar_value

    out: dict[str, YamlEntry] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            continue
        data: Any = scalar_value(value) if isinstance(value, ScalarNode) else value
        start, end = value.start_mark, value.end_mark
        end_col = end.column if end.line == start.line else start.column + 1
        out[str(key.value)] = YamlEntry(
            data,
            start.line,
            start.column,
            max(end_col, start.column + 1),
            key.start_mark.line,
            key.start_mark.column,
            key.end_mark.column,
            _tag(value),
        )
    return out


def _tag(node: Node) -> str:
    tag = str(node.tag or "")
    return tag.rsplit(":", 1)[-1]


# --- gcfg INI (ovnkube.conf) ------------------------------------------------------------------

_SECTION = lazy(r'^\s*\[\s*([A-Za-z0-9_.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
_NAME = lazy(r"^\s*([A-Za-z][A-Za-z0-9_-]*)\s*")


@dataclass(frozen=True)
class IniEntry:
    section: str  # lower-cased, as gcfg matches names case-insensitively
    subsection: str | None
    key: str  # lower-cased
    value: str | None  # None for a bare name (a boolean true in gcfg)
    raw: str  # the value text as written (quotes included)
    line: int  # 0-based line in the text
    col: int  # columns of `raw` on that line
    end_col: int


def parse_ini(text: str) -> list[IniEntry]:
    """gcfg-style INI: `[section]` / `[section "sub"]`, `name = value`, values optionally in
    double quotes, `;` and `#` comments (also after a value, outside quotes). Lines it cannot
    read are skipped: gcfg itself rejects them, which is not an MTU matter."""
    out: list[IniEntry] = []
    section: str | None = None
    sub: str | None = None
    for number, line in enumerate(text.split("\n")):
        line = line.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped[0] in ";#":
            continue
        m = _SECTION.match(line)
        if m:
            section, sub = m.group(1).lower(), m.group(2)
            continue
        m = _NAME.match(line)
        if m is None or section is None:
            continue
        key = m.group(1).lower()
        rest_at = m.end()
        if rest_at >= len(line) or line[rest_at] in ";#":
            out.append(IniEntry(section, sub, key, None, "", number, m.start(1), m.end(1)))
            continue
        if line[rest_at] != "=":
            continue
        start = rest_at + 1
        while start < len(line) and line[start] in " \t":
            start += 1
        value, end = _ini_value(line, start)
        if value is None:
            continue
        out.append(IniEntry(section, sub, key, value, line[start:end], number, start, end))
    return out


def _ini_value(line: str, start: int) -> tuple[str | None, int]:
    """The value starting at `start` (quotes removed, escapes read) and where its text ends."""
    chars: list[str] = []
    quoted = False
    i = start
    end = start
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            nxt = line[i + 1]
            chars.append({"n": "\n", "t": "\t", "b": "\b"}.get(nxt, nxt))
            i += 2
            end = i
            continue
        if c == '"':
            quoted = not quoted
            i += 1
            end = i
            continue
        if not quoted and c in ";#":
            break
        chars.append(c)
        i += 1
        if not c.isspace() or quoted:
            end = i
    if quoted:
        return None, start  # unclosed quote: gcfg rejects the file
    return "".join(chars).strip(), end


# --- command-line flags -----------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    name: str  # without dashes
    value: str | None  # None for a flag without a value
    path: Path  # path (in the resource) of the list item holding the value
    inline: bool  # "--mtu=1400" (True) or "--mtu", "1400" (False)


def flags(resource: Resource, container_path: Path, container: dict[str, Any]) -> Iterator[Flag]:
    """Flags in a container's `command` and `args` lists, in order (pflag: the last one wins).
    Shell-form commands (`sh -c "... --mtu=1400"`) are not read."""
    for field_name in ("command", "args"):
        items = container.get(field_name)
        if not isinstance(items, list):
            continue
        base = (*container_path, field_name)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.startswith("-") or item in ("-", "--"):
                continue
            name, eq, value = item.lstrip("-").partition("=")
            if not name:
                continue
            if eq:
                yield Flag(name, value, (*base, i), True)
                continue
            nxt = items[i + 1] if i + 1 < len(items) else None
            if isinstance(nxt, (str, int)) and not isinstance(nxt, bool):
                text = str(nxt)
                if not text.startswith("-"):
                    yield Flag(name, text, (*base, i + 1), False)
                    continue
            yield Flag(name, None, (*base, i), True)


def last_flag(found: list[Flag], *names: str) -> Flag | None:
    wanted = set(names)
    hits = [f for f in found if f.name in wanted]
    return hits[-1] if hits else None
