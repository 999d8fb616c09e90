"""The .docx container: what to refuse before python-docx reads it (encryption, zip bombs, not a
Word document at all), opening it, and the title its core properties give.
"""

from __future__ import annotations

import io
import re
import zipfile

from docx.opc.constants import CONTENT_TYPE
from docx.package import Package

from .transcript import ParseError

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office container; also encrypted .docx
_MAX_XML = 50 * 2**20  # one unpacked XML part (document.xml holds the whole text)
_MAX_TOTAL = 300 * 2**20  # everything unpacked, images included: python-docx reads every part
_MAX_ENTRIES = 10_000
_DOCUMENT_TYPES = (CONTENT_TYPE.WML_DOCUMENT_MAIN,)
_JUNK_CORE_TITLE = re.compile(
    r"^(?:microsoft word\b|文档\s*\d*$|document\s*\d*$|untitled)|\.docx?$", re.I
)


def looks_like_bytes(data: bytes) -> bool:
    """A zip that holds a Word document, by its central directory (cheap: no part is read).
    Also True for a truncated zip that names word/ parts near its start, and for the old
    binary Office container (encrypted .docx, .doc), so that `read_bytes` can say what it is
    rather than the text decoder calling it binary."""
    if data.startswith(_OLE):
        return True
    if not data.startswith(_ZIP):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return b"word/" in data[:65536]
    return any(name.startswith("word/") for name in names)


def check_archive(data: bytes) -> None:
    """Refuse what python-docx must not be handed: not a zip, encrypted, or too big unpacked
    (sizes from the central directory; zipfile never inflates a member past its stated size)."""
    if data.startswith(_OLE):
        raise ParseError(
            "an encrypted (password-protected) Word document or an old binary .doc file: "
            "save it as .docx without a password"
        )
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ParseError("not a readable .docx: the zip archive is truncated or corrupt") from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise ParseError("a zip archive but not a Word document (no word/ parts in it)")
    if len(infos) > _MAX_ENTRIES:
        raise ParseError(f"the .docx holds {len(infos)} parts: refused (more than {_MAX_ENTRIES})")
    for info in infos:
        if info.flag_bits & 0x1:
            raise ParseError("the Word document is encrypted: save it without a password")
        if info.filename.endswith((".xml", ".rels")) and info.file_size > _MAX_XML:
            raise ParseError(
                f"{info.filename} unpacks to {info.file_size // 2**20} MB, more than "
                f"{_MAX_XML // 2**20} MB: refused (a damaged file or a zip bomb)"
            )
    total = sum(info.file_size for info in infos)
    if total > _MAX_TOTAL:
        raise ParseError(
            f"the .docx unpacks to {total // 2**20} MB, more than {_MAX_TOTAL // 2**20} MB: refused"
        )


def open_document(data: bytes):
    """python-docx's document, its body and its styles. python-docx's failure modes on a
    damaged package are many and not part of its API (KeyError, XMLSyntaxError, BadZipFile,
    AttributeError...), so any failure while opening is reported as an unreadable file."""
    try:
        part = Package.open(io.BytesIO(data)).main_document_part
        if part.content_type not in _DOCUMENT_TYPES:
            raise ParseError(
                f"not a plain Word document (its main part is {part.content_type}): "
                "save it as .docx"
            )
        document = part.document
        body, styles = document.element.body, document.styles.element
    except ParseError:
        raise
    except Exception as exc:
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        raise ParseError(
            f"cannot read the Word document ({type(exc).__name__}{': ' + detail if detail else ''})"
        ) from None
    if body is None:
        raise ParseError("the Word document has no body")
    return document, body, styles


def core_title(document) -> str:
    try:
        title = (document.core_properties.title or "").strip()
    except Exception:  # a damaged docProps/core.xml costs the title, not the import
        return ""
    return "" if _JUNK_CORE_TITLE.search(title) else title
