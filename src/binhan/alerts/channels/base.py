"""The one interface every channel implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """An alert as one recipient reads it, in their language."""

    alert_id: int
    title: str
    body: str
    instruction: str
    severity: str
    severity_label: str
    url: str  # absolute link to the alert in the inbox
    unsubscribe_url: str  # absolute one-click unsubscribe link for this person and channel
    language: str


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""
    # A permanent failure (no address, unsubscribed endpoint) is not retried.
    permanent: bool = False
    # Whether the channel confirms arrival (in-app does), or only that it was handed over.
    delivered: bool = False


class Channel(ABC):
    code = ""
    # Per person (phone, email, browser) rather than the household's inbox.
    per_person = True
    # How many rows one sending round takes for this channel.
    batch_size = 200

    def is_available(self) -> bool:
        """Whether this installation can send on this channel (keys, gateway configured)."""
        return True

    @abstractmethod
    def send(self, delivery, message: Message) -> Outcome:
        """Hand one message over; say whether it went, failed for good, or should be retried."""
