"""`netlint.unread.skim` decides exactly as it did before it was made faster.

`REFERENCE_SOURCE` below is a verbatim copy of netlint/unread.py as it was before (commit
9b66512: a line loop over every document), kept here only as the reference (`REF`) the faster
code is compared with, text for text: every file of ../shared/corpus and
../shared/yaml-test-suite (as they are and wrapped into CRDs), and seeded random mutations of
the corpus' CRDs (duplicate keys at every depth, block and multi-line quoted scalars, flow
collections, comments, `- - a`, keys with colons, quoted keys, odd indentation, `? ` keys,
anchors, tabs) that drive the fast line reading into every fallback of the general one.
"""

from __future__ import annotations

import random
import re
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from netlint import unread
from netlint.load import decode

REFERENCE_SOURCE = r'''
from __future__ import annotations

import re

_DOC_START = re.compile(r"^---(?=[ \t]|$)", re.M)
# the same after a line break: a literal first character lets the regex engine skip ahead,
# several times faster than `^` in multi-line mode, which tries every position
_DOC_LINE = re.compile(r"\n---(?=[ \t]|$)", re.M)
_CRD_KIND = re.compile(r"^kind:[ \t]*[\"']?CustomResourceDefinition[\"']?[ \t]*(?:#.*)?$", re.M)
# document end markers and directives: beyond the line scan
_UNSURE = re.compile(r"^\.\.\.(?:[ \t]|$)|^%", re.M)
_ODD_BREAK = re.compile("\r|[\x85\u2028\u2029]")
_KEEP = ("apiVersion", "kind", "metadata")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w.\-/]*)[ \t]*:(?:[ \t]|$)")
_PLAIN_KEY = re.compile(r"[A-Za-z_$][\w.\-/$@]*")
_BLOCK_SCALAR = re.compile(r"[|>][0-9+-]*[ \t]*(?:#.*)?$")


def document_starts(text: str) -> list[int]:
    """Offsets of the `---` lines of `text` (`_DOC_START.finditer`, faster)."""
    starts = [m.start() + 1 for m in _DOC_LINE.finditer(text)]
    if _DOC_START.match(text) is not None:
        starts.insert(0, 0)
    return starts


def has_line_start(text: str, prefix: str) -> bool:
    """Whether a line of `text` starts with `prefix` (a substring search, not a regex)."""
    return text.startswith(prefix) or f"\n{prefix}" in text


def has_break(text: str, pattern: re.Pattern[str]) -> bool:
    """`pattern.search(text)` for a pattern of line breaks other than `\\n`, all of which are
    CR or non-ASCII: a text without CR that is ASCII has none (both tests run at memory speed,
    the regex at a fraction of that)."""
    if "\r" not in text and text.isascii():
        return False
    return pattern.search(text) is not None


def skim(text: str, max_nodes: int, max_depth: int) -> str:
    """`text` with the unread blocks of every CRD document that provably loses nothing blanked;
    `text` itself when there is none."""
    if "CustomResourceDefinition" not in text or "{{" in text or "\t" in text:
        return text
    if has_break(text, _ODD_BREAK):
        return text  # line breaks YAML counts but the line scan would not
    if has_line_start(text, "%"):
        return text  # a directive applies to the documents after it
    starts = document_starts(text)
    bounds = list(zip([0, *starts], [*starts, len(text)], strict=True))
    pieces: list[str] = []
    changed = False
    for begin, end in bounds:
        chunk = text[begin:end]
        skimmed = _skim_document(chunk, max_nodes, max_depth) if _CRD_KIND.search(chunk) else None
        if skimmed is not None:
            changed = True
            pieces.append(skimmed)
        else:
            pieces.append(chunk)
    return "".join(pieces) if changed else text


def _skim_document(chunk: str, max_nodes: int, max_depth: int) -> str | None:
    lines = chunk.split("\n")
    first = lines[0]
    if first.startswith("---") and first[3:].strip() and not first[3:].strip().startswith("#"):
        return None  # `--- !tag` or content on the marker line
    if 2 * len(chunk) > max_nodes or _unsure(chunk):
        return None
    if not _parses(chunk) or not _no_duplicate_keys(lines, max_depth):
        return None
    out: list[str] = []
    keep = True
    for i, line in enumerate(lines):
        if i == 0 and line.startswith("---"):
            out.append(line)
            continue
        if line[:1] not in ("", " ", "#", "-"):
            m = _TOP_KEY.match(line)
            if m is None:
                return None  # a top-level line the scan does not understand
            keep = m.group(1) in _KEEP
        out.append(line if keep else "")
    return "\n".join(out)


def _unsure(chunk: str) -> bool:
    """`_UNSURE.search(chunk)`, with substring tests first (most chunks have neither)."""
    if not has_line_start(chunk, "...") and not has_line_start(chunk, "%"):
        return False
    return _UNSURE.search(chunk) is not None


def _parses(chunk: str) -> bool:
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
    from ruamel.yaml.error import YAMLError

    parser = CParser(chunk)
    try:
        parser.raw_parse()
    except YAMLError:
        return False
    finally:
        parser.dispose()
    return True


def _close_quote(text: str, i: int, quote: str) -> int:
    """Index after the quote that closes a scalar whose body continues at `text[i]`, or -1 when
    it does not close on this line (YAML escapes: `\\x` in double, `''` in single quotes)."""
    n = len(text)
    while i < n:
        c = text[i]
        if quote == '"' and c == "\\":
            i += 2
            continue
        if c == quote:
            if quote == "'" and text.startswith("'", i + 1):
                i += 2
                continue
            return i + 1
        i += 1
    return -1


def _flow_end(text: str, start: int) -> int:
    """Index after a one-line flow collection without mappings inside, or -1."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _close_quote(text, i + 1, c)
            if i < 0:
                return -1
            continue
        if c in "&*!":
            return -1  # an anchor, alias or tag inside the collection
        if c == "{":
            # `{}` is the only flow mapping the scan accepts
            close = i + 1
            while text[close : close + 1] == " ":
                close += 1
            if text[close : close + 1] != "}":
                return -1
            i = close + 1
            if depth == 0:
                return i
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == "?" or (c == ":" and text[i + 1 : i + 2] in (" ", ",", "]", "")):
            return -1  # a single-pair mapping inside a flow sequence
        i += 1
    return -1


_PLAIN, _BLOCK = "plain", "block"


def _value(rest: str) -> str | None:
    """How the value part of a line goes on: on this line only (_PLAIN), as a block scalar on
    the lines below (_BLOCK), as a quoted scalar closing on a later line ('"' or "'"), or
    None when the scan cannot follow it."""
    value = rest.strip(" ")
    if not value or value.startswith("#"):
        return _PLAIN
    head = value[0]
    if head in "\"'":
        end = _close_quote(value, 1, head)
        if end < 0:
            return head
        tail = value[end:].strip(" ")
        return _PLAIN if not tail or tail.startswith("#") else None
    if head in "[{":
        end = _flow_end(value, 0)
        if end < 0:
            return None
        tail = value[end:].strip(" ")
        return _PLAIN if not tail or tail.startswith("#") else None
    if head in "|>":
        return _BLOCK if _BLOCK_SCALAR.match(value) is not None else None
    if head in "?!&*%@`" or value.startswith("<<"):  # complex keys, tags, anchors, aliases
        return None
    return _PLAIN


def _no_duplicate_keys(lines: list[str], max_depth: int) -> bool:
    """True when every block mapping of the document provably has distinct keys and nests
    less than `max_depth` levels (block nesting takes at least a column per level, plus two)."""
    stack: list[tuple[int, set[str]]] = []  # open mappings: (key column, keys seen)
    block_above: int | None = None  # inside a block scalar whose owner is at this column
    quote: str | None = None  # inside a quoted scalar that opened on an earlier line
    expect: int | None = None  # the line above ended in `key:` or `-` owned at this column
    for line in lines[1:] if lines and lines[0].startswith("---") else lines:
        if quote is not None:
            end = _close_quote(line, 0, quote)
            if end < 0:
                continue
            quote = None
            tail = line[end:].strip(" ")
            if tail and not tail.startswith("#"):
                return False
            continue
        stripped = line.lstrip(" ")
        if not stripped:
            continue
        col = len(line) - len(stripped)
        if col + 2 >= max_depth:
            return False
        if block_above is not None:
            if col > block_above:
                continue
            block_above = None
        if stripped.startswith("#"):
            continue
        # sequence indicators `- ` (several on one line: `- - a`)
        dash_col = None
        while stripped.startswith("-") and stripped[1:2] in (" ", ""):
            dash_col = col
            rest = stripped[1:].lstrip(" ")
            col += len(stripped) - len(rest)
            stripped = rest
        if dash_col is not None:
            while stack and stack[-1][0] > dash_col:
                stack.pop()
        if not stripped or stripped.startswith("#"):
            expect = dash_col if dash_col is not None else expect
            continue
        key, after = _key_of(stripped)
        if after < 0:
            return False
        value_at, expect = expect, None
        if key is None:
            if dash_col is not None:
                owner = dash_col
            elif value_at is not None and col > value_at:
                owner = value_at  # the value of the key (or `-`) on the line above
            else:
                # a continuation line of a plain scalar: text, whatever it starts with (the
                # document parsed, so it is no node of its own)
                continue
        else:
            owner = col
            if dash_col is not None:
                while stack and stack[-1][0] >= col:
                    stack.pop()
                stack.append((col, {key}))
            else:
                while stack and stack[-1][0] > col:
                    stack.pop()
                if stack and stack[-1][0] == col:
                    if key in stack[-1][1]:
                        return False
                    stack[-1][1].add(key)
                else:
                    stack.append((col, {key}))
        rest = stripped[after:]
        how = _value(rest)
        if how is None:
            return False
        if how == _BLOCK:
            block_above = owner
        elif how != _PLAIN:
            quote = how
        elif not rest.strip(" ") or rest.lstrip(" ").startswith("#"):
            expect = owner  # the value starts on a later line
    return quote is None


def _key_of(text: str) -> tuple[str | None, int]:
    """(normalised key, index after its `:`) when `text` starts with a mapping key; (None, 0)
    when it is a plain value; (None, -1) when it may be a key the scan cannot read."""
    if text[0] in "\"'":
        end = _close_quote(text, 1, text[0])
        if end < 0:
            return None, 0  # a quoted value going on below (a key cannot span lines)
        rest = text[end:].lstrip(" ")
        if rest.startswith(":") and rest[1:2] in (" ", ""):
            key = text[1 : end - 1]
            if _PLAIN_KEY.fullmatch(key) is None:
                return None, -1
            return key.lower(), len(text) - len(rest) + 1
        return None, 0
    colon = _key_colon(text)
    if colon < 0:
        return None, 0
    key = text[:colon].rstrip(" ")
    if _PLAIN_KEY.fullmatch(key) is None:
        return None, -1
    return key.lower(), colon + 1


def _key_colon(text: str) -> int:
    """Index of the `:` that ends a plain key on this line (`: `, or `:` at the end), or -1."""
    i = text.find(":")
    while i >= 0:
        if text[i + 1 : i + 2] in (" ", ""):
            hash_at = text.find(" #")
            if 0 <= hash_at < i:
                return -1  # the colon is inside a comment
            return i
        i = text.find(":", i + 1)
    return -1
'''


