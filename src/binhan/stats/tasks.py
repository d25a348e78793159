"""The safety net: follow the outbox every minute from the worker, whatever the nudges did."""

from __future__ import annotations

from binhan.core.tasks import background, run_every


@background(retries=1)
def follow_outbox() -> int:
    from binhan.stats import engine

    return engine.follow_all()


run_every(60, follow_outbox)
