"""Documents no rule reads past their metadata: CustomResourceDefinitions.

A CRD's `spec` (its OpenAPI schema) is most of the bytes of a real repository, and no rule reads
it; only `apiVersion`, `kind` and `metadata` matter (suppression annotations, invalid metadata).
Composing such a schema into nodes costs more than the rest of the run, so the loader composes a
*skimmed* copy of the document instead: the same lines, with every top-level block other than
`apiVersion`, `kind` and `metadata` blanked (newlines kept, so every position stays true).

Nothing the full parse would report is lost. A document is skimmed only when
- libyaml's C parser (`CParser.raw_parse`, no Python objects) accepts it, so a syntax error is
  still reported by the full parse at its exact line;
- a line scan proves that no mapping in it repeats a key (duplicate keys are NL002);
- it holds no anchor, alias, merge key, complex key, multi-line quoted or flow scalar, template
  text `{{`, tab indentation or directive: anything whose meaning the line scan cannot follow.
Any doubt keeps the document whole: the scan may refuse a clean document, never pass a bad one.

The line scan (`_step`, one line at a time) is what decides; `_no_duplicate_keys_in` runs it
with the lines of the shapes a schema is made of (`key: value`, `key:`, `- key: value`, ...)
read once per distinct line and applied to the same state, and hands it every other line.
tests/test_unread_equivalence.py holds the scan as it was before, and compares.
"""

from __future__ import annotations

import re

_DOC_START = re.compile(r"^---(?=[ \t]|$)", re.M)
# the same after a line break: a literal first character lets the regex engine skip ahead,
# several times faster than `^` in multi-line mode, which tries every position
_DOC_LINE = re.compile(r"\n---(?=[ \t]|$)", re.M)
_CRD_KIND = re.compile(r"^kind:[ \t]*[\"']?CustomResourceDefinition[\"']?[ \t]*(?:#.*)?$", re.M)
_ODD_BREAK = re.compile("\r|[\x85\u2028\u2029]")
_KEEP = ("apiVersion", "kind", "metadata")
# a top-level key, matched at a line's offset (`$`: the end of that line)
_TOP_KEY = re.compile(r"([A-Za-z_][\w.\-/]*)[ \t]*:(?:[ \t]|$)", re.M)
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
    return text.startswith(prefix) or _contains(text, f"\n{prefix}", 1)


def _contains(text: str, needle: str, rare: int) -> bool:
    """`needle in text`, sooner when `needle[rare]` is rare in `text`: a search for one
    character is several times faster than one for a line break and a character, or for two
    characters, so each one found is tried in place; after as many as the substring search of
    the whole text costs (about one in 256 characters), that search takes over."""
    head = needle[rare]
    i = text.find(head)
    for _ in range(16 + (len(text) >> 8)):
        if i < 0:
            return False
        if i >= rare and text.startswith(needle, i - rare):
            return True
        i = text.find(head, i + 1)
    return i >= 0 and text.find(needle, max(i - rare, 0)) >= 0


def _has_odd_break(text: str) -> bool:
    """`_ODD_BREAK.search(text) is not None`, as single-character searches."""
    if "\r" in text:
        return True
    if text.isascii():
        return False
    return "\x85" in text or "\u2028" in text or "\u2029" in text


def skim(text: str, max_nodes: int, max_depth: int) -> str:
    """`text` with the unread blocks of every CRD document that provably loses nothing blanked;
    `text` itself when there is none."""
    if "CustomResourceDefinition" not in text or "\t" in text or _contains(text, "{{", 0):
        return text
    if _has_odd_break(text):
        return text  # line breaks YAML counts but the line scan would not
    if has_line_start(text, "%"):
        return text  # a directive applies to the documents after it
    starts = document_starts(text)
    bounds = list(zip([0, *starts], [*starts, len(text)], strict=True))
    pieces: list[str] = []
    changed = False
    for begin, end in bounds:
        chunk = text[begin:end]
        # the substring test first: most documents of a file with CRDs are none
        crd = "CustomResourceDefinition" in chunk and _CRD_KIND.search(chunk) is not None
        skimmed = _skim_document(chunk, max_nodes, max_depth) if crd else None
        if skimmed is not None:
            changed = True
            pieces.append(skimmed)
        else:
            pieces.append(chunk)
    return "".join(pieces) if changed else text


