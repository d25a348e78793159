"""One-row INSERTs whose statement is built once per model and set of columns.

`Model.save()` builds its INSERT through the ORM's compiler every time: about 0.3–0.5 ms a row,
most of the cost of the paths that write a few rows per request under load (a report, its
audit row and its outbox event: docs/performance.md). `insert` writes the same columns with
the same conversions (each field's `pre_save` and `get_db_prep_save`), so defaults,
`auto_now_add` and JSON behave as with `save()`. It sends no signals (the project uses none:
see docs/adding-a-domain.md) and does not validate: call `full_clean` first when the values
come from outside.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Model

# Columns whose Python value is what the database driver takes: no conversion, no pre_save.
# Anything else (dates and times, JSON, decimals, IP addresses…) goes through the field.
PLAIN_TYPES = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BooleanField", "CharField", "FloatField",
    "IntegerField", "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SmallIntegerField", "TextField", "SlugField", "EmailField", "URLField",
})


class _Statement:
    def __init__(self, model, connection, fields: list) -> None:
        meta = model._meta
        quote = connection.ops.quote_name  # every name comes from the model, never from input
        self.returning = connection.features.can_return_columns_from_insert
        self.sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(fields))})")
        if self.returning:
            self.sql += f" RETURNING {quote(meta.pk.column)}"
        # (field, converts?) per column: a foreign key is as plain as the key it points to.
        self.columns = [(field, field.get_internal_type() not in PLAIN_TYPES
                         if not field.is_relation else field.target_field.get_internal_type() not in PLAIN_TYPES)
                        for field in fields]

    def params(self, instance, connection) -> list:
        return [field.get_db_prep_save(field.pre_save(instance, True), connection=connection) if converts
                else getattr(instance, field.attname)
                for field, converts in self.columns]


_statements: dict[tuple, _Statement] = {}


def insert(instance: Model, *, using: str = "default") -> Model:
    """INSERT `instance` as a new row and set its primary key, as `instance.save()` would."""
    meta = instance._meta
    if not instance._state.adding:
        raise ValueError(f"{meta.label} {instance.pk} is already stored; insert() only adds rows.")
    connection = connections[using]
    fields = [f for f in meta.local_concrete_fields
              if not (f.primary_key and getattr(instance, f.attname) is None)]
    key = (meta.label, using, len(fields))
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = _Statement(type(instance), connection, fields)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params(instance, connection))
        if statement.returning:
            pk = cursor.fetchone()[0]
        else:  # pragma: no cover - every backend we support returns it
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    if getattr(instance, meta.pk.attname) is None:
        setattr(instance, meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = using
    return instance
