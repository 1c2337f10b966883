from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="NewPushWorkerBody")



@_attrs_define
class NewPushWorkerBody:
    """ 
        Attributes:
            queues (list[str]): Queues to serve; an empty list means every queue
            secret (str): Shared secret (16 to 1024 characters): each delivery carries X-Tasques-Signature: sha256=<hex
                HMAC-SHA256 of the body>. Never returned.
            url (str): Tasks are POSTed here
            capabilities (list[str] | Unset): What this worker can do
            id (None | str | Unset): Optional; letters, digits, '.', '_', '-'
            max_in_flight (int | Unset): Most tasks the worker holds at once Default: 1.
     """

    queues: list[str]
    secret: str
    url: str
    capabilities: list[str] | Unset = UNSET
    id: None | str | Unset = UNSET
    max_in_flight: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        queues = self.queues



        secret = self.secret

        url = self.url

        capabilities: list[str] | Unset = UNSET
        if not isinstance(self.capabilities, Unset):
            capabilities = self.capabilities



        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        max_in_flight = self.max_in_flight


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "queues": queues,
            "secret": secret,
            "url": url,
        })
        if capabilities is not UNSET:
            field_dict["capabilities"] = capabilities
        if id is not UNSET:
            field_dict["id"] = id
        if max_in_flight is not UNSET:
            field_dict["max_in_flight"] = max_in_flight

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        queues = cast(list[str], d.pop("queues"))


        secret = d.pop("secret")

        url = d.pop("url")

        capabilities = cast(list[str], d.pop("capabilities", UNSET))


        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))


        max_in_flight = d.pop("max_in_flight", UNSET)

        new_push_worker_body = cls(
            queues=queues,
            secret=secret,
            url=url,
            capabilities=capabilities,
            id=id,
            max_in_flight=max_in_flight,
        )


        new_push_worker_body.additional_properties = d
        return new_push_worker_body

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
