"""Offline image rules: local files (IM001–IM005), URLs as written (IM010–IM013, IM020) and
image syntax (IM030). Positions are the `![`, `![[` or `[` of each image, 1-based."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, ARTICLE_BODY_LINE, check, where

from vaultkit.options import ConfigError

LINE = ARTICLE_BODY_LINE  # where `article(...)` puts its first body line
NOTE = "01-博客/甲/文章.md"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)
TOPIC = {"00-元语/AI.md": "---\ntitle: AI\n---\n\nAI.\n"}  # ARTICLE links to it


def article(*body: str) -> str:
    return ARTICLE.replace("正文第一段。", "\n".join(body))


def vault(make_vault, *body: str, files: dict | None = None, app: str | None = None, **more):
    """A vault with one article whose body is `body`, plus `files` (bytes for images)."""
    built = {NOTE: article(*body), **TOPIC, **(files or {}), **more}
    if app is not None:
        built[".obsidian/app.json"] = app
    return make_vault(built)


def col(text: str, needle: str) -> int:
    """The 1-based column of `needle` in `text` (in characters)."""
    return text.index(needle) + 1


def at(found, code):
    """(line, column) of each finding of `code`."""
    return [(line, column) for _, line, column, _ in where(found, code)]


# ---------------------------------------------------------------- IM001 image-not-found


def test_missing_embed_and_markdown_image_are_reported_at_their_bang(make_vault):
    root = vault(
        make_vault,
        "![[不存在.png]]",
        "图：![示意](img/没有.png) 和 ![[在.png|300]]",
        files={"附件/在.png": PNG},
    )

    found = check(root, select=["IM001"])

    assert at(found, "IM001") == [(LINE, 1), (LINE + 1, 3)]  # CJK columns count characters
    assert found[0].end.column == 1 + len("![[不存在.png]]")
    assert "no image of the vault is called `不存在.png`" in found[0].message
    assert "`01-博客/甲/img/没有.png` does not exist" in found[1].message


def test_existing_images_in_every_spelling_are_found(make_vault):
    root = vault(
        make_vault,
        "![[图 一.png]] ![[图 一.png|200]] ![[附件/图 一.png]]",
        "![](../../附件/图%20一.png) ![](<../../附件/图 一.png> \"标题\") ![a](img/b.png 'b')",
        "![](/附件/图%20一.png) ![[图 一.png#^blk]]",
        files={"附件/图 一.png": PNG, "01-博客/甲/img/b.png": PNG},
    )

    assert where(check(root, select=["IM"])) == []


def test_missing_image_suggests_the_closest_attachment(make_vault):
    root = vault(
        make_vault,
        "![[架构图-v2.png|400]]",
        "![](img/flowchart.png)",
        files={"附件/架构图-v3.png": PNG, "01-博客/甲/img/flow-chart.png": PNG},
    )

    found = check(root, select=["IM001"])

    assert found[0].message.endswith("did you mean `![[架构图-v3.png|400]]`?")
    assert found[1].message.endswith("did you mean `![](img/flow-chart.png)`?")


def test_pasted_image_names_are_suggested_only_for_a_typo(make_vault):
    root = vault(
        make_vault,
        "![[Pasted image 20250208123457.png]]",  # one digit off: a typo
        "![[Pasted image 20990101000000.png]]",  # another picture altogether
        files={"附件/Pasted image 20250208123456.png": PNG},
        app='{"attachmentFolderPath": "附件"}',
    )

    first, second = check(root, select=["IM001"])

    assert first.message.endswith("did you mean `![[Pasted image 20250208123456.png]]`?")
    assert "did you mean" not in second.message
    assert second.message.endswith(
        "add the image to the attachment folder `附件` or remove the embed"
    )


def test_missing_image_gets_one_finding_from_image_and_link_rules(make_vault):
    root = vault(make_vault, "![[x.png]]", "![](missing/y.png)")

    found = check(root)  # every default rule, the link rules included

    assert [(d.start.line, d.code) for d in found if d.start.line in (LINE, LINE + 1)] == [
        (LINE, "IM001"),
        (LINE + 1, "IM001"),
    ]


def test_crlf_note_keeps_positions(make_vault):
    root = make_vault({NOTE: article("引言", "见图：![[缺失.png]]").replace("\n", "\r\n"), **TOPIC})

    found = check(root, select=["IM001"])

    assert at(found, "IM001") == [(LINE + 1, 4)]
    assert found[0].end.column == 4 + len("![[缺失.png]]")


# ---------------------------------------------------------------- attachment folder


@pytest.mark.parametrize(
    ("setting", "chosen"),
    [
        ('{"attachmentFolderPath": "附件"}', "附件/图.png"),
        ('{"attachmentFolderPath": "/附件/"}', "附件/图.png"),
        ('{"attachmentFolderPath": "./assets"}', "01-博客/甲/assets/图.png"),
        ('{"attachmentFolderPath": "./"}', "01-博客/甲/图.png"),
    ],
)
def test_the_attachment_folder_decides_between_same_named_images(make_vault, setting, chosen):
    files = {
        "附件/图.png": PNG,
        "归档/图.png": PNG,
        "01-博客/甲/assets/图.png": PNG,
        "01-博客/甲/old/图.png": PNG,
        "01-博客/甲/图.png": PNG,
    }
    if chosen == "附件/图.png":  # nothing in the note's folder, so the setting decides
        files = {key: value for key, value in files.items() if not key.startswith("01-")}
    elif chosen.endswith("assets/图.png"):
        del files["01-博客/甲/图.png"]
    root = vault(make_vault, "![[图.png]]", files=files, app=setting)

    assert where(check(root, select=["IM"])) == []  # decided: not ambiguous, not missing


def test_without_a_deciding_folder_same_named_images_are_ambiguous(make_vault):
    root = vault(
        make_vault,
        "前文 ![[图.png|300]]",
        files={"附件/图.png": PNG, "归档/旧/图.png": PNG},
        app='{"attachmentFolderPath": "其他"}',
    )

    found = check(root, select=["IM"])

    assert where(found) == [(NOTE, LINE, 4, "IM005")]
    assert found[0].severity.value == "warning"
    assert "matches 2 images: `附件/图.png`, `归档/旧/图.png`" in found[0].message
    assert "Obsidian shows `附件/图.png` (the shortest path)" in found[0].message
    assert found[0].message.endswith("e.g. `![[附件/图.png|300]]`")


def test_markdown_image_beside_the_note_and_elsewhere_is_ambiguous(make_vault):
    root = vault(
        make_vault,
        "![](图.png)",
        files={"图.png": PNG, "01-博客/甲/图.png": PNG},
    )

    found = check(root, select=["IM005"])

    assert at(found, "IM005") == [(LINE, 1)]
    assert "shows `图.png` in Obsidian but `01-博客/甲/图.png` (beside this note)" in (
        found[0].message
    )


# ---------------------------------------------------------------- IM002 image-case-mismatch


def test_case_mismatch_is_a_warning_with_the_real_spelling(make_vault):
    root = vault(
        make_vault,
        "![[Diagram.PNG|200]] ![](img/Shot.png) ![[diagram.png]]",
        files={"附件/diagram.png": PNG, "01-博客/甲/img/shot.png": PNG},
    )

    found = check(root, select=["IM"])

    assert where(found) == [(NOTE, LINE, 1, "IM002"), (NOTE, LINE, 22, "IM002")]
    assert found[0].severity.value == "warning"
    assert "write `![[diagram.png|200]]`" in found[0].message
    assert "write `![](img/shot.png)`" in found[1].message


# ---------------------------------------------------------------- IM003 image-outside-vault


def test_paths_out_of_the_vault_are_reported_and_never_read(make_vault, tmp_path):
    (tmp_path / "secret.png").write_bytes(PNG)  # exists, beside the vault: still outside
    root = vault(
        make_vault,
        "![](../../../secret.png)",
        "截图 ![](C:\\Users\\me\\shot.png)",
        "![](../../附件/ok.png)",
        files={"附件/ok.png": PNG},
    )

    found = check(root, select=["IM", "LK"])

    assert where(found) == [(NOTE, LINE, 1, "IM003"), (NOTE, LINE + 1, 4, "IM003")]
    assert "leads out of the vault (to `../secret.png` from the vault root)" in found[0].message
    assert "names the local file `C:/Users/me/shot.png`" in found[1].message
    assert found[1].message.endswith("(`![[shot.png]]`)")


# ---------------------------------------------------------------- IM004 not-an-image


def test_non_images_in_image_syntax(make_vault):
    root = vault(
        make_vault,
        "![](附件/notes.pdf)",
        "![[paper.docx]] ![[表格.csv|100]]",
        "![报告](https://example.com/files/report.pdf?x=1)",
        "![](data:text/html,<b>hi</b>)",
        files={
            "01-博客/甲/附件/notes.pdf": b"%PDF",
            "附件/paper.docx": b"PK",
            "附件/表格.csv": "a,b",
        },
    )

    found = check(root, select=["IM", "LK"])

    assert where(found) == [
        (NOTE, LINE, 1, "IM004"),
        (NOTE, LINE + 1, 1, "IM004"),
        (NOTE, LINE + 1, 17, "IM004"),
        (NOTE, LINE + 2, 1, "IM004"),
        (NOTE, LINE + 3, 1, "IM004"),
    ]
    pdf, docx, _, remote, data = (d.message for d in found)
    assert "write `![[notes.pdf]]` to embed it in Obsidian, or `[notes](附件/notes.pdf)`" in pdf
    assert docx.endswith("link it instead: `[[paper.docx]]`")
    assert "a `.pdf` file" in remote
    assert "`text/html`, not an image" in data


def test_obsidian_embeds_and_links_are_not_images_but_fine(make_vault):
    root = vault(
        make_vault,
        "![[paper.pdf#page=3]] ![[clip.mp4]] ![[录音.m4a]] ![[白板.canvas]] ![[其他笔记]]",
        "[报告](附件/paper.docx) [[paper.docx]] ![](https://example.com/img.php?id=3)",
        "![](data:image/svg+xml,%3Csvg%3E%3C/svg%3E)",
        files={
            "附件/paper.pdf": b"%PDF", "附件/clip.mp4": b"0", "附件/录音.m4a": b"0",
            "附件/白板.canvas": "{}", "附件/paper.docx": b"PK", "其他笔记.md": "# 其他\n",
        },
    )  # fmt: skip

    assert where(check(root, select=["IM", "LK"])) == []


def test_a_missing_non_image_embed_is_reported_by_the_link_rules_only(make_vault):
    root = vault(make_vault, "![[不存在.docx]] ![](不存在.pdf)")

    found = check(root, select=["IM", "LK"])

    assert where(found) == [(NOTE, LINE, 1, "LK001"), (NOTE, LINE, 15, "LK002")]


def test_embed_extensions_option(make_vault):
    root = vault(
        make_vault,
        "![[clip.mp4]] ![[deck.pptx]]",
        files={"附件/clip.mp4": b"0", "附件/deck.pptx": b"PK"},
        **{"vaultkit.toml": '[images]\nembed-extensions = [".pptx"]\n'},
    )

    found = check(root, select=["IM004"])

    assert at(found, "IM004") == [(LINE, 1)]  # .mp4 no longer allowed, .pptx now is


# ---------------------------------------------------------------- IM010 empty-image-url


def test_empty_image_urls(make_vault):
    second = "说明 ![图一]( ) ![](<>)"
    root = vault(make_vault, "![]()", second, "![引用][空]", "", "[空]: <>")

    found = check(root, select=["IM"])

    assert where(found) == [
        (NOTE, LINE, 1, "IM010"),
        (NOTE, LINE + 1, 4, "IM010"),
        (NOTE, LINE + 1, col(second, "![](<>)"), "IM010"),
        (NOTE, LINE + 2, 1, "IM010"),
    ]
    assert found[0].end.column == 6
    assert "has no URL" in found[0].message


def test_empty_image_url_in_code_or_escaped_is_not_an_image(make_vault):
    root = vault(make_vault, "`![]()`", "```", "![]()", "```", "\\![]()", "%% ![]() %%")

    assert where(check(root, select=["IM"])) == []


# ---------------------------------------------------------------- IM011 malformed-image-url


def test_malformed_image_urls(make_vault):
    third = "![](weixin://resource/abc) ![](//cdn.example.com/a.png)"
    fourth = "![](https:example.com/a.png) ![](https:///a.png) ![](http://exa mple.com/a.png)"
    root = vault(
        make_vault,
        "![](https://example.com/my chart.png)",
        "见 ![图](https://example.com/a.png 后文",
        third,
        fourth,
        "![](<https://example.com/a.png)",
        "![](data:image/png;base64)",
    )

    found = check(root, select=["IM"])

    assert where(found) == [
        (NOTE, LINE, 1, "IM011"),
        (NOTE, LINE + 1, 3, "IM011"),
        (NOTE, LINE + 2, 1, "IM011"),
        (NOTE, LINE + 2, col(third, "![](//"), "IM011"),
        (NOTE, LINE + 3, 1, "IM011"),
        (NOTE, LINE + 3, col(fourth, "![](https:///"), "IM011"),
        (NOTE, LINE + 3, col(fourth, "![](http://exa"), "IM011"),
        (NOTE, LINE + 4, 1, "IM011"),
        (NOTE, LINE + 5, 1, "IM011"),
    ]
    messages = [d.message for d in found]
    assert "space after `https://example.com/my`" in messages[0]
    assert messages[1].endswith("has no closing `)`; add it after the URL")
    assert found[1].end.column == 3 + len("![图](https://example.com/a.png")
    assert "only the WeChat app opens" in messages[2]
    assert messages[3].endswith("write `https://cdn.example.com/a.png`")
    assert messages[4].endswith("write `https://example.com/a.png`")
    assert "has no host" in messages[5]
    assert "space after `http://exa`" in messages[6]
    assert "no closing `>`" in messages[7]
    assert "without the `,`" in messages[8]


def test_wellformed_urls_are_not_malformed(make_vault):
    root = vault(
        make_vault,
        "![](<https://example.com/my chart.png>) ![](https://例子.中国/图.png)",
        "![](https://example.com:8443/a_(1).png?x=1&y=2#f) ![](https://[2001:db8::1]/a.png)",
        '![a](https://example.com/a.png "title") ![b](https://example.com/b.png\n"title")',
        "`![](https://example.com/a b.png)` \\![](https://example.com/a b.png)",
    )

    assert where(check(root, select=["IM011"])) == []


# ---------------------------------------------------------------- IM012 unloadable-image-scheme


def test_unloadable_schemes_and_large_data_images(make_vault):
    big = "data:image/png;base64," + "A" * 20000
    small = "data:image/png;base64," + "A" * 200
    root = vault(
        make_vault,
        "![](blob:https://mp.weixin.qq.com/5d0c0a6e-0b7f)",
        "截图：![](file:///Users/me/Desktop/%E6%88%AA%E5%9B%BE.png)",
        f"![](ftp://ftp.example.com/a.png) ![]({big}) ![]({small})",
    )

    found = check(root, select=["IM", "LK"])

    assert where(found) == [
        (NOTE, LINE, 1, "IM012"),
        (NOTE, LINE + 1, 4, "IM012"),
        (NOTE, LINE + 2, 1, "IM012"),
        (NOTE, LINE + 2, 34, "IM012"),
    ]
    blob, file, ftp, data = (d.message for d in found)
    assert "one browser tab's memory" in blob
    assert file.endswith("copy `截图.png` into the vault and embed it (`![[截图.png]]`)")
    assert "browsers no longer load" in ftp
    assert "`data:` image of 20 KiB" in data and "over the 16 KiB" in data


def test_data_url_limit_option(make_vault):
    root = vault(
        make_vault,
        "![](data:image/png;base64," + "A" * 300 + ")",
        **{"vaultkit.toml": "[images]\ndata-url-max-bytes = 100\n"},
    )

    assert at(check(root, select=["IM012"]), "IM012") == [(LINE, 1)]


# ---------------------------------------------------------------- IM013 insecure-image-url


def test_plain_http_images_are_a_warning(make_vault):
    local = "![](http://localhost:8080/a.png) ![](http://192.168.1.10/a.png) "
    second = local + "![](HTTP://EXAMPLE.COM/c.png)"
    root = vault(
        make_vault,
        "图 ![](http://images.example.com/a.png) ![](https://images.example.com/b.png)",
        second,
    )

    found = check(root, select=["IM013"])

    assert at(found, "IM013") == [(LINE, 3), (LINE + 1, len(local) + 1)]
    assert found[0].severity.value == "warning"
    assert "write `https://images.example.com/a.png` if the host serves it" in found[0].message


def test_require_https_can_be_switched_off_per_folder(make_vault):
    config = (
        '[images]\nrequire-https = true\n\n[[overrides]]\ninclude = ["草稿/**"]\n'
        "images = { require-https = false }\n"
    )
    body = article("![](http://images.example.com/a.png)")
    root = make_vault({NOTE: body, "草稿/a.md": body, "vaultkit.toml": config, **TOPIC})

    assert where(check(root, select=["IM013"])) == [(NOTE, LINE, 1, "IM013")]


# ---------------------------------------------------------------- IM020 image-host-at-risk


WECHAT = "https://mmbiz.qpic.cn/mmbiz_png/AbCdEf{}/640?wx_fmt=png&from=appmsg"


def test_at_risk_hosts_give_one_finding_per_note_at_the_first_image(make_vault):
    root = vault(
        make_vault,
        "开头 ![](https://example.com/a.png)",
        f"![]({WECHAT.format(1)})",
        f"![]({WECHAT.format(2)}) ![](http://mmbiz.qpic.cn/x/640) ![](https://wx1.sinaimg.cn/a.jpg)",
        files={"01-博客/乙/短文.md": article(f"一张图：![]({WECHAT.format(3)})")},
    )

    # off by default: `IM` does not select it (the `http:` image is IM013's)
    assert where(check(root, select=["IM"], ignore=["IM013"])) == []
    found = check(root, select=["IM020"])

    short, long = found  # sorted by path: 乙 before 甲
    assert where(found) == [("01-博客/乙/短文.md", LINE, 5, "IM020"), (NOTE, LINE + 1, 1, "IM020")]
    assert long.severity.value == "warning"
    assert long.message.startswith(
        "4 images of this note, the first here (`mmbiz.qpic.cn` ×3, `sinaimg.cn` ×1): "
        "hot-link protected"
    )
    assert short.message.startswith("this image (`mmbiz.qpic.cn` ×1)")
    assert "localise it" in short.message


def test_at_risk_hosts_are_configurable(make_vault):
    body = f"![]({WECHAT.format(1)}) ![](https://img.cdn.example.org/a.png)"
    root = vault(
        make_vault, body, **{"vaultkit.toml": '[images]\nat-risk-hosts = ["*.CDN.example.org"]\n'}
    )

    assert where(check(root, select=["IM020"])) == [
        (NOTE, LINE, col(body, "![](https://img"), "IM020")
    ]


def test_images_options_are_validated(make_vault):
    root = vault(make_vault, "正文", **{"vaultkit.toml": '[images]\nat-risk-hosts = "x.com"\n'})

    with pytest.raises(ConfigError, match="at-risk-hosts"):
        check(root, select=["IM020"])


# ---------------------------------------------------------------- IM030 missing-image-bang


def test_links_meant_as_images(make_vault):
    root = vault(
        make_vault,
        "[](附件/x.png) 与 [[x.png]]",
        "[[x.png|300]] [Image 2: 流程](https://example.com/flow.png)",
        f"[]({WECHAT.format(1)}) [x.png](附件/x.png)",
        files={"01-博客/甲/附件/x.png": PNG},
    )

    found = check(root, select=["IM", "LK"])

    assert where(found) == [
        (NOTE, LINE, 1, "IM030"),
        (NOTE, LINE, 16, "IM030"),
        (NOTE, LINE + 1, 1, "IM030"),
        (NOTE, LINE + 1, 15, "IM030"),
        (NOTE, LINE + 2, 1, "IM030"),
        (NOTE, LINE + 2, len(f"[]({WECHAT.format(1)}) ") + 1, "IM030"),
    ]
    assert found[0].message.endswith("add the `!` to show it: `![](附件/x.png)`")
    assert "with no text, so the note shows nothing" in found[0].message
    assert "with the file name as its text" in found[1].message


def test_a_picture_linking_to_its_full_size_is_not_missing_a_bang(make_vault):
    big = "https://example.com/full/chart.png"
    root = vault(
        make_vault,
        f"[![Image 1: 图表](https://example.com/small/chart.png)]({big})",
        f"[![]({big})]({big}) [Image 2]({big})",
    )
    # only the plain link whose text is a scraper's alt text is reported
    assert where(check(root, select=["IM030"])) == [
        (NOTE, LINE + 1, len(f"[![]({big})]({big}) ") + 1, "IM030")
    ]


def test_deliberate_links_to_images_are_fine(make_vault):
    root = vault(
        make_vault,
        "见[截图](附件/x.png)和[[x.png|架构图]]，原图在[这里](https://example.com/a.png)。",
        "[官网](https://example.com) [](https://example.com/page) [[其他笔记]]",
        files={"01-博客/甲/附件/x.png": PNG, "其他笔记.md": "# 其他\n"},
    )

    assert where(check(root, select=["IM", "LK"])) == []


def test_a_missing_image_link_is_the_link_rules_finding_only(make_vault):
    root = vault(make_vault, "[[不存在.png]] [](不存在.png)")

    found = check(root, select=["IM", "LK"])

    assert where(found) == [(NOTE, LINE, 1, "LK001"), (NOTE, LINE, 13, "LK002")]


def test_one_finding_per_link_when_a_link_rule_already_reports_it(make_vault):
    # The files exist but the links spell them in another case: LK006's finding, not IM004's
    # (`.docx` embed) or IM030's (image link without `!`).
    root = vault(
        make_vault,
        "![[Paper.DOCX]] [[Chart.PNG]]",
        files={"附件/paper.docx": b"PK", "附件/chart.png": PNG},
    )

    found = check(root, select=["IM", "LK"])

    assert where(found) == [(NOTE, LINE, 1, "LK006"), (NOTE, LINE, 17, "LK006")]


def test_a_dropped_digit_is_a_typo_too(make_vault):
    root = vault(
        make_vault,
        "![[Pasted image 2025020812345.png]]",
        files={"附件/Pasted image 20250208123456.png": PNG, "附件/Pasted image 20250208.png": PNG},
    )

    (found,) = check(root, select=["IM001"])

    assert found.message.endswith("did you mean `![[Pasted image 20250208123456.png]]`?")
