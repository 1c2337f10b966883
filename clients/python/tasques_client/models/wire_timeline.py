from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.wire_timeline_minute import WireTimelineMinute





T = TypeVar("T", bound="WireTimeline")



@_attrs_define
class WireTimeline:
    """ 
        Attributes:
            minutes (list[WireTimelineMinute]):
            queue (None | str | Unset): Absent: every queue
     """

    minutes: list[WireTimelineMinute]
    queue: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_timeline_minute import WireTimelineMinute # noqa: PLC0415
        minutes = []
        for minutes_item_data in self.minutes:
            minutes_item = minutes_item_data.to_dict()
            minutes.append(minutes_item)



        queue: None | str | Unset
        if isinstance(self.queue, Unset):
            queue = UNSET
        else:
            queue = self.queue


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "minutes": minutes,
        })
        if queue is not UNSET:
            field_dict["queue"] = queue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_timeline_minute import WireTimelineMinute # noqa: PLC0415
        d = dict(src_dict)
        minutes = []
        _minutes = d.pop("minutes")
        for minutes_item_data in (_minutes):
            minutes_item = WireTimelineMinute.from_dict(minutes_item_data)



            minutes.append(minutes_item)


        def _parse_queue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        queue = _parse_queue(d.pop("queue", UNSET))


        wire_timeline = cls(
            minutes=minutes,
            queue=queue,
        )


        wire_timeline.additional_properties = d
        return wire_timeline

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
