"""Languages: English and 简体中文, from Qt Linguist files in ``resources/translations``.

The ``.ts`` files are the sources (committed); ``.qm`` files are built from them by
``python -m app.ui.i18n build`` (the set-up scripts run it). ``update`` re-extracts the
strings from ``app/ui`` and the error table, keeping existing translations.

The system locale picks the language unless the settings name one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.protocol.errors import ErrorCode

from .resources import resources_dir

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
"""Shipped languages: code -> its own name."""
SOURCE_LANGUAGE = "en"
ERRORS_CONTEXT = "Errors"

_installed: list[QTranslator] = []


def translations_dir() -> Path:
    return resources_dir() / "translations"


def pick_language(setting: str | None) -> str:
    """The language to use: the setting if it names a shipped one, else the system's."""
    if setting in LANGUAGES:
        return setting
    system = QLocale.system().name()  # e.g. "zh_CN"
    if system in LANGUAGES:
        return system
    return "zh_CN" if system.startswith("zh") else SOURCE_LANGUAGE


def install(app: QCoreApplication, language: str) -> bool:
    """Load the app's (and Qt's own) translations for ``language``; True if found."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == SOURCE_LANGUAGE:
        return True
    ours = QTranslator(app)
    if not ours.load(f"huddle_{language}", str(translations_dir())):
        return False
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    app.installTranslator(ours)
    _installed.append(ours)
    return True


def error_text(code: int) -> str:
    """The sentence for an error code, in the current language."""
    message = ErrorCode.from_wire(code).message
    return QCoreApplication.translate(ERRORS_CONTEXT, message)


# ---------------------------------------------------------------- the build step


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}") or str(Path(sys.executable).parent / f"pyside6-{name}")
    if not Path(found).exists():
        raise SystemExit(f"pyside6-{name} not found; install PySide6-Essentials")
    return found


def ts_files() -> list[Path]:
    return [translations_dir() / f"huddle_{lang}.ts" for lang in LANGUAGES]


def build() -> list[Path]:
    """Compile every .ts into a .qm beside it."""
    built = []
    for ts in ts_files():
        qm = ts.with_suffix(".qm")
        subprocess.run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


def update() -> None:
    """Re-extract strings from app/ui and the error table into every .ts (keeping
    translations), and mark the English file's entries as finished (source = translation)."""
    sources = sorted(str(p) for p in Path(__file__).parent.glob("*.py"))
    for ts in ts_files():
        language = ts.stem.removeprefix("huddle_")
        # lupdate drops the error table's context (it is not in the sources): keep its work.
        kept = _finished(ts, ERRORS_CONTEXT) if ts.exists() else {}
        subprocess.run(
            [
                _tool("lupdate"),
                "-silent",
                "-no-obsolete",
                "-target-language",
                language,
                *sources,
                "-ts",
                str(ts),
            ],
            check=True,
        )
        _merge_errors(ts, kept, english=language == SOURCE_LANGUAGE)


def _finished(ts: Path, context_name: str) -> dict[str, str]:
    """Finished translations of one context: source -> translation."""
    found = {}
    for context in ET.parse(ts).getroot().findall("context"):
        if context.findtext("name") != context_name:
            continue
        for message in context.findall("message"):
            translation = message.find("translation")
            if translation is not None and not translation.get("type") and translation.text:
                found[message.findtext("source") or ""] = translation.text
    return found


def _merge_errors(ts: Path, kept: dict[str, str], *, english: bool) -> None:
    tree = ET.parse(ts)
    root = tree.getroot()
    context = next(
        (c for c in root.findall("context") if c.findtext("name") == ERRORS_CONTEXT), None
    )
    if context is None:
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = ERRORS_CONTEXT
    wanted = [code.message for code in ErrorCode]
    existing = {m.findtext("source"): m for m in context.findall("message")}
    for message in list(context.findall("message")):
        if message.findtext("source") not in wanted:
            context.remove(message)
    for text in wanted:
        if text not in existing:
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = text
            if text in kept:
                ET.SubElement(message, "translation").text = kept[text]
            else:
                ET.SubElement(message, "translation", type="unfinished")
    if english:  # the source language: every translation is its source
        for message in root.iter("message"):
            translation = message.find("translation")
            if translation is None:
                continue
            source = message.findtext("source")
            translation.attrib.pop("type", None)
            if message.get("numerus") == "yes":
                for form in list(translation):
                    translation.remove(form)
                translation.text = None
                for _ in range(2):  # English has a singular and a plural form
                    ET.SubElement(translation, "numerusform").text = source
            else:
                translation.text = source
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def unfinished(ts: Path) -> list[str]:
    """Source strings of ``ts`` with no finished translation."""
    root = ET.parse(ts).getroot()
    missing = []
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            missing.append(message.findtext("source") or "")
        elif not (translation.text or "").strip() and not translation.findall("numerusform"):
            missing.append(message.findtext("source") or "")
    return missing


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "build"
    if command == "build":
        for path in build():
            print(path)
    elif command == "update":
        update()
    else:
        raise SystemExit("usage: python -m app.ui.i18n [build|update]")
