from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.bulk_query_body import BulkQueryBody





T = TypeVar("T", bound="BulkBody")



@_attrs_define
class BulkBody:
    """ 
        Attributes:
            dry_run (bool | Unset):  Default: False.
            priority (int | None | Unset): reprioritize only
            query (BulkQueryBody | Unset): The filters of ``POST /tasques/_search``, by the same names and with the same
                400s; queues,
                states and kinds, the names bulk queries had before they took the full search query, still work.
     """

    dry_run: bool | Unset = False
    priority: int | None | Unset = UNSET
    query: BulkQueryBody | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.bulk_query_body import BulkQueryBody # noqa: PLC0415
        dry_run = self.dry_run

        priority: int | None | Unset
        if isinstance(self.priority, Unset):
            priority = UNSET
        else:
            priority = self.priority

        query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query, Unset):
            query = self.query.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if priority is not UNSET:
            field_dict["priority"] = priority
        if query is not UNSET:
            field_dict["query"] = query

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_query_body import BulkQueryBody # noqa: PLC0415
        d = dict(src_dict)
        dry_run = d.pop("dry_run", UNSET)

        def _parse_priority(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        priority = _parse_priority(d.pop("priority", UNSET))


        _query = d.pop("query", UNSET)
        query: BulkQueryBody | Unset
        if isinstance(_query,  Unset):
            query = UNSET
        else:
            query = BulkQueryBody.from_dict(_query)




        bulk_body = cls(
            dry_run=dry_run,
            priority=priority,
            query=query,
        )

        return bulk_body

