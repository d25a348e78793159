"""Delivery channels: plugins behind one interface (see base.Channel), named in BINHAN_ALERTS_CHANNELS.

A new channel is a class with a `code` and a `send(delivery, message)`; adding it to the
setting is all it takes: the alert code never names a channel.
"""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from binhan.alerts import conf
from binhan.alerts.channels.base import Channel, Message, Outcome

__all__ = ["Channel", "Message", "Outcome", "get", "person_channels"]


@cache
def _load(code: str, dotted: str) -> Channel:
    channel = import_string(dotted)()
    channel.code = code
    return channel


def get(code: str) -> Channel | None:
    dotted = conf.channels().get(code)
    return _load(code, dotted) if dotted else None


def person_channels() -> list[Channel]:
    """The channels that reach a person (not the household inbox), that are set up here."""
    found = [get(code) for code in conf.channels()]
    return [c for c in found if c is not None and c.per_person and c.is_available()]
