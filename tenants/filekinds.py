"""What kind of file an upload is, judged by its content (magic bytes), never by its name.

One sniffer for every app that accepts files (hand-ins, message attachments): "pdf", "png", "jpeg",
"gif", "zip", "txt" (UTF-8 without NUL bytes) or None. Apps refine a kind further where they need to
(assignments tell Office documents from other ZIP archives).
"""
from __future__ import annotations

import codecs

TEXT_SAMPLE = 64 * 1024


def is_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)  # a character cut at the end is fine
    except UnicodeDecodeError:
        return False
    return True


def upload_kind(upload) -> str | None:
    upload.seek(0)
    head = upload.read(TEXT_SAMPLE)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head and is_text(head):
        return "txt"
    return None
