"""Reference numbers, given in order of first appearance on the sheet.

Sections ask for a number as they cite, top to bottom, so the first reference cited on the
sheet is 1. The numbered list at the end prints the full citation for each number, and
only those: a reference the sheet does not cite is not listed.
"""

from __future__ import annotations

from collections.abc import Iterable


class ReferenceNumbers:
    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def number(self, reference_id: str) -> int:
        return self._numbers.setdefault(reference_id, len(self._numbers) + 1)

    def cite(self, reference_ids: Iterable[str]) -> str:
        """'3, 7' for the ids given (numbered on first sight), '' for none."""
        numbers = sorted({self.number(ref) for ref in reference_ids})
        return ", ".join(str(n) for n in numbers)

    def cited(self) -> list[tuple[int, str]]:
        """(number, reference id) for every reference cited so far, by number."""
        return [(n, ref) for ref, n in sorted(self._numbers.items(), key=lambda item: item[1])]
