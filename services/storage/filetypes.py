"""What an uploaded file is: the type its name claims, confirmed by its leading bytes.

A name alone is not trusted (a renamed program is still a program), nor are bytes alone (a
family opens the file by its name): a file is accepted as a type only when both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

TEXT_PROBE_BYTES = 8192


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(signatures)


def _mp3(data: bytes) -> bool:
    """An ID3 tag, or an MPEG audio frame (11 sync bits set)."""
    return data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _text(data: bytes) -> bool:
    """Plain text has no NUL bytes (programs and other binaries always do, early on)."""
    return b"\x00" not in data[:TEXT_PROBE_BYTES]


_ZIP = _starts(b"PK\x03\x04")  # the OOXML and OpenDocument formats are ZIP packages


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: Callable[[bytes], bool]


FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", _starts(b"%PDF-")),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP
    ),
    ".odt": FileType("application/vnd.oasis.opendocument.text", _ZIP),
    ".pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP
    ),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".txt": FileType("text/plain", _text),
    ".jpg": FileType("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": FileType("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".png": FileType("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".mp3": FileType("audio/mpeg", _mp3),
}


def file_extension(name: str) -> str:
    """The lower-case extension of a file name with its dot (".pdf"), or "" when it has none."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def sniff_type(name: str, data: bytes, allowed: Iterable[str]) -> str | None:
    """The content type of an upload whose extension is one of `allowed` (".pdf", …) and whose
    leading bytes are that format's; None when either is not so."""
    extension = file_extension(name)
    kind = FILE_TYPES.get(extension)
    if extension not in set(allowed) or kind is None or not kind.matches(data):
        return None
    return kind.content_type