def _reference() -> types.ModuleType:
    module = types.ModuleType("unread_reference")
    exec(compile(REFERENCE_SOURCE, "unread_reference", "exec"), module.__dict__)
    return module


REF = _reference()
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
LIMITS = [(2_000_000, 400), (2_000_000, 12), (4_000, 400)]  # (max_nodes, max_depth)
# documents of ../shared/corpus whose text `skim` changes, as the reference counted them
CORPUS_SKIMMED = 366
CRD_HEAD = (
    "apiVersion: apiextensions.k8s.io/v1\n"
    "kind: CustomResourceDefinition\n"
    "metadata:\n"
    "  name: widgets.example.com\n"
)


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent (a plain clone has no ../shared)")
    return path


def _texts(raw: bytes) -> Iterator[str]:
    """What `skim` may be given for these bytes: the loader's text, and lenient decodings."""
    text, _ = decode(raw)
    texts = {raw.decode("utf-8", "replace"), raw.decode("latin-1")}
    if text is not None:
        texts.add(text)
    yield from sorted(texts)


def _documents(text: str) -> list[list[str]]:
    """The lines of each document of `text`, as `_skim_document` splits them."""
    starts = REF.document_starts(text)
    bounds = zip([0, *starts], [*starts, len(text)], strict=True)
    return [text[begin:end].split("\n") for begin, end in bounds]


