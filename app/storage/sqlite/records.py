"""One generic store for versioned record rows (recurring definitions, pipelines, push workers, admin jobs).

A table holds ``id``, the shared JSON ``document``, a ``version`` counted up by every change (the
compare-and-swap checks it in the ``UPDATE``'s ``WHERE``), and whatever extra columns the table's scans
filter or sort on, each filled from the record on every write.
"""

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from app.domain.errors import VersionConflict
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, version_of
from app.storage.sqlite.statements import Parameters, Row, Statements
from app.storage.versioned_records import RecordKind

R = TypeVar("R")


@dataclass(frozen=True, kw_only=True)
class RecordTable(Generic[R]):
    name: str
    kind: RecordKind[R]
    columns: Mapping[str, Callable[[R], Any]] = field(default_factory=dict)
    """Columns besides id, version and document, by name, each with how a record fills it."""


@dataclass(frozen=True, kw_only=True)
class RecordScan:
    """Which rows a scan returns: a ``WHERE`` clause over the table's columns (empty for all) with its
    parameters, an ``ORDER BY`` list and an optional limit."""

    where: str = ""
    parameters: Sequence[Any] = ()
    order_by: str = "id"
    limit: int | None = None

    def sql(self, table: str) -> tuple[str, Parameters]:
        where = f" WHERE {self.where}" if self.where else ""
        limit, parameters = (
            ("", [*self.parameters]) if self.limit is None else (" LIMIT ?", [*self.parameters, self.limit])
        )
        return f"SELECT id, document, version FROM {table}{where} ORDER BY {self.order_by}{limit}", parameters


class SqliteRecords(Generic[R]):
    def __init__(self, connections: SqliteConnections, table: RecordTable[R]) -> None:
        self._connections = connections
        self._table = table
        self._kind = table.kind

    def _column_values(self, record: R) -> list[Any]:
        return [fill(record) for fill in self._table.columns.values()]

    def _from_row(self, row: Row) -> R:
        record_id, document, version = row
        return self._kind.from_document(json.loads(document), version_of(version), record_id)

    async def create(self, record: R) -> R:
        names = ", ".join(["id", *self._table.columns, "version", "document"])
        places = ", ".join("?" * (len(self._table.columns) + 1))
        values = (
            self._kind.id_of(record),
            *self._column_values(record),
            dumps(self._kind.to_document(record)),
        )

        async def insert(writer: Statements) -> None:
            await writer.execute(f"INSERT INTO {self._table.name} ({names}) VALUES ({places}, 1, ?)", values)

        try:
            await self._connections.write(insert)
        except sqlite3.IntegrityError as error:
            raise self._kind.already_exists(self._kind.id_of(record)) from error
        return self._kind.with_version(record, version_of(1))

    async def get(self, record_id: str) -> R:
        sql = f"SELECT id, document, version FROM {self._table.name} WHERE id = ?"
        rows = await self._connections.read(lambda reader: reader.execute_fetchall(sql, (record_id,)))
        if not rows:
            raise self._kind.not_found(record_id)
        return self._from_row(rows[0])

    async def compare_and_swap(self, previous: R, updated: R) -> R:
        expected = self._kind.expected_version(previous).seq_num
        assignments = "".join(f"{name} = ?, " for name in self._table.columns)
        sql = (
            f"UPDATE {self._table.name} SET {assignments}document = ?, version = version + 1 "
            "WHERE id = ? AND version = ?"
        )
        values = (*self._column_values(updated), dumps(self._kind.to_document(updated)))
        await self._write_or_explain(sql, (*values, self._kind.id_of(previous), expected), previous)
        return self._kind.with_version(updated, version_of(expected + 1))

    async def delete(self, previous: R) -> None:
        expected = self._kind.expected_version(previous).seq_num
        sql = f"DELETE FROM {self._table.name} WHERE id = ? AND version = ?"
        await self._write_or_explain(sql, (self._kind.id_of(previous), expected), previous)

    async def _write_or_explain(self, sql: str, parameters: Parameters, previous: R) -> None:
        """Runs a conditional write; when it matched no row, says whether the row changed or is gone."""
        record_id = self._kind.id_of(previous)

        async def write(writer: Statements) -> None:
            if (await writer.execute(sql, parameters)).rowcount == 1:
                return
            exists = await writer.execute_fetchall(
                f"SELECT 1 FROM {self._table.name} WHERE id = ?", (record_id,)
            )
            raise VersionConflict(record_id) if exists else self._kind.missing_on_write(record_id)

        await self._connections.write(write)

    async def scan(self, scan: RecordScan) -> list[R]:
        sql, parameters = scan.sql(self._table.name)
        rows = await self._connections.read(lambda reader: reader.execute_fetchall(sql, parameters))
        return [self._from_row(row) for row in rows]
