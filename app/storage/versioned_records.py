"""What a backend's generic record store needs to know about one kind of versioned record.

Recurring definitions, pipelines, push workers and admin jobs are each one small document per id,
created with create-only semantics and changed or deleted by compare-and-swap on the record's version.
Each backend has one store that does that for any kind (``sqlite.records``, ``elasticsearch.records``);
a ``RecordKind`` tells it how a kind is stored (its document shape, from the ``*_documents`` module
that defines the kind) and which domain error each outcome raises.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.domain.errors import TasquesError, VersionConflict
from app.domain.task import Version
from app.storage.documents import Document

R = TypeVar("R")


@dataclass(frozen=True, kw_only=True)
class RecordKind(Generic[R]):
    label: str
    """Singular, as error contexts name it ("push worker")."""
    to_document: Callable[[R], Document]
    from_document: Callable[[Document, Version, str], R]
    """Document, version and the stored id (documents Go Tasques wrote carry their id only there)."""
    id_of: Callable[[R], str]
    version_of: Callable[[R], Version | None]
    with_version: Callable[[R, Version], R]
    already_exists: Callable[[str], TasquesError]
    not_found: Callable[[str], TasquesError]
    missing_on_write: Callable[[str], TasquesError]
    """What a compare-and-swap or delete of a record that is gone raises."""

    def expected_version(self, record: R) -> Version:
        version = self.version_of(record)
        if version is None:
            # Never read from the store, so there is no version to compare against.
            raise VersionConflict(self.id_of(record))
        return version