def _assert_same(text: str) -> None:
    for max_nodes, max_depth in LIMITS:
        assert unread.skim(text, max_nodes, max_depth) == REF.skim(text, max_nodes, max_depth)
    for lines in _documents(text):
        _assert_same_scan(lines)


def _assert_same_scan(lines: list[str]) -> bool:
    """The duplicate-key scan, the fast one and the general one, against the reference, on one
    document's lines whether it parses or not (and with tabs, which `skim` never scans)."""
    body = lines[1:] if lines and lines[0].startswith("---") else lines
    verdicts = []
    for depth in (400, 12):
        expected = REF._no_duplicate_keys(lines, depth)
        assert unread._no_duplicate_keys_in(body, depth) is expected, (depth, lines)
        assert unread._no_duplicate_keys(lines, depth) is expected, (depth, lines)
        verdicts.append(expected)
    return bool(verdicts[0])


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.slow
def test_every_corpus_file_is_skimmed_as_before() -> None:
    files = _files(_shared("corpus"))
    assert len(files) > 300
    for path in files:
        for text in _texts(path.read_bytes()):
            _assert_same(text)


def _crd_variants(text: str) -> Iterator[str]:
    """`text` as it is, after a CRD's head, and as the CRD's `spec` (indented under it)."""
    yield text
    yield CRD_HEAD + text
    yield CRD_HEAD + "---\n" + CRD_HEAD + text
    indented = "".join("  " + line if line.strip() else line for line in text.splitlines(True))
    yield CRD_HEAD + "spec:\n" + indented
    yield CRD_HEAD + "spec:\n- " + indented.lstrip(" ")


