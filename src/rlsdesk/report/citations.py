"""Reference numbers, given in order of first appearance on the sheet.

Sections ask for a number as they cite, top to bottom, so the first reference cited on the
sheet is 1. The numbered list at the end prints the full citation for each number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Guidance items end with "[evidence; id, id]" (the engine's format, see case-format.md).
TRAILING_TAG = re.compile(r"\s*\[(?P<evidence>V|S|U|editorial); (?P<ids>[^\[\]]+)\]\s*$")
ANY_TAG = re.compile(r"\s*\[(?:V|S|U|editorial)\b[^\[\]]*\]")


class ReferenceNumbers:
    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def number(self, reference_id: str) -> int:
        return self._numbers.setdefault(reference_id, len(self._numbers) + 1)

    def cite(self, reference_ids: Iterable[str]) -> str:
        """'3, 7' for the ids given (numbered on first sight), '' for none."""
        numbers = sorted({self.number(ref) for ref in reference_ids})
        return ", ".join(str(n) for n in numbers)

    def split_tag(self, text: str) -> tuple[str, str | None, str]:
        """'Do X. [V; R1, R4]' -> ('Do X.', 'V', '1, 2'); text without a tag -> (text, None, '')."""
        match = TRAILING_TAG.search(text)
        if match is None:
            return text, None, ""
        ids = [part.strip() for part in match["ids"].split(",") if part.strip()]
        return text[: match.start()], match["evidence"], self.cite(ids)

    def cited(self) -> list[tuple[int, str]]:
        """(number, reference id) for every reference cited so far, by number."""
        return [(n, ref) for ref, n in sorted(self._numbers.items(), key=lambda item: item[1])]


def plain_language(text: str) -> str:
    """The text without evidence tags or reference ids, for the patient handout."""
    return ANY_TAG.sub("", text).strip()
