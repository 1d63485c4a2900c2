"""What the frontmatter rules share: which blocks they look at and where a value sits in the file.

YAML marks give each node's start and end (line, character column). A value's
text is not always its source text: quotes and escapes (`'it''s'`, `"\\u0026"`)
shift columns, so `locate` maps a piece of a decoded value back to the file.

Fixes need byte offsets into `note.data` instead: `mark_offset` turns a mark
into one, and `scalar_source` gives a one-line scalar's bytes and source text.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from vaultkit.diagnostics import Edit, Position
from vaultkit.frontmatter import Field, Frontmatter
from vaultkit.note import Note
from vaultkit.options import FrontmatterOptions

NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
_ESCAPE_LENGTH = {"x": 2, "u": 4, "U": 8}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def fields_of(note: Note) -> Frontmatter | None:
    """The frontmatter when its fields can be checked: closed, valid YAML, a mapping (or empty)."""
    fm = note.frontmatter
    if fm is None or not fm.closed or fm.error is not None:
        return None
    if fm.root is not None and not isinstance(fm.root, yaml.MappingNode):
        return None
    return fm


def values_of(note: Note) -> Frontmatter | None:
    """As `fields_of`, and without aliases (whose values are never constructed)."""
    fm = fields_of(note)
    return fm if fm is not None and fm.alias is None else None


def filled_fields(note: Note, keys: list[str]) -> Iterator[tuple[Frontmatter, str, Field]]:
    """`(frontmatter, key, field)` for each of `keys` the note fills in (present, not blank)."""
    fm = values_of(note)
    if fm is None:
        return
    for key in keys:
        entry = fm.fields.get(key)
        if entry is not None and not is_blank(entry.node):
            yield fm, key, entry


def is_plain(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style


def scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """The scalar values of a field: the value itself, or the items of a list (of lists),
    in order; walked without recursion, so no nesting depth can exhaust the stack."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def text_values(fm: Frontmatter) -> Iterator[tuple[str, yaml.ScalarNode]]:
    """`(key, node)` of every text value of the frontmatter, list items included."""
    for key, entry in fm.fields.items():
        for node in scalars(entry.node):
            if node.tag == STR_TAG:
                yield key, node


def is_blank(node: yaml.Node) -> bool:
    """No value: nothing written, `""`, `null`, `~`, `[]`, `{}` or a list of blanks."""
    if isinstance(node, yaml.ScalarNode):
        return node.tag == NULL_TAG or (node.tag == STR_TAG and not node.value.strip())
    if isinstance(node, yaml.SequenceNode):
        return all(is_blank(item) for item in node.value)
    return not node.value


def needs_value(options: FrontmatterOptions, key: str) -> bool:
    """A field whose emptiness is a finding (FM008): required, a date or a URL."""
    return key in options.required or key in options.date_fields or key in options.url_fields


def show(text: str, limit: int = 60) -> str:
    """`text` in backticks for a message, shortened."""
    text = text.replace("\n", " ").replace("`", "'")
    return f"`{text if len(text) <= limit else text[: limit - 1] + '…'}`"


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- positions


def node_span(note: Note, fm: Frontmatter, node: yaml.Node) -> tuple[Position, Position]:
    """Where a node is written (a span ending at the start of a line ends on the line before)."""
    start = fm.position(node.start_mark)
    end = fm.position(node.end_mark)
    if end.line > start.line and end.column == 1:
        line = end.line - 1
        end = Position(line, len(note.lines[line - 1]) + 1)
    return start, end


def key_span(note: Note, fm: Frontmatter, entry: Field) -> tuple[Position, Position]:
    return node_span(note, fm, entry.key_node)


def value_span(note: Note, fm: Frontmatter, entry: Field) -> tuple[Position, Position]:
    """Where the value is written; the key when nothing is (`作者:`)."""
    if entry.node.start_mark.index == entry.node.end_mark.index:
        return key_span(note, fm, entry)
    return node_span(note, fm, entry.node)


def source_columns(source: str, style: str | None) -> list[int] | None:
    """For each character of a one-line scalar's value, its 0-based index in `source`."""
    if not style:
        return list(range(len(source)))
    if style not in ("'", '"') or len(source) < 2:
        return None
    columns: list[int] = []
    index, end = 1, len(source) - 1
    while index < end:
        char = source[index]
        columns.append(index)
        if style == "'" and char == "'":
            index += 2  # '' is one quote
        elif style == '"' and char == "\\":
            index += 2 + _ESCAPE_LENGTH.get(source[index + 1] if index + 1 < end else "", 0)
        else:
            index += 1
    return columns


