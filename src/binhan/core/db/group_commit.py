"""Group commit on SQLite: the reports waiting for one intake thread are written in one transaction.

SQLite writes one transaction at a time, and under a flood of reports the writers' lock
(core/db/writes.py) is what intake waits for. Each report's transaction also writes the pages it
shares with the others (the table's last page, the outbox's, the audit log's, the tally's rows of
the commune and above) and commits on its own. Here the requests an intake thread has waiting
run together on that thread, each in a greenlet of its own:

1. each runs until it asks for its write transaction (`transaction()`), or to its end;
2. the thread takes the writers' lock once and opens one transaction; each request's writes run
   in a savepoint of it, so a request that fails undoes only its own writes;
3. after the one commit, each request goes on from there and its answer is sent. A request learns
   that its writes are stored only after the commit: a 201 still means "on disk". If the commit
   fails, every request of the group gets the error, and none says it stored anything.

The greenlets switch only at those two points, never inside a transaction of their own, so the
thread's one database connection is never shared in the middle of anything. Each greenlet has
the context variables of its own request (the language, the client's address for the audit).
PostgreSQL commits concurrently and needs none of this: there the requests simply run one after
the other. docs/performance.md, "Report intake", step 22, has the figures.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import greenlet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db import transaction as django_transaction

from binhan.core.db import writes

logger = logging.getLogger(__name__)

_WANTS_TRANSACTION = object()  # a request's signal to the thread: "open the transaction for me"
_WROTE = object()  # "my writes are in; wake me after the commit"
_current = threading.local()

# What a request's call gives back (its result, or None) and the exception it raised (or None).
Settle = Callable[[int, Any, BaseException | None], None]


class _Group:
    def __init__(self, hub: greenlet.greenlet, using: str) -> None:
        self.hub = hub
        self.using = using


@contextlib.contextmanager
def transaction(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A write transaction under the writers' lock; in a group, a savepoint of the group's transaction.

    Outside `run_together`, or inside a transaction already open, it is `serialised_writes()` and
    `atomic()`. Inside, the request waits here for the group's transaction, and after the block
    for its commit; DatabaseError if either failed.
    """
    group: _Group | None = getattr(_current, "group", None)
    if (group is None or group.using != using or connections[using].in_atomic_block
            or greenlet.getcurrent() is group.hub):
        with writes.serialised_writes(using), django_transaction.atomic(using=using):
            yield
        return
    _raise_if_failed(group.hub.switch(_WANTS_TRANSACTION), "The transaction for this request's writes did not open.")
    try:
        with django_transaction.atomic(using=using):
            yield
    except greenlet.GreenletExit:  # the group was abandoned (a fault of this module): end at once
        raise
    except BaseException:
        group.hub.switch(_WROTE)  # the group goes on without this request's writes; its own error wins
        raise
    _raise_if_failed(group.hub.switch(_WROTE), "The writes of this request were not committed.")


def _raise_if_failed(failure: BaseException | None, message: str) -> None:
    if failure is not None:
        raise DatabaseError(message) from failure


def run_together(calls: list[tuple[contextvars.Context, Callable[[], Any]]], settle: Settle, *,
                 using: str = DEFAULT_DB_ALIAS) -> None:
    """Run the calls, each in its context, with one commit for all their `transaction()` blocks.

    `settle(index, result, error)` is called once for each call as soon as it ends, so an answer
    goes out without waiting for the rest of the group. On PostgreSQL, or with one call, the calls
    run one after the other.
    """
    if len(calls) == 1 or connections[using].vendor != "sqlite":
        for index, (context, call) in enumerate(calls):
            try:
                result = context.run(call)
            except Exception as error:
                settle(index, None, error)
            else:
                settle(index, result, None)
        return
    group = _Group(greenlet.getcurrent(), using)
    pending: dict[int, greenlet.greenlet] = {}
    for index, (context, call) in enumerate(calls):
        pending[index] = greenlet.greenlet(call)
        pending[index].gr_context = context
    _current.group = group
    try:
        told: BaseException | None = None
        while pending:
            # Each request runs until it wants the transaction (it stays pending) or ends.
            pending = _advance(pending, told, settle, expect=_WANTS_TRANSACTION)
            if pending:
                pending, told = _write_together(group, pending, settle)
    except BaseException as error:  # a fault of this module: no request may wait for ever
        logger.exception("Group commit failed")
        for index in pending:
            settle(index, None, error)
        pending.clear()  # the greenlets are collected, which ends each with GreenletExit
        raise
    finally:
        _current.group = None


def _advance(pending: dict[int, greenlet.greenlet], told: BaseException | None, settle: Settle, *,
             expect: object) -> dict[int, greenlet.greenlet]:
    """Switch into each request; keep those that stopped at `expect`, settle those that ended."""
    waiting: dict[int, greenlet.greenlet] = {}
    for index, request in pending.items():
        try:
            # A greenlet that has not started takes no value (it would be its call's argument).
            signal = request.switch(told) if request else request.switch()
        except Exception as error:
            settle(index, None, error)
            continue
        if request.dead:
            settle(index, signal, None)
        elif signal is expect:
            waiting[index] = request
        else:
            raise RuntimeError(f"A grouped request switched back with {signal!r}.")
    return waiting


def _write_together(group: _Group, pending: dict[int, greenlet.greenlet],
                    settle: Settle) -> tuple[dict[int, greenlet.greenlet], DatabaseError | None]:
    """One lock, one transaction, each request's writes in a savepoint: who waits, and what to tell them."""
    connection = connections[group.using]
    written: dict[int, greenlet.greenlet] | None = None
    try:
        with writes.serialised_writes(group.using), django_transaction.atomic(using=group.using):
            written = _advance(pending, None, settle, expect=_WROTE)
            # A savepoint that could not be rolled back marks the whole transaction, which atomic()
            # then rolls back without a word: the requests must not hear "stored".
            if connection.needs_rollback:
                raise DatabaseError("A savepoint could not be rolled back, so the group's transaction was.")
    except DatabaseError as error:
        return (pending if written is None else written), error
    return written, None
