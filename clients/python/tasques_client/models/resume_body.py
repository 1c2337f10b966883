from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ResumeBody")



@_attrs_define
class ResumeBody:
    """ 
        Attributes:
            catch_up (bool | Unset): Enqueue the fires missed while paused that fall within the catch-up window Default:
                False.
     """

    catch_up: bool | Unset = False





    def to_dict(self) -> dict[str, Any]:
        catch_up = self.catch_up


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if catch_up is not UNSET:
            field_dict["catch_up"] = catch_up

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        catch_up = d.pop("catch_up", UNSET)

        resume_body = cls(
            catch_up=catch_up,
        )

        return resume_body

