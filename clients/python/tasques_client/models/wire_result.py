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
  from ..models.wire_result_failure_type_0 import WireResultFailureType0
  from ..models.wire_result_success_type_0 import WireResultSuccessType0





T = TypeVar("T", bound="WireResult")



@_attrs_define
class WireResult:
    """ 
        Attributes:
            at (datetime.datetime):
            failure (None | Unset | WireResultFailureType0):
            success (None | Unset | WireResultSuccessType0):
     """

    at: datetime.datetime
    failure: None | Unset | WireResultFailureType0 = UNSET
    success: None | Unset | WireResultSuccessType0 = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_result_failure_type_0 import WireResultFailureType0 # noqa: PLC0415
        from ..models.wire_result_success_type_0 import WireResultSuccessType0 # noqa: PLC0415
        at = self.at.isoformat()

        failure: dict[str, Any] | None | Unset
        if isinstance(self.failure, Unset):
            failure = UNSET
        elif isinstance(self.failure, WireResultFailureType0):
            failure = self.failure.to_dict()
        else:
            failure = self.failure

        success: dict[str, Any] | None | Unset
        if isinstance(self.success, Unset):
            success = UNSET
        elif isinstance(self.success, WireResultSuccessType0):
            success = self.success.to_dict()
        else:
            success = self.success


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "at": at,
        })
        if failure is not UNSET:
            field_dict["failure"] = failure
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_result_failure_type_0 import WireResultFailureType0 # noqa: PLC0415
        from ..models.wire_result_success_type_0 import WireResultSuccessType0 # noqa: PLC0415
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))




        def _parse_failure(data: object) -> None | Unset | WireResultFailureType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                failure_type_0 = WireResultFailureType0.from_dict(data)



                return failure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireResultFailureType0, data)

        failure = _parse_failure(d.pop("failure", UNSET))


        def _parse_success(data: object) -> None | Unset | WireResultSuccessType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                success_type_0 = WireResultSuccessType0.from_dict(data)



                return success_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireResultSuccessType0, data)

        success = _parse_success(d.pop("success", UNSET))


        wire_result = cls(
            at=at,
            failure=failure,
            success=success,
        )


        wire_result.additional_properties = d
        return wire_result

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
