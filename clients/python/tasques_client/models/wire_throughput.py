from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="WireThroughput")



@_attrs_define
class WireThroughput:
    """ 
        Attributes:
            cancelled (int):
            dead (int):
            done (int):
            failed (int): Failed attempts now waiting for a retry
            window_seconds (int):
     """

    cancelled: int
    dead: int
    done: int
    failed: int
    window_seconds: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cancelled = self.cancelled

        dead = self.dead

        done = self.done

        failed = self.failed

        window_seconds = self.window_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cancelled": cancelled,
            "dead": dead,
            "done": done,
            "failed": failed,
            "window_seconds": window_seconds,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cancelled = d.pop("cancelled")

        dead = d.pop("dead")

        done = d.pop("done")

        failed = d.pop("failed")

        window_seconds = d.pop("window_seconds")

        wire_throughput = cls(
            cancelled=cancelled,
            dead=dead,
            done=done,
            failed=failed,
            window_seconds=window_seconds,
        )


        wire_throughput.additional_properties = d
        return wire_throughput

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
