"""Architecture configurations as dataclasses that round-trip through model.json's provenance and
checkpoints: to_dict(), and from_dict() that refuses keys the dataclass does not know."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import ClassVar, TypeVar

T = TypeVar("T", bound="ConfigDict")


class ConfigDict:
    """Mixin for @dataclass configs; LABEL names the family in error messages."""

    LABEL: ClassVar[str] = "model"

    def to_dict(self) -> dict:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls: type[T], values: dict) -> T:
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown {cls.LABEL} config keys: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        return cls(**values)
