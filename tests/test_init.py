"""`vaultkit init`: a commented vaultkit.toml from what the vault holds, valid as written."""

from __future__ import annotations

import json

from conftest import ARTICLE, run_cli, write_vault

from vaultkit import config as config_module

TOPIC = "---\ntitle: AI\n类型: 元语\n---\n\n## 定义\n\n人工智能。\n"


def vault(tmp_path, count: int = 6):
    files = {f"00-元语/{name}.md": TOPIC for name in ("AI", "llm", "Agent")}
    for n in range(count):
        text = ARTICLE.replace("https://example.com/posts/clean", f"https://example.com/{n}")
        files[f"01-博客/作者/文章{n}.md"] = text.replace("一篇干净的文章", f"文章{n}")
    root = write_vault(tmp_path / "vault", files)
    (root / ".obsidian/app.json").write_text('{"attachmentFolderPath": "附件"}', "utf-8")
    return root


def test_init_writes_a_valid_config_from_the_vault(tmp_path):
    root = vault(tmp_path)
    done = run_cli("init", root)

    assert done.returncode == 0, done.stderr
    text = (root / "vaultkit.toml").read_text(encoding="utf-8")
    config = config_module.read_file(root / "vaultkit.toml")  # raises if invalid
    assert config.settings.topics.folder == "00-元语"
    blog = config.settings_for("01-博客/作者/文章0.md")
    assert blog.frontmatter.required[:5] == ["title", "发布日期", "作者", "来源", "原文链接"]
    assert blog.summary.required and blog.topics.required
    assert '"附件"' in text and "**1) 一句话总结**  6" in text
    assert "# 01-博客/: 6 notes; 6 have `## 摘要`, 6 have `## 关联主题`." in text
    assert "00-元语/**" not in text  # 3 notes: too few for an override


def test_init_refuses_to_replace_a_config_unless_forced(tmp_path):
    root = vault(tmp_path)
    (root / "vaultkit.toml").write_text("# mine\n", encoding="utf-8")

    done = run_cli("init", root)
    assert done.returncode == 2 and "already exists" in done.stderr
    assert (root / "vaultkit.toml").read_text(encoding="utf-8") == "# mine\n"

    assert run_cli("init", root, "--force").returncode == 0
    assert "vaultkit init" in (root / "vaultkit.toml").read_text(encoding="utf-8")


def test_init_with_a_baseline_leaves_a_clean_check(tmp_path):
    root = vault(tmp_path)
    bad = "---\ntitle: 坏\n---\n\n# 标题\n\n正文。\n"
    (root / "01-博客/作者/文章0.md").write_text(bad, encoding="utf-8")

    done = run_cli("init", root, "--write-baseline")

    assert done.returncode == 0, done.stderr
    assert json.loads((root / ".vaultkit-baseline.json").read_text("utf-8"))["findings"]
    done = run_cli("check", root, "--no-cache")
    assert done.returncode == 0, done.stdout


def test_init_stdout_writes_nothing(tmp_path):
    root = vault(tmp_path)
    done = run_cli("init", root, "--stdout")
    assert done.returncode == 0 and done.stdout.startswith("# vaultkit.toml")
    assert not (root / "vaultkit.toml").exists()
