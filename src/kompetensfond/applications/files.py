"""What an uploaded file really is, from its first bytes and (for Office files) the parts
inside the ZIP container; the name the user gave it is not trusted."""

from __future__ import annotations

import io
import zipfile

MAX_SIZE = 10 * 1024 * 1024
# An Office file whose parts unpack to more than this, or that has more parts, is refused
# (a 300 MB zip bomb fits in 298 KB).
MAX_UNPACKED = 100 * 1024 * 1024
MAX_PARTS = 1000

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", XLSX: "xlsx"}


def sniff(content: bytes) -> str | None:
    """The MIME type of an allowed kind of file, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts = archive.infolist()
                if (len(parts) > MAX_PARTS
                        or sum(part.file_size for part in parts) > MAX_UNPACKED):
                    return None
                names = {part.filename for part in parts}
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def stored_name(name: str, kind: str) -> str:
    """The file name kept and served: the user's name without path separators or control
    characters, with the extension of the type read from the content (a PDF called
    ``report.exe`` is served as ``report.pdf``)."""
    clean = "".join(ch for ch in name.strip() if ch.isprintable() and ch not in "/\\")
    stem = clean.rsplit(".", 1)[0].strip() if "." in clean else clean
    return f"{(stem or 'bilaga')[:190]}.{EXTENSIONS[kind]}"
