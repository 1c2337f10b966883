from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.wire_queue_counts import WireQueueCounts
  from ..models.wire_throughput import WireThroughput





T = TypeVar("T", bound="WireQueue")



@_attrs_define
class WireQueue:
    """ 
        Attributes:
            counts (WireQueueCounts):
            paused (bool):
            queue (str):
            oldest_queued_age_seconds (float | None | Unset):
            throughput (list[WireThroughput] | None | Unset): Extension: tasks (live and archived) now done, failed, dead or
                cancelled whose last change (metadata.modified_at) falls within the last window_seconds, per window (1 and 5
                minutes). Counted by current state: a failed task claimed again no longer counts
            unclaimable (int | None | Unset): Extension: waiting tasks whose required_capabilities no worker declared in a
                claim within tasks.flow_control.capabilities_live_for
     """

    counts: WireQueueCounts
    paused: bool
    queue: str
    oldest_queued_age_seconds: float | None | Unset = UNSET
    throughput: list[WireThroughput] | None | Unset = UNSET
    unclaimable: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_queue_counts import WireQueueCounts # noqa: PLC0415
        from ..models.wire_throughput import WireThroughput # noqa: PLC0415
        counts = self.counts.to_dict()

        paused = self.paused

        queue = self.queue

        oldest_queued_age_seconds: float | None | Unset
        if isinstance(self.oldest_queued_age_seconds, Unset):
            oldest_queued_age_seconds = UNSET
        else:
            oldest_queued_age_seconds = self.oldest_queued_age_seconds

        throughput: list[dict[str, Any]] | None | Unset
        if isinstance(self.throughput, Unset):
            throughput = UNSET
        elif isinstance(self.throughput, list):
            throughput = []
            for throughput_type_0_item_data in self.throughput:
                throughput_type_0_item = throughput_type_0_item_data.to_dict()
                throughput.append(throughput_type_0_item)


        else:
            throughput = self.throughput

        unclaimable: int | None | Unset
        if isinstance(self.unclaimable, Unset):
            unclaimable = UNSET
        else:
            unclaimable = self.unclaimable


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "counts": counts,
            "paused": paused,
            "queue": queue,
        })
        if oldest_queued_age_seconds is not UNSET:
            field_dict["oldest_queued_age_seconds"] = oldest_queued_age_seconds
        if throughput is not UNSET:
            field_dict["throughput"] = throughput
        if unclaimable is not UNSET:
            field_dict["unclaimable"] = unclaimable

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_queue_counts import WireQueueCounts # noqa: PLC0415
        from ..models.wire_throughput import WireThroughput # noqa: PLC0415
        d = dict(src_dict)
        counts = WireQueueCounts.from_dict(d.pop("counts"))




        paused = d.pop("paused")

        queue = d.pop("queue")

        def _parse_oldest_queued_age_seconds(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        oldest_queued_age_seconds = _parse_oldest_queued_age_seconds(d.pop("oldest_queued_age_seconds", UNSET))


        def _parse_throughput(data: object) -> list[WireThroughput] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                throughput_type_0 = []
                _throughput_type_0 = data
                for throughput_type_0_item_data in (_throughput_type_0):
                    throughput_type_0_item = WireThroughput.from_dict(throughput_type_0_item_data)



                    throughput_type_0.append(throughput_type_0_item)

                return throughput_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[WireThroughput] | None | Unset, data)

        throughput = _parse_throughput(d.pop("throughput", UNSET))


        def _parse_unclaimable(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        unclaimable = _parse_unclaimable(d.pop("unclaimable", UNSET))


        wire_queue = cls(
            counts=counts,
            paused=paused,
            queue=queue,
            oldest_queued_age_seconds=oldest_queued_age_seconds,
            throughput=throughput,
            unclaimable=unclaimable,
        )


        wire_queue.additional_properties = d
        return wire_queue

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
