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
  from ..models.wire_backoff import WireBackoff
  from ..models.wire_cancellation import WireCancellation
  from ..models.wire_checkpoint import WireCheckpoint
  from ..models.wire_last_claimed import WireLastClaimed
  from ..models.wire_metadata import WireMetadata
  from ..models.wire_task_args_type_0 import WireTaskArgsType0
  from ..models.wire_task_context_type_0 import WireTaskContextType0
  from ..models.wire_task_trace_context_type_0 import WireTaskTraceContextType0





T = TypeVar("T", bound="WireTask")



@_attrs_define
class WireTask:
    """ 
        Attributes:
            attempted (int):
            id (str):
            kind (str):
            last_enqueued_at (datetime.datetime):
            metadata (WireMetadata):
            priority (int):
            processing_timeout (str): Go duration string
            queue (str):
            retry_times (int):
            run_at (datetime.datetime):
            state (str):
            args (None | Unset | WireTaskArgsType0):
            backoff (None | Unset | WireBackoff): Extension: the task's own retry backoff
            cancel_requested (bool | None | Unset): Extension: true while a claimed task has been asked to stop; the worker
                should end it with PUT /tasques/cancelled/{queue}/{id}
            cancellation (None | Unset | WireCancellation): Extension: set once cancellation was requested
            checkpoint (None | Unset | WireCheckpoint): Extension: the last checkpoint a worker saved; resume from it
            concurrency_key (None | str | Unset): Extension: the task's concurrency key
            context (None | Unset | WireTaskContextType0):
            last_claimed (None | Unset | WireLastClaimed):
            lease_token (None | str | Unset): Extension, claim responses only: send it back as X-TASQUES-LEASE-TOKEN to be
                fenced against superseded claims
            rate_limit_key (None | str | Unset): Extension: the task's rate-limit key
            recurring_task_id (None | str | Unset):
            required_capabilities (list[str] | None | Unset): Extension: what a claiming worker must declare to get this
                task
            trace_context (None | Unset | WireTaskTraceContextType0): Extension, claim responses only: the producer's W3C
                trace context (traceparent, tracestate), so the worker's spans join the producer's trace
     """

    attempted: int
    id: str
    kind: str
    last_enqueued_at: datetime.datetime
    metadata: WireMetadata
    priority: int
    processing_timeout: str
    queue: str
    retry_times: int
    run_at: datetime.datetime
    state: str
    args: None | Unset | WireTaskArgsType0 = UNSET
    backoff: None | Unset | WireBackoff = UNSET
    cancel_requested: bool | None | Unset = UNSET
    cancellation: None | Unset | WireCancellation = UNSET
    checkpoint: None | Unset | WireCheckpoint = UNSET
    concurrency_key: None | str | Unset = UNSET
    context: None | Unset | WireTaskContextType0 = UNSET
    last_claimed: None | Unset | WireLastClaimed = UNSET
    lease_token: None | str | Unset = UNSET
    rate_limit_key: None | str | Unset = UNSET
    recurring_task_id: None | str | Unset = UNSET
    required_capabilities: list[str] | None | Unset = UNSET
    trace_context: None | Unset | WireTaskTraceContextType0 = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_backoff import WireBackoff # noqa: PLC0415
        from ..models.wire_cancellation import WireCancellation # noqa: PLC0415
        from ..models.wire_checkpoint import WireCheckpoint # noqa: PLC0415
        from ..models.wire_last_claimed import WireLastClaimed # noqa: PLC0415
        from ..models.wire_metadata import WireMetadata # noqa: PLC0415
        from ..models.wire_task_args_type_0 import WireTaskArgsType0 # noqa: PLC0415
        from ..models.wire_task_context_type_0 import WireTaskContextType0 # noqa: PLC0415
        from ..models.wire_task_trace_context_type_0 import WireTaskTraceContextType0 # noqa: PLC0415
        attempted = self.attempted

        id = self.id

        kind = self.kind

        last_enqueued_at = self.last_enqueued_at.isoformat()

        metadata = self.metadata.to_dict()

        priority = self.priority

        processing_timeout = self.processing_timeout

        queue = self.queue

        retry_times = self.retry_times

        run_at = self.run_at.isoformat()

        state = self.state

        args: dict[str, Any] | None | Unset
        if isinstance(self.args, Unset):
            args = UNSET
        elif isinstance(self.args, WireTaskArgsType0):
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

        cancel_requested: bool | None | Unset
        if isinstance(self.cancel_requested, Unset):
            cancel_requested = UNSET
        else:
            cancel_requested = self.cancel_requested

        cancellation: dict[str, Any] | None | Unset
        if isinstance(self.cancellation, Unset):
            cancellation = UNSET
        elif isinstance(self.cancellation, WireCancellation):
            cancellation = self.cancellation.to_dict()
        else:
            cancellation = self.cancellation

        checkpoint: dict[str, Any] | None | Unset
        if isinstance(self.checkpoint, Unset):
            checkpoint = UNSET
        elif isinstance(self.checkpoint, WireCheckpoint):
            checkpoint = self.checkpoint.to_dict()
        else:
            checkpoint = self.checkpoint

        concurrency_key: None | str | Unset
        if isinstance(self.concurrency_key, Unset):
            concurrency_key = UNSET
        else:
            concurrency_key = self.concurrency_key

        context: dict[str, Any] | None | Unset
        if isinstance(self.context, Unset):
            context = UNSET
        elif isinstance(self.context, WireTaskContextType0):
            context = self.context.to_dict()
        else:
            context = self.context

        last_claimed: dict[str, Any] | None | Unset
        if isinstance(self.last_claimed, Unset):
            last_claimed = UNSET
        elif isinstance(self.last_claimed, WireLastClaimed):
            last_claimed = self.last_claimed.to_dict()
        else:
            last_claimed = self.last_claimed

        lease_token: None | str | Unset
        if isinstance(self.lease_token, Unset):
            lease_token = UNSET
        else:
            lease_token = self.lease_token

        rate_limit_key: None | str | Unset
        if isinstance(self.rate_limit_key, Unset):
            rate_limit_key = UNSET
        else:
            rate_limit_key = self.rate_limit_key

        recurring_task_id: None | str | Unset
        if isinstance(self.recurring_task_id, Unset):
            recurring_task_id = UNSET
        else:
            recurring_task_id = self.recurring_task_id

        required_capabilities: list[str] | None | Unset
        if isinstance(self.required_capabilities, Unset):
            required_capabilities = UNSET
        elif isinstance(self.required_capabilities, list):
            required_capabilities = self.required_capabilities


        else:
            required_capabilities = self.required_capabilities

        trace_context: dict[str, Any] | None | Unset
        if isinstance(self.trace_context, Unset):
            trace_context = UNSET
        elif isinstance(self.trace_context, WireTaskTraceContextType0):
            trace_context = self.trace_context.to_dict()
        else:
            trace_context = self.trace_context


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempted": attempted,
            "id": id,
            "kind": kind,
            "last_enqueued_at": last_enqueued_at,
            "metadata": metadata,
            "priority": priority,
            "processing_timeout": processing_timeout,
            "queue": queue,
            "retry_times": retry_times,
            "run_at": run_at,
            "state": state,
        })
        if args is not UNSET:
            field_dict["args"] = args
        if backoff is not UNSET:
            field_dict["backoff"] = backoff
        if cancel_requested is not UNSET:
            field_dict["cancel_requested"] = cancel_requested
        if cancellation is not UNSET:
            field_dict["cancellation"] = cancellation
        if checkpoint is not UNSET:
            field_dict["checkpoint"] = checkpoint
        if concurrency_key is not UNSET:
            field_dict["concurrency_key"] = concurrency_key
        if context is not UNSET:
            field_dict["context"] = context
        if last_claimed is not UNSET:
            field_dict["last_claimed"] = last_claimed
        if lease_token is not UNSET:
            field_dict["lease_token"] = lease_token
        if rate_limit_key is not UNSET:
            field_dict["rate_limit_key"] = rate_limit_key
        if recurring_task_id is not UNSET:
            field_dict["recurring_task_id"] = recurring_task_id
        if required_capabilities is not UNSET:
            field_dict["required_capabilities"] = required_capabilities
        if trace_context is not UNSET:
            field_dict["trace_context"] = trace_context

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_backoff import WireBackoff # noqa: PLC0415
        from ..models.wire_cancellation import WireCancellation # noqa: PLC0415
        from ..models.wire_checkpoint import WireCheckpoint # noqa: PLC0415
        from ..models.wire_last_claimed import WireLastClaimed # noqa: PLC0415
        from ..models.wire_metadata import WireMetadata # noqa: PLC0415
        from ..models.wire_task_args_type_0 import WireTaskArgsType0 # noqa: PLC0415
        from ..models.wire_task_context_type_0 import WireTaskContextType0 # noqa: PLC0415
        from ..models.wire_task_trace_context_type_0 import WireTaskTraceContextType0 # noqa: PLC0415
        d = dict(src_dict)
        attempted = d.pop("attempted")

        id = d.pop("id")

        kind = d.pop("kind")

        last_enqueued_at = datetime.datetime.fromisoformat(d.pop("last_enqueued_at"))




        metadata = WireMetadata.from_dict(d.pop("metadata"))




        priority = d.pop("priority")

        processing_timeout = d.pop("processing_timeout")

        queue = d.pop("queue")

        retry_times = d.pop("retry_times")

        run_at = datetime.datetime.fromisoformat(d.pop("run_at"))




        state = d.pop("state")

        def _parse_args(data: object) -> None | Unset | WireTaskArgsType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                args_type_0 = WireTaskArgsType0.from_dict(data)



                return args_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskArgsType0, data)

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


        def _parse_cancel_requested(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        cancel_requested = _parse_cancel_requested(d.pop("cancel_requested", UNSET))


        def _parse_cancellation(data: object) -> None | Unset | WireCancellation:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                cancellation_type_0 = WireCancellation.from_dict(data)



                return cancellation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireCancellation, data)

        cancellation = _parse_cancellation(d.pop("cancellation", UNSET))


        def _parse_checkpoint(data: object) -> None | Unset | WireCheckpoint:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                checkpoint_type_0 = WireCheckpoint.from_dict(data)



                return checkpoint_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireCheckpoint, data)

        checkpoint = _parse_checkpoint(d.pop("checkpoint", UNSET))


        def _parse_concurrency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        concurrency_key = _parse_concurrency_key(d.pop("concurrency_key", UNSET))


        def _parse_context(data: object) -> None | Unset | WireTaskContextType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                context_type_0 = WireTaskContextType0.from_dict(data)



                return context_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskContextType0, data)

        context = _parse_context(d.pop("context", UNSET))


        def _parse_last_claimed(data: object) -> None | Unset | WireLastClaimed:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_claimed_type_0 = WireLastClaimed.from_dict(data)



                return last_claimed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireLastClaimed, data)

        last_claimed = _parse_last_claimed(d.pop("last_claimed", UNSET))


        def _parse_lease_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lease_token = _parse_lease_token(d.pop("lease_token", UNSET))


        def _parse_rate_limit_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rate_limit_key = _parse_rate_limit_key(d.pop("rate_limit_key", UNSET))


        def _parse_recurring_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        recurring_task_id = _parse_recurring_task_id(d.pop("recurring_task_id", UNSET))


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


        def _parse_trace_context(data: object) -> None | Unset | WireTaskTraceContextType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                trace_context_type_0 = WireTaskTraceContextType0.from_dict(data)



                return trace_context_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskTraceContextType0, data)

        trace_context = _parse_trace_context(d.pop("trace_context", UNSET))


        wire_task = cls(
            attempted=attempted,
            id=id,
            kind=kind,
            last_enqueued_at=last_enqueued_at,
            metadata=metadata,
            priority=priority,
            processing_timeout=processing_timeout,
            queue=queue,
            retry_times=retry_times,
            run_at=run_at,
            state=state,
            args=args,
            backoff=backoff,
            cancel_requested=cancel_requested,
            cancellation=cancellation,
            checkpoint=checkpoint,
            concurrency_key=concurrency_key,
            context=context,
            last_claimed=last_claimed,
            lease_token=lease_token,
            rate_limit_key=rate_limit_key,
            recurring_task_id=recurring_task_id,
            required_capabilities=required_capabilities,
            trace_context=trace_context,
        )


        wire_task.additional_properties = d
        return wire_task

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
