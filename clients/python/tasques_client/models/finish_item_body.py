from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.outcome import Outcome
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.finish_item_body_data_type_0 import FinishItemBodyDataType0





T = TypeVar("T", bound="FinishItemBody")



@_attrs_define
class FinishItemBody:
    """ 
        Attributes:
            id (str):
            outcome (Outcome):
            queue (str):
            data (FinishItemBodyDataType0 | None | Unset):
            lease_token (None | str | Unset): The claim's lease token; stale ones get 409
     """

    id: str
    outcome: Outcome
    queue: str
    data: FinishItemBodyDataType0 | None | Unset = UNSET
    lease_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.finish_item_body_data_type_0 import FinishItemBodyDataType0 # noqa: PLC0415
        id = self.id

        outcome = self.outcome.value

        queue = self.queue

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, FinishItemBodyDataType0):
            data = self.data.to_dict()
        else:
            data = self.data

        lease_token: None | str | Unset
        if isinstance(self.lease_token, Unset):
            lease_token = UNSET
        else:
            lease_token = self.lease_token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "outcome": outcome,
            "queue": queue,
        })
        if data is not UNSET:
            field_dict["data"] = data
        if lease_token is not UNSET:
            field_dict["lease_token"] = lease_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.finish_item_body_data_type_0 import FinishItemBodyDataType0 # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        outcome = Outcome(d.pop("outcome"))




        queue = d.pop("queue")

        def _parse_data(data: object) -> FinishItemBodyDataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = FinishItemBodyDataType0.from_dict(data)



                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FinishItemBodyDataType0 | None | Unset, data)

        data = _parse_data(d.pop("data", UNSET))


        def _parse_lease_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lease_token = _parse_lease_token(d.pop("lease_token", UNSET))


        finish_item_body = cls(
            id=id,
            outcome=outcome,
            queue=queue,
            data=data,
            lease_token=lease_token,
        )


        finish_item_body.additional_properties = d
        return finish_item_body

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
