"""Pipeline rows: the shared JSON document plus ``state`` for the leader's scan (see ``records``)."""

from app.domain.pipelines import Pipeline
from app.storage.pipeline_documents import PIPELINE_RECORDS
from app.storage.record_methods import PipelineRecordMethods
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.records import RecordScan, RecordTable, SqliteRecords

_TABLE = RecordTable(
    name="pipelines", kind=PIPELINE_RECORDS, columns={"state": lambda pipeline: pipeline.state}
)


class SqlitePipelineMethods(PipelineRecordMethods):
    _connections: SqliteConnections

    @property
    def _pipelines(self) -> SqliteRecords[Pipeline]:
        return SqliteRecords(self._connections, _TABLE)

    async def list_pipelines(self, *, state: str | None, after_id: str | None, limit: int) -> list[Pipeline]:
        conditions, parameters = ["id > ?"], [after_id or ""]
        if state is not None:
            conditions.append("state = ?")
            parameters.append(state)
        return await self._pipelines.scan(
            RecordScan(where=" AND ".join(conditions), parameters=parameters, limit=limit)
        )
