from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.wire_finished_per_minute import WireFinishedPerMinute
  from ..models.wire_terms import WireTerms





T = TypeVar("T", bound="WireAggregations")



@_attrs_define
class WireAggregations:
    """ 
        Attributes:
            error_class (None | Unset | WireTerms):
            finished_per_minute (None | Unset | WireFinishedPerMinute):
            kind (None | Unset | WireTerms):
            queue_state (None | Unset | WireTerms):
     """

    error_class: None | Unset | WireTerms = UNSET
    finished_per_minute: None | Unset | WireFinishedPerMinute = UNSET
    kind: None | Unset | WireTerms = UNSET
    queue_state: None | Unset | WireTerms = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.wire_finished_per_minute import WireFinishedPerMinute # noqa: PLC0415
        from ..models.wire_terms import WireTerms # noqa: PLC0415
        error_class: dict[str, Any] | None | Unset
        if isinstance(self.error_class, Unset):
            error_class = UNSET
        elif isinstance(self.error_class, WireTerms):
            error_class = self.error_class.to_dict()
        else:
            error_class = self.error_class

        finished_per_minute: dict[str, Any] | None | Unset
        if isinstance(self.finished_per_minute, Unset):
            finished_per_minute = UNSET
        elif isinstance(self.finished_per_minute, WireFinishedPerMinute):
            finished_per_minute = self.finished_per_minute.to_dict()
        else:
            finished_per_minute = self.finished_per_minute

        kind: dict[str, Any] | None | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, WireTerms):
            kind = self.kind.to_dict()
        else:
            kind = self.kind

        queue_state: dict[str, Any] | None | Unset
        if isinstance(self.queue_state, Unset):
            queue_state = UNSET
        elif isinstance(self.queue_state, WireTerms):
            queue_state = self.queue_state.to_dict()
        else:
            queue_state = self.queue_state


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if error_class is not UNSET:
            field_dict["error_class"] = error_class
        if finished_per_minute is not UNSET:
            field_dict["finished_per_minute"] = finished_per_minute
        if kind is not UNSET:
            field_dict["kind"] = kind
        if queue_state is not UNSET:
            field_dict["queue_state"] = queue_state

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_finished_per_minute import WireFinishedPerMinute # noqa: PLC0415
        from ..models.wire_terms import WireTerms # noqa: PLC0415
        d = dict(src_dict)
        def _parse_error_class(data: object) -> None | Unset | WireTerms:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_class_type_0 = WireTerms.from_dict(data)



                return error_class_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTerms, data)

        error_class = _parse_error_class(d.pop("error_class", UNSET))


        def _parse_finished_per_minute(data: object) -> None | Unset | WireFinishedPerMinute:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                finished_per_minute_type_0 = WireFinishedPerMinute.from_dict(data)



                return finished_per_minute_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireFinishedPerMinute, data)

        finished_per_minute = _parse_finished_per_minute(d.pop("finished_per_minute", UNSET))


        def _parse_kind(data: object) -> None | Unset | WireTerms:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                kind_type_0 = WireTerms.from_dict(data)



                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTerms, data)

        kind = _parse_kind(d.pop("kind", UNSET))


        def _parse_queue_state(data: object) -> None | Unset | WireTerms:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                queue_state_type_0 = WireTerms.from_dict(data)



                return queue_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WireTerms, data)

        queue_state = _parse_queue_state(d.pop("queue_state", UNSET))


        wire_aggregations = cls(
            error_class=error_class,
            finished_per_minute=finished_per_minute,
            kind=kind,
            queue_state=queue_state,
        )


        wire_aggregations.additional_properties = d
        return wire_aggregations

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
