from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.wire_backoff import WireBackoff
  from ..models.wire_task_definition_args_type_0 import WireTaskDefinitionArgsType0
  from ..models.wire_task_definition_context_type_0 import WireTaskDefinitionContextType0





T = TypeVar("T", bound="WireTaskDefinition")



@_attrs_define
class WireTaskDefinition:
    """ 
        Attributes:
            kind (str):
            priority (int):
            processing_timeout (str):
            queue (str):
            retry_times (int):
            args (None | Unset | WireTaskDefinitionArgsType0):
            backoff (None | Unset | WireBackoff):
            context (None | Unset | WireTaskDefinitionContextType0):
     """

    kind: str
    priority: int
    processing_timeout: str
    queue: str
    retry_times: int
    args: None | Unset | WireTaskDefinitionArgsType0 = UNSET
    backoff: None | Unset | WireBackoff = UNSET
    context: None | Unset | WireTaskDefinitionContextType0 = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_backoff import WireBackoff # noqa: PLC0415
        from ..models.wire_task_definition_args_type_0 import WireTaskDefinitionArgsType0 # noqa: PLC0415
        from ..models.wire_task_definition_context_type_0 import WireTaskDefinitionContextType0 # noqa: PLC0415
        kind = self.kind

        priority = self.priority

        processing_timeout = self.processing_timeout

        queue = self.queue

        retry_times = self.retry_times

        args: dict[str, Any] | None | Unset
        if isinstance(self.args, Unset):
            args = UNSET
        elif isinstance(self.args, WireTaskDefinitionArgsType0):
            args = self.args.to_dict()
        else:
            args = self.args

        backoff: dict[str, Any] | None | Unset
        if isinstance(self.backoff, Unset):
            backoff = UNSET
        elif isinstance(self.backoff, WireBackoff):
            backoff = self.backoff.to_dict()
        else:
            backoff = self.backoff

        context: dict[str, Any] | None | Unset
        if isinstance(self.context, Unset):
            context = UNSET
        elif isinstance(self.context, WireTaskDefinitionContextType0):
            context = self.context.to_dict()
        else:
            context = self.context


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "kind": kind,
            "priority": priority,
            "processing_timeout": processing_timeout,
            "queue": queue,
            "retry_times": retry_times,
        })
        if args is not UNSET:
            field_dict["args"] = args
        if backoff is not UNSET:
            field_dict["backoff"] = backoff
        if context is not UNSET:
            field_dict["context"] = context

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_backoff import WireBackoff # noqa: PLC0415
        from ..models.wire_task_definition_args_type_0 import WireTaskDefinitionArgsType0 # noqa: PLC0415
        from ..models.wire_task_definition_context_type_0 import WireTaskDefinitionContextType0 # noqa: PLC0415
        d = dict(src_dict)
        kind = d.pop("kind")

        priority = d.pop("priority")

        processing_timeout = d.pop("processing_timeout")

        queue = d.pop("queue")

        retry_times = d.pop("retry_times")

        def _parse_args(data: object) -> None | Unset | WireTaskDefinitionArgsType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                args_type_0 = WireTaskDefinitionArgsType0.from_dict(data)



                return args_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskDefinitionArgsType0, data)

        args = _parse_args(d.pop("args", UNSET))


        def _parse_backoff(data: object) -> None | Unset | WireBackoff:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                backoff_type_0 = WireBackoff.from_dict(data)



                return backoff_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireBackoff, data)

        backoff = _parse_backoff(d.pop("backoff", UNSET))


        def _parse_context(data: object) -> None | Unset | WireTaskDefinitionContextType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                context_type_0 = WireTaskDefinitionContextType0.from_dict(data)



                return context_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskDefinitionContextType0, data)

        context = _parse_context(d.pop("context", UNSET))


        wire_task_definition = cls(
            kind=kind,
            priority=priority,
            processing_timeout=processing_timeout,
            queue=queue,
            retry_times=retry_times,
            args=args,
            backoff=backoff,
            context=context,
        )


        wire_task_definition.additional_properties = d
        return wire_task_definition

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
