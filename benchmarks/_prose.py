"""Invented mixed Chinese/English text for generated vaults: sentences, blocks, URLs.

Every word list here was written for the benchmark; nothing is taken from a
real note. All randomness comes from the `random.Random` passed in, so the
same seed gives the same text.
"""

from __future__ import annotations

import random
import string

SUBJECTS = [
    "这个模型", "新的推理框架", "团队", "开源社区", "这套评测", "作者", "我们", "大多数开发者",
    "训练流程", "数据管线", "这家公司", "研究人员", "产品经理", "端侧设备", "编辑器插件",
    "the agent", "the benchmark", "the pipeline", "this release", "the runtime",
]  # fmt: skip
VERBS = [
    "显著提升了", "重新定义了", "悄悄改变了", "暴露了", "简化了", "加速了", "削弱了", "验证了",
    "拆解了", "替代了", "放大了", "对比了", "总结了", "优化了", "追踪了", "低估了",
    "improves", "replaces", "measures", "breaks", "speeds up",
]  # fmt: skip
OBJECTS = [
    "长上下文的召回率", "推理成本", "工具调用的稳定性", "代码生成的准确率", "多模态理解能力",
    "部署门槛", "检索增强的效果", "显存占用", "首字延迟", "团队的协作方式", "评测的可信度",
    "数据清洗的流程", "提示词工程", "模型蒸馏的收益", "上下文窗口", "用户留存",
    "the KV cache", "token throughput", "cold-start latency", "the eval harness",
]  # fmt: skip
TAILS = [
    "，而且几乎没有额外成本", "，但代价并不小", "，这在半年前还难以想象", "，至少在公开数据上如此",
    "，效果比预期更好", "，不过还需要更多验证", "，社区的反馈相当两极", "，尤其是在小规模场景下",
    "，细节见下文", "", "", "", " in practice", " at scale",
]  # fmt: skip
TERMS = [
    "LLM", "RAG", "GPU", "CUDA", "Transformer", "MoE", "LoRA", "RLHF", "SFT", "API", "SDK",
    "JSON", "Agent", "MCP", "benchmark", "token", "embedding", "vLLM", "Ollama", "Docker",
    "Kubernetes", "TypeScript", "Rust", "Python", "GitHub", "CLI", "IDE", "prompt",
]  # fmt: skip
CONNECTORS = [
    "换句话说，",
    "实际上，",
    "更重要的是，",
    "另一方面，",
    "简单来说，",
    "所以，",
    "",
    "",
]
SHORT_LINES = [
    "这就很有意思了。", "先说结论。", "看图。", "没错。", "我们继续往下看。", "效果如下：",
    "还是老规矩，先上数据。", "说实话，我有点意外。", "细节很多，挑几个重点说。",
]  # fmt: skip
HEADINGS = [
    "背景", "核心思路", "实验结果", "工程细节", "局限与讨论", "上手体验", "架构设计", "数据来源",
    "性能对比", "部署指南", "常见问题", "Why it matters", "How it works", "小结",
]  # fmt: skip
TITLE_HEADS = [
    "深度解析", "一文读懂", "实测", "复盘", "万字长文", "我们如何", "聊聊", "从零实现", "拆解",
    "为什么说", "Inside", "A closer look at",
]  # fmt: skip
TITLE_TOPICS = [
    "端侧大模型", "代码智能体", "长上下文检索", "推理加速", "开源权重模型", "多模态评测",
    "向量数据库", "提示词缓存", "模型蒸馏", "工具调用协议", "AI 编程助手", "语音克隆", "视频生成",
    "知识库问答", "强化学习微调", "智能体记忆", "本地部署", "推理模型",
]  # fmt: skip
TITLE_TAILS = [
    "的十个细节", "：机会与陷阱", "背后的工程取舍", "，真的有用吗", "的下一步", "实战笔记",
    "：一次完整复盘", "为什么突然火了", "的成本账", "", "",
]  # fmt: skip
CODE_SNIPPETS = [
    ("python", "def score(pred, gold):\n    hits = sum(p == g for p, g in zip(pred, gold))\n"
               "    return hits / max(len(gold), 1)\n"),
    ("bash", "pip install -U vllm\nvllm serve ./model --max-model-len 32768 --port 8000\n"),
    ("json", '{\n  "model": "demo-7b",\n  "temperature": 0.2,\n  "max_tokens": 1024\n}\n'),
    ("typescript", "const res = await client.chat({ messages, tools });\n"
                   "console.log(res.usage.total_tokens);\n"),
    ("yaml", "runs: 5\nwarmup: 1\nmetrics:\n  - latency_p50\n  - throughput\n"),
    ("", "$ time ./bench --threads 8\nreal  0m3.412s\n"),
]  # fmt: skip
BLOG_HOSTS = [
    "blog.example-ai.com", "notes.devlog.io", "engineering.fakecorp.com", "www.tinyml.dev",
    "research.sample-lab.org", "medium.example.net",
]  # fmt: skip
IMAGE_CDNS = ["cdn.example-ai.com/uploads", "images.devlog.io/media", "static.fakecorp.com/img"]
_B64 = string.ascii_letters + string.digits


def _ascii(char: str) -> bool:
    return char.isascii() and char.isalnum()


def join(*parts: str) -> str:
    """Concatenate, with a space where Latin text meets other text (`在 CUDA 场景下`)."""
    out = ""
    for part in parts:
        left, right = out[-1:], part[:1]
        if left.isalnum() and right.isalnum() and (_ascii(left) or _ascii(right)):
            out += " "
        out += part
    return out


