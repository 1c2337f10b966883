from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WireLeaderStatus")



@_attrs_define
class WireLeaderStatus:
    """ 
        Attributes:
            role (str): This server's role: leader or follower
            server_id (str): This server's id in the leader lock
            leader_id (None | str | Unset): The lock holder this server last saw, if any
            leader_services (list[str] | Unset): Leader-only services running here
     """

    role: str
    server_id: str
    leader_id: None | str | Unset = UNSET
    leader_services: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        role = self.role

        server_id = self.server_id

        leader_id: None | str | Unset
        if isinstance(self.leader_id, Unset):
            leader_id = UNSET
        else:
            leader_id = self.leader_id

        leader_services: list[str] | Unset = UNSET
        if not isinstance(self.leader_services, Unset):
            leader_services = self.leader_services




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "role": role,
            "server_id": server_id,
        })
        if leader_id is not UNSET:
            field_dict["leader_id"] = leader_id
        if leader_services is not UNSET:
            field_dict["leader_services"] = leader_services

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        role = d.pop("role")

        server_id = d.pop("server_id")

        def _parse_leader_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leader_id = _parse_leader_id(d.pop("leader_id", UNSET))


        leader_services = cast(list[str], d.pop("leader_services", UNSET))


        wire_leader_status = cls(
            role=role,
            server_id=server_id,
            leader_id=leader_id,
            leader_services=leader_services,
        )


        wire_leader_status.additional_properties = d
        return wire_leader_status

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
