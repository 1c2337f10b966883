from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="WireAdminJob")



@_attrs_define
class WireAdminJob:
    """ 
        Attributes:
            action (str):
            created_at (datetime.datetime):
            id (str):
            processed (int):
            skipped (int): Changed meanwhile or no longer allowing the action
            status (str):
            succeeded (int):
            total (int): Tasks matching the query when the job started
            updated_at (datetime.datetime):
     """

    action: str
    created_at: datetime.datetime
    id: str
    processed: int
    skipped: int
    status: str
    succeeded: int
    total: int
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        action = self.action

        created_at = self.created_at.isoformat()

        id = self.id

        processed = self.processed

        skipped = self.skipped

        status = self.status

        succeeded = self.succeeded

        total = self.total

        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "created_at": created_at,
            "id": id,
            "processed": processed,
            "skipped": skipped,
            "status": status,
            "succeeded": succeeded,
            "total": total,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        processed = d.pop("processed")

        skipped = d.pop("skipped")

        status = d.pop("status")

        succeeded = d.pop("succeeded")

        total = d.pop("total")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        wire_admin_job = cls(
            action=action,
            created_at=created_at,
            id=id,
            processed=processed,
            skipped=skipped,
            status=status,
            succeeded=succeeded,
            total=total,
            updated_at=updated_at,
        )


        wire_admin_job.additional_properties = d
        return wire_admin_job

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
