from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.backoff_body import BackoffBody
  from ..models.task_definition_body_args_type_0 import TaskDefinitionBodyArgsType0
  from ..models.task_definition_body_context_type_0 import TaskDefinitionBodyContextType0





T = TypeVar("T", bound="TaskDefinitionBody")



@_attrs_define
class TaskDefinitionBody:
    """ 
        Attributes:
            kind (str):
            queue (str):
            args (None | TaskDefinitionBodyArgsType0 | Unset):
            backoff (BackoffBody | None | Unset):
            context (None | TaskDefinitionBodyContextType0 | Unset):
            priority (int | None | Unset):
            processing_timeout (None | str | Unset):
            retry_times (int | None | Unset):
     """

    kind: str
    queue: str
    args: None | TaskDefinitionBodyArgsType0 | Unset = UNSET
    backoff: BackoffBody | None | Unset = UNSET
    context: None | TaskDefinitionBodyContextType0 | Unset = UNSET
    priority: int | None | Unset = UNSET
    processing_timeout: None | str | Unset = UNSET
    retry_times: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.backoff_body import BackoffBody # noqa: PLC0415
        from ..models.task_definition_body_args_type_0 import TaskDefinitionBodyArgsType0 # noqa: PLC0415
        from ..models.task_definition_body_context_type_0 import TaskDefinitionBodyContextType0 # noqa: PLC0415
        kind = self.kind

        queue = self.queue

        args: dict[str, Any] | None | Unset
        if isinstance(self.args, Unset):
            args = UNSET
        elif isinstance(self.args, TaskDefinitionBodyArgsType0):
            args = self.args.to_dict()
        else:
            args = self.args

        backoff: dict[str, Any] | None | Unset
        if isinstance(self.backoff, Unset):
            backoff = UNSET
        elif isinstance(self.backoff, BackoffBody):
            backoff = self.backoff.to_dict()
        else:
            backoff = self.backoff

        context: dict[str, Any] | None | Unset
        if isinstance(self.context, Unset):
            context = UNSET
        elif isinstance(self.context, TaskDefinitionBodyContextType0):
            context = self.context.to_dict()
        else:
            context = self.context

        priority: int | None | Unset
        if isinstance(self.priority, Unset):
            priority = UNSET
        else:
            priority = self.priority

        processing_timeout: None | str | Unset
        if isinstance(self.processing_timeout, Unset):
            processing_timeout = UNSET
        else:
            processing_timeout = self.processing_timeout

        retry_times: int | None | Unset
        if isinstance(self.retry_times, Unset):
            retry_times = UNSET
        else:
            retry_times = self.retry_times


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "kind": kind,
            "queue": queue,
        })
        if args is not UNSET:
            field_dict["args"] = args
        if backoff is not UNSET:
            field_dict["backoff"] = backoff
        if context is not UNSET:
            field_dict["context"] = context
        if priority is not UNSET:
            field_dict["priority"] = priority
        if processing_timeout is not UNSET:
            field_dict["processing_timeout"] = processing_timeout
        if retry_times is not UNSET:
            field_dict["retry_times"] = retry_times

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backoff_body import BackoffBody # noqa: PLC0415
        from ..models.task_definition_body_args_type_0 import TaskDefinitionBodyArgsType0 # noqa: PLC0415
        from ..models.task_definition_body_context_type_0 import TaskDefinitionBodyContextType0 # noqa: PLC0415
        d = dict(src_dict)
        kind = d.pop("kind")

        queue = d.pop("queue")

        def _parse_args(data: object) -> None | TaskDefinitionBodyArgsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                args_type_0 = TaskDefinitionBodyArgsType0.from_dict(data)



                return args_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskDefinitionBodyArgsType0 | Unset, data)

        args = _parse_args(d.pop("args", UNSET))


        def _parse_backoff(data: object) -> BackoffBody | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                backoff_type_0 = BackoffBody.from_dict(data)



                return backoff_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BackoffBody | None | Unset, data)

        backoff = _parse_backoff(d.pop("backoff", UNSET))


        def _parse_context(data: object) -> None | TaskDefinitionBodyContextType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                context_type_0 = TaskDefinitionBodyContextType0.from_dict(data)



                return context_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskDefinitionBodyContextType0 | Unset, data)

        context = _parse_context(d.pop("context", UNSET))


        def _parse_priority(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        priority = _parse_priority(d.pop("priority", UNSET))


        def _parse_processing_timeout(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        processing_timeout = _parse_processing_timeout(d.pop("processing_timeout", UNSET))


        def _parse_retry_times(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retry_times = _parse_retry_times(d.pop("retry_times", UNSET))


        task_definition_body = cls(
            kind=kind,
            queue=queue,
            args=args,
            backoff=backoff,
            context=context,
            priority=priority,
            processing_timeout=processing_timeout,
            retry_times=retry_times,
        )


        task_definition_body.additional_properties = d
        return task_definition_body

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
