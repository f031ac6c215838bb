"""The PyInstaller spec and the platform packaging files say what the issue requires."""

import ast
import configparser
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"
SPEC = INSTALLERS / "tokentco.spec"


@pytest.fixture(scope="module")
def spec_text() -> str:
    return SPEC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def spec_tree(spec_text: str) -> ast.Module:
    return ast.parse(spec_text, filename=str(SPEC))


def _call(tree: ast.Module, name: str) -> ast.Call:
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
    ]
    assert len(calls) == 1, f"expected one {name}(...) in the spec, found {len(calls)}"
    return calls[0]


def _kw(call: ast.Call, name: str) -> ast.expr:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    raise AssertionError(f"{ast.unparse(call.func)}() has no {name}=")


def test_spec_is_valid_python_with_all_build_steps(spec_tree: ast.Module) -> None:
    for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        _call(spec_tree, name)


def test_one_folder_windowed_build_with_icon_and_version(spec_tree: ast.Module) -> None:
    exe = _call(spec_tree, "EXE")
    assert ast.literal_eval(_kw(exe, "exclude_binaries")) is True  # one-folder
    assert ast.literal_eval(_kw(exe, "console")) is False  # windowed
    assert "tokentco.ico" in ast.unparse(_kw(exe, "icon"))
    assert "tokentco.icns" in ast.unparse(_kw(exe, "icon"))
    assert "windows_version_info" in ast.unparse(_kw(exe, "version"))
    bundle = _call(spec_tree, "BUNDLE")
    assert "VERSION" in ast.unparse(_kw(bundle, "version"))
    assert "tokentco" in ast.unparse(_kw(bundle, "info_plist"))  # .tokentco document type


def test_version_comes_from_package_metadata(spec_text: str) -> None:
    assert 'dist_version("tokentco")' in spec_text
    assert 'copy_metadata("tokentco")' in spec_text
    assert not re.search(r"VERSION\s*=\s*['\"]\d", spec_text), "version must not be hard-coded"


def test_bundles_resources_samples_and_lazy_modules(spec_text: str) -> None:
    assert 'tree(ROOT / "resources", "tokentco/resources")' in spec_text
    assert 'tree(ROOT / "samples", "samples")' in spec_text
    assert 'collect_submodules("tokentco")' in spec_text  # CLI commands load lazily
    assert '"tokentco.resources"' in spec_text
    for module in ("PySide6.QtSvg", "PySide6.QtPrintSupport"):
        assert f'"{module}"' in spec_text


def test_plugins_the_app_needs_are_never_dropped(spec_tree: ast.Module) -> None:
    drops = next(
        n.value
        for n in ast.walk(spec_tree)
        if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "DROP_PLUGINS" for t in n.targets)
    )
    dropped = ast.literal_eval(drops)
    for needed in (
        "platforms/libqxcb",
        "platforms/libqoffscreen",
        "platforms/qwindows",
        "platforms/libqcocoa",
        "imageformats/",
        "iconengines/",
        "printsupport/",
        "xcbglintegrations/",
    ):
        assert not any(needed.startswith(d) or d.startswith(needed) for d in dropped), needed


def test_big_unused_qt_modules_are_excluded(spec_tree: ast.Module) -> None:
    analysis = _call(spec_tree, "Analysis")
    excludes_name = _kw(analysis, "excludes")
    assert isinstance(excludes_name, ast.Name)
    assign = next(
        n
        for n in ast.walk(spec_tree)
        if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == excludes_name.id for t in n.targets)
    )
    excludes = set(ast.literal_eval(assign.value))
    for module in (
        "PySide6.QtWebEngineCore",
        "PySide6.Qt3DCore",
        "PySide6.QtQuick",
        "PySide6.QtQml",
        "PySide6.QtMultimedia",
    ):
        assert module in excludes
    for needed in ("PySide6.QtSvg", "PySide6.QtPrintSupport", "PySide6.QtOpenGL"):
        assert needed not in excludes


def test_inno_setup_installs_per_user_with_start_menu_and_association() -> None:
    text = (INSTALLERS / "windows" / "tokentco.iss").read_text(encoding="utf-8")
    setup = dict(
        line.split("=", 1)
        for line in text.split("[Setup]", 1)[1].split("\n[", 1)[0].splitlines()
        if "=" in line and not line.startswith(";")
    )
    assert setup["PrivilegesRequired"].strip() == "lowest"
    assert setup["ChangesAssociations"].strip() == "yes"
    assert "{autopf}" in setup["DefaultDirName"]
    assert "{autoprograms}" in text  # Start-menu entry
    registry = text.split("[Registry]", 1)[1]
    assert 'Subkey: "Software\\Classes\\.tokentco"' in registry
    assert "shell\\open\\command" in registry and '""%1""' in registry
    assert "HKLM" not in registry  # HKA: HKCU on a per-user install
    assert "/DAppVersion=$version" in (INSTALLERS / "windows" / "build.ps1").read_text()


def test_linux_desktop_entry_and_mime_type() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(INSTALLERS / "linux" / "tokentco.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Icon"] == "tokentco"
    assert desktop["Exec"].endswith("%f")
    assert "application/x-tokentco" in desktop["MimeType"]
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(INSTALLERS / "linux" / "tokentco-mime.xml").getroot()
    kind = mime.find("m:mime-type", ns)
    assert kind is not None and kind.get("type") == "application/x-tokentco"
    assert [g.get("pattern") for g in kind.findall("m:glob", ns)] == ["*.tokentco"]
    install = (INSTALLERS / "linux" / "install.sh").read_text()
    assert "mime/packages" in install and "applications/tokentco.desktop" in install


def test_icons_exist_in_every_format() -> None:
    icons = ROOT / "resources" / "icons"
    assert (icons / "tokentco.svg").read_text().lstrip().startswith("<?xml")
    assert (icons / "tokentco.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (icons / "tokentco.icns").read_bytes()[:4] == b"icns"
    for size in (16, 32, 48, 256, 512):
        data = (icons / f"tokentco-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size)