def locate(
    note: Note, fm: Frontmatter, node: yaml.ScalarNode, start: int, end: int
) -> tuple[Position, Position]:
    """The file span of `node.value[start:end]`."""
    first = fm.position(node.start_mark)
    last = fm.position(node.end_mark)
    if first.line == last.line:
        line = note.lines[first.line - 1]
        source = line[first.column - 1 : last.column - 1]
        columns = source_columns(source, node.style)
        if columns is not None and len(columns) == len(node.value) and start < len(columns):
            stop = columns[end] if end < len(columns) else len(source) - (1 if node.style else 0)
            return (
                Position(first.line, first.column + columns[start]),
                Position(first.line, first.column + stop),
            )
    return _search(note, node.value, start, end, first, last)


def _search(
    note: Note, value: str, start: int, end: int, first: Position, last: Position
) -> tuple[Position, Position]:
    """A folded or multi-line scalar: find the piece's text in the lines the node spans."""
    needle = value[start:end]
    skip = value[:start].count(needle) if needle else 0
    for number in range(first.line, last.line + 1):
        line = note.lines[number - 1]
        offset = first.column - 1 if number == first.line else 0
        while needle:
            found = line.find(needle, offset)
            if found < 0:
                break
            if skip == 0:
                return Position(number, found + 1), Position(number, found + 1 + len(needle))
            skip -= 1
            offset = found + len(needle)
    return first, Position(first.line, first.column + 1)


# ---------------------------------------------------------------- byte offsets (for fixes)


def mark_offset(note: Note, fm: Frontmatter, mark: yaml.Mark) -> int:
    """The byte offset in `note.data` of a mark of the frontmatter's YAML.

    The YAML text starts right after the opening `---` line (ASCII, so its
    characters are its bytes; the BOM is not part of `note.data`), and a
    mark's `index` counts characters (code points) of that text, CRLF as two.
    Lines and columns are not used: YAML also breaks lines at U+0085,
    U+2028 and U+2029, which are no line breaks for the note.
    """
    start = note.data.find(b"\n") + 1
    return start + len(fm.text[: mark.index].encode("utf-8"))


def scalar_source(note: Note, fm: Frontmatter, node: yaml.Node) -> tuple[int, int, str] | None:
    """`(byte start, byte end, source text)` of a scalar written on one line, quotes included.

    None for a multi-line or block scalar, and for anything not a scalar.
    """
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, "", "'", '"'):
        return None
    start, end = node.start_mark.index, node.end_mark.index
    source = fm.text[start:end]
    if not source or "\n" in source or "\r" in source:
        return None
    return mark_offset(note, fm, node.start_mark), mark_offset(note, fm, node.end_mark), source


def reads_as(source: str, style: str | None, value: str, tag: str | None = None) -> bool:
    """Whether YAML reads `source`, written after `key: `, back as `value` in `style`.

    With `tag`, the value must also resolve to that tag (text must stay text:
    `1&#46;0` decoded to `1.0` would become a number). Used to check a fixed
    scalar before offering the fix.
    """
    try:
        root = yaml.compose(f"k: {source}\n", Loader=_Loader)
    except yaml.YAMLError:
        return False
    if not isinstance(root, yaml.MappingNode) or len(root.value) != 1:
        return False
    node = root.value[0][1]
    return (
        isinstance(node, yaml.ScalarNode)
        and (node.style or None) == (style or None)
        and node.value == value
        and node.end_mark.index == len(source) + 3
        and (tag is None or node.tag == tag)
    )


def inner_edit(
    note: Note, fm: Frontmatter, node: yaml.ScalarNode, text: str, keep_tag: bool = True
) -> Edit | None:
    """An edit making `text` the value of a one-line scalar, in its style (quotes kept).

    Only the bytes that differ are replaced (the common start and end of the
    old and new text stay). None when the scalar's source is not its value
    verbatim (escapes such as `\\u0026` or `''`), when YAML would not read the
    new text back as `text` in that style (a `"` inside double quotes, `: ` or
    ` #` in a plain scalar), or, with `keep_tag`, as a value of the same type.
    """
    found = scalar_source(note, fm, node)
    if found is None or not text.isprintable():
        return None
    start, _, source = found
    quote = node.style or ""
    if quote and (len(source) < 2 or not source.endswith(quote)):
        return None
    inner = source[len(quote) : len(source) - len(quote)]
    if inner != node.value or inner == text:
        return None
    if not reads_as(quote + text + quote, node.style, text, node.tag if keep_tag else None):
        return None
    prefix = 0
    limit = min(len(inner), len(text))
    while prefix < limit and inner[prefix] == text[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and inner[-1 - suffix] == text[-1 - suffix]:
        suffix += 1
    offset = start + len(quote) + len(inner[:prefix].encode("utf-8"))
    old = inner[prefix : len(inner) - suffix]
    return Edit(offset, offset + len(old.encode("utf-8")), text[prefix : len(text) - suffix])
