"""Splitting a note's YAML frontmatter off and composing it with positions.

PyYAML's composer (libyaml's CSafeLoader) keeps a start and end mark on every
node, so each key and value can be pointed at exactly. Values are constructed
one field at a time, so one bad value (`2024-13-45`) does not hide the others,
and never when the block uses aliases (billion-laughs guard).

Both happen on first use: a block is composed when its nodes are first read
and a value constructed when it is first read. A pickled `Frontmatter` is its
text and fence facts, so notes travel between processes and to the cache
cheaply, and a loaded note whose frontmatter no rule reads costs nothing here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from vaultkit import regexes
from vaultkit.diagnostics import Position

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = regexes.compile(r"---[ \t]*\r?$")
_REWRITTEN_KEYS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})


class Field:
    """One top-level `key: value` of the frontmatter mapping.

    `value` and `error` come from constructing the value node, which happens
    on first use of either.
    """

    __slots__ = ("_error", "_pending", "_value", "key", "key_node", "node")

    def __init__(self, key: str, key_node: yaml.Node, node: yaml.Node, load: bool = True) -> None:
        self.key = key
        self.key_node = key_node
        self.node = node
        self._pending = load  # False when the block uses aliases: nothing is constructed
        self._value: Any = None
        self._error: str | None = None

    @property
    def value(self) -> Any:
        if self._pending:
            self._construct()
        return self._value

    @property
    def error(self) -> str | None:
        """Why the value could not be constructed, or None."""
        if self._pending:
            self._construct()
        return self._error

    def _construct(self) -> None:
        self._pending = False
        if _depth(self.node) > MAX_DEPTH:  # PyYAML constructs recursively: never try
            self._error = f"the value is nested more than {MAX_DEPTH} levels deep"
            return
        try:
            value = SafeConstructor().construct_object(self.node, deep=True)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError) as error:
            self._error = str(error)
            return
        if _has_huge_int(value):  # `1:59:59:…` (base 60) is an integer no str() can print
            self._error = "the value is a number of thousands of digits"
        else:
            self._value = value

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode)

    @property
    def raw(self) -> str | None:
        """The value's source text for a scalar (without quotes), else None."""
        return self.node.value if isinstance(self.node, yaml.ScalarNode) else None

    @property
    def is_empty(self) -> bool:
        node = self.node
        if isinstance(node, yaml.ScalarNode):
            return node.value.strip() == "" and node.tag != "tag:yaml.org,2002:bool"
        return not node.value

    def __repr__(self) -> str:
        return f"Field({self.key!r}, {self.node!r})"


@dataclass(frozen=True, slots=True)
class YamlError:
    message: str
    position: Position


class Frontmatter:
    """The block between the opening `---` on line 1 and its closing `---`.

    The YAML of a closed block is composed on first use of `root`, `error`,
    `alias`, `fields` or `duplicates`. A pickle holds only the text and the
    fence facts: composing again with libyaml is cheaper than unpickling node
    trees, and is not done at all for a note whose frontmatter is not read.
    """

    __slots__ = (
        "_alias",
        "_composed",
        "_duplicates",
        "_error",
        "_fields",
        "_plain",
        "_root",
        "body_start",
        "closed",
        "first_line",
        "text",
    )

    def __init__(self, text: str, first_line: int, closed: bool, body_start: int) -> None:
        self.text = text  # the YAML between the fences
        self.first_line = first_line  # file line of the YAML's first line (2 after a `---`)
        self.closed = closed
        self.body_start = body_start  # byte offset (in the note's data) where the body begins
        self._composed = not closed  # an unclosed block is never composed
        self._root: yaml.Node | None = None
        self._error: YamlError | None = None
        self._alias: Position | None = None
        self._fields: dict[str, Field] = {}
        self._duplicates: list[Field] = []
        self._plain: bool | None = None  # no line break but `\n` (`position`), once known

    def release(self) -> None:
        """Drop the composed YAML, as a pickle does: it is composed again on use."""
        self.__init__(self.text, self.first_line, self.closed, self.body_start)

    @property
    def root(self) -> yaml.Node | None:
        if not self._composed:
            compose(self)
        return self._root

    @property
    def error(self) -> YamlError | None:
        if not self._composed:
            compose(self)
        return self._error

    @property
    def alias(self) -> Position | None:
        """Where the first alias is used, if any."""
        if not self._composed:
            compose(self)
        return self._alias

    @property
    def fields(self) -> dict[str, Field]:
        """The first occurrence of each key."""
        if not self._composed:
            compose(self)
        return self._fields

    @property
    def duplicates(self) -> list[Field]:
        """Later occurrences of a key."""
        if not self._composed:
            compose(self)
        return self._duplicates

    @property
    def composed(self) -> bool:
        """Whether the YAML is composed already (or never will be: an unclosed block)."""
        return self._composed

    def forget(self) -> None:
        """Drop the composed YAML (composed again on next use): for a vault rule that reads
        a field of every note, so that the notes do not all hold their node trees at once."""
        if self.closed:
            self._composed = False
            self._root, self._error, self._alias = None, None, None
            self._fields, self._duplicates = {}, []

    @contextlib.contextmanager
    def transient(self) -> Iterator[Frontmatter]:
        """The block, its YAML dropped again afterwards if it was composed for this use only
        (`forget`); kept if something had composed it before."""
        kept = self._composed
        try:
            yield self
        finally:
            if not kept:
                self.forget()

    def position(self, mark: yaml.Mark) -> Position:
        """The file position of a mark inside the YAML text.

        YAML also breaks lines at a lone CR, NEL, LS and PS, which are no line
        ends in the file: with one of them in the text, the mark's character
        index is counted against the text's own `\n`s instead.
        """
        text = self.text
        if self._plain is None:
            self._plain = not _ODD_BREAK.search(text)
        if self._plain:
            return Position(self.first_line + mark.line, mark.column + 1)
        index = min(mark.index, len(text))
        line_start = text.rfind("\n", 0, index) + 1
        return Position(self.first_line + text.count("\n", 0, index), index - line_start + 1)

    def get(self, key: str) -> Field | None:
        return self.fields.get(key)

    def __reduce__(self) -> tuple:
        return Frontmatter, (self.text, self.first_line, self.closed, self.body_start)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Frontmatter:
            return NotImplemented
        return (
            self.text == other.text
            and self.first_line == other.first_line
            and self.closed == other.closed
            and self.body_start == other.body_start
        )

    __hash__ = None  # equal by content, so not hashable

    def __repr__(self) -> str:
        return (
            f"Frontmatter({self.text!r}, first_line={self.first_line}, closed={self.closed}, "
            f"body_start={self.body_start})"
        )


