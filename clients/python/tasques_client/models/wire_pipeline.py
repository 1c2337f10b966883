from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.member_dead_policy import MemberDeadPolicy
from ..models.pipeline_kind import PipelineKind
from ..models.pipeline_state import PipelineState
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.wire_pipeline_member import WirePipelineMember





T = TypeVar("T", bound="WirePipeline")



@_attrs_define
class WirePipeline:
    """ 
        Attributes:
            created_at (datetime.datetime):
            id (str):
            kind (PipelineKind):
            members (list[WirePipelineMember]):
            state (PipelineState):
            updated_at (datetime.datetime):
            error (None | str | Unset): Why the pipeline failed
            on_member_dead (MemberDeadPolicy | None | Unset): Chords only
     """

    created_at: datetime.datetime
    id: str
    kind: PipelineKind
    members: list[WirePipelineMember]
    state: PipelineState
    updated_at: datetime.datetime
    error: None | str | Unset = UNSET
    on_member_dead: MemberDeadPolicy | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_pipeline_member import WirePipelineMember # noqa: PLC0415
        created_at = self.created_at.isoformat()

        id = self.id

        kind = self.kind.value

        members = []
        for members_item_data in self.members:
            members_item = members_item_data.to_dict()
            members.append(members_item)



        state = self.state.value

        updated_at = self.updated_at.isoformat()

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        on_member_dead: None | str | Unset
        if isinstance(self.on_member_dead, Unset):
            on_member_dead = UNSET
        elif isinstance(self.on_member_dead, MemberDeadPolicy):
            on_member_dead = self.on_member_dead.value
        else:
            on_member_dead = self.on_member_dead


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "kind": kind,
            "members": members,
            "state": state,
            "updated_at": updated_at,
        })
        if error is not UNSET:
            field_dict["error"] = error
        if on_member_dead is not UNSET:
            field_dict["on_member_dead"] = on_member_dead

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_pipeline_member import WirePipelineMember # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        kind = PipelineKind(d.pop("kind"))




        members = []
        _members = d.pop("members")
        for members_item_data in (_members):
            members_item = WirePipelineMember.from_dict(members_item_data)



            members.append(members_item)


        state = PipelineState(d.pop("state"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))


        def _parse_on_member_dead(data: object) -> MemberDeadPolicy | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                on_member_dead_type_0 = MemberDeadPolicy(data)



                return on_member_dead_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MemberDeadPolicy | None | Unset, data)

        on_member_dead = _parse_on_member_dead(d.pop("on_member_dead", UNSET))


        wire_pipeline = cls(
            created_at=created_at,
            id=id,
            kind=kind,
            members=members,
            state=state,
            updated_at=updated_at,
            error=error,
            on_member_dead=on_member_dead,
        )


        wire_pipeline.additional_properties = d
        return wire_pipeline

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
