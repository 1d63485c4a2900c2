"""Hostile note shapes (issue 15): each must cost time linear in its size.

    python benchmarks/hostile.py [--sizes 1,4,16] [--shape NAME ...]

builds every shape at the given multiples of its base size, checks it (or
fixes it, for `glued-urls-fix`) in-process and prints a growth table: the
note's size, the CPU seconds, and the ratio of each size's time to the
previous size's over the ratio of their sizes (~1 when linear, ~the size ratio
when quadratic). `tests/test_hostile.py` builds the same shapes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HEAD = """\
---
title: "一篇文章"
发布日期: 2024-05-06
作者: "作者"
来源: "微信公众号"
原文链接: "https://example.com/posts/a"
---

## 摘要

**1) 一句话总结**
这是一句话总结。

**2) 关键要点**
*   要点一。
*   要点二。
*   要点三。

## 正文

"""
TAIL = "\n\n## 关联主题\n\n- [[00-元语/AI]]\n"


@dataclass(frozen=True)
class Shape:
    name: str
    body: Callable[[int], str]  # n -> the hostile part of the body
    base: int  # n of size 1
    fix: bool = False  # time `check --fix --unsafe-fixes` instead of a check


def _headings_with_links(n: int) -> str:
    return "".join(f"## 标题{i}\n\n见 [[#标题{i}]] 与 [[#标题{i + 1}]]。\n\n" for i in range(n))


def _headings_with_broken_links(n: int) -> str:
    return "".join(f"## 标题{i}\n\n见 [[#题目{i}x]]。\n\n" for i in range(n))


def _nested_list(n: int) -> str:
    return "- " * n + "项 ^block-id\n"


SHAPES = [
    Shape("unclosed-comments", lambda n: "<!-- 注释\n" * n, 2000),
    Shape("nested-list-block-id", _nested_list, 1000),
    Shape("percent-comments-links", lambda n: "%% 注 %% [[x]] " * n, 1000),
    Shape("url-close-parens", lambda n: "见 https://example.com/a" + ")" * n + "\n", 4000),
    Shape("angle-url-parens", lambda n: "[链接](<https://example.com/" + ")" * n + ">)\n", 4000),
    Shape("many-headings", lambda n: "".join(f"## 标题{i}\n\n段落。\n\n" for i in range(n)), 500),
    Shape(
        "hash-lines-beside-headings",
        lambda n: "".join(f"## 标题{i}\n##x{i}\n\n" for i in range(n)),
        500,
    ),
    Shape("code-spans-bad-images", lambda n: "`c` ![a](b `c` ![x](" * n + "\n", 1000),
    Shape("headings-with-links", _headings_with_links, 300),
    Shape("headings-with-broken-links", _headings_with_broken_links, 300),
    Shape(
        "glued-urls-fix",
        lambda n: "".join(f"见https://example.com/{i}）。\n" for i in range(n)),
        500,
        fix=True,
    ),
]
BY_NAME = {shape.name: shape for shape in SHAPES}


def note(shape: Shape, multiple: int) -> str:
    return HEAD + shape.body(shape.base * multiple) + TAIL


def run(shape: Shape, multiple: int, folder: Path) -> float:
    """CPU seconds of one check (or fix) of the shape's note at `multiple` × its base size."""
    from vaultkit import fix
    from vaultkit.linter import check_paths

    vault = folder / f"{shape.name}-{multiple}"
    (vault / ".obsidian").mkdir(parents=True)
    path = vault / "01-博客" / "a.md"
    path.parent.mkdir()
    path.write_text(note(shape, multiple), encoding="utf-8")
    started = time.process_time()
    checked = check_paths([vault])
    if shape.fix:
        fix.plan(checked, unsafe=True)
    return time.process_time() - started


def table(shapes: list[Shape], sizes: list[int], out=None) -> dict[str, list[float]]:
    """Print the growth table (to `out`, else stdout); return {shape: [seconds per size]}."""
    out = out or sys.stdout
    times: dict[str, list[float]] = {}
    header = "".join(f"  ×{m:<3} s     growth" for m in sizes)
    print(f"{'shape':28}{header}", file=out)
    with tempfile.TemporaryDirectory() as tmp:
        run(Shape("warm-up", lambda n: "", 1), 1, Path(tmp))  # imports and compiled patterns
        for shape in shapes:
            row = [run(shape, m, Path(tmp)) for m in sizes]
            times[shape.name] = row
            cells = []
            for i, (m, seconds) in enumerate(zip(sizes, row, strict=True)):
                growth = "" if i == 0 else f"{seconds / row[i - 1] / (m / sizes[i - 1]):.2f}"
                cells.append(f"  {seconds:8.3f} {growth:>6}")
            print(f"{shape.name:28}{''.join(cells)}", file=out, flush=True)
    print("growth: time ratio over size ratio between neighbouring sizes (1 = linear)", file=out)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,4,16")
    parser.add_argument("--shape", action="append", choices=sorted(BY_NAME))
    args = parser.parse_args()
    shapes = [BY_NAME[name] for name in args.shape] if args.shape else SHAPES
    table(shapes, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
