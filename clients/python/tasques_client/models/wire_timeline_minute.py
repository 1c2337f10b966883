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
  from ..models.wire_percentiles import WirePercentiles
  from ..models.wire_timeline_minute_finished import WireTimelineMinuteFinished





T = TypeVar("T", bound="WireTimelineMinute")



@_attrs_define
class WireTimelineMinute:
    """ 
        Attributes:
            finished (WireTimelineMinuteFinished): done, failed, dead, cancelled: tasks finished in the minute
            start (datetime.datetime): The minute's start (UTC)
            claim_latency (None | Unset | WirePercentiles):
            claims (int | None | Unset):
            oldest_queued_age_seconds (float | None | Unset):
            queued (int | None | Unset):
            sampled_at (datetime.datetime | None | Unset):
            schedule_to_start (None | Unset | WirePercentiles):
     """

    finished: WireTimelineMinuteFinished
    start: datetime.datetime
    claim_latency: None | Unset | WirePercentiles = UNSET
    claims: int | None | Unset = UNSET
    oldest_queued_age_seconds: float | None | Unset = UNSET
    queued: int | None | Unset = UNSET
    sampled_at: datetime.datetime | None | Unset = UNSET
    schedule_to_start: None | Unset | WirePercentiles = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_percentiles import WirePercentiles # noqa: PLC0415
        from ..models.wire_timeline_minute_finished import WireTimelineMinuteFinished # noqa: PLC0415
        finished = self.finished.to_dict()

        start = self.start.isoformat()

        claim_latency: dict[str, Any] | None | Unset
        if isinstance(self.claim_latency, Unset):
            claim_latency = UNSET
        elif isinstance(self.claim_latency, WirePercentiles):
            claim_latency = self.claim_latency.to_dict()
        else:
            claim_latency = self.claim_latency

        claims: int | None | Unset
        if isinstance(self.claims, Unset):
            claims = UNSET
        else:
            claims = self.claims

        oldest_queued_age_seconds: float | None | Unset
        if isinstance(self.oldest_queued_age_seconds, Unset):
            oldest_queued_age_seconds = UNSET
        else:
            oldest_queued_age_seconds = self.oldest_queued_age_seconds

        queued: int | None | Unset
        if isinstance(self.queued, Unset):
            queued = UNSET
        else:
            queued = self.queued

        sampled_at: None | str | Unset
        if isinstance(self.sampled_at, Unset):
            sampled_at = UNSET
        elif isinstance(self.sampled_at, datetime.datetime):
            sampled_at = self.sampled_at.isoformat()
        else:
            sampled_at = self.sampled_at

        schedule_to_start: dict[str, Any] | None | Unset
        if isinstance(self.schedule_to_start, Unset):
            schedule_to_start = UNSET
        elif isinstance(self.schedule_to_start, WirePercentiles):
            schedule_to_start = self.schedule_to_start.to_dict()
        else:
            schedule_to_start = self.schedule_to_start


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "finished": finished,
            "start": start,
        })
        if claim_latency is not UNSET:
            field_dict["claim_latency"] = claim_latency
        if claims is not UNSET:
            field_dict["claims"] = claims
        if oldest_queued_age_seconds is not UNSET:
            field_dict["oldest_queued_age_seconds"] = oldest_queued_age_seconds
        if queued is not UNSET:
            field_dict["queued"] = queued
        if sampled_at is not UNSET:
            field_dict["sampled_at"] = sampled_at
        if schedule_to_start is not UNSET:
            field_dict["schedule_to_start"] = schedule_to_start

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_percentiles import WirePercentiles # noqa: PLC0415
        from ..models.wire_timeline_minute_finished import WireTimelineMinuteFinished # noqa: PLC0415
        d = dict(src_dict)
        finished = WireTimelineMinuteFinished.from_dict(d.pop("finished"))




        start = datetime.datetime.fromisoformat(d.pop("start"))




        def _parse_claim_latency(data: object) -> None | Unset | WirePercentiles:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                claim_latency_type_0 = WirePercentiles.from_dict(data)



                return claim_latency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WirePercentiles, data)

        claim_latency = _parse_claim_latency(d.pop("claim_latency", UNSET))


        def _parse_claims(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        claims = _parse_claims(d.pop("claims", UNSET))


        def _parse_oldest_queued_age_seconds(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        oldest_queued_age_seconds = _parse_oldest_queued_age_seconds(d.pop("oldest_queued_age_seconds", UNSET))


        def _parse_queued(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        queued = _parse_queued(d.pop("queued", UNSET))


        def _parse_sampled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sampled_at_type_0 = datetime.datetime.fromisoformat(data)



                return sampled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        sampled_at = _parse_sampled_at(d.pop("sampled_at", UNSET))


        def _parse_schedule_to_start(data: object) -> None | Unset | WirePercentiles:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                schedule_to_start_type_0 = WirePercentiles.from_dict(data)



                return schedule_to_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WirePercentiles, data)

        schedule_to_start = _parse_schedule_to_start(d.pop("schedule_to_start", UNSET))


        wire_timeline_minute = cls(
            finished=finished,
            start=start,
            claim_latency=claim_latency,
            claims=claims,
            oldest_queued_age_seconds=oldest_queued_age_seconds,
            queued=queued,
            sampled_at=sampled_at,
            schedule_to_start=schedule_to_start,
        )


        wire_timeline_minute.additional_properties = d
        return wire_timeline_minute

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
