"""The false-positive shapes of SM101-SM103 seen on a real vault (issue 11), each on a
note written for the test: what must not be reported, and what still is."""

from __future__ import annotations

from conftest import check
from test_rules_summary_claims import at, findings, note


def found(make_vault, text: str, name: str = "01-博客/x/a.md") -> list[tuple[str, int, int]]:
    return [(d.code, d.start.line, d.start.column) for d in findings(make_vault, text, name)]


# ------------------------------------------------------------------ SM102 unsupported-term


def test_an_english_summary_line_checks_only_marked_names(make_vault):
    text = note(
        "*   The release adds streaming output and better caching for OpenAI users.",
        "新版本加入了流式输出与更好的缓存。",
    )
    # Plain English words are not names; `OpenAI` (a capital inside) still is.
    assert found(make_vault, text) == [("SM102", *at(text, "OpenAI"))]


def test_a_part_label_is_no_claim(make_vault):
    text = (
        note("*   模型开源。", "模型开源了。")
        .replace("## 正文", "**3) 风险与缺口（Risks/Gaps）**\n*   原文提到许可证限制。\n\n## 正文")
        .replace("模型开源了。", "模型开源了，但有许可证限制。")
    )
    assert found(make_vault, text) == []


def test_a_name_of_several_words_is_one_finding(make_vault):
    text = note("*   权重发布在 Hugging Face 上。", "权重已经公开。")
    assert found(make_vault, text) == [("SM102", *at(text, "Hugging Face"))]
    (diagnostic,) = findings(make_vault, text)
    assert "`Hugging Face`" in diagnostic.message


def test_a_name_in_a_url_or_link_is_mentioned(make_vault):
    body = (
        "权重见 [模型页](https://huggingface.co/lab/model)，"
        "代码在 https://github.com/lab/tinyflow 。"
    )
    text = note("*   权重在 Hugging Face，代码库名为 tinyflow。", body)
    assert found(make_vault, text) == []


def test_common_equivalents_support_each_other(make_vault):
    cases = [
        ("*   用 MJ 出图。", "用 Midjourney 出图。"),
        ("*   用 Midjourney 出图。", "用 MJ 出图。"),
        ("*   基于 Stable Diffusion。", "基于 SD 的插件。"),
        ("*   视频发在 YouTube。", "视频发在油管。"),
        ("*   一款 RPG。", "一款角色扮演游戏。"),
    ]
    for summary, body in cases:
        assert found(make_vault, note(summary, body)) == [], summary


def test_a_name_beside_its_acronym_shares_its_support(make_vault):
    text = note(
        "*   支持 MCP（Model Context Protocol）与 Pull Requests (PRs)。", "支持 MCP 与 PR。"
    )
    assert found(make_vault, text) == []


def test_a_template_body_is_one_finding(make_vault):
    summary = "\n".join(
        f"*   支持 {name}。" for name in ("Docker", "Kubernetes", "Homebrew", "FreeBSD", "Wayland")
    )
    body = "## 核心功能\n\n- 提供稳定的通用工程能力。\n- 支持跨平台或多环境使用。\n"
    text = note(summary + "\n*   最低 4096 MB 内存。", body).replace("## 正文\n\n", "")
    diagnostics = findings(make_vault, text, "02-资源/工具/a.md")
    assert [(d.code, d.start.line, d.start.column) for d in diagnostics] == [
        ("SM104", *at(text, "## 核心功能"))
    ]
    assert "of the 6 names" in diagnostics[0].message and "`Docker`" in diagnostics[0].message


def test_sm104_is_on_by_default_and_sm102_is_not(make_vault):
    summary = "*   支持 Docker、Kubernetes、Homebrew、FreeBSD 与 Wayland。"
    root = make_vault({"01-博客/x/a.md": note(summary, "一个模板正文。")})
    assert [d.code for d in check(root) if d.code.startswith("SM1")] == ["SM104"]
    root = make_vault({"01-博客/x/a.md": note("*   支持 Docker 与 Wayland。", "支持 Docker。")})
    assert [d.code for d in check(root) if d.code.startswith("SM1")] == []


