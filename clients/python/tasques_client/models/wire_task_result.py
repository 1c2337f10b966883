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
  from ..models.wire_task_result_failure_type_0 import WireTaskResultFailureType0
  from ..models.wire_task_result_success_type_0 import WireTaskResultSuccessType0





T = TypeVar("T", bound="WireTaskResult")



@_attrs_define
class WireTaskResult:
    """ 
        Attributes:
            id (str):
            queue (str):
            state (str):
            at (datetime.datetime | None | Unset): When the task finished
            expires_at (datetime.datetime | None | Unset): After this the result answers 404
            failure (None | Unset | WireTaskResultFailureType0):
            success (None | Unset | WireTaskResultSuccessType0):
     """

    id: str
    queue: str
    state: str
    at: datetime.datetime | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    failure: None | Unset | WireTaskResultFailureType0 = UNSET
    success: None | Unset | WireTaskResultSuccessType0 = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_task_result_failure_type_0 import WireTaskResultFailureType0 # noqa: PLC0415
        from ..models.wire_task_result_success_type_0 import WireTaskResultSuccessType0 # noqa: PLC0415
        id = self.id

        queue = self.queue

        state = self.state

        at: None | str | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        elif isinstance(self.at, datetime.datetime):
            at = self.at.isoformat()
        else:
            at = self.at

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        failure: dict[str, Any] | None | Unset
        if isinstance(self.failure, Unset):
            failure = UNSET
        elif isinstance(self.failure, WireTaskResultFailureType0):
            failure = self.failure.to_dict()
        else:
            failure = self.failure

        success: dict[str, Any] | None | Unset
        if isinstance(self.success, Unset):
            success = UNSET
        elif isinstance(self.success, WireTaskResultSuccessType0):
            success = self.success.to_dict()
        else:
            success = self.success


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "queue": queue,
            "state": state,
        })
        if at is not UNSET:
            field_dict["at"] = at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if failure is not UNSET:
            field_dict["failure"] = failure
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_task_result_failure_type_0 import WireTaskResultFailureType0 # noqa: PLC0415
        from ..models.wire_task_result_success_type_0 import WireTaskResultSuccessType0 # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        queue = d.pop("queue")

        state = d.pop("state")

        def _parse_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                at_type_0 = datetime.datetime.fromisoformat(data)



                return at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        at = _parse_at(d.pop("at", UNSET))


        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        def _parse_failure(data: object) -> None | Unset | WireTaskResultFailureType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                failure_type_0 = WireTaskResultFailureType0.from_dict(data)



                return failure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskResultFailureType0, data)

        failure = _parse_failure(d.pop("failure", UNSET))


        def _parse_success(data: object) -> None | Unset | WireTaskResultSuccessType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                success_type_0 = WireTaskResultSuccessType0.from_dict(data)



                return success_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTaskResultSuccessType0, data)

        success = _parse_success(d.pop("success", UNSET))


        wire_task_result = cls(
            id=id,
            queue=queue,
            state=state,
            at=at,
            expires_at=expires_at,
            failure=failure,
            success=success,
        )


        wire_task_result.additional_properties = d
        return wire_task_result

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
