from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.wire_delivery_state import WireDeliveryState





T = TypeVar("T", bound="WirePushWorker")



@_attrs_define
class WirePushWorker:
    """ 
        Attributes:
            capabilities (list[str]):
            created_at (datetime.datetime):
            delivery (WireDeliveryState):
            id (str):
            max_in_flight (int):
            queues (list[str]):
            url (str):
            worker_id (str): The X-TASQUES-WORKER-ID its tasks are claimed under: push:<id>
     """

    capabilities: list[str]
    created_at: datetime.datetime
    delivery: WireDeliveryState
    id: str
    max_in_flight: int
    queues: list[str]
    url: str
    worker_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_delivery_state import WireDeliveryState # noqa: PLC0415
        capabilities = self.capabilities



        created_at = self.created_at.isoformat()

        delivery = self.delivery.to_dict()

        id = self.id

        max_in_flight = self.max_in_flight

        queues = self.queues



        url = self.url

        worker_id = self.worker_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "capabilities": capabilities,
            "created_at": created_at,
            "delivery": delivery,
            "id": id,
            "max_in_flight": max_in_flight,
            "queues": queues,
            "url": url,
            "worker_id": worker_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_delivery_state import WireDeliveryState # noqa: PLC0415
        d = dict(src_dict)
        capabilities = cast(list[str], d.pop("capabilities"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        delivery = WireDeliveryState.from_dict(d.pop("delivery"))




        id = d.pop("id")

        max_in_flight = d.pop("max_in_flight")

        queues = cast(list[str], d.pop("queues"))


        url = d.pop("url")

        worker_id = d.pop("worker_id")

        wire_push_worker = cls(
            capabilities=capabilities,
            created_at=created_at,
            delivery=delivery,
            id=id,
            max_in_flight=max_in_flight,
            queues=queues,
            url=url,
            worker_id=worker_id,
        )


        wire_push_worker.additional_properties = d
        return wire_push_worker

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
