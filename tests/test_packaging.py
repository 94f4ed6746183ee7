"""The wheel carries exactly the rules git tracks (rules/ -> netlint/rules/) and the console script.

`rules/` lives outside the package and is force-included by hatch; `catalog.rules_root()`
prefers the packaged copy, so a rule file missing from the wheel is a rule missing for users.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _tracked(prefix: str) -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        top = _git("rev-parse", "--show-toplevel").strip()
    except subprocess.CalledProcessError:
        pytest.skip("not a git checkout")
    if Path(top).resolve() != ROOT:
        pytest.skip(f"{ROOT} is not the top of its git checkout")
    files = _git("ls-files", "-z", "--", prefix).split("\0")
    return sorted(f for f in files if f and (ROOT / f).is_file())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _tracked("rules")  # skip before building when this is not a git checkout
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("netlint-*.whl")
    return built


def test_wheel_carries_exactly_the_tracked_rules(wheel: Path) -> None:
    tracked = _tracked("rules")
    assert tracked, "git tracks no file under rules/"
    with zipfile.ZipFile(wheel) as zf:
        packaged = {
            name: zf.read(name)
            for name in zf.namelist()
            if name.startswith("netlint/rules/") and not name.endswith("/")
        }
    expected = {"netlint/" + f: (ROOT / f).read_bytes() for f in tracked}
    missing = sorted(set(expected) - set(packaged))
    extra = sorted(set(packaged) - set(expected))
    assert not missing, f"tracked rule files missing from the wheel: {missing}"
    assert not extra, (
        f"files in the wheel that git does not track (git add them or delete them): {extra}"
    )
    differ = sorted(name for name in expected if packaged[name] != expected[name])
    assert not differ, f"packaged rule files differ from the checkout: {differ}"


def test_wheel_carries_the_tracked_package_files(wheel: Path) -> None:
    tracked = [f for f in _tracked("netlint") if "__pycache__" not in f]
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        missing = sorted(f for f in tracked if f not in names)
        assert not missing, f"tracked package files missing from the wheel: {missing}"
        differ = sorted(f for f in tracked if zf.read(f) != (ROOT / f).read_bytes())
    assert not differ, f"packaged files differ from the checkout: {differ}"
    outside = sorted(
        n for n in names if not n.startswith(("netlint/", "netlint-")) or "__pycache__" in n
    )
    assert not outside, f"unexpected files in the wheel: {outside}"


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        (entry_points,) = [n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt")]
        text = zf.read(entry_points).decode("utf-8")
    parser = configparser.ConfigParser()
    parser.read_string(text)
    assert dict(parser["console_scripts"]) == {"netlint": "netlint.cli:main"}


@pytest.mark.slow
def test_installed_wheel_runs_from_its_packaged_rules(wheel: Path, tmp_path: Path) -> None:
    """Install the wheel (no deps: they come from this environment) into a fresh venv and run it
    from a directory far from the checkout, so only the packaged rules can be found."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    subprocess.run(
        [
            *(str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index"),
            *("--disable-pip-version-check", str(wheel)),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    # The dependencies come from this interpreter's site-packages via PYTHONPATH; .pth files
    # there (such as the editable install of this checkout) are not processed for PYTHONPATH.
    site_packages = Path(sysconfig.get_paths()["purelib"])
    if (site_packages / "netlint" / "__init__.py").exists():
        pytest.skip(f"a non-editable netlint in {site_packages} would shadow the wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONHOME")}
    env["PYTHONPATH"] = str(site_packages)
    work = tmp_path / "elsewhere"
    work.mkdir()

    netlint = bindir / "netlint"

    def run(exe: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), *args], cwd=work, env=env, capture_output=True, text=True, timeout=60
        )

    where = run(python, "-c", "import netlint.catalog as c; print(c.rules_root())")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).resolve().is_relative_to(venv.resolve()), where.stdout

    listed = run(netlint, "rules", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rule_dirs = {Path(f).parts[1] for f in _tracked("rules") if Path(f).parts[1] != "data"}
    assert {r["id"] for r in json.loads(listed.stdout)} == {d.split("-")[0] for d in rule_dirs}

    page = run(netlint, "explain", "NL002")
    assert page.returncode == 0, page.stderr
    assert "externalTrafficPolicy: Cluster" in page.stdout  # from the packaged fail fixture

    (work / "dup.yaml").write_text("a: 1\na: 2\n", "utf-8")
    checked = run(netlint, "check", "dup.yaml", "--format", "json")
    assert checked.returncode == 1, checked.stderr
    found = [(f["rule"], f["line"]) for f in json.loads(checked.stdout)["findings"]]
    assert ("NL002", 2) in found
