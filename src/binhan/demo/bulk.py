"""Bulk loading for demo steps: rows into one table in batches, COPY on PostgreSQL, executemany elsewhere.

A large demo writes millions of rows; the ORM's bulk_create is several times slower than this.
Rows are tuples in the order of `columns` (model field names), with explicit ids where the
step assigns them; datetimes are adapted for the database, other values go as they are.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

BATCH = 20_000


class BulkWriter:
    def __init__(self, model, columns: tuple[str, ...], *, batch: int = BATCH):
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
        self.width = len(columns)
        self.batch_size = batch
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def extend(self, rows: list[tuple]) -> BulkWriter:
        self.rows.extend(rows)
        if len(self.rows) >= self.batch_size:
            self.flush()
        return self

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                if connection.vendor == "sqlite":
                    cursor.execute("PRAGMA cache_size = -262144")  # 256 MB: index upkeep stays in memory
                placeholders = ", ".join(["%s"] * self.width)
                cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})",  # noqa: S608
                                   [tuple(_adapt(value) for value in row) for row in self.rows])
        self.rows.clear()


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
