from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.wire_aggregations import WireAggregations
  from ..models.wire_task import WireTask





T = TypeVar("T", bound="WireTaskPage")



@_attrs_define
class WireTaskPage:
    """ 
        Attributes:
            next_cursor (None | str): Pass as cursor for the next page; null on the last page
            tasks (list[WireTask]):
            aggregations (None | Unset | WireAggregations): Extension: present only when aggs names aggregations
     """

    next_cursor: None | str
    tasks: list[WireTask]
    aggregations: None | Unset | WireAggregations = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_aggregations import WireAggregations # noqa: PLC0415
        from ..models.wire_task import WireTask # noqa: PLC0415
        next_cursor: None | str
        next_cursor = self.next_cursor

        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)



        aggregations: dict[str, Any] | None | Unset
        if isinstance(self.aggregations, Unset):
            aggregations = UNSET
        elif isinstance(self.aggregations, WireAggregations):
            aggregations = self.aggregations.to_dict()
        else:
            aggregations = self.aggregations


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "next_cursor": next_cursor,
            "tasks": tasks,
        })
        if aggregations is not UNSET:
            field_dict["aggregations"] = aggregations

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_aggregations import WireAggregations # noqa: PLC0415
        from ..models.wire_task import WireTask # noqa: PLC0415
        d = dict(src_dict)
        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))


        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in (_tasks):
            tasks_item = WireTask.from_dict(tasks_item_data)



            tasks.append(tasks_item)


        def _parse_aggregations(data: object) -> None | Unset | WireAggregations:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                aggregations_type_0 = WireAggregations.from_dict(data)



                return aggregations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireAggregations, data)

        aggregations = _parse_aggregations(d.pop("aggregations", UNSET))


        wire_task_page = cls(
            next_cursor=next_cursor,
            tasks=tasks,
            aggregations=aggregations,
        )


        wire_task_page.additional_properties = d
        return wire_task_page

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
