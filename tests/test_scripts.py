"""The README's set-up scripts: the main job installs no system package; the test command's
``scripts/test-packages.sh`` says what it installs and reports what is installed afterwards.

``test-packages.sh`` runs here with a fake ``id`` (root) and a fake ``apt-get`` that
"installs" chromium but exits 100, on a PATH without the real browser: the report must
say chromium is installed, and mention apt-get's exit status, instead of claiming failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

SCRIPTS = ROOT / "scripts"


def test_the_main_job_installs_no_system_package() -> None:
    for name in ("setup.sh", "ingest.sh"):
        text = (SCRIPTS / name).read_text(encoding="utf-8")
        assert "apt-get" not in text and "apt " not in text, name
    assert "test-packages.sh" in (SCRIPTS / "test.sh").read_text(encoding="utf-8")


def _fake(bin_dir: Path, name: str, body: str) -> None:
    p = bin_dir / name
    p.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    p.chmod(0o755)


def test_test_packages_reports_what_is_installed_not_apt_exit_status(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "id", "echo 0")
    os.symlink(shutil.which("mktemp"), bin_dir / "mktemp")
    chromium = bin_dir / "chromium"
    install = f'case "$*" in *install*chromium*) printf "#!/bin/sh\\n" > {chromium}; '
    install += f"chmod +x {chromium};; esac"
    _fake(bin_dir, "apt-get", f'echo "apt-get $*"; {install}; exit 100')
    env = {"PATH": str(bin_dir), "TMPDIR": str(tmp_path), "HOME": str(tmp_path)}
    bash = shutil.which("bash")
    assert bash
    res = subprocess.run(
        [bash, str(SCRIPTS / "test-packages.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    lines = res.stderr.strip().splitlines()
    assert lines[0].startswith("test: installing Debian packages the tests use: chromium")
    fonts = (
        Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc").is_file()
        and Path("/usr/share/fonts/truetype/arphic/uming.ttc").is_file()
    )
    if fonts:  # only chromium was missing, and the fake apt-get put it there
        assert lines[-1].startswith("test: installed chromium (apt-get install exited 100")
    else:  # the fake apt-get installs no font: those are reported missing, chromium not
        assert "still missing: fonts" in lines[-1] and "chromium" not in lines[-1]
    log = next(tmp_path.glob("jixiao-apt.*")).read_text(encoding="utf-8")
    assert "apt-get install -y chromium" in log
