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

from django.db import connections, transaction
from django.db.models import Model

from binhan.core.db import prepared

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


def _statement_for(instance: Model, using: str, connection) -> _Statement:
    meta = instance._meta
    if not instance._state.adding:
        raise ValueError(f"{meta.label} {instance.pk} is already stored; insert() only adds rows.")
    fields = [f for f in meta.local_concrete_fields
              if not (f.primary_key and getattr(instance, f.attname) is None)]
    key = (meta.label, using, len(fields))
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = _Statement(type(instance), connection, fields)
    return statement


def _stored(instance: Model, pk, using: str) -> Model:
    if getattr(instance, instance._meta.pk.attname) is None:
        setattr(instance, instance._meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = using
    return instance


def insert(instance: Model, *, using: str = "default") -> Model:
    """INSERT `instance` as a new row and set its primary key, as `instance.save()` would."""
    connection = connections[using]
    statement = _statement_for(instance, using, connection)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params(instance, connection))
        if statement.returning:
            pk = cursor.fetchone()[0]
        else:  # pragma: no cover - every backend we support returns it
            pk = connection.ops.last_insert_id(cursor, instance._meta.db_table, instance._meta.pk.column)
    return _stored(instance, pk, using)


def one_statement(using: str = "default") -> bool:
    """Whether `insert_all` writes its rows in one statement here (PostgreSQL), not one after another."""
    return connections[using].vendor == "postgresql"


_sequences: dict[tuple, str] = {}


def next_id(model: type[Model], *, using: str = "default") -> int | None:
    """Reserve the primary key of a row about to be inserted (PostgreSQL's sequence of the table).

    A row whose key is known before its INSERT can be named by the rows written with it in the
    same statement (`insert_all`): an audit row, an event. None where the key comes only from
    the INSERT (SQLite).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    meta = model._meta
    sequence = _sequences.get((meta.label, using))
    if sequence is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
            sequence = _sequences[(meta.label, using)] = cursor.fetchone()[0]
    with prepared.cursor(connection) as cursor:
        cursor.execute("SELECT nextval(%s::regclass)", [sequence])
        return cursor.fetchone()[0]


_chains: dict[tuple, str] = {}


def insert_all(instances: list[Model], *, using: str = "default") -> list[Model]:
    """INSERT several new rows, all or none, and set their primary keys.

    On PostgreSQL one statement writes them all (each INSERT a data-modifying WITH clause), so
    outside a transaction it is its own transaction: one round trip instead of BEGIN, an INSERT
    a row and COMMIT. Elsewhere the rows go one after another in a transaction (savepoint-free,
    so inside the caller's transaction if there is one).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=using, savepoint=False):
            return [insert(instance, using=using) for instance in instances]
    statements = [_statement_for(instance, using, connection) for instance in instances]
    key = tuple(id(statement) for statement in statements)
    sql = _chains.get(key)
    if sql is None:
        names = [f"row{number}" for number in range(len(statements))]
        # Every name and column comes from the models (see _Statement), never from input.
        clauses = ", ".join(f"{name} AS ({statement.sql})" for name, statement in zip(names, statements, strict=True))
        keys_sql = ", ".join(f"(SELECT * FROM {name})" for name in names)  # noqa: S608
        sql = _chains[key] = f"WITH {clauses} SELECT {keys_sql}"  # noqa: S608
    params = [value for instance, statement in zip(instances, statements, strict=True)
              for value in statement.params(instance, connection)]
    with prepared.cursor(connection) as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchone()
    return [_stored(instance, pk, using) for instance, pk in zip(instances, keys, strict=True)]
