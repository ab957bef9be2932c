"""The installer: the .desktop entry, and (with HUDDLE_PACKAGE_TEST=1, which CI sets) the
whole path a user takes: build the .deb, install it, run the installed self-test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_TEST = os.environ.get("HUDDLE_PACKAGE_TEST") == "1"


def test_the_desktop_entry_validates() -> None:
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate is not installed")
    result = subprocess.run(
        [validate, str(ROOT / "resources" / "huddle.desktop")], capture_output=True, text=True
    )
    assert result.returncode == 0 and "error" not in result.stdout.lower(), result.stdout


def test_the_spec_takes_name_and_version_from_the_package() -> None:
    spec = (ROOT / "packaging" / "huddle.spec").read_text()
    assert "from app import APP_ID_NAME, __version__" in spec
    assert "name=APP_ID_NAME" in spec


@pytest.mark.skipif(
    not PACKAGE_TEST, reason="set HUDDLE_PACKAGE_TEST=1 (CI does) to build and install the .deb"
)
@pytest.mark.timeout(1200)
def test_build_install_and_self_test_the_deb() -> None:
    if os.geteuid() != 0:
        pytest.skip("installing the package needs root")
    build = subprocess.run(
        ["bash", "packaging/build-deb"], cwd=ROOT, capture_output=True, text=True, timeout=1100
    )
    assert build.returncode == 0, build.stderr[-3000:]
    deb = Path(build.stdout.strip().splitlines()[-1])
    assert deb.name.startswith(f"huddle_{__version__}_") and deb.suffix == ".deb"

    info = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Depends"], capture_output=True, text=True
    ).stdout
    assert "libportaudio2" in info and "libxcb-cursor0" in info
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True
    ).stdout
    for path in (
        "./opt/huddle/huddle",
        "./usr/bin/huddle",
        "./usr/share/applications/huddle.desktop",
        "./usr/share/icons/hicolor/48x48/apps/huddle.png",
        "./usr/share/icons/hicolor/scalable/apps/huddle.svg",
        "./opt/huddle/_internal/resources/translations/huddle_zh_CN.qm",
        "./opt/huddle/_internal/PySide6/Qt/plugins/platforms/libqxcb.so",
        "./opt/huddle/_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so",
    ):
        assert path in contents, f"{path} is not in the package"
    assert "libqwayland" not in contents and "libQt6Qml" not in contents  # nothing it does not need

    install = subprocess.run(
        ["apt-get", "install", "--reinstall", "-y", "-q", str(deb)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "PYTHONPATH", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run(
        ["/usr/bin/huddle", "--self-test", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd="/",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["passed"] and report["version"] == __version__
    # The bundle carries livekit's native library: echo cancellation works when installed.
    assert report["devices"]["audioProcessing"], report["devices"]["errInfo"]
    entry = subprocess.run(
        ["desktop-file-validate", "/usr/share/applications/huddle.desktop"],
        capture_output=True,
        text=True,
    )
    assert entry.returncode == 0
