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






T = TypeVar("T", bound="BulkQueryBody")



@_attrs_define
class BulkQueryBody:
    """ The filters of ``POST /tasques/_search``, by the same names and with the same 400s; queues,
    states and kinds, the names bulk queries had before they took the full search query, still work.

        Attributes:
            claimed_after (datetime.datetime | None | Unset):
            claimed_before (datetime.datetime | None | Unset):
            created_after (datetime.datetime | None | Unset):
            created_before (datetime.datetime | None | Unset):
            error_text (None | str | Unset):
            finished_after (datetime.datetime | None | Unset):
            finished_before (datetime.datetime | None | Unset):
            include_archive (bool | Unset):  Default: False.
            kind (list[str] | Unset): Any of these kinds
            queue (list[str] | Unset): Any of these queues
            recurring_task_id (None | str | Unset):
            run_at_after (datetime.datetime | None | Unset):
            run_at_before (datetime.datetime | None | Unset):
            state (list[TaskState] | Unset): Any of these states
            text (None | str | Unset):
            worker_id (None | str | Unset):
     """

    claimed_after: datetime.datetime | None | Unset = UNSET
    claimed_before: datetime.datetime | None | Unset = UNSET
    created_after: datetime.datetime | None | Unset = UNSET
    created_before: datetime.datetime | None | Unset = UNSET
    error_text: None | str | Unset = UNSET
    finished_after: datetime.datetime | None | Unset = UNSET
    finished_before: datetime.datetime | None | Unset = UNSET
    include_archive: bool | Unset = False
    kind: list[str] | Unset = UNSET
    queue: list[str] | Unset = UNSET
    recurring_task_id: None | str | Unset = UNSET
    run_at_after: datetime.datetime | None | Unset = UNSET
    run_at_before: datetime.datetime | None | Unset = UNSET
    state: list[TaskState] | Unset = UNSET
    text: None | str | Unset = UNSET
    worker_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        claimed_after: None | str | Unset
        if isinstance(self.claimed_after, Unset):
            claimed_after = UNSET
        elif isinstance(self.claimed_after, datetime.datetime):
            claimed_after = self.claimed_after.isoformat()
        else:
            claimed_after = self.claimed_after

        claimed_before: None | str | Unset
        if isinstance(self.claimed_before, Unset):
            claimed_before = UNSET
        elif isinstance(self.claimed_before, datetime.datetime):
            claimed_before = self.claimed_before.isoformat()
        else:
            claimed_before = self.claimed_before

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

        error_text: None | str | Unset
        if isinstance(self.error_text, Unset):
            error_text = UNSET
        else:
            error_text = self.error_text

        finished_after: None | str | Unset
        if isinstance(self.finished_after, Unset):
            finished_after = UNSET
        elif isinstance(self.finished_after, datetime.datetime):
            finished_after = self.finished_after.isoformat()
        else:
            finished_after = self.finished_after

        finished_before: None | str | Unset
        if isinstance(self.finished_before, Unset):
            finished_before = UNSET
        elif isinstance(self.finished_before, datetime.datetime):
            finished_before = self.finished_before.isoformat()
        else:
            finished_before = self.finished_before

        include_archive = self.include_archive

        kind: list[str] | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind



        queue: list[str] | Unset = UNSET
        if not isinstance(self.queue, Unset):
            queue = self.queue



        recurring_task_id: None | str | Unset
        if isinstance(self.recurring_task_id, Unset):
            recurring_task_id = UNSET
        else:
            recurring_task_id = self.recurring_task_id

        run_at_after: None | str | Unset
        if isinstance(self.run_at_after, Unset):
            run_at_after = UNSET
        elif isinstance(self.run_at_after, datetime.datetime):
            run_at_after = self.run_at_after.isoformat()
        else:
            run_at_after = self.run_at_after

        run_at_before: None | str | Unset
        if isinstance(self.run_at_before, Unset):
            run_at_before = UNSET
        elif isinstance(self.run_at_before, datetime.datetime):
            run_at_before = self.run_at_before.isoformat()
        else:
            run_at_before = self.run_at_before

        state: list[str] | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = []
            for state_item_data in self.state:
                state_item = state_item_data.value
                state.append(state_item)



        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        worker_id: None | str | Unset
        if isinstance(self.worker_id, Unset):
            worker_id = UNSET
        else:
            worker_id = self.worker_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if claimed_after is not UNSET:
            field_dict["claimed_after"] = claimed_after
        if claimed_before is not UNSET:
            field_dict["claimed_before"] = claimed_before
        if created_after is not UNSET:
            field_dict["created_after"] = created_after
        if created_before is not UNSET:
            field_dict["created_before"] = created_before
        if error_text is not UNSET:
            field_dict["error_text"] = error_text
        if finished_after is not UNSET:
            field_dict["finished_after"] = finished_after
        if finished_before is not UNSET:
            field_dict["finished_before"] = finished_before
        if include_archive is not UNSET:
            field_dict["include_archive"] = include_archive
        if kind is not UNSET:
            field_dict["kind"] = kind
        if queue is not UNSET:
            field_dict["queue"] = queue
        if recurring_task_id is not UNSET:
            field_dict["recurring_task_id"] = recurring_task_id
        if run_at_after is not UNSET:
            field_dict["run_at_after"] = run_at_after
        if run_at_before is not UNSET:
            field_dict["run_at_before"] = run_at_before
        if state is not UNSET:
            field_dict["state"] = state
        if text is not UNSET:
            field_dict["text"] = text
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_claimed_after(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                claimed_after_type_0 = datetime.datetime.fromisoformat(data)



                return claimed_after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        claimed_after = _parse_claimed_after(d.pop("claimed_after", UNSET))


        def _parse_claimed_before(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                claimed_before_type_0 = datetime.datetime.fromisoformat(data)



                return claimed_before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        claimed_before = _parse_claimed_before(d.pop("claimed_before", UNSET))


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


        def _parse_error_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_text = _parse_error_text(d.pop("error_text", UNSET))


        def _parse_finished_after(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_after_type_0 = datetime.datetime.fromisoformat(data)



                return finished_after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_after = _parse_finished_after(d.pop("finished_after", UNSET))


        def _parse_finished_before(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_before_type_0 = datetime.datetime.fromisoformat(data)



                return finished_before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_before = _parse_finished_before(d.pop("finished_before", UNSET))


        include_archive = d.pop("include_archive", UNSET)

        kind = cast(list[str], d.pop("kind", UNSET))


        queue = cast(list[str], d.pop("queue", UNSET))


        def _parse_recurring_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        recurring_task_id = _parse_recurring_task_id(d.pop("recurring_task_id", UNSET))


        def _parse_run_at_after(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_at_after_type_0 = datetime.datetime.fromisoformat(data)



                return run_at_after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        run_at_after = _parse_run_at_after(d.pop("run_at_after", UNSET))


        def _parse_run_at_before(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_at_before_type_0 = datetime.datetime.fromisoformat(data)



                return run_at_before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        run_at_before = _parse_run_at_before(d.pop("run_at_before", UNSET))


        _state = d.pop("state", UNSET)
        state: list[TaskState] | Unset = UNSET
        if _state is not UNSET:
            state = []
            for state_item_data in _state:
                state_item = TaskState(state_item_data)



                state.append(state_item)


        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))


        def _parse_worker_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_id = _parse_worker_id(d.pop("worker_id", UNSET))


        bulk_query_body = cls(
            claimed_after=claimed_after,
            claimed_before=claimed_before,
            created_after=created_after,
            created_before=created_before,
            error_text=error_text,
            finished_after=finished_after,
            finished_before=finished_before,
            include_archive=include_archive,
            kind=kind,
            queue=queue,
            recurring_task_id=recurring_task_id,
            run_at_after=run_at_after,
            run_at_before=run_at_before,
            state=state,
            text=text,
            worker_id=worker_id,
        )

        return bulk_query_body

