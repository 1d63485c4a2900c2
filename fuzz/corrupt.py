"""Notes in the vault's real format with random corruption, for the fuzz campaign.

`seeds()` are the Markdown notes of `fixtures/` (the real format, every rule's
hit and miss); `corrupt(rng, data)` applies 1–6 random damages to one of them:
a hostile snippet inserted (comment and fence openers, link and image syntax,
block ids, YAML flow and anchors, huge numbers, control characters, CR, BOM,
brackets by the thousand), a range deleted, duplicated or moved, a byte
flipped (so not always UTF-8), the file cut short. Same seed, same notes.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SNIPPETS = [
    b"<!--", b"-->", b"%%", b"[[", b"]]", b"![", b"](", b")", b"[[#", b"|", b"^block-1",
    b"\n---\n", b"---", b"\n```\n", b"```", b"~~~", b"`", b"$$", b"$", b"\n## ", b"\n# ",
    b"##x", b"\n- ", b"  - ", b"> ", b"\t", b"\r", b"\r\n", b"\x00", b"\x1b[2K", b"\x07",
    b"\xef\xbb\xbf", b"\xff", b"\xe4\xb8", "亿".encode() * 40, "一亿".encode(), "：".encode(),
    "）".encode(), "😀".encode(), b"https://example.com/a", b"http://", b")" * 300,
    b"<https://x.com/" + b")" * 50 + b">", b"[" * 200, b"{a: " * 50, b": [", b"&a ", b"*a",
    b"!!python/object ", b"? ", b"1:" + b"59:" * 100 + b"59", b"9" * 5000, b"title: ",
    b"\xe5\x8e\x9f\xe6\x96\x87\xe9\x93\xbe\xe6\x8e\xa5: ", "## 摘要\n".encode(),
    "## 关联主题\n- [[00-元语/AI]]\n".encode(), "**1) 一句话总结**\n".encode(),
    b"<!-- vaultkit-disable-next-line ", b"[x]: <", b"[^1]", b"<div>", b"</div>",
    b"\\", b"\n\n\n", b" " * 50, b"#tag", b"[[a|b]]", b"![[x.png|100]]", b"  \n",
]  # fmt: skip


@lru_cache(maxsize=1)
def seeds() -> tuple[bytes, ...]:
    """Every Markdown note under fixtures/, as bytes, in a stable order."""
    found = sorted((REPO / "fixtures").rglob("*.md"))
    return tuple(path.read_bytes() for path in found)


def corrupt(rng: random.Random, data: bytes) -> bytes:
    """`data` with 1–6 random damages."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        at = rng.randint(0, len(data))
        kind = rng.random()
        if kind < 0.45:
            snippet = rng.choice(SNIPPETS)
            data[at:at] = snippet * (rng.randint(1, 30) if rng.random() < 0.1 else 1)
        elif kind < 0.6 and data:
            end = min(len(data), at + rng.randint(1, 200))
            del data[at:end]
        elif kind < 0.75 and data:
            start = rng.randint(0, len(data) - 1)
            piece = data[start : start + rng.randint(1, 300)]
            data[at:at] = piece * rng.randint(1, 3)
        elif kind < 0.85 and data:
            data[min(at, len(data) - 1)] = rng.randint(0, 255)
        elif kind < 0.93:
            lines = bytes(data).split(b"\n")
            rng.shuffle(lines) if rng.random() < 0.2 else lines.insert(
                rng.randint(0, len(lines)), rng.choice(lines)
            )
            data = bytearray(b"\n".join(lines))
        else:
            del data[at:]
    return bytes(data)


def note(rng: random.Random) -> bytes:
    """A corrupted seed note (sometimes two seeds glued together first)."""
    data = rng.choice(seeds())
    if rng.random() < 0.1:
        data += rng.choice(seeds())
    return corrupt(rng, data)
