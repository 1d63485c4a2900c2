"""Safe fixes never change what a note says (issue 11, item 5), on notes of our own with the
shapes the real corpus showed: `--fix` turns no text into a heading (ST103's fix is unsafe),
adds no visible punctuation after a link (ST114's move out of a link target is unsafe), makes
no script link (ST114 writes a bare URL as `<…>`, which ST112 does not report), and keeps a
suppression comment on the line it covers (ST102 puts the blank line above the comment)."""

from __future__ import annotations

from conftest import ARTICLE, ARTICLE_BODY_LINE, check, cli_json, run_cli, where

A = "01-博客/作者/a.md"


def body(text: str) -> str:
    return ARTICLE.replace("正文第一段。", text)


def test_st103_fix_is_unsafe_the_line_stays_text_under_fix(make_vault):
    root = make_vault({A: body("第一段。\n\n##第二节\n\n第二段。")})
    code, report = cli_json(root, "--select", "ST103", "--fix")
    assert code == 1 and [d["code"] for d in report["diagnostics"]] == ["ST103"]
    assert "\n##第二节\n" in (root / A).read_text("utf-8")
    cli_json(root, "--select", "ST103", "--fix", "--unsafe-fixes")
    assert "\n## 第二节\n" in (root / A).read_text("utf-8")


def test_st114_moving_punctuation_out_of_a_link_is_unsafe(make_vault):
    text = "见[数据集](https://example.com/data#:~:text=conditions.)说明。"
    root = make_vault({A: body(text)})
    [finding] = check(root, select=["ST114"])
    assert finding.fix is not None and not finding.fix.safe
    cli_json(root, "--select", "ST114", "--fix")
    assert text in (root / A).read_text("utf-8")


def test_st114_fix_of_a_bare_script_url_makes_no_st112_finding(make_vault):
    text = "代码见 https://github.com/o/r/blob/main/utils.py。"
    root = make_vault({A: body(text)})
    column = text.index("。") + 1
    assert where(check(root, select=["ST112", "ST114"])) == [
        (A, ARTICLE_BODY_LINE, column, "ST114")
    ]
    cli_json(root, "--select", "ST112,ST114", "--fix")
    assert "<https://github.com/o/r/blob/main/utils.py>。" in (root / A).read_text("utf-8")
    assert check(root, select=["ST112", "ST114"]) == []


def test_st112_miss_autolinks_hit_a_link_whose_text_hides_the_script(make_vault):
    text = "见 <https://example.com/run.sh> 和 [脚本](https://example.com/run.sh)。"
    root = make_vault({A: body(text)})
    column = text.index("[脚本]") + 1
    assert where(check(root, select=["ST112"])) == [(A, ARTICLE_BODY_LINE, column, "ST112")]


def test_st102_fix_keeps_a_suppression_comment_above_its_heading(make_vault):
    text = "第一段。\n<!-- vaultkit-disable-next-line ST110 -->\n## 文档信息\n\n第二段。"
    root = make_vault({A: body(text)})
    [finding] = check(root, select=["ST102", "ST110"])
    assert (finding.code, finding.start.line) == ("ST102", ARTICLE_BODY_LINE + 2)
    assert "found 0 blank lines before" in finding.message
    cli_json(root, "--select", "ST102,ST110", "--fix")
    fixed = (root / A).read_text("utf-8")
    assert "第一段。\n\n<!-- vaultkit-disable-next-line ST110 -->\n## 文档信息\n\n第二段。" in fixed
    assert check(root, select=["ST102", "ST110"]) == []


def test_st102_edge_a_suppression_comment_with_its_blank_line_is_fine(make_vault):
    text = "第一段。\n\n<!-- vaultkit-disable-next-line ST110 -->\n## 文档信息\n\n第二段。"
    root = make_vault({A: body(text)})
    assert check(root, select=["ST102", "ST110"]) == []


def test_no_fix_moves_a_suppression_comment_off_its_line(make_vault):
    # SM007 would move the text after the label to a line of its own, out of the comment's
    # reach: the fix waits, with a warning, and the covered line stays as it was
    line = "**一句话总结**：这是一句话总结。"
    text = ARTICLE.replace(
        "**1) 一句话总结**\n这是一句话总结。",
        f"<!-- vaultkit-disable-next-line SM008 -->\n{line}",
    )
    root = make_vault({A: text})
    [finding] = check(root, select=["SM007"])
    assert finding.fix is not None and finding.fix.safe
    done = run_cli("check", root, "--select", "SM007", "--fix", "--no-color")
    assert "would move a `vaultkit-disable-next-line` comment off the line it covers" in (
        done.stdout + done.stderr
    )
    assert f"-->\n{line}\n" in (root / A).read_text("utf-8")


def test_a_fix_after_the_covered_line_still_applies(make_vault):
    text = body("<!-- vaultkit-disable-next-line ST110 -->\n## 文档信息\n第二段。")
    root = make_vault({A: text})
    cli_json(root, "--select", "ST102,ST110", "--fix")
    assert "-->\n## 文档信息\n\n第二段。" in (root / A).read_text("utf-8")