def _skim_document(chunk: str, max_nodes: int, max_depth: int) -> str | None:
    nl = chunk.find("\n")
    first = chunk if nl < 0 else chunk[:nl]
    if first.startswith("---") and first[3:].strip() and not first[3:].strip().startswith("#"):
        return None  # `--- !tag` or content on the marker line
    if 2 * len(chunk) > max_nodes:
        return None
    # the checks are pure and all must pass: the cheapest runs first. A document end `...`
    # is a top-level line `_top_blocks` refuses, and a directive `%` is ruled out by `skim`.
    blocks = _top_blocks(chunk)
    if blocks is None or not _parses(chunk):
        return None
    lines = chunk.split("\n")
    if not _no_duplicate_keys_in(lines[1:] if first.startswith("---") else lines, max_depth):
        return None
    # kept blocks are copied, blanked ones become their line breaks: the same text as
    # blanking line by line and joining, without a string per line
    out: list[str] = []
    keep_from = 0  # start of the kept text not yet copied
    for i, (start, keep) in enumerate(blocks):
        if keep:
            continue
        end = blocks[i + 1][0] if i + 1 < len(blocks) else len(chunk)
        out.append(chunk[keep_from:start])
        out.append("\n" * chunk.count("\n", start, end))
        keep_from = end
    out.append(chunk[keep_from:])
    return "".join(out)


# a line of the document's top level: not indented, no comment, no sequence entry, not blank
_TOP_LINE = re.compile(r"\n[^ #\-\n]")


def _top_blocks(chunk: str) -> list[tuple[int, bool]] | None:
    """(offset, kept) of every top-level line of `chunk`, or None when `_TOP_KEY` does not
    read one of them."""
    starts = [m.start() + 1 for m in _TOP_LINE.finditer(chunk)]
    if chunk[:1] not in ("", "\n", " ", "#", "-"):
        starts.insert(0, 0)
    blocks = []
    match = _TOP_KEY.match
    for start in starts:
        m = match(chunk, start)
        if m is None:
            return None  # a top-level line the scan does not understand
        blocks.append((start, m.group(1) in _KEEP))
    return blocks


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


# the body of a double-quoted scalar up to its closing quote: `\x` escapes the next character
_DOUBLE_TO_CLOSE = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.S)


def _close_quote(text: str, i: int, quote: str) -> int:
    """Index after the quote that closes a scalar whose body continues at `text[i]`, or -1 when
    it does not close on this line (YAML escapes: `\\x` in double, `''` in single quotes;
    `quote` is one of the two)."""
    if quote == '"':
        m = _DOUBLE_TO_CLOSE.match(text, i)
        return -1 if m is None else m.end()
    while True:
        i = text.find("'", i)
        if i < 0:
            return -1
        if not text.startswith("'", i + 1):
            return i + 1
        i += 2


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


