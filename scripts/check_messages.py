"""Fail when a UI string is missing from the Swedish catalogue or untranslated there.

Runs makemessages into a scratch copy and compares msgids with the committed .po, then
checks that every Swedish msgstr is filled in and not fuzzy, and that the committed .mo is
exactly what msgfmt makes of the .po.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "kompetensfond"
PO = PKG / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> dict[str, tuple[str, bool]]:
    """msgid -> (msgstr, fuzzy) for a .po file, plurals by their first msgstr."""
    out: dict[str, tuple[str, bool]] = {}
    for block in text.split("\n\n"):
        fuzzy = "#, fuzzy" in block
        msgid = _field(block, "msgid")
        if not msgid:
            continue
        msgstr = _field(block, "msgstr") or _field(block, r"msgstr\[0\]")
        plural = _field(block, r"msgstr\[1\]")
        if "msgid_plural" in block and not plural:
            msgstr = ""
        out[msgid] = (msgstr, fuzzy)
    return out


def _field(block: str, name: str) -> str:
    m = re.search(rf'^{name} ((?:".*"\n?)+)', block, re.M)
    if not m:
        return ""
    return "".join(re.findall(r'"(.*)"', m.group(1)))


def main() -> int:
    errors: list[str] = []
    committed = entries(PO.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "kompetensfond"
        shutil.copytree(PKG, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "sv",
             "--no-location", "--no-obsolete", "-v", "0"],
            cwd=copy, check=True,
        )
        fresh = entries((copy / "locale/sv/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    missing = sorted(set(fresh) - set(committed))
    errors += [f"not in the catalogue (run make messages): {m!r}" for m in missing]
    for msgid, (msgstr, fuzzy) in committed.items():
        if msgid in fresh and (not msgstr or fuzzy):
            errors.append(f"untranslated or fuzzy: {msgid!r}")
    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp) / "django.mo"
        if subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(PO)]).returncode:
            errors.append("django.po does not compile")
        elif compiled.read_bytes() != PO.with_suffix(".mo").read_bytes():
            errors.append("django.mo is not compiled from the current django.po (make messages)")
    for e in errors:
        print(e)
    print(f"translations: {len(committed)} Swedish strings, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