def test_a_body_missing_a_few_names_is_no_template(make_vault):
    summary = "*   支持 Docker、Kubernetes、Homebrew、FreeBSD 与 Wayland。"
    body = "支持 Docker、Kubernetes 与 Homebrew 三种部署。"
    text = note(summary, body)
    assert found(make_vault, text) == [
        ("SM102", *at(text, "FreeBSD")),
        ("SM102", *at(text, "Wayland")),
    ]


# ------------------------------------------------------------------ SM101 unsupported-number


def test_number_forms_of_chat_and_blogs(make_vault):
    cases = [
        ("*   活动于 1月6日举办。", "1.6号，咱们北京见。"),
        ("*   训练 3万步即可。", "训练 3w 步就能用。"),
        ("*   超过 2000 名用户。", "已有 2063 名用户。"),
        ("*   已有 2000+ 用户。", "已有 2063 名用户。"),
        ("*   超过300万名研究人员。", "300多万名研究人员在用。"),
        ("*   面向 10 年级学生。", "aim for a 10th grade student."),
        ("*   Claude 100k 表现不佳。", "别说 Claude，Claude100k 太拉胯。"),
        ("*   大会于 9月19日至21日举办。", "9月19号开始，持续到 21 号。"),
    ]
    for summary, body in cases:
        assert found(make_vault, note(summary, body)) == [], summary


def test_an_iso_date_time_is_a_date_not_a_name(make_vault):
    text = note("*   最新版本更新于 2026-02-17T01:18:38Z。", "更新时间 2026-02-17T01:18:38Z。")
    assert found(make_vault, text) == []
    stamped = note("*   仓库于 2026 年 2 月 17 日更新。", "仓库很活跃。").replace(
        "作者:", '更新时间: "2026-02-17T01:18:38Z"\n作者:'
    )
    assert found(make_vault, stamped) == []
    other = note("*   最新版本更新于 2026-02-17T01:18:38Z。", "没有日期。")
    assert [code for code, *_ in found(make_vault, other)] == ["SM101", "SM101"]


def test_a_number_form_still_needs_its_value(make_vault):
    text = note("*   训练 5万步即可。", "训练 3w 步就能用。")
    assert found(make_vault, text) == [("SM101", *at(text, "5万"))]


# ------------------------------------------------------------------ SM103 summary-body-mismatch


def test_short_names_are_not_typos_of_each_other(make_vault):
    for summary, body in [
        ("Git", "MIT"),
        ("GoT", "GPT"),
        ("Swarms", "Stars"),
        ("during", "io_uring"),
    ]:
        codes = [
            code
            for code, *_ in found(make_vault, note(f"*   用 {summary} 做事。", f"用 {body} 做事。"))
        ]
        assert "SM103" not in codes, (summary, body)


def test_a_typo_in_a_long_name_is_still_one(make_vault):
    text = note("*   在 Discord 发布。", "在 Disocrd 发布。")
    assert found(make_vault, text) == [("SM103", *at(text, "Discord"))]


def test_extensions_and_versions_are_not_typos(make_vault):
    text = note("*   支持 iPadOS 与 GPT-5.2 Thinking。", "支持 iPad 与 GPT-5.4 Thinking。")
    assert [code for code, *_ in found(make_vault, text)] == ["SM102", "SM102"]


def test_a_line_that_lost_its_first_letters_is_a_near_miss(make_vault):
    text = note("*   在 OpenRouter 榜单领先。", "在\npenRouter 榜单上领先。\n使用 auth 登录。")
    assert found(make_vault, text) == [("SM103", *at(text, "OpenRouter"))]
    other = note("*   使用 OAuth 登录。", "运行 opencode auth login。")
    assert [code for code, *_ in found(make_vault, other)] == ["SM102"]
