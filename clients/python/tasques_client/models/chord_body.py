from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.member_dead_policy import MemberDeadPolicy
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.task_definition_body import TaskDefinitionBody





T = TypeVar("T", bound="ChordBody")



@_attrs_define
class ChordBody:
    """ 
        Attributes:
            callback (TaskDefinitionBody):
            group (list[TaskDefinitionBody]): Tasks run in parallel
            on_member_dead (MemberDeadPolicy | Unset):
     """

    callback: TaskDefinitionBody
    group: list[TaskDefinitionBody]
    on_member_dead: MemberDeadPolicy | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.task_definition_body import TaskDefinitionBody # noqa: PLC0415
        callback = self.callback.to_dict()

        group = []
        for group_item_data in self.group:
            group_item = group_item_data.to_dict()
            group.append(group_item)



        on_member_dead: str | Unset = UNSET
        if not isinstance(self.on_member_dead, Unset):
            on_member_dead = self.on_member_dead.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "callback": callback,
            "group": group,
        })
        if on_member_dead is not UNSET:
            field_dict["on_member_dead"] = on_member_dead

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_definition_body import TaskDefinitionBody # noqa: PLC0415
        d = dict(src_dict)
        callback = TaskDefinitionBody.from_dict(d.pop("callback"))




        group = []
        _group = d.pop("group")
        for group_item_data in (_group):
            group_item = TaskDefinitionBody.from_dict(group_item_data)



            group.append(group_item)


        _on_member_dead = d.pop("on_member_dead", UNSET)
        on_member_dead: MemberDeadPolicy | Unset
        if isinstance(_on_member_dead,  Unset):
            on_member_dead = UNSET
        else:
            on_member_dead = MemberDeadPolicy(_on_member_dead)




        chord_body = cls(
            callback=callback,
            group=group,
            on_member_dead=on_member_dead,
        )


        chord_body.additional_properties = d
        return chord_body

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
