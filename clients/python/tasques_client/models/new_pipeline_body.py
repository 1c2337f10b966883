from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.chord_body import ChordBody
  from ..models.task_definition_body import TaskDefinitionBody





T = TypeVar("T", bound="NewPipelineBody")



@_attrs_define
class NewPipelineBody:
    """ 
        Attributes:
            chain (list[TaskDefinitionBody] | None | Unset): Steps run one after another; each gets the previous step's
                result in context.pipeline.previous_result
            chord (ChordBody | None | Unset):
            group (list[TaskDefinitionBody] | None | Unset): Tasks run in parallel
            id (None | str | Unset): Optional; the same id again gives 409. Task ids are <id>.<index>
     """

    chain: list[TaskDefinitionBody] | None | Unset = UNSET
    chord: ChordBody | None | Unset = UNSET
    group: list[TaskDefinitionBody] | None | Unset = UNSET
    id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.chord_body import ChordBody # noqa: PLC0415
        from ..models.task_definition_body import TaskDefinitionBody # noqa: PLC0415
        chain: list[dict[str, Any]] | None | Unset
        if isinstance(self.chain, Unset):
            chain = UNSET
        elif isinstance(self.chain, list):
            chain = []
            for chain_type_0_item_data in self.chain:
                chain_type_0_item = chain_type_0_item_data.to_dict()
                chain.append(chain_type_0_item)


        else:
            chain = self.chain

        chord: dict[str, Any] | None | Unset
        if isinstance(self.chord, Unset):
            chord = UNSET
        elif isinstance(self.chord, ChordBody):
            chord = self.chord.to_dict()
        else:
            chord = self.chord

        group: list[dict[str, Any]] | None | Unset
        if isinstance(self.group, Unset):
            group = UNSET
        elif isinstance(self.group, list):
            group = []
            for group_type_0_item_data in self.group:
                group_type_0_item = group_type_0_item_data.to_dict()
                group.append(group_type_0_item)


        else:
            group = self.group

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if chain is not UNSET:
            field_dict["chain"] = chain
        if chord is not UNSET:
            field_dict["chord"] = chord
        if group is not UNSET:
            field_dict["group"] = group
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chord_body import ChordBody # noqa: PLC0415
        from ..models.task_definition_body import TaskDefinitionBody # noqa: PLC0415
        d = dict(src_dict)
        def _parse_chain(data: object) -> list[TaskDefinitionBody] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                chain_type_0 = []
                _chain_type_0 = data
                for chain_type_0_item_data in (_chain_type_0):
                    chain_type_0_item = TaskDefinitionBody.from_dict(chain_type_0_item_data)



                    chain_type_0.append(chain_type_0_item)

                return chain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[TaskDefinitionBody] | None | Unset, data)

        chain = _parse_chain(d.pop("chain", UNSET))


        def _parse_chord(data: object) -> ChordBody | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                chord_type_0 = ChordBody.from_dict(data)



                return chord_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChordBody | None | Unset, data)

        chord = _parse_chord(d.pop("chord", UNSET))


        def _parse_group(data: object) -> list[TaskDefinitionBody] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                group_type_0 = []
                _group_type_0 = data
                for group_type_0_item_data in (_group_type_0):
                    group_type_0_item = TaskDefinitionBody.from_dict(group_type_0_item_data)



                    group_type_0.append(group_type_0_item)

                return group_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[TaskDefinitionBody] | None | Unset, data)

        group = _parse_group(d.pop("group", UNSET))


        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))


        new_pipeline_body = cls(
            chain=chain,
            chord=chord,
            group=group,
            id=id,
        )


        new_pipeline_body.additional_properties = d
        return new_pipeline_body

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
