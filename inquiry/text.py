"""Plain text typed by people, split for display. Templates escape every piece."""

from __future__ import annotations


def paragraphs(text: str | None) -> list[list[str]]:
    """Paragraphs (a blank line starts one), each a list of its non-blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def and_list(words: list[str]) -> str:
    """Words in a sentence: "a", "a and b", "a, b and c"; "" for none."""
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def lines(text: str | None) -> list[str]:
    """The non-blank lines, one paragraph each (for short quoted text)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
