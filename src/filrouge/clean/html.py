"""HTML pages: trafilatura for the main text, comments and metadata; htmldate (through
trafilatura) for the publication date, asked for the original date without guessing from
the page's free text."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError


@dataclass(frozen=True, slots=True)
class HtmlExtraction:
    text: str
    comments: str
    title: str | None
    date: str | None


def extract_html(html: str, url: str | None, where: str) -> HtmlExtraction:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=True,
            include_tables=True,
            with_metadata=True,
            favor_recall=False,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise InputError(where, f"HTML could not be parsed ({type(exc).__name__})") from exc
    if doc is None or not (doc.text or "").strip():
        raise InputError(where, "no article text found in the HTML page")
    return HtmlExtraction(
        text=doc.text or "",
        comments=doc.comments or "",
        title=(doc.title or None),
        date=(doc.date or None),
    )
