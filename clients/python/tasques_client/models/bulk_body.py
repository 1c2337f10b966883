from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.query_body import QueryBody





T = TypeVar("T", bound="BulkBody")



@_attrs_define
class BulkBody:
    """ 
        Attributes:
            dry_run (bool | Unset):  Default: False.
            priority (int | None | Unset): reprioritize only
            query (QueryBody | Unset):
     """

    dry_run: bool | Unset = False
    priority: int | None | Unset = UNSET
    query: QueryBody | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.query_body import QueryBody # noqa: PLC0415
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
        from ..models.query_body import QueryBody # noqa: PLC0415
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
        query: QueryBody | Unset
        if isinstance(_query,  Unset):
            query = UNSET
        else:
            query = QueryBody.from_dict(_query)




        bulk_body = cls(
            dry_run=dry_run,
            priority=priority,
            query=query,
        )

        return bulk_body