def test_every_yaml_test_suite_file_is_skimmed_as_before() -> None:
    files = _files(_shared("yaml-test-suite"))
    assert len(files) > 1000
    for path in files:
        for text in _texts(path.read_bytes()):
            for variant in _crd_variants(text):
                _assert_same(variant)


def _crds() -> list[str]:
    """Every CRD document of the corpus that the reference skims."""
    out = []
    for path in _files(_shared("corpus")):
        text, _ = decode(path.read_bytes())
        if text is None or "CustomResourceDefinition" not in text:
            continue
        for lines in _documents(text):
            chunk = "\n".join(lines)
            if REF._CRD_KIND.search(chunk) and REF.skim(chunk, 2_000_000, 400) != chunk:
                out.append(chunk)
    return out


def test_the_corpus_skims_as_many_documents_as_before() -> None:
    changed = 0
    for path in _files(_shared("corpus")):
        text, _ = decode(path.read_bytes())
        if text is None or path.suffix == ".json":
            continue
        skimmed = unread.skim(text, 2_000_000, 400)
        assert skimmed.count("\n") == text.count("\n")
        before = _documents(text)
        after = _documents(skimmed)
        assert len(before) == len(after)
        changed += sum(a != b for a, b in zip(before, after, strict=True))
    assert changed == CORPUS_SKIMMED


