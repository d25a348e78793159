"""SMS gateway adapters. BINHAN_SMS_BACKEND names one: file (default), console, http, or locmem (tests).

- file: appends each message as a JSON line to BINHAN_SMS_FILE (var/sms/outbox.jsonl).
- http: POSTs {"to", "text"} as JSON to BINHAN_SMS_URL with `Authorization: Bearer BINHAN_SMS_TOKEN`;
  a 4xx answer is a permanent failure, anything else that is not 2xx is retried.
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from binhan.alerts import conf

outbox: list[dict] = []  # the locmem backend's messages, like django.core.mail.outbox
_lock = threading.Lock()


class PermanentSmsError(Exception):
    """The gateway refused the message for good (bad number, rejected text)."""


class FileBackend:
    def send(self, to: str, text: str) -> None:
        path = Path(conf.get("BINHAN_SMS_FILE") or Path(settings.VAR_DIR) / "sms" / "outbox.jsonl")
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), "to": to, "text": text}, ensure_ascii=False)
        with _lock, path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class ConsoleBackend:
    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class LocmemBackend:
    def send(self, to: str, text: str) -> None:
        outbox.append({"to": to, "text": text})


class HttpBackend:
    def send(self, to: str, text: str) -> None:
        url = conf.get("BINHAN_SMS_URL")
        if not url or not url.startswith(("https://", "http://")):
            raise RuntimeError("BINHAN_SMS_URL is not set to an http(s) URL")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url, data=json.dumps({"to": to, "text": text}).encode(), method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {conf.get('BINHAN_SMS_TOKEN', '')}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500 and error.code != 429:
                raise PermanentSmsError(f"gateway refused the message ({error.code})") from error
            raise


BACKENDS = {"file": FileBackend, "console": ConsoleBackend, "locmem": LocmemBackend, "http": HttpBackend}


def get_backend():
    name = conf.get("BINHAN_SMS_BACKEND") or "file"
    backend = BACKENDS.get(name) or import_string(name)
    return backend()
