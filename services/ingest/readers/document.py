"""What every reader returns, and the one exception for input that cannot be read."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReadDocument:
    """The text of a document as lines joined by "\\n".

    `line_pages[i]` is the 1-based page of text line i for paginated formats (PDF), None for the others.
    `warnings` say what was read with doubt or left out (a page without text, a file name that disagrees with
    the content), in words for a person.
    """
    text: str
    media_type: str
    line_pages: list[int] | None = None
    warnings: list[str] = field(default_factory=list)


class UnreadableDocument(Exception):
    """The input is refused; `reason` says why in words for the person who sent it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
