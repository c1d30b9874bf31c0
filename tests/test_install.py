"""Installable anywhere: a built wheel, installed into a fresh venv outside the checkout,
ingests the sample and exports with Chinese headers from another directory (the configs
ship inside the package).

The fresh venv gets jixiao's wheel only (``--no-deps``); its third-party dependencies
come from the test's own environment through a ``.pth`` line, so the test needs no
network and takes seconds.  ``JIXIAO_TEST_FULL_INSTALL=1`` installs the dependencies
into the fresh venv as well (pip's resolver over the pinned versions; about a minute
with a warm pip cache).  The test is skipped only when the wheel cannot be built here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE


def _run(cmd: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    src = tmp_path_factory.mktemp("src")  # a clean copy: no stale build/ of the checkout
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("pipeline", "configs"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)]
    r = _run(cmd, dist)
    wheels = list(dist.glob("jixiao-*.whl"))
    if r.returncode != 0 or not wheels:
        pytest.skip(f"cannot build a wheel here: {r.stderr.strip()[-300:]}")
    return wheels[0]


def test_wheel_ships_configs_and_readers(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("schema.yaml", "labels.yaml", "directions.yaml", "column_names.yaml"):
        assert f"pipeline/configs/{f}" in names
    assert "pipeline/readers/__init__.py" in names and "pipeline/readers/zip.py" in names


def test_installed_wheel_ingests_from_another_directory(wheel: Path, tmp_path: Path):
    venv = tmp_path / "fresh"
    r = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    full = os.environ.get("JIXIAO_TEST_FULL_INSTALL") == "1"
    pip = [sys.executable, "-m", "pip", "--python", str(py), "install", "-q"]
    r = _run([*pip, *([] if full else ["--no-deps"]), str(wheel)], tmp_path)
    assert r.returncode == 0, r.stderr
    if not full:  # dependencies from this environment, after the fresh venv's own
        site = Path(
            _run(
                [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                tmp_path,
            ).stdout.strip()
        )
        (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    jixiao = str(venv / "bin" / "jixiao")
    r = _run([str(py), "-c", "import pipeline; print(pipeline.__file__)"], elsewhere, env)
    assert str(venv) in r.stdout, r.stdout + r.stderr  # the installed copy, not the checkout
    r = _run([jixiao, "--version"], elsewhere, env)
    assert r.returncode == 0 and r.stdout.strip().startswith("jixiao "), r.stderr
    r = _run([jixiao, "ingest", str(SAMPLE), "-o", "out", "-q"], elsewhere, env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "140" in r.stderr
    r = _run([jixiao, "export", "out", "-o", "x.csv", "--chinese-headers"], elsewhere, env)
    assert r.returncode == 0, r.stderr
    header = (elsewhere / "x.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "一级指标" in header
    r = _run(
        [jixiao, "query", "SELECT count(*) AS n FROM indicators", "out", "--format", "csv"],
        elsewhere,
        env,
    )
    assert r.returncode == 0 and r.stdout.split() == ["n", "140"], r.stdout + r.stderr