# lines the scan must read exactly; `{i}` is an indentation near the line's neighbours
FRAGMENTS = [
    "{i}type: string",
    "{i}Type: integer",
    "{i}description: |",
    "{i}description: >-",
    "{i}description: |2 # a comment",
    "{i}description: |x",
    "{i}description: |\t",
    "{i}- |",
    "{i}- >+",
    '{i}description: "over',
    '{i}  lines" ',
    '{i}  lines" tail',
    "{i}description: 'it''s",
    "{i}  over'",
    "{i}  ''quoted''' # c",
    "{i}description: 'a ''b'' c'",
    '{i}pattern: "a \\" b"',
    '{i}pattern: "ends in a backslash \\',
    '{i}pattern: "\\\\"',
    "{i}enum: [a, b]",
    "{i}enum: [a, {b: c}]",
    "{i}default: {}",
    "{i}default: { }",
    "{i}default: {a: b}",
    "{i}enum: [a, [b, c]] # c",
    "{i}enum: [a, b: c]",
    "{i}enum: ['a', \"b\"]",
    "{i}enum: [",
    "{i}]",
    "{i}}",
    "{i}# a comment",
    "{i}type: string # a comment",
    "{i}type: #c",
    "{i}type:",
    "{i}type:   ",
    "{i}- - a",
    "{i}- - b: c",
    "{i}-",
    "{i}- # c",
    "{i}-  key: v",
    "{i}-key: v",
    "{i}- value",
    "{i}- value: with colon",
    "{i}- 'quoted'",
    '{i}- "quoted": v',
    "{i}- [a]",
    "{i}a:b: c",
    "{i}see http://example.com: here",
    "{i}key with space: v",
    "{i}key:: v",
    "{i}key:value",
    '{i}"quoted": v',
    "{i}'quoted': v",
    "{i}'quo''ted': v",
    '{i}"a b": v',
    '{i}"type": dup',
    "{i}? complex",
    "{i}: value",
    "{i}key: &anchor v",
    "{i}key: *alias",
    "{i}<<: *base",
    "{i}key: !tag v",
    "{i}key: << x",
    "{i}key: <x",
    "{i}key: `x`",
    "{i}key: @x",
    "{i}key: %x",
    "{i}key: ?x",
    "{i}key: -x",
    "{i}key: - x",
    "{i}key: :x",
    "{i}\tkey: v",
    "{i}key:\tv",
    "{i}key\t: v",
    "{i}key : v",
    "{i}key  :",
    "{i}$ref: '#/x'",
    "{i}x-kubernetes-int-or-string: true",
    "{i}plain text going on",
    "{i}text: going on after a colon",
    "{i}text # not a comment: here",
    "{i}text #comment",
    "{i}\u00a0key: v",
    "{i}k\u00e9y: v",
    "{i}key: \u00e9",
    "{i}\u043a\u043b\u044e\u0447: v",
    "{i}\u00c9: v",
    "{i}\u00e9: v",
    "...",
    "... # end",
    "%YAML 1.2",
    "--- # c",
    "---",
    "spec:",
    "status: {}",
    "kind: CustomResourceDefinition",
    "metadata:",
    "{i}",
    "",
    " " * 11,
]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _mutate(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(lines))
        what = rng.random()
        near = _indent(lines[at]) + rng.choice((0, 0, 0, 2, -2, 1, 4))
        pad = " " * max(near, 0)
        if what < 0.3:
            lines.insert(at, rng.choice(FRAGMENTS).replace("{i}", pad))
        elif what < 0.45:
            lines.insert(at, lines[rng.randrange(len(lines))])  # a line again, elsewhere
        elif what < 0.6:
            lines.insert(at, lines[at])  # a line twice
        elif what < 0.75:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif what < 0.9:
            lines[at] = pad + lines[at].lstrip(" ")
        elif len(lines) > 1:
            del lines[at]
    return lines


def _subtree(lines: list[str], rng: random.Random) -> list[str]:
    """A random line of `lines` and the lines below it indented deeper (at most 60), moved to
    the `spec` of a new CRD: mostly text that parses."""
    begin = rng.randrange(len(lines))
    col = _indent(lines[begin])
    end = begin + 1
    while end < len(lines) and end - begin < 60 and _indent(lines[end]) > col:
        end += 1
    shift = col - 2
    body = [line[min(shift, _indent(line)) :] if shift > 0 else line for line in lines[begin:end]]
    return [*CRD_HEAD.split("\n")[:-1], "spec:", *body]


