from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.task_state import TaskState
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="QueryBody")



@_attrs_define
class QueryBody:
    """ 
        Attributes:
            created_after (datetime.datetime | None | Unset):
            created_before (datetime.datetime | None | Unset):
            kinds (list[str] | Unset):
            queues (list[str] | Unset):
            recurring_task_id (None | str | Unset):
            states (list[TaskState] | Unset):
            worker_id (None | str | Unset):
     """

    created_after: datetime.datetime | None | Unset = UNSET
    created_before: datetime.datetime | None | Unset = UNSET
    kinds: list[str] | Unset = UNSET
    queues: list[str] | Unset = UNSET
    recurring_task_id: None | str | Unset = UNSET
    states: list[TaskState] | Unset = UNSET
    worker_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        created_after: None | str | Unset
        if isinstance(self.created_after, Unset):
            created_after = UNSET
        elif isinstance(self.created_after, datetime.datetime):
            created_after = self.created_after.isoformat()
        else:
            created_after = self.created_after

        created_before: None | str | Unset
        if isinstance(self.created_before, Unset):
            created_before = UNSET
        elif isinstance(self.created_before, datetime.datetime):
            created_before = self.created_before.isoformat()
        else:
            created_before = self.created_before

        kinds: list[str] | Unset = UNSET
        if not isinstance(self.kinds, Unset):
            kinds = self.kinds



        queues: list[str] | Unset = UNSET
        if not isinstance(self.queues, Unset):
            queues = self.queues



        recurring_task_id: None | str | Unset
        if isinstance(self.recurring_task_id, Unset):
            recurring_task_id = UNSET
        else:
            recurring_task_id = self.recurring_task_id

        states: list[str] | Unset = UNSET
        if not isinstance(self.states, Unset):
            states = []
            for states_item_data in self.states:
                states_item = states_item_data.value
                states.append(states_item)



        worker_id: None | str | Unset
        if isinstance(self.worker_id, Unset):
            worker_id = UNSET
        else:
            worker_id = self.worker_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if created_after is not UNSET:
            field_dict["created_after"] = created_after
        if created_before is not UNSET:
            field_dict["created_before"] = created_before
        if kinds is not UNSET:
            field_dict["kinds"] = kinds
        if queues is not UNSET:
            field_dict["queues"] = queues
        if recurring_task_id is not UNSET:
            field_dict["recurring_task_id"] = recurring_task_id
        if states is not UNSET:
            field_dict["states"] = states
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_created_after(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_after_type_0 = datetime.datetime.fromisoformat(data)



                return created_after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_after = _parse_created_after(d.pop("created_after", UNSET))


        def _parse_created_before(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_before_type_0 = datetime.datetime.fromisoformat(data)



                return created_before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_before = _parse_created_before(d.pop("created_before", UNSET))


        kinds = cast(list[str], d.pop("kinds", UNSET))


        queues = cast(list[str], d.pop("queues", UNSET))


        def _parse_recurring_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        recurring_task_id = _parse_recurring_task_id(d.pop("recurring_task_id", UNSET))


        _states = d.pop("states", UNSET)
        states: list[TaskState] | Unset = UNSET
        if _states is not UNSET:
            states = []
            for states_item_data in _states:
                states_item = TaskState(states_item_data)



                states.append(states_item)


        def _parse_worker_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_id = _parse_worker_id(d.pop("worker_id", UNSET))


        query_body = cls(
            created_after=created_after,
            created_before=created_before,
            kinds=kinds,
            queues=queues,
            recurring_task_id=recurring_task_id,
            states=states,
            worker_id=worker_id,
        )

        return query_body

