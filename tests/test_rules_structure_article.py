"""The heading rules against the shapes of real archived articles (issue 11).

An archived article sits in `## 正文`: its own headings, prompts quoted as written
and lists scraped with each `-` on its own line are its text, not the note's
sections. Every note here is written for the test, with the shape seen in real
vaults.
"""

from __future__ import annotations

import pytest
from conftest import ARTICLE, ARTICLE_BODY_LINE, check

PATH = "01-博客/作者/note.md"
BODY_LINE = ARTICLE_BODY_LINE
BODY_HEADING = ARTICLE.split("\n").index("## 正文") + 1

# A list copied from a web page with each bullet on a line of its own.
SCRAPED_LIST = "档案如下：\n\n-\n姓名：小明\n-\n爱好：爬山\n-\n城市：杭州\n\n后文。\n"


def with_body(text: str) -> str:
    return ARTICLE.replace("正文第一段。\n", text)


@pytest.fixture
def found(make_vault):
    """`found(text, "ST1")` -> [(line, column, code, message)] for one note."""

    made = []

    def run(text: str, select: str, path: str = PATH):
        made.append(path)  # a fresh vault for each call
        diagnostics = check(make_vault({path: text}, name=f"v{len(made)}"), select=[select])
        return [(d.start.line, d.start.column, d.code, d.message) for d in diagnostics]

    return run


# ---------------------------------------------------------------- ST116 accidental-heading


def test_scraped_list_is_one_accidental_heading_finding(found):
    got = found(with_body(SCRAPED_LIST), "ST1")
    assert [(line, col, code) for line, col, code, _ in got] == [(BODY_LINE + 3, 1, "ST116")]
    message = got[0][3]
    assert "`姓名：小明` renders as a `##` heading" in message
    assert "lone `-` under it (line 23)" in message.replace(str(BODY_LINE + 4), "23")
    assert "so does 1 more heading of this list" in message
    assert "join each `-` with the text it belongs to (`- 姓名：小明`)" in message
    assert "## 姓名" not in message  # never quote a heading that is not in the file


def test_paragraph_over_a_divider_is_one_heading(found):
    text = with_body("第一行文字，\n第二行文字。\n-----\n\n后文。\n")
    got = found(text, "ST116")
    assert [(line, col) for line, col, _, _ in got] == [(BODY_LINE, 1)]
    assert f"lines {BODY_LINE}–{BODY_LINE + 1} (from `第一行文字，`)" in got[0][3]
    assert "blank line before `-----` to make it a divider" in got[0][3]
    # `==` is no divider: the advice is to remove it
    got = found(with_body("第一行，\n第二行。\n==\n\n后文。\n"), "ST116")
    assert "put a blank line before `==` or remove it" in got[0][3]


def test_deliberate_underlined_headings_are_not_accidents(found):
    text = with_body("前文。\n\n用量\n--\n\n内容。\n\n小节\n======\n\n内容。\n")
    assert found(text, "ST116") == []
    assert found(with_body("- 姓名：小明\n- 爱好：爬山\n"), "ST116") == []


def test_lone_equals_sign_makes_an_h1(found):
    got = found(with_body("前文。\n\nDalle\n=\n下一段。\n"), "ST116")
    assert [(line, col) for line, col, _, _ in got] == [(BODY_LINE + 2, 1)]
    assert "renders as a `#` heading" in got[0][3] and "remove the `=` line" in got[0][3]


# ---------------------------------------------------------------- ST101 h1-in-body


def test_h1_title_line_at_the_top_of_the_article(found):
    text = with_body("一篇干净的文章\n=======\n\n第一段。\n")
    got = found(text, "ST101")
    assert [(line, col) for line, col, _, _ in got] == [(BODY_LINE, 1)]
    assert "`一篇干净的文章` (underlined with `=======`)" in got[0][3]