def test_mutated_crds_are_skimmed_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    crds = _crds()
    assert len(crds) > 300
    general = 0  # lines the fast scan hands to the general one
    step = unread._step

    def counted(*args: object) -> object:
        nonlocal general
        general += 1
        return step(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(unread, "_step", counted)
    rng = random.Random(10)
    verdicts = {True: 0, False: 0}
    skimmed = 0
    for n in range(10000):
        lines = rng.choice(crds).split("\n")
        # now and then the whole document
        window = lines if n % 200 == 0 else _subtree(lines, rng)
        mutated = _mutate(window, rng)
        verdicts[_assert_same_scan(mutated)] += 1
        text = "\n".join(mutated) + rng.choice(("", "\n"))
        if n % 5 == 0:
            # after a marker line, or between other documents
            text = rng.choice(("---\n", "--- # c\n", "---\n\n", "a: 1\n---\n")) + text
            text += rng.choice(("", "\n---\nb: 2\n", "---\n" + text))
        expected = REF.skim(text, 2_000_000, 400)
        assert unread.skim(text, 2_000_000, 400) == expected, mutated
        skimmed += expected != text
    # the mutations reach both verdicts, skimmed documents and the general scan
    assert min(verdicts.values()) > 300, verdicts
    assert skimmed > 300
    assert general > 3000


def test_what_the_scan_refuses_is_still_refused_line_by_line() -> None:
    # every fragment after a key at each indentation: alone, and below a block scalar
    for fragment in FRAGMENTS:
        for pad in ("", " ", "  ", "    ", "      "):
            line = fragment.replace("{i}", pad)
            for above in (["  a: 1"], ["  a:"], ["  - a: 1"], ["  a: |"], ['  a: "x'], ["  -"]):
                for below in ([], ["  a: 2"], ["    b: 1"], [line]):
                    _assert_same_scan(["spec:", *above, line, *below])


def test_close_quote_and_the_substring_tests_are_exact() -> None:
    rng = random.Random(7)
    alphabet = "ab'\"\\ #:{}\n\r%.-\x85\u2028\u2029\u00e9"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        for quote in "'\"":
            for start in range(len(text) + 2):
                assert unread._close_quote(text, start, quote) == REF._close_quote(
                    text, start, quote
                )
        assert unread._contains(text, "{{", 0) is ("{{" in text)
        assert unread._has_odd_break(text) is (REF._ODD_BREAK.search(text) is not None)
        for prefix in ("%", "...", "---", "", "\n"):
            assert unread.has_line_start(text, prefix) is REF.has_line_start(text, prefix)
        assert unread.document_starts(text) == REF.document_starts(text)
    many = "{x" * 500
    assert unread._contains(many, "{{", 0) is False
    assert unread._contains(many + "{{", "{{", 0) is True
    # long texts dense in the characters searched: past the single-character searches
    for _ in range(300):
        size = rng.choice((100, 1000, 6000))
        text = "".join(rng.choice("%{.\n-x") for _ in range(size))
        text = text.replace("\n%", "\n") if rng.random() < 0.5 else text
        text = text.replace("{{", "{") if rng.random() < 0.5 else text
        tail = rng.choice(("", "\n%", "{{", "\n...", "\n---", "%"))
        for sample in (text, text + tail, tail + text):
            assert unread._contains(sample, "{{", 0) is ("{{" in sample)
            for prefix in ("%", "...", "---", "\n"):
                assert unread.has_line_start(sample, prefix) is REF.has_line_start(sample, prefix)
            for needle in ("{{", "\n%", "\n...", "x.%"):
                for rare in range(len(needle)):
                    assert unread._contains(sample, needle, rare) is (needle in sample)


def test_a_document_end_or_directive_line_is_a_top_level_line_the_skim_refuses() -> None:
    text = CRD_HEAD + "spec:\n  a: 1\n...\n"
    assert unread.skim(text, 2_000_000, 400) == text == REF.skim(text, 2_000_000, 400)
    assert unread._top_blocks(text) is None
    assert re.search(r"^\.\.\.", text, re.M)


def test_a_blank_first_line_is_no_top_level_line() -> None:
    text = "\n\n" + CRD_HEAD + "spec:\n  Exactly one must be defined.\n"
    expected = "\n\n" + CRD_HEAD + "\n\n"
    assert REF.skim(text, 2_000_000, 400) == expected
    assert unread.skim(text, 2_000_000, 400) == expected


# the ways a line names a key (or not), each in two spellings that are one key to NL002
KEY_FORMS = [
    "{k}: v",
    "{k}:",
    "{k}: # c",
    "{k}: |",
    "{k}: >-",
    "{k}: 'v'",
    '{k}: "v',
    "{k} : v",
    "- {k}: v",
    "- {k}:",
    "- {k}: |",
    "-   {k}: v",
    "- - {k}: v",
    '"{k}": v',
    "'{k}': v",
    "- {k}",
    "{k}",
    "? {k}",
]


def test_every_pair_of_key_lines_is_judged_as_before() -> None:
    found = {True: 0, False: 0}
    for first in KEY_FORMS:
        for second in KEY_FORMS:
            for a, b in (("type", "type"), ("Type", "type"), ("type", "TYPE"), ("a", "b")):
                for pad in ("", "  ", "    "):
                    one = "  " + first.format(k=a)
                    two = "  " + pad + second.format(k=b)
                    for lines in (
                        ["spec:", one, two],
                        ["spec:", one, "    x: 1", two],
                        ["spec:", one, "      text", two],
                        ["---", "spec:", "  - " + one.lstrip(), two],
                    ):
                        found[_assert_same_scan(lines)] += 1
    assert min(found.values()) > 500, found
