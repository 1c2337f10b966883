from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.wire_minute_bucket import WireMinuteBucket





T = TypeVar("T", bound="WireFinishedPerMinute")



@_attrs_define
class WireFinishedPerMinute:
    """ 
        Attributes:
            buckets (list[WireMinuteBucket]):
            interval_seconds (int | Unset):  Default: 60.
     """

    buckets: list[WireMinuteBucket]
    interval_seconds: int | Unset = 60
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_minute_bucket import WireMinuteBucket # noqa: PLC0415
        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)



        interval_seconds = self.interval_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "buckets": buckets,
        })
        if interval_seconds is not UNSET:
            field_dict["interval_seconds"] = interval_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_minute_bucket import WireMinuteBucket # noqa: PLC0415
        d = dict(src_dict)
        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in (_buckets):
            buckets_item = WireMinuteBucket.from_dict(buckets_item_data)



            buckets.append(buckets_item)


        interval_seconds = d.pop("interval_seconds", UNSET)

        wire_finished_per_minute = cls(
            buckets=buckets,
            interval_seconds=interval_seconds,
        )


        wire_finished_per_minute.additional_properties = d
        return wire_finished_per_minute

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
