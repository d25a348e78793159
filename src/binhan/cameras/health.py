"""Is a shared camera's stream reachable? A short, bounded probe, only ever run by the periodic task.

HTTP(S) streams get a HEAD-less GET of their first bytes; RTSP streams a TCP connection to their
port. Any answer from the server counts as reachable (a 401 means the camera is up).
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}


def probe(url: str, *, timeout: float) -> bool:
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return False
    if not host or not port:
        return False
    if parts.scheme.lower() in ("http", "https"):
        try:
            request = urllib.request.Request(url, method="GET", headers={"Range": "bytes=0-0"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
                response.read(1)
            return True
        except urllib.error.HTTPError:
            return True  # the server answered
        except (OSError, ValueError):
            return False
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
