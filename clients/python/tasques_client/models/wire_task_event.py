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
  from ..models.wire_task_event_data_type_0 import WireTaskEventDataType0
  from ..models.wire_task_event_error_type_0 import WireTaskEventErrorType0





T = TypeVar("T", bound="WireTaskEvent")



@_attrs_define
class WireTaskEvent:
    """ 
        Attributes:
            at (datetime.datetime):
            attempt (int):
            kind (str):
            data (None | Unset | WireTaskEventDataType0):
            error (None | Unset | WireTaskEventErrorType0):
            worker_id (None | str | Unset):
     """

    at: datetime.datetime
    attempt: int
    kind: str
    data: None | Unset | WireTaskEventDataType0 = UNSET
    error: None | Unset | WireTaskEventErrorType0 = UNSET
    worker_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_task_event_data_type_0 import WireTaskEventDataType0 # noqa: PLC0415
        from ..models.wire_task_event_error_type_0 import WireTaskEventErrorType0 # noqa: PLC0415
        at = self.at.isoformat()

        attempt = self.attempt

        kind = self.kind

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, WireTaskEventDataType0):
            data = self.data.to_dict()
        else:
            data = self.data

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, WireTaskEventErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        worker_id: None | str | Unset
        if isinstance(self.worker_id, Unset):
            worker_id = UNSET
        else:
            worker_id = self.worker_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "at": at,
            "attempt": attempt,
            "kind": kind,
        })
        if data is not UNSET:
            field_dict["data"] = data
        if error is not UNSET:
            field_dict["error"] = error
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_task_event_data_type_0 import WireTaskEventDataType0 # noqa: PLC0415
        from ..models.wire_task_event_error_type_0 import WireTaskEventErrorType0 # noqa: PLC0415
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))




        attempt = d.pop("attempt")

        kind = d.pop("kind")

        def _parse_data(data: object) -> None | Unset | WireTaskEventDataType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = WireTaskEventDataType0.from_dict(data)



                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskEventDataType0, data)

        data = _parse_data(d.pop("data", UNSET))


        def _parse_error(data: object) -> None | Unset | WireTaskEventErrorType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = WireTaskEventErrorType0.from_dict(data)



                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskEventErrorType0, data)

        error = _parse_error(d.pop("error", UNSET))


        def _parse_worker_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_id = _parse_worker_id(d.pop("worker_id", UNSET))


        wire_task_event = cls(
            at=at,
            attempt=attempt,
            kind=kind,
            data=data,
            error=error,
            worker_id=worker_id,
        )


        wire_task_event.additional_properties = d
        return wire_task_event

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
