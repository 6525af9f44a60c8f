"""PDF letters through WeasyPrint, and the text of their laid-out pages (for golden tests and checks).

WeasyPrint is imported inside the functions: loading it takes about half a second, which a
command that sends no letters should not pay. The letter template sets the PDF's dates
from the letter's date, not from the clock.
"""

from __future__ import annotations

from typing import Any

__all__ = ["html_to_pdf", "layout_text"]


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=".").write_pdf()


def layout_text(html: str) -> list[list[str]]:
    """Per page, the text lines WeasyPrint laid out (in reading order), for comparing letters."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=".").render()
    pages = []
    for page in document.pages:
        lines: list[str] = []
        _collect(page._page_box, lines)
        pages.append(lines)
    return pages


def _collect(box: Any, lines: list[str]) -> None:
    name = type(box).__name__
    if name == "LineBox":
        text = "".join(_texts(box)).strip()
        if text:
            lines.append(" ".join(text.split()))
        return
    for child in getattr(box, "children", ()) or ():
        _collect(child, lines)


def _texts(box: Any) -> list[str]:
    if hasattr(box, "text") and isinstance(box.text, str):
        return [box.text]
    out: list[str] = []
    for child in getattr(box, "children", ()) or ():
        out.extend(_texts(child))
    return out