def sentence(rng: random.Random) -> str:
    if rng.random() < 0.25:
        term = rng.choice(TERMS)
        number = rng.choice(
            [f"{rng.randint(2, 98)}%", f"{rng.randint(1, 64)}B", f"{rng.randint(2, 900)}ms"]
        )
        measured = join(rng.choice(OBJECTS), f"达到了 {number}。")
        return f"{rng.choice(CONNECTORS)}在 {term} 场景下，{measured}"
    return join(
        rng.choice(CONNECTORS),
        rng.choice(SUBJECTS),
        rng.choice(VERBS),
        rng.choice(OBJECTS),
        rng.choice(TAILS) + "。",
    )


def paragraph(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(SHORT_LINES)
    return "".join(sentence(rng) for _ in range(rng.randint(1, 5)))


def title(rng: random.Random) -> str:
    return (
        join(rng.choice(TITLE_HEADS), rng.choice(TITLE_TOPICS) + rng.choice(TITLE_TAILS))
        + f" {rng.randint(1, 999)}"
    )


def bullets(rng: random.Random, count: int, marker: str = "-") -> str:
    lines = []
    for _ in range(count):
        if rng.random() < 0.5:
            lines.append(f"{marker} **{rng.choice(HEADINGS)}**：{sentence(rng)}")
        else:
            lines.append(f"{marker} {sentence(rng)}")
    return "\n".join(lines)


def code_block(rng: random.Random) -> str:
    lang, code = rng.choice(CODE_SNIPPETS)
    return f"```{lang}\n{code}```"


def table(rng: random.Random) -> str:
    rows = ["| 模型 | 参数量 | 得分 |", "| --- | --- | --- |"]
    for _ in range(rng.randint(2, 6)):
        name = f"{rng.choice(['demo', 'mini', 'pro', 'lite'])}-{rng.randint(1, 70)}b"
        rows.append(f"| {name} | {rng.randint(1, 400)}B | {rng.uniform(10, 99):.1f} |")
    return "\n".join(rows)


def quote(rng: random.Random) -> str:
    return "> " + sentence(rng)


def token(rng: random.Random, length: int, alphabet: str = _B64) -> str:
    return "".join(rng.choices(alphabet, k=length))


def wechat_image(rng: random.Random) -> str:
    kind = rng.choice(["png", "png", "jpg", "gif"])
    fmt = {"jpg": "jpeg"}.get(kind, kind)
    return (
        f"https://mmbiz.qpic.cn/mmbiz_{kind}/{token(rng, 28)}{token(rng, 60)}/640"
        f"?wx_fmt={fmt}&from=appmsg"
    )


def blog_image(rng: random.Random) -> str:
    name = token(rng, 10, string.ascii_lowercase)
    return (
        f"https://{rng.choice(IMAGE_CDNS)}/{rng.randint(2019, 2025)}/"
        f"{rng.randint(1, 12):02d}/{name}.{rng.choice(['png', 'jpg', 'webp'])}"
    )


def image_line(rng: random.Random) -> str:
    url = wechat_image(rng) if rng.random() < 0.87 else blog_image(rng)
    alt = "" if rng.random() < 0.8 else rng.choice(["示意图", "架构图", "benchmark", "截图"])
    return f"![{alt}]({url})"


def wechat_url(rng: random.Random) -> str:
    return (
        f"https://mp.weixin.qq.com/s?__biz={token(rng, 14)}=="
        f"&mid={rng.randint(2247483647, 2650000000)}"
        f"&idx={rng.randint(1, 4)}&sn={token(rng, 32, '0123456789abcdef')}"
    )


def with_tracking(rng: random.Random, url: str) -> str:
    """`url` as a shared link drags it along: WeChat's `chksm`/`scene`, or `utm_*` (FM018)."""
    if "?" not in url:
        return f"{url}?utm_source={rng.choice(['newsletter', 'twitter'])}&utm_medium=social"
    query = f"&chksm={token(rng, 108, '0123456789abcdef')}"
    return url + query + rng.choice(["", "&scene=21#wechat_redirect", "&utm_source=share"])


def blog_url(rng: random.Random) -> str:
    slug = "-".join(token(rng, rng.randint(3, 8), string.ascii_lowercase) for _ in range(3))
    return f"https://{rng.choice(BLOG_HOSTS)}/posts/{rng.randint(2019, 2025)}/{slug}"


def body_blocks(rng: random.Random, target: int, images: int, attachments: list[str]) -> list[str]:
    """Blocks of an article body of about `target` UTF-8 bytes holding `images` remote images."""
    blocks: list[str] = []
    size = 0
    image_every = max(1, target // (images + 1)) if images else 0
    next_image = image_every
    placed = 0
    headings = rng.sample(HEADINGS, len(HEADINGS))  # no heading twice in a note
    while size < target or blocks[-1].startswith("#"):
        roll = rng.random()
        if roll < 0.06 and headings and blocks and not blocks[-1].startswith("#"):
            block = f"### {headings.pop()}"
        elif roll < 0.12:
            block = bullets(rng, rng.randint(2, 6), rng.choice(["-", "*", "1."]))
        elif roll < 0.15:
            block = code_block(rng)
        elif roll < 0.17:
            block = table(rng)
        elif roll < 0.20:
            block = quote(rng)
        else:
            block = paragraph(rng)
        blocks.append(block)
        size += len(block.encode()) + 2
        if images and placed < images and size >= next_image:
            blocks.append(image_line(rng))
            placed += 1
            next_image += image_every
    while placed < images:
        blocks.append(image_line(rng))
        placed += 1
    for name in attachments:
        blocks.insert(rng.randint(1, len(blocks)), f"![[{name}]]")
    return blocks