# What a line says to `_step`, read from the line without its indentation, for the shapes that
# make up almost all of a schema; any other line is `_GENERAL`. Groups: 1 a sequence indicator
# `- `, 2 a plain key (what `_key_of` reads as one: the line's first `: ` or final `:` ends
# it, with no ` #` before), then which of 3 `key:` (nothing or a comment after it: the value
# starts below), 4 `key: |` (a block scalar), 5 `key: value` (a first character `_value` reads
# as plain; the rest of the line does not matter); else 6 `- value` (plain, no `:` on the
# line), 7 a comment; a match with none of them is plain text without `:`.
_SHAPE = re.compile(
    r"""(?:
      (-\ +)?([A-Za-z_$][\w.\-/$@]*)\ *(?:
          (:)(?:\ +(?:\#.*)?)?$
        | (:)\ +[|>][0-9+-]*\ *(?:\#.*)?$
        | (:)\ +[^\s"'\[{|>?!&*%@`\#<]
      )
    | (-)\ +[^\s"'\[{|>?!&*%@`\#<:-][^:]*$
    | (\#)
    | [^\s"'\[{|>?!&*%@`\#<:-][^:]*$
    )""",
    re.X,
)
# what a line is: its kind (the keys' kinds first), its indentation, the column of its key, the
# length of its `- ` before the key (0: none), the key lowercased ("" for no key)
_BELOW, _BLOCK_KEY, _PLAIN_KEY_LINE, _ITEM, _TEXT, _NOTE, _GENERAL, _BLANK = range(8)
_Shape = tuple[int, int, int, int, str]
# lines repeat across a schema and across CRDs (`type: string`): each distinct line is read
# once per run. Bounded (a few MB at most): lines up to _SHAPED_LINE characters (long ones are
# descriptions, each its own), no more than _SHAPES_MAX of them, then it starts again
_SHAPES: dict[str, _Shape] = {}
_SHAPES_MAX = 1 << 15
_SHAPED_LINE = 128

_Stack = list[tuple[int, set[str]]]


def _shape(line: str) -> _Shape:
    """What `line` is, for `_no_duplicate_keys_in` (`_SHAPE`, and the indentation)."""
    stripped = line.lstrip(" ")
    col = len(line) - len(stripped)
    if not stripped:
        return (_BLANK, col, col, 0, "")
    m = _SHAPE.match(stripped)
    if m is None:
        return (_GENERAL, col, col, 0, "")
    key = m.group(2)
    if key is not None:
        dash = m.group(1)
        off = 0 if dash is None else len(dash)
        if m.group(3) is not None:
            kind = _BELOW
        elif m.group(4) is not None:
            kind = _BLOCK_KEY
        else:
            kind = _PLAIN_KEY_LINE
        return (kind, col, col + off, off, key.lower())
    if m.group(6) is not None:
        return (_ITEM, col, col, 0, "")
    if m.group(7) is not None:
        return (_NOTE, col, col, 0, "")
    return (_TEXT, col, col, 0, "")


def _no_duplicate_keys_in(lines: list[str], max_depth: int) -> bool:
    """`_no_duplicate_keys(lines, max_depth)` for `lines` without a `---` first line, with
    the common line shapes read once per distinct line (`_shape`) and the state kept the
    same way; every other line goes to `_step`, the general scan."""
    # the bottom entry is no mapping: below every column, never popped, never matched
    stack: _Stack = [(-1, set())]
    top_col, top_keys = stack[-1]  # the open mapping on top (a copy of `stack[-1]`)
    block_above: int | None = None
    quote: str | None = None
    expect: int | None = None
    shapes = _SHAPES
    limit = max_depth - 2  # `_step`'s depth check: `col + 2 >= max_depth`
    too_deep = " " * limit
    inside = ""  # inside the block scalar: lines starting with this (owner column + 1 spaces)
    for line in lines:
        if quote is None:
            if block_above is not None:
                if line.startswith(inside):
                    # blank, or indented deeper than the owner: the scalar goes on (unless the
                    # line is too deep: `_step` checks that first)
                    if line.startswith(too_deep) and line.strip(" "):
                        return False
                    continue
                stripped = line.lstrip(" ")
                if not stripped:
                    continue
                col = len(line) - len(stripped)
                if col >= limit:
                    return False
                if col > block_above:
                    continue
                block_above = None
            shape = shapes.get(line)
            if shape is None:
                shape = _shape(line)
                if len(line) <= _SHAPED_LINE:
                    if len(shapes) >= _SHAPES_MAX:
                        shapes.clear()
                    shapes[line] = shape
            kind, col, key_col, off, key = shape
            if kind <= _PLAIN_KEY_LINE:
                if col >= limit:
                    return False
                expect = None
                while top_col > col:
                    stack.pop()
                    top_col, top_keys = stack[-1]
                if off:
                    # `_step`'s pops for the `-` (above its column) and for the key that
                    # opens a new mapping (at or above the key's column) in one
                    top_col, top_keys = key_col, {key}
                    stack.append((top_col, top_keys))
                elif top_col == col:
                    if key in top_keys:
                        return False
                    top_keys.add(key)
                else:
                    top_col, top_keys = col, {key}
                    stack.append((top_col, top_keys))
                if kind == _BELOW:
                    expect = key_col
                elif kind == _BLOCK_KEY:
                    block_above = key_col
                    inside = " " * (key_col + 1)
                continue
            if kind == _BLANK:
                continue
            if col >= limit:
                return False
            if kind == _TEXT:
                expect = None
                continue
            if kind == _ITEM:
                while top_col > col:
                    stack.pop()
                    top_col, top_keys = stack[-1]
                expect = None
                continue
            if kind == _NOTE:
                continue
        ok, block_above, quote, expect = _step(line, stack, block_above, quote, expect, max_depth)
        if not ok:
            return False
        top_col, top_keys = stack[-1]
        if block_above is not None:
            inside = " " * (block_above + 1)
    return quote is None


