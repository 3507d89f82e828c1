"""What a video item plays: a YouTube or Vimeo player (privacy-enhanced embed) or a video file.

The embed hosts here are exactly the frame sources the Content-Security-Policy allows:
https://www.youtube-nocookie.com and https://player.vimeo.com.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError

VIDEO_FILE_SUFFIXES = (".mp4", ".webm", ".ogg", ".ogv", ".m4v", ".mov")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com",
                 "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
NOT_A_VIDEO = ("This address is not a video. Use a YouTube or Vimeo video page, or the address of a video file "
               "(.mp4, .webm, .ogg, .mov), or upload the file.")


def _youtube_id(host: str, path: str, query: str) -> str | None:
    parts = [p for p in path.split("/") if p]
    if host == "youtu.be":
        candidate = parts[0] if parts else ""
    elif host in YOUTUBE_HOSTS:
        if parts[:1] == ["watch"]:
            candidate = (parse_qs(query).get("v") or [""])[0]
        elif len(parts) >= 2 and parts[0] in ("embed", "shorts", "live", "v"):
            candidate = parts[1]
        else:
            return None
    else:
        return None
    return candidate if _YOUTUBE_ID.match(candidate) else None


def _vimeo_id(host: str, path: str) -> str | None:
    if host not in VIMEO_HOSTS:
        return None
    parts = [p for p in path.split("/") if p]
    if host == "player.vimeo.com":
        parts = parts[1:] if parts[:1] == ["video"] else []
    numeric = [p for p in parts if _VIMEO_ID.match(p)]
    # vimeo.com/123, vimeo.com/channels/staffpicks/123, vimeo.com/123/abcdef (unlisted hash)
    return numeric[0] if numeric else None


def video_source(url: str) -> dict | None:
    """{"provider": "youtube"|"vimeo", "embed_url": ...} or {"provider": "file", "src": url}; None if not a video."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    youtube = _youtube_id(host, parts.path, parts.query)
    if youtube:
        return {"provider": "youtube", "embed_url": f"https://www.youtube-nocookie.com/embed/{youtube}"}
    vimeo = _vimeo_id(host, parts.path)
    if vimeo:
        return {"provider": "vimeo", "embed_url": f"https://player.vimeo.com/video/{vimeo}?dnt=1"}
    if parts.path.lower().endswith(VIDEO_FILE_SUFFIXES):
        return {"provider": "file", "src": url}
    return None


def video_url_check(url: str) -> None:
    if video_source(url) is None:
        raise ValidationError(NOT_A_VIDEO, code="not_video")


def video_file_check(upload) -> None:
    """An uploaded video is checked by its content, not its name: MP4/MOV (ftyp box), WebM (EBML), Ogg."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if len(head) >= 8 and head[4:8] == b"ftyp":
        return
    if head[:4] in (b"\x1a\x45\xdf\xa3", b"OggS"):
        return
    raise ValidationError("This file is not a video (MP4, WebM, Ogg or MOV).", code="not_video")