def test_the_articles_own_h1_sections_are_its_content(found):
    text = with_body("第一段。\n\n# 安装\n\n步骤。\n\n# 使用\n\n例子。\n")
    assert found(text, "ST101") == []
    # but the title again, anywhere, is the title line
    text = with_body("第一段。\n\n# 一篇干净的文章\n\n步骤。\n")
    assert [(line, col) for line, col, _, _ in found(text, "ST101")] == [(BODY_LINE + 2, 1)]


def test_h1_in_the_notes_own_sections_and_without_a_title(found):
    text = ARTICLE.replace("## 摘要", "# 一个标题\n\n## 摘要")
    assert [line for line, _, _, _ in found(text, "ST101")] == [9]
    # a prompt template without frontmatter: the H1 is its only title
    assert found("# summarize\n\n## System\n\nYou summarize.\n", "ST101", "prompts/s.md") == []


# ---------------------------------------------------------------- ST102, ST104, ST106


def test_accidental_headings_get_no_other_heading_finding(found):
    text = with_body(SCRAPED_LIST + "\n-\n姓名：小明\n-\n")
    codes = [code for _, _, code, _ in found(text, "ST1")]
    assert codes == ["ST116", "ST116"]  # no ST102, ST104 or ST106 for them


def test_body_section_followed_by_the_articles_heading_is_not_empty(found):
    text = with_body("## 引言\n\n第一段。\n").replace("## 正文\n\n", "## 正文\n\n", 1)
    assert found(text, "ST106") == []
    # a `## 正文` with no article under it is empty
    text = ARTICLE.replace("正文第一段。\n\n", "")
    assert [(line, col) for line, col, _, _ in found(text, "ST106")] == [(BODY_HEADING, 1)]


def test_duplicate_headings_of_the_article_are_its_own(found):
    text = with_body("## GPT-5\n\n甲。\n\n## GPT-5\n\n乙。\n")
    assert found(text, "ST104") == []
    # a second `## 关联主题` is the note's, even before the trailing one
    text = ARTICLE + "\n## 关联主题\n\n- [[00-元语/llm]]\n"
    got = found(text, "ST104")
    assert [col for _, col, _, _ in got] == [1] and "`## 关联主题`" in got[0][3]


def test_empty_section_in_the_article_lost_its_content(found):
    # a heading with nothing under it in the article: the code block was lost in scraping
    text = with_body("第一段。\n\n### 代码示例\n\n## 下一节\n\n内容。\n")
    assert [(line, col) for line, col, _, _ in found(text, "ST106")] == [(BODY_LINE + 2, 1)]
    # a label over a README's own `#` title, and comment lines of code without its fence
    text = with_body("### 来源文档：`a/README.md`\n\n# 工具甲\n\n介绍。\n\n# 注释一\n\n# 注释二\n")
    assert found(text, "ST106") == []
    # content broken into an accidental heading is still content
    text = with_body("#### 案例：\n**案例一**\n-\n内容。\n")
    assert found(text, "ST106") == []


def test_empty_article_sections_that_are_the_sources_own_layout(found):
    text = with_body(
        "工具\n--\n\ncomputer\n--------\n\n说明。\n\n"  # converters flatten `#` and `##`
        "{直译}\n\n####\n\n### 意译\n\n内容。\n\n"  # a prompt's `####` separator
        "### Q：" + "问题" * 40 + "\n\n### A：答案。\n\n内容。\n"  # a heading that is content
    )
    assert found(text, "ST106") == []
    got = found(with_body("### 卡片\n\n### 代码样板\n\n## 部署\n\n内容。\n"), "ST106")
    assert [(line, col) for line, col, _, _ in got] == [(BODY_LINE, 1), (BODY_LINE + 2, 1)]
    assert "refetch what the scraper lost under it" in got[0][3]


def test_deep_headings_repeat_as_labels(found):
    text = ARTICLE.replace("## 正文", "## 功能与定位").replace(
        "正文第一段。\n", "#### 示例\n\n###### PROMPT:\n\n甲。\n\n###### PROMPT:\n\n乙。\n"
    )
    assert found(text, "ST104") == []
    text = text.replace("###### PROMPT:", "### 用法")
    assert [line for line, _, _, _ in found(text, "ST104")] == [BODY_LINE + 6]
