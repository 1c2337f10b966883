from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.overlap_policy import OverlapPolicy
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.wire_metadata import WireMetadata
  from ..models.wire_task_definition import WireTaskDefinition





T = TypeVar("T", bound="WireRecurringTask")



@_attrs_define
class WireRecurringTask:
    """ 
        Attributes:
            catchup_window (str):
            id (str):
            jitter (str):
            metadata (WireMetadata):
            overlap_policy (OverlapPolicy): What a fire does while earlier fires still have unfinished tasks.

                skip: no task for this fire (Tasques' skip_if_outstanding_tasks_exist). allow_all: always enqueue.
                buffer_one: remember at most one fire and enqueue it once the outstanding tasks are finished.
                cancel_other: cancel the outstanding tasks (queued ones end, running ones are asked to stop), then enqueue.
            paused (bool):
            schedule_expression (str):
            skip_if_outstanding_tasks_exist (bool):
            task_definition (WireTaskDefinition):
            timezone (str):
            buffered_fire_at (datetime.datetime | None | Unset):
            last_fire_at (datetime.datetime | None | Unset): Fires up to here have been handled
            paused_at (datetime.datetime | None | Unset): When the latest pause began
            resumed_at (datetime.datetime | None | Unset): When that pause ended: fires between the two did not happen
     """

    catchup_window: str
    id: str
    jitter: str
    metadata: WireMetadata
    overlap_policy: OverlapPolicy
    paused: bool
    schedule_expression: str
    skip_if_outstanding_tasks_exist: bool
    task_definition: WireTaskDefinition
    timezone: str
    buffered_fire_at: datetime.datetime | None | Unset = UNSET
    last_fire_at: datetime.datetime | None | Unset = UNSET
    paused_at: datetime.datetime | None | Unset = UNSET
    resumed_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_metadata import WireMetadata # noqa: PLC0415
        from ..models.wire_task_definition import WireTaskDefinition # noqa: PLC0415
        catchup_window = self.catchup_window

        id = self.id

        jitter = self.jitter

        metadata = self.metadata.to_dict()

        overlap_policy = self.overlap_policy.value

        paused = self.paused

        schedule_expression = self.schedule_expression

        skip_if_outstanding_tasks_exist = self.skip_if_outstanding_tasks_exist

        task_definition = self.task_definition.to_dict()

        timezone = self.timezone

        buffered_fire_at: None | str | Unset
        if isinstance(self.buffered_fire_at, Unset):
            buffered_fire_at = UNSET
        elif isinstance(self.buffered_fire_at, datetime.datetime):
            buffered_fire_at = self.buffered_fire_at.isoformat()
        else:
            buffered_fire_at = self.buffered_fire_at

        last_fire_at: None | str | Unset
        if isinstance(self.last_fire_at, Unset):
            last_fire_at = UNSET
        elif isinstance(self.last_fire_at, datetime.datetime):
            last_fire_at = self.last_fire_at.isoformat()
        else:
            last_fire_at = self.last_fire_at

        paused_at: None | str | Unset
        if isinstance(self.paused_at, Unset):
            paused_at = UNSET
        elif isinstance(self.paused_at, datetime.datetime):
            paused_at = self.paused_at.isoformat()
        else:
            paused_at = self.paused_at

        resumed_at: None | str | Unset
        if isinstance(self.resumed_at, Unset):
            resumed_at = UNSET
        elif isinstance(self.resumed_at, datetime.datetime):
            resumed_at = self.resumed_at.isoformat()
        else:
            resumed_at = self.resumed_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "catchup_window": catchup_window,
            "id": id,
            "jitter": jitter,
            "metadata": metadata,
            "overlap_policy": overlap_policy,
            "paused": paused,
            "schedule_expression": schedule_expression,
            "skip_if_outstanding_tasks_exist": skip_if_outstanding_tasks_exist,
            "task_definition": task_definition,
            "timezone": timezone,
        })
        if buffered_fire_at is not UNSET:
            field_dict["buffered_fire_at"] = buffered_fire_at
        if last_fire_at is not UNSET:
            field_dict["last_fire_at"] = last_fire_at
        if paused_at is not UNSET:
            field_dict["paused_at"] = paused_at
        if resumed_at is not UNSET:
            field_dict["resumed_at"] = resumed_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_metadata import WireMetadata # noqa: PLC0415
        from ..models.wire_task_definition import WireTaskDefinition # noqa: PLC0415
        d = dict(src_dict)
        catchup_window = d.pop("catchup_window")

        id = d.pop("id")

        jitter = d.pop("jitter")

        metadata = WireMetadata.from_dict(d.pop("metadata"))




        overlap_policy = OverlapPolicy(d.pop("overlap_policy"))




        paused = d.pop("paused")

        schedule_expression = d.pop("schedule_expression")

        skip_if_outstanding_tasks_exist = d.pop("skip_if_outstanding_tasks_exist")

        task_definition = WireTaskDefinition.from_dict(d.pop("task_definition"))




        timezone = d.pop("timezone")

        def _parse_buffered_fire_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                buffered_fire_at_type_0 = datetime.datetime.fromisoformat(data)



                return buffered_fire_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        buffered_fire_at = _parse_buffered_fire_at(d.pop("buffered_fire_at", UNSET))


        def _parse_last_fire_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_fire_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_fire_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_fire_at = _parse_last_fire_at(d.pop("last_fire_at", UNSET))


        def _parse_paused_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paused_at_type_0 = datetime.datetime.fromisoformat(data)



                return paused_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        paused_at = _parse_paused_at(d.pop("paused_at", UNSET))


        def _parse_resumed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resumed_at_type_0 = datetime.datetime.fromisoformat(data)



                return resumed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        resumed_at = _parse_resumed_at(d.pop("resumed_at", UNSET))


        wire_recurring_task = cls(
            catchup_window=catchup_window,
            id=id,
            jitter=jitter,
            metadata=metadata,
            overlap_policy=overlap_policy,
            paused=paused,
            schedule_expression=schedule_expression,
            skip_if_outstanding_tasks_exist=skip_if_outstanding_tasks_exist,
            task_definition=task_definition,
            timezone=timezone,
            buffered_fire_at=buffered_fire_at,
            last_fire_at=last_fire_at,
            paused_at=paused_at,
            resumed_at=resumed_at,
        )


        wire_recurring_task.additional_properties = d
        return wire_recurring_task

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
