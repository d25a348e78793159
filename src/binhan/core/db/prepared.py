"""A cursor for a statement that runs on every report: prepared once per connection where the backend
can (PostgreSQL: core/db/postgresql), Django's usual cursor elsewhere."""

from __future__ import annotations


def cursor(connection):
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()
