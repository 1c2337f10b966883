"""Per-minute queue samples in ``{prefix}queue_samples``: one document per queue and minute.

The id is ``<minute>|<queue>``, so a later sample of the same minute replaces the earlier one with a plain
``index`` (no version check: the last picture of a minute wins, whoever took it). Only ``queue`` and
``minute`` are mapped; the rest of the document is stored, not indexed. Reads search with the index's
refresh interval, so a sample shows up within about a second, which is well inside a chart's minute.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.domain.aggregations import MAX_MINUTE_BUCKETS
from app.domain.errors import StoreUnavailable
from app.domain.queue_samples import QueueSample
from app.storage.documents import format_stored_time
from app.storage.elasticsearch.bulk import expect_items, send_bulk
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.queue_sample_documents import sample_from_document, sample_to_document

TEMPLATE_NAME = "queue_samples"
"""``templates/queue_samples.json``, installed by ``setup``."""


def samples_index(names: IndexNames) -> str:
    return f"{names.prefix}queue_samples"


def _document_id(sample: QueueSample) -> str:
    return f"{format_stored_time(sample.minute)}|{sample.queue}"


class ElasticsearchQueueSampleMethods:
    _client: SearchEngine
    names: IndexNames

    async def put_queue_samples(self, samples: Sequence[QueueSample]) -> None:
        if not samples:
            return
        action = "store queue samples"
        index = samples_index(self.names)
        operations: list[dict[str, Any]] = []
        for sample in samples:
            operations += [
                {"index": {"_index": index, "_id": _document_id(sample)}},
                sample_to_document(sample),
            ]
        items = expect_items(
            await send_bulk(self._client, operations, action=action), len(samples), action=action
        )
        failures = [item.reason for item in items if not item.succeeded]
        if failures:
            raise StoreUnavailable(
                f"{action}: {len(failures)} of {len(samples)} failed, first: {failures[0]}"
            )

    async def list_queue_samples(self, *, queue: str, since: datetime, until: datetime) -> list[QueueSample]:
        query = {
            "bool": {
                "filter": [
                    {"term": {"queue": queue}},
                    {
                        "range": {
                            "minute": {"gte": format_stored_time(since), "lt": format_stored_time(until)}
                        }
                    },
                ]
            }
        }
        with translated_errors("list queue samples"):
            response = await self._client.search(
                index=samples_index(self.names),
                query=query,
                sort=[{"minute": "asc"}],
                size=MAX_MINUTE_BUCKETS,
            )
        return [sample_from_document(hit["_source"]) for hit in response["hits"]["hits"]]

    async def prune_queue_samples(self, *, before: datetime) -> int:
        with translated_errors("prune queue samples"):
            response = await self._client.delete_by_query(
                index=samples_index(self.names),
                query={"range": {"minute": {"lt": format_stored_time(before)}}},
                conflicts="proceed",
                refresh=False,
            )
        return int(response.get("deleted", 0))
