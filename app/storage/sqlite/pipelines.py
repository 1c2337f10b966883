"""Pipeline rows: the shared JSON document plus ``state`` for the leader's scan, CAS on ``version``."""

import json
import sqlite3
from dataclasses import replace

from app.domain.errors import PipelineAlreadyExists, PipelineNotFound, VersionConflict
from app.storage.pipeline_documents import pipeline_from_document, pipeline_to_document
from app.storage.port import Pipeline
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, version_of
from app.storage.sqlite.statements import Statements


class SqlitePipelineMethods:
    _connections: SqliteConnections

    async def create_pipeline(self, pipeline: Pipeline) -> Pipeline:
        try:
            async with self._connections.write_transaction() as writer:
                await writer.execute_fetchall(
                    "INSERT INTO pipelines (id, state, version, document) VALUES (?, ?, 1, ?)",
                    (pipeline.id, pipeline.state, dumps(pipeline_to_document(pipeline))),
                )
        except sqlite3.IntegrityError as error:
            raise PipelineAlreadyExists(pipeline.id) from error
        return replace(pipeline, version=version_of(1))

    async def get_pipeline(self, pipeline_id: str) -> Pipeline:
        async with self._connections.reader() as reader:
            rows = list(
                await reader.execute_fetchall(
                    "SELECT document, version FROM pipelines WHERE id = ?", (pipeline_id,)
                )
            )
        if not rows:
            raise PipelineNotFound(pipeline_id)
        return pipeline_from_document(json.loads(rows[0][0]), version_of(rows[0][1]))

    async def update_pipeline(self, previous: Pipeline, updated: Pipeline) -> Pipeline:
        if previous.version is None:
            raise VersionConflict(previous.id)
        expected = previous.version.seq_num
        async with self._connections.write_transaction() as writer:
            async with writer.execute(
                "UPDATE pipelines SET state = ?, document = ?, version = version + 1 WHERE id = ? AND version = ?",
                (updated.state, dumps(pipeline_to_document(updated)), previous.id, expected),
            ) as cursor:
                swapped = cursor.rowcount == 1
            if not swapped:
                await _raise_missing_or_conflict(writer, previous.id)
        return replace(updated, version=version_of(expected + 1))

    async def list_pipelines(self, *, state: str | None, after_id: str | None, limit: int) -> list[Pipeline]:
        conditions, parameters = ["id > ?"], [after_id or ""]
        if state is not None:
            conditions.append("state = ?")
            parameters.append(state)
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall(
                f"SELECT document, version FROM pipelines WHERE {' AND '.join(conditions)} ORDER BY id LIMIT ?",
                (*parameters, limit),
            )
        return [
            pipeline_from_document(json.loads(document), version_of(version)) for document, version in rows
        ]


async def _raise_missing_or_conflict(writer: Statements, pipeline_id: str) -> None:
    exists = await writer.execute_fetchall("SELECT 1 FROM pipelines WHERE id = ?", (pipeline_id,))
    raise VersionConflict(pipeline_id) if exists else PipelineNotFound(pipeline_id)
