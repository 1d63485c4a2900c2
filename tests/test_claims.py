"""`vaultkit.claims`: numbers and names normalised, indexed and compared, near misses found."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit import claims
from vaultkit.claims import terms
from vaultkit.claims.numbers import _dates
from vaultkit.claims.support import Support

ALIASES = {"apple": ["苹果"], "samaltman": ["奥特曼"]}
OPTIONS = claims.Options(aliases=ALIASES)


def lines(text: str) -> list[claims.Line]:
    return list(enumerate(text.split("\n"), 1))


def compare(summary: str, body: str, front: str = "") -> list[tuple]:
    """(kind, text, line, column, near text) of each unsupported summary claim."""
    parts = [(lines(body), "body")]
    if front:
        parts.append((lines(front), "title"))
    found = claims.compare(claims.extract(lines(summary)), Support(parts), OPTIONS)
    return [
        (f.kind, f.claim.text, f.claim.line, f.claim.column, f.near.text if f.near else None)
        for f in found
    ]


# ------------------------------------------------------------------ normalising


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十二", 12), ("十", 10), ("三千", 3000), ("一百零五", 105), ("两万五千", 25000),
        ("十二万三千", 123000), ("三六九", 369), ("二〇二四", 2024), ("二十五点二", 25.2),
        ("一点二万亿", None), ("9", 9), ("五千万", 5e7), ("一亿", 1e8),
    ],
)  # fmt: skip
def test_chinese_numerals(text, value):
    assert claims.cn_value(text) == value


def test_fold_keeps_every_column():
    wide = "得分７１．７％，ＧＰＴ－４ｏ"
    folded = claims.fold(wide)
    assert folded == "得分71.7%，GPT-4o"
    assert len(folded) == len(wide)
    assert claims.fold("纯中文，没有全角数字") == "纯中文，没有全角数字"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SWE-Bench Verified", "swe bench verified"), ("o3-mini", "o3 mini"), ("GPT-4o", "gpt4o"),
        ("Node.js", "nodejs"), ("v2.1.0", "2.1.0"), ("Karpathy's", "karpathy"),
        ("Gemini 1.5 Pro", "gemini1.5pro"),
    ],
)  # fmt: skip
def test_term_keys_ignore_case_joiners_and_a_version_v(a, b):
    assert claims.term_key(a) == claims.term_key(b)


def test_term_keys_keep_what_makes_names_differ():
    assert claims.term_key("Gemini 1.5") != claims.term_key("Gemini 15")
    assert claims.term_key("o3-mini") != claims.term_key("o3-mimi")


# ------------------------------------------------------------------ extracting a summary


def summary_numbers(text: str) -> list[str]:
    return [n.where.text for n in claims.extract(lines(text)).numbers]


def summary_terms(text: str) -> list[str]:
    return [t.where.text for t in claims.extract(lines(text)).terms]


def test_summary_numbers_are_the_ones_a_summary_must_support():
    text = "得分71.7%，第175名，3个模型，第1名，约5.2万人，$1.25，2.3.1版，9:30开始，12月21日"
    assert summary_numbers(text) == ["12月21日", "9:30", "71.7%", "175", "5.2万", "$1.25", "2.3.1"]


def test_numbers_inside_names_are_part_of_the_name():
    text = "GPT-4 与 Gemini 1.5 Pro 在 AIME 2024 上的得分为 83.3%，iPhone 16 上跑 22 token/s"
    assert summary_numbers(text) == ["83.3%", "22"]
    names = ["GPT-4", "Gemini 1.5 Pro", "AIME 2024", "iPhone 16", "token", "s"]
    assert summary_terms(text) == names


def test_a_number_after_a_generic_word_is_a_number():
    assert summary_numbers("单张显卡（如 RTX 3090），Top 10 榜单") == ["3090", "10"]


def test_a_number_after_a_name_is_a_quantity_when_a_measure_word_follows():
    assert summary_terms("SWE-Bench Verified 71.7%，Codeforces 2727 分") == [
        "SWE-Bench Verified",
        "Codeforces",
    ]
    assert summary_numbers("每百万 token 0.5 元") == ["0.5"]


def test_chinese_numerals_in_a_summary_need_a_measure_word():
    assert summary_numbers("三千名员工，十二天，一百多个插件") == ["三千", "十二", "一百"]
    assert summary_numbers("百度与三星，千万不要，十分重要，一些人") == []


def test_hedges_and_units_are_read():
    found = {
        n.where.text: n
        for n in claims.extract(lines("约30%，一百多个，超过85%，不足2%，12天")).numbers
    }
    assert [found[k].approx for k in ("30%", "一百", "85%", "2%", "12")] == [
        "about", "plus", "over", "under", "",
    ]  # fmt: skip
    assert found["30%"].unit == "%" and found["12"].unit == "天"


def test_glosses_are_found_on_either_side():
    (red,) = claims.extract(lines("仅对红队（Red Team）开放")).terms
    assert (red.gloss, red.gloss_inside) == ("仅对红队", False)  # its end must be in the body
    (joke,) = claims.extract(lines("写 One-liner（单句笑话）很难")).terms
    assert (joke.gloss, joke.gloss_inside) == ("单句笑话", True)  # any two characters


def test_positions_are_characters_on_their_line():
    (number,) = claims.extract([(7, "**编程**：得分７１．７％")]).numbers
    assert (number.where.line, number.where.column, number.where.text) == (7, 10, "71.7%")


# ------------------------------------------------------------------ supported after normalising


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        ("用户达5.2万", "共有 52,198 名用户"),
        ("约 30% 的人", "占比 29.6%"),
        ("得分72%", "得分 71.7%"),
        ("三千名员工", "员工 3,000 人"),
        ("持续十二天", "连续 12 天"),
        ("连续12天", "连续十二天"),
        ("提升了15个百分点", "提升 15%"),
        ("加快 2 个百分点", "加快了两个百分点"),
        ("耗时10–20分钟", "大约 10 到 20 分钟"),
        ("２０２４年发布，得分７１．７％", "2024 年发布，得分 71.7%"),
        ("30亿参数", "3B 参数"),
        ("30亿参数", "3 billion parameters"),
        ("融资1.5亿美元", "raised $150 million"),
        ("位列第175名", "排名第175"),
        ("v2.3.1 版本", "版本 2.3.1"),
        ("一百多个插件", "有 120 个插件"),
        ("超过 1,200 人", "一千二百五十人"),
        ("下降 60%", "掉了六成"),
        ("速度提升 50%", "速度提升了一半"),
        ("约4000行代码", "大约 3,900 行代码"),
        ("8K 上下文", "8k context"),
        ("128K 上下文", "12.8万 token"),
        ("价格 $20/月", "每月 20 美元"),
        ("下午 3:30 开始", "下午三点半"),
        ("于 12月21日 发布", "发布于 2024-12-21"),
        ("于2024年12月21日发布", "Dec 21, 2024"),
        ("使用率 76%，提高 14 个百分点", "今年 76%，去年是 62%"),
        ("GSM8K 提升了 9.4 个百分点，达到 63.5%", "GSM8K 从 54.1% 提升到 63.5%"),
        ("1.8 秒", "1.8 s"),
        ("分辨率 1792x1024", "支持 1792×1024"),
    ],
)
def test_numbers_supported_after_normalising(summary, body):
    assert compare(summary, body) == []


def test_a_relative_year_is_read_from_the_publication_date():
    assert compare("比 2023 年增长", "比去年增长", front="2024-12-16") == []
    assert compare("比 2023 年增长", "比前年增长", front="2024-12-16") != []


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        ("在 SWE-bench Verified 上", "在 SWE-Bench verified 上"),
        ("o3-mini 与 GPT-4o", "o3 mini 和 GPT4o"),
        ("GPT-4o 很强", "GPT-4o-mini 很强"),
        ("Claude 3.5 Sonnet 领先", "Claude 3.5 Sonnet New 领先"),
        ("发布了 o1 API", "发布了o1的API"),
        ("仅对红队（Red Team）开放", "只对红队开放"),
        ("One-liner（单句笑话）", "写单句笑话很难"),
        ("Apple 推出", "苹果推出"),
        ("Sam Altman 说", "奥特曼说"),
        ("Claws 系统", "Claw 系统"),
        ("AI 与 API、LLM、RAG 和 Agent", "人工智能"),
        ("Sora正式发布", "Day 3：Sora正式发布。"),
    ],
)
def test_names_supported_after_normalising(summary, body):
    assert compare(summary, body) == []


def test_the_frontmatter_supports_the_summary():
    assert compare("Nimbus-2 Pro 得分 78.4%", "得分 78.4%", front="Nimbus-2 Pro 发布") == []


# ------------------------------------------------------------------ unsupported, and near misses


@pytest.mark.parametrize(
    ("summary", "body", "expected"),
    [
        ("得分 74.2%", "得分 71.7%", [("number", "74.2%", 1, 4, None)]),
        ("耗时10-20分钟", "大约 10 到 25 分钟", [("number", "20", 1, 6, None)]),
        ("位列第175名", "排名第157", [("number", "175", 1, 4, "157")]),
        ("位列第175名", "排名第 176 名", [("number", "175", 1, 4, None)]),
        ("约 42 美元", "成功率 41%", [("number", "42", 1, 3, None)]),
        ("10% 的人", "用了十分钟", [("number", "10%", 1, 1, None)]),
        ("于2024年12月20日发布", "于 2024-12-21",
         [("number", "2024年12月20日", 1, 2, "2024-12-21")]),
        ("得分 71.7%", "得分 17.7%", [("number", "71.7%", 1, 4, "17.7%")]),
        ("得分 2727", "得分 2737", [("number", "2727", 1, 4, None)]),  # stars on two days
        ("得分 272727", "得分 273727", [("number", "272727", 1, 4, "273727")]),
        ("在 LiveCodeBench 上", "在 HumanEval 上", [("term", "LiveCodeBench", 1, 3, None)]),
        ("AIME 2024 满分", "AIEM 2024 满分", [("term", "AIME 2024", 1, 1, "AIEM 2024")]),
        ("o3-mini 开放", "o3-mimi 开放", [("term", "o3-mini", 1, 1, "o3-mimi")]),
        # Names that differ only in digits are other versions, not typos.
        ("Claude 3.6", "Claude 3.5", [("term", "Claude 3.6", 1, 1, None)]),
        ("AIME 2025 满分", "AIME 2024 满分", [("term", "AIME 2025", 1, 1, None)]),
        ("GPT-4 不足", "GPT-4.5 很强", [("term", "GPT-4", 1, 1, None)]),
        # Under five characters a near miss is a chance (`Git`/`MIT`): no near miss, and
        # then the Chinese gloss the body has supports the name.
        ("VAL（视觉-语言-动作）模型", "视觉-语言-动作模型（VLA）", []),
        ("Git 提交", "MIT 协议", [("term", "Git", 1, 1, None)]),
        ("Discord 频道", "Disocrd 频道", [("term", "Discord", 1, 1, "Disocrd")]),
        ("iPadOS 与 Windows 11", "iPad 与 Windows",
         [("term", "iPadOS", 1, 1, None), ("term", "Windows 11", 1, 10, None)]),
    ],
)  # fmt: skip
def test_unsupported_claims_and_their_near_misses(summary, body, expected):
    assert compare(summary, body) == expected


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        ("得分 27%", "得分 22%"),  # two digits: a chance, not a typo
        ("得分 816", "得分 866"),  # one digit of three changed: a chance too
        ("于 2023 年", "于 2024 年"),  # another year
        ("得分 272727", "得分 272772，又一次 273727"),  # two candidates: no telling which
        ("得分 2727", "得分 2737"),  # one digit of four changed: star counts of two days
        ("用时 12 天", "用时 21 次"),  # another unit
        ("vLLM 部署", "LLM 部署"),  # a generic word is no near miss
        ("Agents 框架", "Agentx 框架"),
    ],
)
def test_no_near_miss_when_it_may_be_a_chance(summary, body):
    assert all(near is None for *_, near in compare(summary, body))


def test_a_plural_is_neither_a_miss_nor_a_near_miss():
    assert compare("Claws 系统", "一个 Claw 系统") == []


def test_a_name_needs_all_its_words():
    assert compare("Mac Studio 上运行", "在 Mac Mini 上运行") == [("term", "Studio", 1, 5, None)]


# ------------------------------------------------------------------ as written vs normalised


@pytest.mark.parametrize(
    "name",
    ["Sora", "GPT-4o", "o3-mini", "SWE-Bench Verified", "Gemini 1.5 Pro", "F5-TTS"],
)
def test_names_as_written_and_the_index_agree(name):
    body = f"Day 3：{name}正式发布；另见 {name}-high 和 x{name}y。"
    support = Support([(lines(body), "body")])
    assert support.literal_name(name)
    assert support.has_key(claims.term_key(name))


def test_a_name_inside_a_longer_word_is_not_there_as_written():
    support = Support([(lines("GPT-4.5 与 GPT-4o 与 xSora"), "body")])
    assert not support.literal_name("GPT-4")
    assert not support.literal_name("Sora")
    assert not support.has_key(claims.term_key("GPT-4"))


def test_blank_names_blanks_name_words_and_keeps_numbers():
    text = "Tern-7B 与 GPT-4o 的 2024 年，C++x 和 1.5 倍"
    assert terms.blank_names(text) == "     7B 与        的 2024 年，     和 1.5 倍"
    assert terms.blank_names("只有中文") == "只有中文"  # no word: the text as it is
    assert terms.blank_names("") == ""


def test_a_run_knows_its_words_when_asked():
    run, longer = terms.run_facts("Claude 3.5 Sonnet")
    assert longer is None and terms.run_facts("3.5 2024") is terms.NO_NAME
    assert (run.key, run.start, run.end) == ("claude3.5sonnet\0", 0, 17)
    assert run.words == ((0, 6, "claude", False), (7, 10, "3.5", True), (11, 17, "sonnet", False))
    assert sorted(run.bounds) == [0, 6, 9, 15]


def test_dates_are_read_where_a_digit_comes_before_the_month_or_the_day():
    text = "账号 12月3日，月份；1.6号与型号 2024年12\n月"  # (`$` matches before a last newline)
    assert [date for _, _, date in _dates(text)] == [(None, 12, 3), (None, 1, 6), (2024, 12, None)]
    assert list(_dates("账号与月份，型号")) == []


def test_a_text_read_again_gives_the_same_numbers():
    body = claims.Text(lines("2024年12月21日发布，1792x1024，增长 35%"), "body")
    first = list(claims.numbers(body, body.value, strict=False))
    other = claims.Text(lines("另一篇 3月5日"), "body")
    list(claims.numbers(other, other.value, strict=False))
    assert list(claims.numbers(body, body.value, strict=False)) == first
    assert [n.date for n in first if n.date] == [(2024, 12, 21)]


def test_a_name_the_body_lacks_needs_no_index_of_its_runs():
    support = Support([(lines("OpenAI's v2 模型与 Claude 3.5 Sonnet；苹果"), "body")])
    assert not support.has_key("huggingface") and not support._named  # told without the runs
    assert not support._may_have("苹果")  # no run's key holds a Chinese character
    for key in ("openai", "2", "claude3.5sonnet", "3.5sonnet", "sonnet"):  # `'s`, `v` dropped
        assert support._may_have(key) and support.has_key(key)
    assert not support._named  # found in the one line that may have them


def test_a_name_is_looked_up_in_the_lines_that_may_have_it_only():
    body = "GPT-4o 很强\n中文一行\nClaude 3.5 Sonnet 与 o3-mini-high\nSonnet 4"
    support = Support([(lines(body), "body"), (lines("Gemini 2.5 Pro"), "title")])
    assert support.has_key("claude3.5sonnet") and support.has_key("o3mini")
    assert support.has_key("gemini2.5pro") and support.has_key("sonnet4")  # frontmatter, last line
    assert not support.has_key("3.5son") and not support.has_key("sonnet3")  # mid-word; two lines
    assert not support._named and sorted(support._lines._names) == [2, 3, 4]  # not `中文一行`


def test_a_number_or_date_without_a_typo_in_the_texts_needs_no_index_of_their_numbers():
    body = "2024 年 12 月 21 日发布，收录 1,234 篇；另有 GPT-4o 与 3:15 的会议"
    support = Support([(lines(body), "body")])
    for summary in ("2023年3月5日", "12月1日", "得分 816", "得分 12,334"):
        assert support_numbers(summary, support) == []
    assert not support._dated and support._candidates is None and not support._counted
    # A typo the texts do write is still found: a date, a number, a number after a `,`.
    assert compare("于2024年12月12日发布", body) == [
        ("number", "2024年12月12日", 1, 2, "2024 年 12 月 21 日")
    ]
    assert compare("收录 1,243 篇", body) == [("number", "1,243", 1, 4, "1,234")]
    assert compare("收录 2134 篇", "收录 1,234 篇") == [("number", "2134", 1, 4, "1,234")]


def test_a_time_is_compared_with_the_times_of_the_texts_only():
    body = "会议 9:03 开始，三点半结束；共 930 人、10:30 分组"
    support = Support([(lines(body), "body")])
    assert support_numbers("下午 4:30 结束", support) == []  # one digit of three: a chance
    assert support_numbers("下午 3:20 结束", support) == []
    assert not support._counted  # the other numbers were never read
    assert support_numbers("会议 9:30 开始", support) == [("9:30", "9:03")]
    assert compare("三点 3:03 结束", body) == [("number", "3:03", 1, 4, "三点半")]


def test_names_enough_for_a_finding_of_their_own_need_no_near_miss():
    summary = claims.extract(lines("支持 Docker、Kubernetes、Homebrew 与 FreeBSD Ports"))
    support = Support([(lines("以 Kubernetse 部署，提供稳定的通用工程能力"), "body")])
    first = claims.compare(summary, support, OPTIONS, enough=lambda found: True)
    assert [f.claim.text for f in first] == ["Docker", "Kubernetes", "Homebrew", "FreeBSD Ports"]
    assert all(f.near is None for f in first) and support._windows is None  # never searched
    every = claims.compare(summary, support, OPTIONS, enough=lambda found: False)
    assert [f.near.text if f.near else None for f in every] == [None, "Kubernetse", None, None]


def test_a_digit_that_is_not_ascii_keeps_the_full_search():
    support = Support([(lines("收录 ١٢٣٤٥٦ 篇"), "body")])  # Arabic-Indic digits
    assert support._typo_written("123456", 6, False) and support._typo_written("123", 3, True)
    assert not Support([(lines("收录 123 篇"), "body")])._typo_written("456", 3, False)


def support_numbers(summary: str, support: Support) -> list[tuple[str, str]]:
    """(claim, near miss) of each summary number `support` has a near miss of and lacks."""
    found = []
    for number in claims.extract(lines(summary)).numbers:
        near = support.number_mismatch(number, OPTIONS)
        if near is not None:
            found.append((number.where.text, near.where.text))
    return found


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aSsVv2.5-_'’+ 中xO", max_size=40))
def test_a_key_a_run_has_is_never_ruled_out(text):
    support = Support([(lines(text), "body")])
    support._names()
    for run in support._runs:
        keys = {run.key[:-1], *(key for key, _, _ in run.windows), *run.keys}
        for key in keys:
            if support._in_runs(key):
                assert support._may_have(key), key


# ------------------------------------------------------------------ properties

_ALPHABET = (
    "0123456789.,%万亿千百十一二三四五六七八九个名天年月日 -–~"
    + "约多超过不足（）()AaBbIiMmEeOo:$¥点半成"
)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_a_summary_that_copies_the_body_is_supported(text):
    assert compare(text, text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET + "-_.'+ TernGPT7bx", max_size=80))
def test_blank_names_blanks_as_the_runs_read_the_words(text):
    expected = []
    for index, part in enumerate(terms._RUN_SPLIT.split(text)):
        if index % 2:  # a run: each of its words blanked as `word_facts` says
            part = terms.WORD.sub(lambda m: terms._blanked(m.group()), part)
        expected.append(part)
    assert terms.blank_names(text) == "".join(expected)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=200))
def test_any_text_is_compared_without_crashing(summary, body):
    summary, body = summary.replace("\r", ""), body.replace("\r", "")
    for kind, text, line, column, _near in compare(summary, body):
        assert kind in ("number", "term")
        row = summary.split("\n")[line - 1]
        assert claims.fold(row)[column - 1 : column - 1 + len(text)] == text
