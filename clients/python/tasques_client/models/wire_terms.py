from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.wire_terms_bucket import WireTermsBucket





T = TypeVar("T", bound="WireTerms")



@_attrs_define
class WireTerms:
    """ 
        Attributes:
            buckets (list[WireTermsBucket]):
            other (int): Tasks in the buckets beyond the first 100
     """

    buckets: list[WireTermsBucket]
    other: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_terms_bucket import WireTermsBucket # noqa: PLC0415
        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)



        other = self.other


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "buckets": buckets,
            "other": other,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_terms_bucket import WireTermsBucket # noqa: PLC0415
        d = dict(src_dict)
        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in (_buckets):
            buckets_item = WireTermsBucket.from_dict(buckets_item_data)



            buckets.append(buckets_item)


        other = d.pop("other")

        wire_terms = cls(
            buckets=buckets,
            other=other,
        )


        wire_terms.additional_properties = d
        return wire_terms

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
