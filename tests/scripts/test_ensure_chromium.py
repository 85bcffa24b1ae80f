"""scripts/ensure-chromium installs only what the browser tests lack, and honours PORTAL_CHROMIUM.

apt-get, dpkg-query and id are fakes on an isolated PATH: nothing is installed for real.
"""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def machine(tmp_path):
    """Root, apt-get logging what it is asked, and fonts-noto-cjk installed or not."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "env", "grep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    log = tmp_path / "apt.log"
    executable(bin_dir / "apt-get", f'#!/bin/sh\necho "$*" >> "{log}"\n')
    browser = executable(tmp_path / "my-chromium", "#!/bin/sh\n")

    def run(fonts_installed, user_id=0, **env):
        status = "install ok installed" if fonts_installed else "unknown ok not-installed"
        executable(bin_dir / "dpkg-query", f'#!/bin/sh\nprintf "%s" "{status}"\n')
        executable(bin_dir / "id", f"#!/bin/sh\necho {user_id}\n")
        result = subprocess.run([str(ROOT / "scripts" / "ensure-chromium")],
                                env={"PATH": str(bin_dir), **env}, capture_output=True, text=True, timeout=60)
        calls = log.read_text().splitlines() if log.exists() else []
        return result, calls

    return browser, run


def test_a_chromium_named_by_portal_chromium_is_used_and_only_the_fonts_are_installed(machine):
    browser, run = machine
    result, calls = run(fonts_installed=False, PORTAL_CHROMIUM=str(browser))
    assert result.returncode == 0, result.stderr
    assert calls == ["update", "install -y fonts-noto-cjk"]
    assert "Installing fonts-noto-cjk" in result.stdout


def test_nothing_is_installed_when_the_browser_and_the_fonts_are_there(machine):
    browser, run = machine
    result, calls = run(fonts_installed=True, PORTAL_CHROMIUM=str(browser))
    assert (result.returncode, calls, result.stdout) == (0, [], "")


def test_a_portal_chromium_that_does_not_exist_is_refused_without_installing_anything(machine, tmp_path):
    browser, run = machine
    result, calls = run(fonts_installed=False, PORTAL_CHROMIUM=str(tmp_path / "no-such-browser"))
    assert result.returncode == 1
    assert "PORTAL_CHROMIUM" in result.stderr
    assert calls == []


def test_without_root_it_names_the_packages_to_install(machine):
    browser, run = machine
    result, calls = run(fonts_installed=False, user_id=1000, PORTAL_CHROMIUM=str(browser))
    assert result.returncode == 1
    assert "sudo apt-get install fonts-noto-cjk" in result.stderr
    assert calls == []
