from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.wire_terms_bucket_states_type_0 import WireTermsBucketStatesType0





T = TypeVar("T", bound="WireTermsBucket")



@_attrs_define
class WireTermsBucket:
    """ 
        Attributes:
            count (int):
            key (str):
            states (None | Unset | WireTermsBucketStatesType0): queue_state only: counts per state
     """

    count: int
    key: str
    states: None | Unset | WireTermsBucketStatesType0 = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_terms_bucket_states_type_0 import WireTermsBucketStatesType0 # noqa: PLC0415
        count = self.count

        key = self.key

        states: dict[str, Any] | None | Unset
        if isinstance(self.states, Unset):
            states = UNSET
        elif isinstance(self.states, WireTermsBucketStatesType0):
            states = self.states.to_dict()
        else:
            states = self.states


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "count": count,
            "key": key,
        })
        if states is not UNSET:
            field_dict["states"] = states

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_terms_bucket_states_type_0 import WireTermsBucketStatesType0 # noqa: PLC0415
        d = dict(src_dict)
        count = d.pop("count")

        key = d.pop("key")

        def _parse_states(data: object) -> None | Unset | WireTermsBucketStatesType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                states_type_0 = WireTermsBucketStatesType0.from_dict(data)



                return states_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTermsBucketStatesType0, data)

        states = _parse_states(d.pop("states", UNSET))


        wire_terms_bucket = cls(
            count=count,
            key=key,
            states=states,
        )


        wire_terms_bucket.additional_properties = d
        return wire_terms_bucket

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
