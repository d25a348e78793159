"""Django's PostgreSQL backend with a health check that costs no round trip when the link is quiet.

With persistent connections and `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before the first
query of every request: one more round trip per report at the intake (docs/performance.md).
A connection that the server has closed (a restart, `pg_terminate_backend`, an idle timeout)
becomes readable: the server's goodbye or the end of the stream is waiting on the socket. So
when the socket has nothing to read, the connection is as usable as `SELECT 1` would say, and
only a readable (or broken) socket pays for the full check.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


def socket_is_quiet(connection) -> bool:
    """True when the psycopg connection is open and the server has sent nothing since the last reply."""
    if connection is None or connection.closed or connection.broken:
        return False
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (self.connection is not None and self.health_check_enabled and not self.health_check_done
                and not self.pool and socket_is_quiet(self.connection)):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
