"""The media type of a file from its bytes alone.

Portals name attachments whatever they like (``공고문.hwp`` that is a PDF, ``download.do``), so
the name and the server's Content-Type are never trusted: the reader is chosen from what the bytes
are. ``sniff`` never raises: garbage and truncated files come out as the nearest honest answer
(an OLE or zip file too damaged to look inside is still reported as OLE or zip).
"""

from __future__ import annotations

import codecs
import io
import struct
import zipfile
import zlib

import olefile

PDF = "application/pdf"
HWP = "application/vnd.hancom.hwp"
HWPX = "application/vnd.hancom.hwpx"
OLE = "application/x-ole-storage"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
BINARY = "application/octet-stream"

_EXTENSIONS = {
    PDF: ".pdf",
    HWP: ".hwp",
    HWPX: ".hwpx",
    DOCX: ".docx",
    XLSX: ".xlsx",
    ZIP: ".zip",
    PNG: ".png",
    JPEG: ".jpg",
    TEXT: ".txt",
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HWP_SIGNATURE = b"HWP Document File"
HWPX_MIMETYPE = b"application/hwp+zip"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# The PDF spec lets a header follow up to 1 KB of junk, and some generators do prepend some.
_PDF_HEADER_WINDOW = 1024
# OLE mini sectors are 64 bytes: a small stream such as FileHeader starts on that boundary.
_MINI_SECTOR = 64
# Directory entries are 128 bytes and begin with the name in UTF-16, NUL-terminated.
_DIRECTORY_ENTRY = 128
_FILE_HEADER_NAME = "FileHeader\x00".encode("utf-16-le")


def sniff(data: bytes) -> str:
    """The media type of ``data`` (one of this module's constants)."""
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    if data.startswith(_ZIP_MAGICS):
        return _sniff_zip(data)
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _is_text(data):
        return TEXT
    return BINARY


def extension_for(media_type: str) -> str:
    """A file name extension for a sniffed media type (``.bin`` for the ones we can't name)."""
    return _EXTENSIONS.get(media_type, ".bin")


def _sniff_ole(data: bytes) -> str:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("FileHeader"):
                return OLE
            try:
                head = ole.openstream("FileHeader").read(len(HWP_SIGNATURE))
                cut_short = len(head) < min(len(HWP_SIGNATURE), ole.get_size("FileHeader"))
            except Exception:
                cut_short = True
            # Only HWP has a FileHeader stream: one we can't read is a damaged HWP, and its
            # reader will say what is wrong with it.
            return HWP if cut_short or head == HWP_SIGNATURE else OLE
    except Exception:  # olefile raises many kinds on damaged files; none may escape sniffing
        pass
    # Too damaged for olefile (a truncated download, say): look for HWP's traces where they
    # would sit, its signature at the start of a mini sector, or the FileHeader stream's name at
    # the start of a directory entry. The reader then says what is wrong with the file.
    for needle, alignment in ((HWP_SIGNATURE, _MINI_SECTOR), (_FILE_HEADER_NAME, _DIRECTORY_ENTRY)):
        start = data.find(needle)
        while start != -1:
            if start % alignment == 0:
                return HWP
            start = data.find(needle, start + 1)
    return OLE


def _sniff_zip(data: bytes) -> str:
    # An HWPX stores its ``mimetype`` entry first and uncompressed (as EPUB does), so it is told
    # apart from the local header alone, even when the file is cut short.
    if _first_entry_is_hwpx_mimetype(data):
        return HWPX
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(64).strip() == HWPX_MIMETYPE:
                        return HWPX
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
        return ZIP
    if "Contents/section0.xml" in names:
        return HWPX
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return ZIP


def _first_entry_is_hwpx_mimetype(data: bytes) -> bool:
    header = data[:30]
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        return False
    method, size, name_length, extra_length = struct.unpack_from("<8xH8xI4xHH", header)
    if method != 0 or name_length != len(b"mimetype"):
        return False
    name_end = 30 + name_length
    if data[30:name_end] != b"mimetype":
        return False
    body_start = name_end + extra_length
    return data[body_start : body_start + size].strip() == HWPX_MIMETYPE


def _is_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    try:
        codecs.decode(data, "utf-8")
    except UnicodeDecodeError:
        return False
    return True
