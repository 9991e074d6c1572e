"""Source spans: half-open ranges of character offsets (the bottom layer of fel)."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Span", "NO_SPAN"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of character offsets into the source text."""

    start: int
    end: int

    def cover(self, other: "Span") -> "Span":
        return Span(min(self.start, other.start), max(self.end, other.end))

    def shift(self, delta: int) -> "Span":
        return Span(self.start + delta, self.end + delta)

    def __len__(self) -> int:
        return self.end - self.start


NO_SPAN = Span(0, 0)
