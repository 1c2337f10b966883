from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.wire_version import WireVersion





T = TypeVar("T", bound="WireMetadata")



@_attrs_define
class WireMetadata:
    """ 
        Attributes:
            created_at (datetime.datetime):
            modified_at (datetime.datetime):
            version (WireVersion):
     """

    created_at: datetime.datetime
    modified_at: datetime.datetime
    version: WireVersion
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_version import WireVersion # noqa: PLC0415
        created_at = self.created_at.isoformat()

        modified_at = self.modified_at.isoformat()

        version = self.version.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "modified_at": modified_at,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_version import WireVersion # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        modified_at = datetime.datetime.fromisoformat(d.pop("modified_at"))




        version = WireVersion.from_dict(d.pop("version"))




        wire_metadata = cls(
            created_at=created_at,
            modified_at=modified_at,
            version=version,
        )


        wire_metadata.additional_properties = d
        return wire_metadata

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
