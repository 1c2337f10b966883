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
  from ..models.wire_report import WireReport
  from ..models.wire_result import WireResult





T = TypeVar("T", bound="WireLastClaimed")



@_attrs_define
class WireLastClaimed:
    """ 
        Attributes:
            claimed_at (datetime.datetime):
            times_out_at (datetime.datetime):
            worker_id (str):
            last_report (None | Unset | WireReport):
            result (None | Unset | WireResult):
     """

    claimed_at: datetime.datetime
    times_out_at: datetime.datetime
    worker_id: str
    last_report: None | Unset | WireReport = UNSET
    result: None | Unset | WireResult = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_report import WireReport # noqa: PLC0415
        from ..models.wire_result import WireResult # noqa: PLC0415
        claimed_at = self.claimed_at.isoformat()

        times_out_at = self.times_out_at.isoformat()

        worker_id = self.worker_id

        last_report: dict[str, Any] | None | Unset
        if isinstance(self.last_report, Unset):
            last_report = UNSET
        elif isinstance(self.last_report, WireReport):
            last_report = self.last_report.to_dict()
        else:
            last_report = self.last_report

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, WireResult):
            result = self.result.to_dict()
        else:
            result = self.result


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "claimed_at": claimed_at,
            "times_out_at": times_out_at,
            "worker_id": worker_id,
        })
        if last_report is not UNSET:
            field_dict["last_report"] = last_report
        if result is not UNSET:
            field_dict["result"] = result

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_report import WireReport # noqa: PLC0415
        from ..models.wire_result import WireResult # noqa: PLC0415
        d = dict(src_dict)
        claimed_at = datetime.datetime.fromisoformat(d.pop("claimed_at"))




        times_out_at = datetime.datetime.fromisoformat(d.pop("times_out_at"))




        worker_id = d.pop("worker_id")

        def _parse_last_report(data: object) -> None | Unset | WireReport:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_report_type_0 = WireReport.from_dict(data)



                return last_report_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireReport, data)

        last_report = _parse_last_report(d.pop("last_report", UNSET))


        def _parse_result(data: object) -> None | Unset | WireResult:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = WireResult.from_dict(data)



                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireResult, data)

        result = _parse_result(d.pop("result", UNSET))


        wire_last_claimed = cls(
            claimed_at=claimed_at,
            times_out_at=times_out_at,
            worker_id=worker_id,
            last_report=last_report,
            result=result,
        )


        wire_last_claimed.additional_properties = d
        return wire_last_claimed

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
