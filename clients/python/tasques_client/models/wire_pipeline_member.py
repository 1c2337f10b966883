from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.wire_pipeline_member_role import WirePipelineMemberRole






T = TypeVar("T", bound="WirePipelineMember")



@_attrs_define
class WirePipelineMember:
    """ 
        Attributes:
            id (str): The task id: <pipeline id>.<index>, or <pipeline id>.callback
            index (int):
            kind (str):
            queue (str):
            role (WirePipelineMemberRole):
            state (str): The task's state, or pending while it is not created yet
     """

    id: str
    index: int
    kind: str
    queue: str
    role: WirePipelineMemberRole
    state: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        index = self.index

        kind = self.kind

        queue = self.queue

        role = self.role.value

        state = self.state


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "index": index,
            "kind": kind,
            "queue": queue,
            "role": role,
            "state": state,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        index = d.pop("index")

        kind = d.pop("kind")

        queue = d.pop("queue")

        role = WirePipelineMemberRole(d.pop("role"))




        state = d.pop("state")

        wire_pipeline_member = cls(
            id=id,
            index=index,
            kind=kind,
            queue=queue,
            role=role,
            state=state,
        )


        wire_pipeline_member.additional_properties = d
        return wire_pipeline_member

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
