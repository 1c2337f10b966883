from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.backoff_strategy import BackoffStrategy
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="BackoffBody")



@_attrs_define
class BackoffBody:
    """ 
        Attributes:
            base (str | Unset): Go duration string Default: 'PT15S'. Example: 30m.
            jitter (float | int | Unset):  Default: 0.5.
            max_ (str | Unset): Go duration string Default: 'PT1H'. Example: 30m.
            strategy (BackoffStrategy | Unset):
     """

    base: str | Unset = 'PT15S'
    jitter: float | int | Unset = 0.5
    max_: str | Unset = 'PT1H'
    strategy: BackoffStrategy | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        base = self.base

        jitter: float | int | Unset
        if isinstance(self.jitter, Unset):
            jitter = UNSET
        else:
            jitter = self.jitter

        max_ = self.max_

        strategy: str | Unset = UNSET
        if not isinstance(self.strategy, Unset):
            strategy = self.strategy.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if base is not UNSET:
            field_dict["base"] = base
        if jitter is not UNSET:
            field_dict["jitter"] = jitter
        if max_ is not UNSET:
            field_dict["max"] = max_
        if strategy is not UNSET:
            field_dict["strategy"] = strategy

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        base = d.pop("base", UNSET)

        def _parse_jitter(data: object) -> float | int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | int | Unset, data)

        jitter = _parse_jitter(d.pop("jitter", UNSET))


        max_ = d.pop("max", UNSET)

        _strategy = d.pop("strategy", UNSET)
        strategy: BackoffStrategy | Unset
        if isinstance(_strategy,  Unset):
            strategy = UNSET
        else:
            strategy = BackoffStrategy(_strategy)




        backoff_body = cls(
            base=base,
            jitter=jitter,
            max_=max_,
            strategy=strategy,
        )


        backoff_body.additional_properties = d
        return backoff_body

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
