"""scripts/bootstrap on a newcomer's machine: it finds a Python 3.12+ wherever pyenv or PATH has one, and
says once, clearly, what to install when there is none.

Each test runs a copy of the script in an empty checkout, with a PATH holding only the shell tools it uses
and the fake interpreters the test names (never the machine's own Python or pyenv).
"""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ["bash", "env", "cat", "sha1sum", "cut", "touch", "id", "ls", "sort", "mkdir", "cp"]

# Answers the script's version check like a real interpreter of $VERSION would; `-m venv DIR` makes a
# venv whose python is this same fake; every call is logged.
FAKE_PYTHON = """#!/bin/sh
echo "$0 $*" >> "$FAKE_LOG"
case "$1" in
  -c) echo "{version}"; [ "{ok}" = yes ] ;;
  -m) if [ "$2" = venv ]; then mkdir -p .venv/bin && cp "$0" .venv/bin/python && cp "$0" .venv/bin/pip; fi ;;
esac
"""


def executable(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_python(path, version):
    ok = "yes" if tuple(int(n) for n in version.split(".")[:2]) >= (3, 12) else "no"
    return executable(path, FAKE_PYTHON.format(version=version, ok=ok))


@pytest.fixture
def machine(tmp_path):
    """An empty checkout with a .python-version naming 3.13, a home without pyenv, and a bin/ on PATH."""
    checkout = tmp_path / "checkout"
    shutil.copy(ROOT / "scripts" / "bootstrap", executable(checkout / "scripts" / "bootstrap", ""))
    (checkout / "requirements.txt").write_text("Django\n")
    (checkout / ".python-version").write_text("3.13\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    (tmp_path / "home").mkdir()

    def run():
        env = {"PATH": str(bin_dir), "HOME": str(tmp_path / "home"), "FAKE_LOG": str(tmp_path / "calls.log")}
        return subprocess.run([str(checkout / "scripts" / "bootstrap")], cwd=checkout, env=env,
                              capture_output=True, text=True, timeout=60)

    return checkout, bin_dir, tmp_path / "calls.log", run


def test_without_python_3_12_it_says_once_what_to_install_and_fails(machine):
    checkout, bin_dir, log, run = machine
    fake_python(bin_dir / "python3.11", "3.11.2")
    (bin_dir / "python3").symlink_to("python3.11")

    result = run()

    assert result.returncode == 1
    assert result.stderr.count("Python 3.12 or newer is needed") == 1
    assert "found only: 3.11.2" in result.stderr
    assert "sudo apt-get install python3 python3-venv" in result.stderr
    assert "pyenv install 3.13" in result.stderr
    assert "command not found" not in result.stderr
    assert result.stdout == ""
    assert not (checkout / ".venv").exists()


def test_a_python_3_12_from_pyenv_is_used_when_python_version_names_one_pyenv_lacks(machine, tmp_path):
    checkout, bin_dir, log, run = machine
    pyenv_root = tmp_path / "pyenv"
    executable(bin_dir / "pyenv", f"""#!/bin/sh
case "$1" in
  root) echo "{pyenv_root}" ;;
  versions) echo 3.12.7 ;;
  *) exit 1 ;;
esac
""")
    # pyenv's shims fail for a .python-version it does not have installed.
    for shim in ("python3", "python3.13", "python"):
        executable(bin_dir / shim, "#!/bin/sh\necho \"pyenv: version '3.13' is not installed\" >&2\nexit 1\n")
    pyenv_python = fake_python(pyenv_root / "versions" / "3.12.7" / "bin" / "python3", "3.12.7")
    executable(bin_dir / "msgfmt", "#!/bin/sh\n")

    result = run()

    assert result.returncode == 0, result.stderr
    assert f"Creating .venv with {pyenv_python} (3.12.7)" in result.stdout
    calls = log.read_text().splitlines()
    assert f"{pyenv_python} -m venv --clear .venv" in calls
    assert any(call.startswith(".venv/bin/python -m pip install") and call.endswith("-r requirements.txt")
               for call in calls)
    assert any("manage.py compilemessages" in call for call in calls)
    assert os.access(checkout / ".venv" / "bin" / "python", os.X_OK)