def split(text: str) -> Frontmatter | None:
    """Find the frontmatter block of a note's text (BOM already removed)."""
    return locate(text)[0]


def locate(text: str) -> tuple[Frontmatter | None, int]:
    """The frontmatter block of a note's text and the index in `text` where the body begins."""
    if not text.startswith("---"):
        return None, 0
    first_end = text.find("\n")
    if not _FENCE.fullmatch(text, 0, len(text) if first_end < 0 else first_end):
        return None, 0
    start = first_end + 1 if first_end >= 0 else len(text)
    line_start = start
    while True:  # only lines starting with `---` can close the block
        if not text.startswith("---", line_start):
            found = text.find("\n---", line_start)
            if found < 0:
                break
            line_start = found + 1
        end = text.find("\n", line_start)
        line_end = len(text) if end < 0 else end
        if _FENCE.fullmatch(text, line_start, line_end):
            after = line_end + 1 if end >= 0 else line_end
            body_start = after if text.isascii() else len(text[:after].encode())
            return Frontmatter(text[start:line_start], 2, True, body_start), after
        if end < 0:
            break
        line_start = end + 1
    body_start = len(text) if text.isascii() else len(text.encode())
    return Frontmatter(text[start:], 2, False, body_start), len(text)


_ODD_BREAK = regexes.compile("\r(?!\n)|[\x85\u2028\u2029]")  # line breaks to YAML only
MAX_DEPTH = 64  # nesting of a value (lists, mappings) that is constructed
MAX_INT_BITS = 14_000  # about 4,200 digits: Python refuses to print more than 4,300


def _depth(node: yaml.Node) -> int:
    """How deeply lists and mappings nest in `node` (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(node, 0)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack += [(child, depth + 1) for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(child, depth + 1) for child in node.value]
        deepest = max(deepest, depth)
    return deepest


def _has_huge_int(value: Any) -> bool:
    """Whether a constructed value holds an integer too long to turn into text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, int) and not isinstance(item, bool):
            if item.bit_length() > MAX_INT_BITS:
                return True
        elif isinstance(item, list):
            stack += item
        elif isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
    return False


def _first_alias(root: yaml.Node) -> bool:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def _alias_position(fm: Frontmatter) -> Position:
    for event in yaml.parse(fm.text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return fm.position(event.start_mark)
    return Position(fm.first_line, 1)


def _yaml_error(fm: Frontmatter, error: yaml.MarkedYAMLError) -> YamlError:
    """The error at its file position; at the context's when the problem is past the block."""
    problem = error.problem or "invalid YAML"
    mark = error.problem_mark
    context = error.context_mark
    if error.context and context is not None:
        where = fm.position(context)
        problem = f"{problem} ({error.context} at line {where.line} column {where.column})"
    if mark is None or (context is not None and mark.index >= len(fm.text.rstrip())):
        mark = context
    return YamlError(problem, fm.position(mark) if mark else Position(fm.first_line, 1))


def _rewritten_by_construction(node: yaml.Node) -> bool:
    """Whether constructing `node` changes it: PyYAML flattens `<<` merge keys and retags `=`
    keys of mappings in place, so their values must be constructed before anyone reads them."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag in _REWRITTEN_KEYS:
                    return True
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def compose(fm: Frontmatter) -> None:
    """Compose the YAML of a closed block, filling root, fields, error and alias (once)."""
    if not fm._composed:
        fm._root, fm._error, fm._alias, fm._fields, fm._duplicates = _composed(fm)
        fm._composed = True


def _composed(fm: Frontmatter) -> tuple:
    """root, error, alias, fields and duplicates of a closed block."""
    fields: dict[str, Field] = {}
    duplicates: list[Field] = []
    try:
        root = yaml.compose(fm.text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        return None, _yaml_error(fm, error), None, fields, duplicates
    except yaml.YAMLError as error:
        return None, YamlError(str(error), Position(fm.first_line, 1)), None, fields, duplicates
    text = fm.text
    alias = None
    if root is not None and "*" in text and _first_alias(root):  # an alias is written `*name`
        alias = _alias_position(fm)
    if not isinstance(root, yaml.MappingNode):
        return root, None, alias, fields, duplicates
    load = alias is None  # never construct values that use aliases (billion laughs)
    for key_node, value_node in root.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        entry = Field(key, key_node, value_node, load)
        if key in fields:
            duplicates.append(entry)
        else:
            fields[key] = entry
    if load and ("<<" in text or "=" in text or "!" in text):
        entries = [*fields.values(), *duplicates]
        if any(_rewritten_by_construction(entry.node) for entry in entries):
            for entry in entries:
                entry._construct()
    return root, None, alias, fields, duplicates
