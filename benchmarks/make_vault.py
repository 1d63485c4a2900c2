"""Generate a realistic vault of archived-article notes, with injected faults.

    python benchmarks/make_vault.py 3000 benchmarks/out/vault-3000 --seed 0

The vault follows the format of /work/shared/VAULT-CONVENTIONS.md: `00-元语/`
topic notes (~5 % of N, at least 10), article notes under `01-博客/{author}/`
(the bulk), a few `02-资源/` profiles (~2 %), some attachments under `附件/`
and `.obsidian/app.json`. All text is invented here. About 1–2 % of the
articles get each kind of fault listed in `_faults.KINDS` (one fault per note;
with N >= 50 every kind occurs at least once), and `OUT/.vaultkit-faults.json`
records which note has which fault.

The same N and seed always give a byte-identical vault: every random choice
comes from one `random.Random(seed)` and nothing depends on time or hashing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import _prose
import _summary
from _faults import KINDS, Context

VERSION = 5
MANIFEST = ".vaultkit-faults.json"
TOPICS, ARTICLES, RESOURCES, ATTACHMENTS = "00-元语", "01-博客", "02-资源", "附件"
BASE_TOPICS = [
    "AI", "llm", "Agent", "RAG", "推理", "多模态", "开源模型", "评测", "提示词", "向量数据库",
    "memory", "workflow", "code-review", "mcp", "cli", "GPU", "微调", "蒸馏", "安全", "隐私",
    "端侧部署", "语音", "图像生成", "视频生成", "搜索", "知识库", "产品设计", "创业", "芯片",
    "Claude", "OpenAI", "Gemini", "Qwen", "DeepSeek", "Transformer", "强化学习", "数据工程",
    "编程助手", "软件工程", "开源社区", "机器人", "自动驾驶", "教育", "医疗", "金融", "法律",
    "可观测性", "成本优化", "上下文工程", "长上下文", "工具调用", "浏览器自动化", "桌面客户端",
]  # fmt: skip
TOPIC_SUFFIXES = ["实践", "工具", "评测", "安全", "部署", "原理", "生态", "案例"]
WECHAT_AUTHORS = [
    "硅基观察", "算力笔记", "夜航模型社", "一只程序猿", "周末读论文", "深网编辑部", "青石AI",
    "北纬实验室", "慢热工程师", "数据炼金术", "小步快跑", "模型茶馆", "代码与诗",
]  # fmt: skip
BLOG_AUTHORS = [
    "Ada Finch", "Tom Gale", "Mira Okafor", "Devlog Weekly", "Lab Notes", "Ken Ito",
    "Rosa Quinn", "TinyML Digest",
]  # fmt: skip
RELATIONS = ["引用", "解说", "延伸思考", "观点一致", "观点相悖", "同一事件", "上下游", "版本演进"]
LABELS = ("**1) 一句话总结**", "**2) 关键要点**", "**3) 风险/不足**")


@dataclass
class Draft:
    """An article before it is written: faults edit these parts, then `render` joins them."""

    rel: str
    title: str
    fm: list[tuple[str, str]]
    one_line: str
    points: list[str]
    risks: list[str]
    blocks: list[str]
    related: list[str]
    topics: list[str]
    labels: tuple[str, str, str] = LABELS
    summary_swapped: bool = False
    extra_sections: list[tuple[str, str]] = field(default_factory=list)
    post: list = field(default_factory=list)  # text -> text edits applied after rendering
    encoding: str = "utf-8"  # utf-8, gbk, bom, crlf, mixed


def render(d: Draft) -> str:
    parts = []
    if d.fm:
        parts.append("---\n" + "".join(f"{k}: {v}\n" for k, v in d.fm) + "---\n")
    one = f"{d.labels[0]}\n{d.one_line}"
    points = d.labels[1] + "\n" + "\n".join(d.points)
    summary = [points, one] if d.summary_swapped else [one, points]
    if d.risks:
        summary.append(d.labels[2] + "\n" + "\n".join(d.risks))
    parts.append("## 摘要\n\n" + "\n\n".join(summary) + "\n")
    parts.append("## 正文\n\n" + "\n\n".join(d.blocks) + "\n")
    for heading, content in d.extra_sections:
        parts.append(f"## {heading}\n\n{content}\n")
    if d.related:
        parts.append("## 相关文档\n\n" + "\n".join(d.related) + "\n")
    parts.append("## 关联主题\n\n" + "\n".join(d.topics) + "\n")
    text = "\n".join(parts)
    for edit in d.post:
        text = edit(text)
    return text


def encode(text: str, encoding: str, rng: random.Random) -> bytes:
    if encoding == "gbk":
        return text.encode("gb18030")
    if encoding == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    data = text.encode()
    if encoding == "crlf":
        return data.replace(b"\n", b"\r\n")
    if encoding == "mixed":  # CRLF except for a few lines near the end
        lines = data.split(b"\n")
        keep_lf = set(rng.sample(range(len(lines) // 2, len(lines) - 1), 3))
        return (
            b"".join(
                line + (b"\n" if i in keep_lf else b"\r\n") for i, line in enumerate(lines[:-1])
            )
            + lines[-1]
        )
    return data


def png(rng: random.Random) -> bytes:
    """A tiny valid PNG (8x8, one random colour)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    colour = bytes(rng.randrange(256) for _ in range(3))
    raw = b"".join(b"\x00" + colour * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def topic_names(count: int) -> list[str]:
    names = list(BASE_TOPICS)
    for suffix in TOPIC_SUFFIXES:
        names += [f"{base}-{suffix}" for base in BASE_TOPICS]
    return names[:count]


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _topic_links(rng: random.Random, topics: list[str], weights: list[float]) -> list[str]:
    chosen: list[str] = []
    want = rng.randint(3, 8)
    while len(chosen) < want:
        topic = rng.choices(topics, weights)[0]
        if topic not in chosen:
            chosen.append(topic)
    return [f"- [[{TOPICS}/{t}]]" for t in chosen]


def topic_note(rng: random.Random, name: str, topics: list[str]) -> str:
    others = rng.sample([t for t in topics if t != name], rng.randint(3, 6))
    return (
        f'---\ntitle: "{name}"\n类型: "元语词条"\n更新日期: "{_date(rng)}"\n---\n\n'
        f"## 定义\n\n{_prose.paragraph(rng)}\n\n## 核心内涵\n\n{_prose.paragraph(rng)}\n\n"
        f"## 实践要点\n\n{_prose.bullets(rng, rng.randint(2, 4))}\n\n## 关联主题\n\n"
        + "\n".join(f"- [[{TOPICS}/{t}]]" for t in others)
        + "\n"
    )


def resource_note(rng: random.Random, title: str, topics: list[str], weights) -> str:
    url = f"https://{_prose.token(rng, 6, 'abcdefghijklmnopqrstuvwxyz')}.dev/"
    head = f'---\ntitle: "{title}"\n\n对象: "{rng.choice(["网站", "项目"])}"\n'
    head += f'发布日期: "{_date(rng)}"\n来源:\n  - "{url}"\n---\n\n'
    role, features = _prose.paragraph(rng), _prose.bullets(rng, rng.randint(3, 6))
    summary = _summary.resource_summary(rng, [role, features])
    return (
        f"{head}## 摘要\n\n{summary}\n\n## 功能与定位\n\n{role}\n\n"
        f"## 核心功能\n\n{features}\n\n## 链接\n\n- 官网：{url}\n\n"
        "## 关联主题\n\n" + "\n".join(_topic_links(rng, topics, weights)) + "\n"
    )


def _unique(rng: random.Random, taken: set[str]) -> str:
    while True:
        title = _prose.title(rng)
        if title.casefold() not in taken:
            taken.add(title.casefold())
            return title


def _body_size(rng: random.Random) -> int:
    return int(min(20_000, max(2_000, rng.lognormvariate(8.37, 0.6))))


def article(
    rng: random.Random, rel: str, title: str, author: str, wechat: bool, ctx: Context, weights
) -> Draft:
    url = _prose.wechat_url(rng) if wechat else _prose.blog_url(rng)
    date = _date(rng)
    source = "微信公众号" if wechat else rng.choice(["博客", url.split("/posts/")[0]])
    fm = [
        ("title", f'"{title}"'),
        ("发布日期", date if rng.random() < 0.7 else f'"{date}"'),
        ("作者", f'"{author}"'),
        ("来源", f'"{source}"'),
        ("原文链接", f'"{url}"'),
    ]
    images = int(rng.betavariate(1.2, 4.0) * 41) if wechat else rng.randint(0, 8)
    blocks = _prose.body_blocks(rng, _body_size(rng), images, [])
    one_line, points, risks = _summary.summarise(rng, blocks)
    if risks:  # the body states the risks the summary lists
        where = rng.randint(len(blocks) // 2, len(blocks))
        blocks.insert(where, _summary.risk_paragraph(rng, [r[4:] for r in risks]))
    related = []
    others = [a for a in rng.sample(ctx.articles, min(len(ctx.articles), 4)) if a + ".md" != rel]
    if rng.random() < 0.3:
        for target in others[: rng.randint(1, 3)]:
            name = target.rsplit("/", 1)[1]
            related.append(
                f"- [[{target}|{name}]]；关联理由：{rng.choice(RELATIONS)}；"
                f"说明：{_prose.sentence(rng)}"
            )
    return Draft(
        rel=rel,
        title=title,
        fm=fm,
        one_line=one_line,
        points=points,
        risks=risks,
        blocks=blocks,
        related=related,
        topics=_topic_links(rng, ctx.topics, weights),
    )


def _line_of(text: str, needle: str | None) -> int | None:
    if needle is None:
        return None
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def generate(notes: int, out: Path, seed: int = 0) -> dict:
    """Write a vault of `notes` notes to `out` (replacing it) and return its manifest."""
    if notes < 20:
        raise ValueError("a generated vault needs at least 20 notes")
    rng = random.Random(seed)
    n_topics = max(10, round(notes * 0.05))
    n_resources = max(1, round(notes * 0.02))
    n_articles = notes - n_topics - n_resources
    topics = topic_names(n_topics)
    weights = [1 / (rank + 1) for rank in range(len(topics))]  # a few topics are everywhere
    authors = WECHAT_AUTHORS + BLOG_AUTHORS
    author_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(authors))]

    taken = {t.casefold() for t in topics}
    plan = []  # (rel without .md, title, author)
    for _ in range(n_articles):
        author = rng.choices(authors, author_weights)[0]
        title = _unique(rng, taken)
        plan.append((f"{ARTICLES}/{author}/{title}", title, author))
    ctx = Context(topics=topics, articles=[rel for rel, _, _ in plan])

    if out.exists():
        if not (out / MANIFEST).is_file() and any(out.iterdir()):
            raise ValueError(f"{out} exists and is not a generated vault; not replacing it")
        shutil.rmtree(out)
    (out / ".obsidian").mkdir(parents=True)
    (out / ".obsidian" / "app.json").write_text(
        json.dumps({"attachmentFolderPath": ATTACHMENTS}, indent=2) + "\n", encoding="utf-8"
    )
    files: dict[str, bytes] = {}
    for name in topics:
        files[f"{TOPICS}/{name}.md"] = topic_note(rng, name, topics).encode()
    for _ in range(n_resources):
        title = _unique(rng, taken)
        category = rng.choice(["AI-编程助手与Agent", "开源项目", "数据集"])
        text = resource_note(rng, title, topics, weights)
        files[f"{RESOURCES}/{category}/{title}.md"] = text.encode()
    attachments: list[str] = []
    while len(attachments) < max(3, notes // 100):
        stamp = f"{_date(rng).replace('-', '')}{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"
        name = f"Pasted image {stamp}{rng.randint(0, 59):02d}.png"
        if name not in attachments:
            attachments.append(name)
    for name in attachments:
        files[f"{ATTACHMENTS}/{name}"] = png(rng)

    drafts = []
    for rel, title, author in plan:
        draft = article(rng, rel + ".md", title, author, author in WECHAT_AUTHORS, ctx, weights)
        if rng.random() < 0.05:
            for name in rng.sample(attachments, rng.randint(1, 2)):
                draft.blocks.insert(rng.randint(1, len(draft.blocks)), f"![[{name}]]")
        drafts.append(draft)

    # Faults: one per note, drawn without replacement, kinds in table order.
    free = list(range(len(drafts)))
    rng.shuffle(free)
    faults = []
    counts = {}
    for kind, (info, inject) in KINDS.items():
        count = min(len(free), max(1, round(info.rate * n_articles)))
        counts[kind] = count
        for _ in range(count):
            draft = drafts[free.pop()]
            detail, needle = inject(draft, rng, ctx)
            faults.append({"note": draft.rel, "kind": kind, "detail": detail, "needle": needle})

    texts = {d.rel: render(d) for d in drafts}
    for entry in faults:
        entry["line"] = _line_of(texts[entry["note"]], entry.pop("needle"))
    for d in drafts:
        files[d.rel] = encode(texts[d.rel], d.encoding, rng)

    for rel in sorted(files):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[rel])
    manifest = {
        "generator": "benchmarks/make_vault.py",
        "version": VERSION,
        "seed": seed,
        "notes": notes,
        "counts": {TOPICS: n_topics, ARTICLES: n_articles, RESOURCES: n_resources},
        "attachments": len(attachments),
        "bytes": sum(len(data) for rel, data in files.items() if rel.endswith(".md")),
        "kinds": {
            kind: {
                "count": counts[kind],
                "category": info.category,
                "description": info.description,
                "codes": list(info.codes),
                "names": list(info.names),
                "absent": list(info.absent),
            }
            for kind, (info, _) in KINDS.items()
        },
        "faults": sorted(faults, key=lambda f: (f["note"], f["kind"])),
    }
    (out / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notes", type=int, help="number of notes (at least 20)")
    parser.add_argument("out", type=Path, help="folder to write the vault to (replaced)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    manifest = generate(args.notes, args.out, args.seed)
    faulty = len({f["note"] for f in manifest["faults"]})
    print(
        f"wrote {args.notes} notes ({manifest['bytes'] / 1e6:.1f} MB of Markdown) to {args.out}; "
        f"{len(manifest['faults'])} injected faults in {faulty} notes, see {args.out / MANIFEST}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
