from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.wire_minute_bucket_states import WireMinuteBucketStates





T = TypeVar("T", bound="WireMinuteBucket")



@_attrs_define
class WireMinuteBucket:
    """ 
        Attributes:
            count (int):
            start (datetime.datetime):
            states (WireMinuteBucketStates): Counts per finished state
     """

    count: int
    start: datetime.datetime
    states: WireMinuteBucketStates
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_minute_bucket_states import WireMinuteBucketStates # noqa: PLC0415
        count = self.count

        start = self.start.isoformat()

        states = self.states.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "count": count,
            "start": start,
            "states": states,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_minute_bucket_states import WireMinuteBucketStates # noqa: PLC0415
        d = dict(src_dict)
        count = d.pop("count")

        start = datetime.datetime.fromisoformat(d.pop("start"))




        states = WireMinuteBucketStates.from_dict(d.pop("states"))




        wire_minute_bucket = cls(
            count=count,
            start=start,
            states=states,
        )


        wire_minute_bucket.additional_properties = d
        return wire_minute_bucket

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
