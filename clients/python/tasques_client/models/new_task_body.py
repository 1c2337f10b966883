from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.backoff_body import BackoffBody
  from ..models.new_task_body_args_type_0 import NewTaskBodyArgsType0
  from ..models.new_task_body_context_type_0 import NewTaskBodyContextType0





T = TypeVar("T", bound="NewTaskBody")



@_attrs_define
class NewTaskBody:
    """ 
        Attributes:
            kind (str):
            queue (str):
            args (NewTaskBodyArgsType0 | None | Unset):
            backoff (BackoffBody | None | Unset): Extension: retry backoff for this task
            concurrency_key (None | str | Unset): Extension: tasks sharing this key count against its concurrency limit
                (tasks.flow_control.keys) and claims rotate across keys
            context (NewTaskBodyContextType0 | None | Unset):
            id (None | str | Unset): Idempotency key, unique per queue
            priority (int | None | Unset):
            processing_timeout (None | str | Unset):
            rate_limit_key (None | str | Unset): Extension: claims of tasks sharing this key count against its rate limit
            required_capabilities (list[str] | None | Unset): Extension: only workers declaring all of these in their claim
                get this task
            retry_times (int | None | Unset):
            run_at (datetime.datetime | None | Unset):
     """

    kind: str
    queue: str
    args: NewTaskBodyArgsType0 | None | Unset = UNSET
    backoff: BackoffBody | None | Unset = UNSET
    concurrency_key: None | str | Unset = UNSET
    context: NewTaskBodyContextType0 | None | Unset = UNSET
    id: None | str | Unset = UNSET
    priority: int | None | Unset = UNSET
    processing_timeout: None | str | Unset = UNSET
    rate_limit_key: None | str | Unset = UNSET
    required_capabilities: list[str] | None | Unset = UNSET
    retry_times: int | None | Unset = UNSET
    run_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.backoff_body import BackoffBody # noqa: PLC0415
        from ..models.new_task_body_args_type_0 import NewTaskBodyArgsType0 # noqa: PLC0415
        from ..models.new_task_body_context_type_0 import NewTaskBodyContextType0 # noqa: PLC0415
        kind = self.kind

        queue = self.queue

        args: dict[str, Any] | None | Unset
        if isinstance(self.args, Unset):
            args = UNSET
        elif isinstance(self.args, NewTaskBodyArgsType0):
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

        concurrency_key: None | str | Unset
        if isinstance(self.concurrency_key, Unset):
            concurrency_key = UNSET
        else:
            concurrency_key = self.concurrency_key

        context: dict[str, Any] | None | Unset
        if isinstance(self.context, Unset):
            context = UNSET
        elif isinstance(self.context, NewTaskBodyContextType0):
            context = self.context.to_dict()
        else:
            context = self.context

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

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

        rate_limit_key: None | str | Unset
        if isinstance(self.rate_limit_key, Unset):
            rate_limit_key = UNSET
        else:
            rate_limit_key = self.rate_limit_key

        required_capabilities: list[str] | None | Unset
        if isinstance(self.required_capabilities, Unset):
            required_capabilities = UNSET
        elif isinstance(self.required_capabilities, list):
            required_capabilities = self.required_capabilities


        else:
            required_capabilities = self.required_capabilities

        retry_times: int | None | Unset
        if isinstance(self.retry_times, Unset):
            retry_times = UNSET
        else:
            retry_times = self.retry_times

        run_at: None | str | Unset
        if isinstance(self.run_at, Unset):
            run_at = UNSET
        elif isinstance(self.run_at, datetime.datetime):
            run_at = self.run_at.isoformat()
        else:
            run_at = self.run_at


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
        if concurrency_key is not UNSET:
            field_dict["concurrency_key"] = concurrency_key
        if context is not UNSET:
            field_dict["context"] = context
        if id is not UNSET:
            field_dict["id"] = id
        if priority is not UNSET:
            field_dict["priority"] = priority
        if processing_timeout is not UNSET:
            field_dict["processing_timeout"] = processing_timeout
        if rate_limit_key is not UNSET:
            field_dict["rate_limit_key"] = rate_limit_key
        if required_capabilities is not UNSET:
            field_dict["required_capabilities"] = required_capabilities
        if retry_times is not UNSET:
            field_dict["retry_times"] = retry_times
        if run_at is not UNSET:
            field_dict["run_at"] = run_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backoff_body import BackoffBody # noqa: PLC0415
        from ..models.new_task_body_args_type_0 import NewTaskBodyArgsType0 # noqa: PLC0415
        from ..models.new_task_body_context_type_0 import NewTaskBodyContextType0 # noqa: PLC0415
        d = dict(src_dict)
        kind = d.pop("kind")

        queue = d.pop("queue")

        def _parse_args(data: object) -> NewTaskBodyArgsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                args_type_0 = NewTaskBodyArgsType0.from_dict(data)



                return args_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NewTaskBodyArgsType0 | None | Unset, data)

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


        def _parse_concurrency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        concurrency_key = _parse_concurrency_key(d.pop("concurrency_key", UNSET))


        def _parse_context(data: object) -> NewTaskBodyContextType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                context_type_0 = NewTaskBodyContextType0.from_dict(data)



                return context_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NewTaskBodyContextType0 | None | Unset, data)

        context = _parse_context(d.pop("context", UNSET))


        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))


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


        def _parse_rate_limit_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rate_limit_key = _parse_rate_limit_key(d.pop("rate_limit_key", UNSET))


        def _parse_required_capabilities(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                required_capabilities_type_0 = cast(list[str], data)

                return required_capabilities_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        required_capabilities = _parse_required_capabilities(d.pop("required_capabilities", UNSET))


        def _parse_retry_times(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retry_times = _parse_retry_times(d.pop("retry_times", UNSET))


        def _parse_run_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_at_type_0 = datetime.datetime.fromisoformat(data)



                return run_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        run_at = _parse_run_at(d.pop("run_at", UNSET))


        new_task_body = cls(
            kind=kind,
            queue=queue,
            args=args,
            backoff=backoff,
            concurrency_key=concurrency_key,
            context=context,
            id=id,
            priority=priority,
            processing_timeout=processing_timeout,
            rate_limit_key=rate_limit_key,
            required_capabilities=required_capabilities,
            retry_times=retry_times,
            run_at=run_at,
        )


        new_task_body.additional_properties = d
        return new_task_body

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
