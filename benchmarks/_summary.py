"""Summaries that restate their body, as a faithful summariser writes them.

A real `## 摘要` repeats the article: its one sentence and its key points are
built from the body's sentences, figures (with their units) and names, and its
risks are ones the body itself states. So a generated summary is made here
from the body blocks `_prose.body_blocks` wrote: sentences copied or lightly
reworded (a leading connector dropped, `在 X 场景下，Y达到了 N` turned into
`Y在 X 场景下达到 N`), table rows turned into sentences, the body's own `###`
headings as bold labels. Nothing in it is a number or a Latin name that the body
lacks, so a clean note gives the claim rules (SM101–SM103) nothing to report;
the `unsupported-claim` fault (`_faults.py`) adds one on purpose.

The risks are Chinese sentences without figures or names, and `risk_paragraph`
puts them into the body too, where the article states them.
"""

from __future__ import annotations

import random
import re

import _prose

RISKS = [
    "文中的结果主要来自作者自己的测试，缺少第三方复现。",
    "对成本和长期维护的讨论较少。",
    "部分结论只在单一场景下验证过，推广到其他场景还需谨慎。",
    "作者没有公开完整的实验配置，细节难以核对。",
    "文章对失败案例着墨不多，读者容易高估效果。",
    "与同类方案的比较不够全面。",
    "数据规模偏小，结论的稳定性有待观察。",
    "方案对硬件条件要求较高，普通团队未必能复用。",
]
RISK_LEADS = [
    "不过，作者也承认：",
    "需要说明的是，",
    "当然，这套做法也有局限：",
    "最后要提醒一句：",
]
ONE_LINE_LEADS = ["", "", "作者认为，", "文章指出，", "核心结论是：", "一句话说，"]
POINT_LEADS = ["", "", "", "文中提到，", "作者强调，", "据文中介绍，"]
FALLBACK_LABELS = ["核心观点", "背景", "结论", "方法"]

_MARKER = re.compile(r"^(?:[-*]|\d+\.|>)\s+")
_LABEL = re.compile(r"^\*\*[^*]+\*\*：")
_CONNECTOR = re.compile("^(?:" + "|".join(c for c in _prose.CONNECTORS if c) + ")")
_MEASURED = re.compile(r"^在 (?P<term>\S+) 场景下，(?P<object>.+?) ?达到了 (?P<number>\S+)。$")
_ROW = re.compile(r"^\| (?P<name>\S+) \| (?P<params>\d+B) \| (?P<score>\d+\.\d) \|$")


def sentences(blocks: list[str]) -> list[str]:
    """The prose sentences of the body: paragraphs, list items and quotes, split at `。`."""
    found: list[str] = []
    for block in blocks:
        if block.startswith(("```", "|", "!", "#", "WEBVTT")):
            continue
        for line in block.split("\n"):
            line = _LABEL.sub("", _MARKER.sub("", line))
            for part in line.split("。"):
                part = part.strip()
                if len(part) >= 8 and part + "。" not in _prose.SHORT_LINES:
                    found.append(part + "。")
    return list(dict.fromkeys(found))  # unique, in order


def _restate(rng: random.Random, sentence: str, leads: list[str]) -> str:
    """The sentence as a summary says it: connector dropped, maybe reworded or led in."""
    sentence = _CONNECTOR.sub("", sentence)
    measured = _MEASURED.match(sentence)
    if measured and rng.random() < 0.6:
        return _prose.join(
            measured["object"],
            f"在 {measured['term']} 场景下达到 {measured['number']}。",
        )
    return _prose.join(rng.choice(leads), sentence)


def _table_facts(blocks: list[str]) -> list[str]:
    facts = []
    for block in blocks:
        if not block.startswith("| 模型 |"):
            continue
        rows = [m for m in map(_ROW.match, block.split("\n")) if m]
        if not rows:
            continue
        best = max(rows, key=lambda m: float(m["score"]))
        facts.append(f"表中 {best['name']} 得分最高，为 {best['score']}，参数量 {best['params']}。")
        row = rows[0]
        if row is not best:
            facts.append(f"{row['name']} 的参数量为 {row['params']}，得分 {row['score']}。")
    return facts


def risk_paragraph(rng: random.Random, risks: list[str]) -> str:
    """The body's own statement of the risks the summary will list."""
    return rng.choice(RISK_LEADS) + "".join(risks)


def summarise(rng: random.Random, blocks: list[str]) -> tuple[str, list[str], list[str]]:
    """One sentence, 5–10 key points and 0–3 risks, all restating `blocks`.

    Returns the one-sentence summary and the key-point and risk lines (`*   …`). The
    caller adds `risk_paragraph(rng, risks)` to the body when there are risks."""
    pool = sentences(blocks)
    rng.shuffle(pool)
    measured = [s for s in pool if _MEASURED.match(_CONNECTOR.sub("", s))]
    headings = [b[4:] for b in blocks if b.startswith("### ")]
    first = measured[0] if measured and rng.random() < 0.5 else (pool[0] if pool else None)
    if first is None:  # a body without prose (never generated, but be safe)
        first = rng.choice(RISKS)
    else:
        pool.remove(first)
    one_line = _restate(rng, first, ONE_LINE_LEADS)

    facts = [_restate(rng, s, POINT_LEADS) for s in pool[:12]] + _table_facts(blocks)
    rng.shuffle(facts)
    want = rng.randint(5, 10)
    points = facts[:want]
    while len(points) < 5:  # short bodies: Chinese statements with nothing to support
        points.append(rng.choice(RISKS))
    label = rng.choice(headings) if headings else rng.choice(FALLBACK_LABELS)
    lines = [f"*   **{label}**：{points[0]}"] + [f"*   {p}" for p in points[1:]]
    risks = rng.sample(RISKS, rng.randint(1, 3)) if rng.random() < 0.6 else []
    return one_line, lines, [f"*   {r}" for r in risks]


def resource_summary(rng: random.Random, paragraphs: list[str]) -> str:
    """A profile's summary paragraph: two of its body's sentences."""
    pool = sentences(paragraphs)
    picked = rng.sample(pool, min(2, len(pool)))
    return "".join(_CONNECTOR.sub("", s) for s in picked) or "一个面向开发者的项目。"
