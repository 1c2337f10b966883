"""Archive hits that must not answer: copies their live document no longer points at.

An archived copy answers only while its (queue, id) has no live document (the tombstone was pruned) or
a tombstone naming that very copy. Two things leave other copies behind: a revival that committed
(tombstone replaced by the live task, ``revival``) but crashed before deleting the copy, and an archive
run that crashed between copying and tombstoning (``archive``). ``include_archive`` searches check
their archive hits against the live documents with one realtime multi-get, drop the stale ones (a
page may then hold fewer tasks than its limit; the cursor still follows the raw hits), and delete
those shadowed by a live task, conditional on the version the search saw (best effort; the next
archiving of that task writes a fresh copy anyway). A count or aggregation may still include such a
copy until then.
"""

import logging
from typing import Any

from app.domain.errors import StoreUnavailable
from app.storage.elasticsearch.archive import is_tombstone
from app.storage.elasticsearch.bulk import send_bulk
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames

logger = logging.getLogger(__name__)
Hit = dict[str, Any]


def _shadowed(live: Hit, copy: Hit) -> bool:
    """The copy is stale because a live task holds its id."""
    return bool(live.get("found")) and not is_tombstone(live["_source"])


def _superseded(live: Hit, copy: Hit) -> bool:
    """The copy is stale because the tombstone names another copy (the id was archived again)."""
    if not live.get("found") or not is_tombstone(live["_source"]):
        return False
    tombstone = live["_source"]
    named = (tombstone.get("archive_index"), tombstone.get("archive_id"))
    return None not in named and named != (copy["_index"], copy["_id"])


async def answering_hits(client: SearchEngine, names: IndexNames, hits: list[Hit]) -> list[Hit]:
    """``hits`` without the archive hits that must not answer; deletes the shadowed ones."""
    copies = [hit for hit in hits if names.is_archive_index(hit["_index"])]
    if not copies:
        return hits
    with translated_errors("check archived copies"):
        response = await client.mget(
            docs=[
                {"_index": names.queue(copy["_source"]["queue"]), "_id": copy["_source"]["id"]}
                for copy in copies
            ],
            realtime=True,
        )
    shadowed, stale = [], set()
    for copy, live in zip(copies, response["docs"], strict=True):
        if _shadowed(live, copy):
            shadowed.append(copy)
        if _shadowed(live, copy) or _superseded(live, copy):
            stale.add((copy["_index"], copy["_id"]))
    await _delete(client, shadowed)
    return [hit for hit in hits if (hit["_index"], hit["_id"]) not in stale]


async def _delete(client: SearchEngine, copies: list[Hit]) -> None:
    operations = [
        {
            "delete": {
                "_index": copy["_index"],
                "_id": copy["_id"],
                "if_seq_no": copy["_seq_no"],
                "if_primary_term": copy["_primary_term"],
            }
        }
        for copy in copies
    ]
    if not operations:
        return
    try:
        await send_bulk(client, operations, action="delete shadowed archived copies")
    except StoreUnavailable as error:
        logger.warning("%d shadowed archived copies stay for now: %s", len(copies), error)
