from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.overlap_policy import OverlapPolicy
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.task_definition_body import TaskDefinitionBody





T = TypeVar("T", bound="NewRecurringBody")



@_attrs_define
class NewRecurringBody:
    """ 
        Attributes:
            id (str):
            schedule_expression (str):
            task_definition (TaskDefinitionBody):
            catchup_window (None | str | Unset): Extension: missed fires within this are fired
            jitter (None | str | Unset): Extension: spread each fire's run_at up to this
            overlap_policy (None | OverlapPolicy | Unset): Extension: skip | allow_all | buffer_one | cancel_other
            paused (bool | None | Unset):
            skip_if_outstanding_tasks_exist (bool | None | Unset): Tasques' flag: true is overlap_policy skip
            timezone (None | str | Unset): Extension: IANA zone for cron fields
     """

    id: str
    schedule_expression: str
    task_definition: TaskDefinitionBody
    catchup_window: None | str | Unset = UNSET
    jitter: None | str | Unset = UNSET
    overlap_policy: None | OverlapPolicy | Unset = UNSET
    paused: bool | None | Unset = UNSET
    skip_if_outstanding_tasks_exist: bool | None | Unset = UNSET
    timezone: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.task_definition_body import TaskDefinitionBody # noqa: PLC0415
        id = self.id

        schedule_expression = self.schedule_expression

        task_definition = self.task_definition.to_dict()

        catchup_window: None | str | Unset
        if isinstance(self.catchup_window, Unset):
            catchup_window = UNSET
        else:
            catchup_window = self.catchup_window

        jitter: None | str | Unset
        if isinstance(self.jitter, Unset):
            jitter = UNSET
        else:
            jitter = self.jitter

        overlap_policy: None | str | Unset
        if isinstance(self.overlap_policy, Unset):
            overlap_policy = UNSET
        elif isinstance(self.overlap_policy, OverlapPolicy):
            overlap_policy = self.overlap_policy.value
        else:
            overlap_policy = self.overlap_policy

        paused: bool | None | Unset
        if isinstance(self.paused, Unset):
            paused = UNSET
        else:
            paused = self.paused

        skip_if_outstanding_tasks_exist: bool | None | Unset
        if isinstance(self.skip_if_outstanding_tasks_exist, Unset):
            skip_if_outstanding_tasks_exist = UNSET
        else:
            skip_if_outstanding_tasks_exist = self.skip_if_outstanding_tasks_exist

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "schedule_expression": schedule_expression,
            "task_definition": task_definition,
        })
        if catchup_window is not UNSET:
            field_dict["catchup_window"] = catchup_window
        if jitter is not UNSET:
            field_dict["jitter"] = jitter
        if overlap_policy is not UNSET:
            field_dict["overlap_policy"] = overlap_policy
        if paused is not UNSET:
            field_dict["paused"] = paused
        if skip_if_outstanding_tasks_exist is not UNSET:
            field_dict["skip_if_outstanding_tasks_exist"] = skip_if_outstanding_tasks_exist
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_definition_body import TaskDefinitionBody # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        schedule_expression = d.pop("schedule_expression")

        task_definition = TaskDefinitionBody.from_dict(d.pop("task_definition"))




        def _parse_catchup_window(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        catchup_window = _parse_catchup_window(d.pop("catchup_window", UNSET))


        def _parse_jitter(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        jitter = _parse_jitter(d.pop("jitter", UNSET))


        def _parse_overlap_policy(data: object) -> None | OverlapPolicy | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                overlap_policy_type_0 = OverlapPolicy(data)



                return overlap_policy_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OverlapPolicy | Unset, data)

        overlap_policy = _parse_overlap_policy(d.pop("overlap_policy", UNSET))


        def _parse_paused(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        paused = _parse_paused(d.pop("paused", UNSET))


        def _parse_skip_if_outstanding_tasks_exist(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        skip_if_outstanding_tasks_exist = _parse_skip_if_outstanding_tasks_exist(d.pop("skip_if_outstanding_tasks_exist", UNSET))


        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))


        new_recurring_body = cls(
            id=id,
            schedule_expression=schedule_expression,
            task_definition=task_definition,
            catchup_window=catchup_window,
            jitter=jitter,
            overlap_policy=overlap_policy,
            paused=paused,
            skip_if_outstanding_tasks_exist=skip_if_outstanding_tasks_exist,
            timezone=timezone,
        )


        new_recurring_body.additional_properties = d
        return new_recurring_body

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
