"""The `cache-dir` setting, and a cache key that two installs of one version share."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import run_cli

from vaultkit import linter

H1 = "---\ntitle: t\n---\n\n# 标题\n\n正文。\n"


def test_cache_dir_setting_is_relative_to_the_config_file(make_vault):
    root = make_vault({"a.md": H1, "vaultkit.toml": 'cache-dir = ".cache/vaultkit"\n'})
    env_free = {k: v for k, v in os.environ.items() if k != "VAULTKIT_CACHE_DIR"}
    done = subprocess.run(
        [sys.executable, "-m", "vaultkit", "check", str(root)],
        capture_output=True, text=True, env={**env_free, "NO_COLOR": "1"}, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert (root / ".cache" / "vaultkit").is_dir()
    assert not (root / ".vaultkit_cache").exists()
    assert run_cli("check", root, "--show-files").stdout.strip().endswith("a.md")


def test_the_code_stamp_ignores_modification_times():
    # Each install of a version writes its files at its own time; their bytes are the same.
    module = os.path.join(os.path.dirname(linter.__file__), "severity.py")
    before = os.stat(module)
    linter._code_stamp.cache_clear()
    stamp = linter._code_stamp()
    try:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 10**12))
        linter._code_stamp.cache_clear()
        assert linter._code_stamp() == stamp
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
        linter._code_stamp.cache_clear()
