from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.wire_checkpoint_data import WireCheckpointData





T = TypeVar("T", bound="WireCheckpoint")



@_attrs_define
class WireCheckpoint:
    """ 
        Attributes:
            at (datetime.datetime):
            attempt (int): The attempt that saved it
            data (WireCheckpointData):
     """

    at: datetime.datetime
    attempt: int
    data: WireCheckpointData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_checkpoint_data import WireCheckpointData # noqa: PLC0415
        at = self.at.isoformat()

        attempt = self.attempt

        data = self.data.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "at": at,
            "attempt": attempt,
            "data": data,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_checkpoint_data import WireCheckpointData # noqa: PLC0415
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))




        attempt = d.pop("attempt")

        data = WireCheckpointData.from_dict(d.pop("data"))




        wire_checkpoint = cls(
            at=at,
            attempt=attempt,
            data=data,
        )


        wire_checkpoint.additional_properties = d
        return wire_checkpoint

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
