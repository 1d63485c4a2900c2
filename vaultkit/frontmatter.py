"""Splitting a note's YAML frontmatter off and composing it with positions.

PyYAML's composer (libyaml's CSafeLoader) keeps a start and end mark on every
node, so each key and value can be pointed at exactly. Values are constructed
one field at a time, so one bad value (`2024-13-45`) does not hide the others,
and never when the block uses aliases (billion-laughs guard).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from vaultkit.diagnostics import Position

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = re.compile(r"---[ \t]*\r?$")


@dataclass(slots=True)
class Field:
    """One top-level `key: value` of the frontmatter mapping."""

    key: str
    key_node: yaml.Node
    node: yaml.Node
    value: Any = None
    error: str | None = None  # why the value could not be constructed

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


@dataclass(frozen=True, slots=True)
class YamlError:
    message: str
    position: Position


@dataclass(slots=True)
class Frontmatter:
    """The block between the opening `---` on line 1 and its closing `---`."""

    text: str  # the YAML between the fences
    first_line: int  # file line of the YAML's first line (2 when the note starts with ---)
    closed: bool
    body_start: int  # byte offset (in the note's UTF-8 data) where the body begins
    root: yaml.Node | None = None
    error: YamlError | None = None
    alias: Position | None = None  # where the first alias is used, if any
    fields: dict[str, Field] = field(default_factory=dict)  # first occurrence of each key
    duplicates: list[Field] = field(default_factory=list)  # later occurrences

    def position(self, mark: yaml.Mark) -> Position:
        """The file position of a mark inside the YAML text."""
        return Position(self.first_line + mark.line, mark.column + 1)

    def get(self, key: str) -> Field | None:
        return self.fields.get(key)


def split(text: str) -> Frontmatter | None:
    """Find the frontmatter block of a note's text (BOM already removed)."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _FENCE.fullmatch(first):
        return None
    pos = first_end + 1 if first_end >= 0 else len(text)
    start = pos
    while pos < len(text):
        end = text.find("\n", pos)
        line_end = len(text) if end < 0 else end
        if _FENCE.fullmatch(text[pos:line_end]):
            after = line_end + 1 if end >= 0 else line_end
            return Frontmatter(
                text=text[start:pos],
                first_line=2,
                closed=True,
                body_start=len(text[:after].encode()),
            )
        pos = line_end + 1
    return Frontmatter(text=text[start:], first_line=2, closed=False, body_start=len(text.encode()))


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


def compose(fm: Frontmatter) -> None:
    """Compose the YAML of a closed block, filling root, fields, error and alias."""
    try:
        fm.root = yaml.compose(fm.text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        fm.error = _yaml_error(fm, error)
        return
    except yaml.YAMLError as error:
        fm.error = YamlError(str(error), Position(fm.first_line, 1))
        return
    if fm.root is None:
        return
    if "*" in fm.text and _first_alias(fm.root):  # an alias is always written `*name`
        fm.alias = _alias_position(fm)
    if not isinstance(fm.root, yaml.MappingNode):
        return
    constructor = SafeConstructor()
    for key_node, value_node in fm.root.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        entry = Field(key, key_node, value_node)
        if fm.alias is None:
            try:
                entry.value = constructor.construct_object(value_node, deep=True)
            except (ValueError, TypeError, yaml.YAMLError) as error:
                entry.error = str(error)
        if key in fm.fields:
            fm.duplicates.append(entry)
        else:
            fm.fields[key] = entry