def _no_duplicate_keys(lines: list[str], max_depth: int) -> bool:
    """True when every block mapping of the document provably has distinct keys and nests
    less than `max_depth` levels (block nesting takes at least a column per level, plus two)."""
    stack: _Stack = []  # open mappings: (key column, keys seen)
    block_above: int | None = None  # inside a block scalar whose owner is at this column
    quote: str | None = None  # inside a quoted scalar that opened on an earlier line
    expect: int | None = None  # the line above ended in `key:` or `-` owned at this column
    for line in lines[1:] if lines and lines[0].startswith("---") else lines:
        ok, block_above, quote, expect = _step(line, stack, block_above, quote, expect, max_depth)
        if not ok:
            return False
    return quote is None


def _step(
    line: str,
    stack: _Stack,
    block_above: int | None,
    quote: str | None,
    expect: int | None,
    max_depth: int,
) -> tuple[bool, int | None, str | None, int | None]:
    """One line of `_no_duplicate_keys`: (False, ...) when the document is refused, else
    (True, block_above, quote, expect) after the line (`stack` is updated in place)."""
    if quote is not None:
        end = _close_quote(line, 0, quote)
        if end < 0:
            return True, block_above, quote, expect
        quote = None
        tail = line[end:].strip(" ")
        if tail and not tail.startswith("#"):
            return False, block_above, quote, expect
        return True, block_above, quote, expect
    stripped = line.lstrip(" ")
    if not stripped:
        return True, block_above, quote, expect
    col = len(line) - len(stripped)
    if col + 2 >= max_depth:
        return False, block_above, quote, expect
    if block_above is not None:
        if col > block_above:
            return True, block_above, quote, expect
        block_above = None
    if stripped.startswith("#"):
        return True, block_above, quote, expect
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
        return True, block_above, quote, expect
    key, after = _key_of(stripped)
    if after < 0:
        return False, block_above, quote, expect
    value_at, expect = expect, None
    if key is None:
        if dash_col is not None:
            owner = dash_col
        elif value_at is not None and col > value_at:
            owner = value_at  # the value of the key (or `-`) on the line above
        else:
            # a continuation line of a plain scalar: text, whatever it starts with (the
            # document parsed, so it is no node of its own)
            return True, block_above, quote, expect
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
                    return False, block_above, quote, expect
                stack[-1][1].add(key)
            else:
                stack.append((col, {key}))
    rest = stripped[after:]
    how = _value(rest)
    if how is None:
        return False, block_above, quote, expect
    if how == _BLOCK:
        block_above = owner
    elif how != _PLAIN:
        quote = how
    elif not rest.strip(" ") or rest.lstrip(" ").startswith("#"):
        expect = owner  # the value starts on a later line
    return True, block_above, quote, expect


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
