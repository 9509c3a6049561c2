"""Printable lot labels: an A4 PDF of identical labels, each with a QR code of the lot's trace page.

The sheet is the common 14-up layout (2 × 7 labels of 99.1 × 38.1 mm, e.g. Avery L7163), so it
prints onto ready-cut label paper as well as onto plain paper to cut. Text is set in DejaVu Sans
Condensed, shipped in fonts/ with its licence, which has every Vietnamese letter. The caller words
the texts in the reader's language; this module only lays them out.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

MAX_LABELS = 200
COLUMNS, ROWS = 2, 7
PER_PAGE = COLUMNS * ROWS
LABEL_WIDTH, LABEL_HEIGHT = 99.1 * mm, 38.1 * mm
LEFT_MARGIN, TOP_MARGIN = 4.65 * mm, 15.15 * mm
COLUMN_PITCH = 101.6 * mm  # a 2.5 mm gap between the columns; rows touch
PADDING = 2 * mm
QR_SIZE = LABEL_HEIGHT - 2 * PADDING
QR_QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
TEXT_LEFT = PADDING + QR_SIZE + PADDING
TEXT_WIDTH = LABEL_WIDTH - TEXT_LEFT - 2 * PADDING

FONT_DIRECTORY = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSansCondensed", "DejaVuSansCondensed-Bold"
FORM_NAME = "lot-label"


@dataclass(frozen=True)
class Label:
    """What one label says, already worded: e.g. lot "Mã lô: AB7K3M9P", dates ("Thu hoạch: 12/11/2026",)."""

    product: str
    cooperative: str
    lot: str
    dates: tuple[str, ...]
    url: str  # what the QR code opens: the lot's trace page


def label_sheet(label: Label, count: int, title: str = "") -> bytes:
    """An A4 PDF of `count` copies of the label (1..MAX_LABELS), PER_PAGE to a page."""
    if not 1 <= count <= MAX_LABELS:
        raise ValueError(f"from 1 to {MAX_LABELS} labels, not {count}")
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title or label.lot)
    canvas.beginForm(FORM_NAME, lowerx=0, lowery=0, upperx=LABEL_WIDTH, uppery=LABEL_HEIGHT)
    _draw_label(canvas, label)
    canvas.endForm()
    for page_start in range(0, count, PER_PAGE):
        for position in range(min(PER_PAGE, count - page_start)):
            x, y = _label_origin(position)
            canvas.saveState()
            canvas.translate(x, y)
            canvas.doForm(FORM_NAME)
            canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@cache
def _register_fonts() -> None:
    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIRECTORY / f"{name}.ttf")))


def _label_origin(position: int) -> tuple[float, float]:
    """The lower-left corner of the label at this position on its page, row by row from the top."""
    row, column = divmod(position, COLUMNS)
    return LEFT_MARGIN + column * COLUMN_PITCH, A4[1] - TOP_MARGIN - (row + 1) * LABEL_HEIGHT


def _draw_label(canvas: Canvas, label: Label) -> None:
    _draw_qr(canvas, label.url, PADDING, PADDING, QR_SIZE)
    lines = [(BOLD, 11, text) for text in _wrapped(label.product, BOLD, 11, max_lines=2)]
    lines.append((REGULAR, 9, _fitted(label.cooperative, REGULAR, 9)))
    lines.append((BOLD, 11, _fitted(label.lot, BOLD, 11)))
    lines.extend((REGULAR, 9, _fitted(text, REGULAR, 9)) for text in label.dates)
    y = LABEL_HEIGHT - PADDING - 2 * mm
    for font, size, text in lines:
        y -= size * 1.25
        canvas.setFont(font, size)
        canvas.drawString(TEXT_LEFT, y, text)


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (sharp at any print resolution), one per run of dark modules."""
    rows = list(segno.make_qr(data, error="m").matrix_iter(border=QR_QUIET_ZONE))
    module = size / len(rows)
    path = canvas.beginPath()
    for row_number, row in enumerate(rows):
        top = y + size - (row_number + 1) * module
        for start, length in _dark_runs(row):
            path.rect(x + start * module, top, length * module, module)
    canvas.drawPath(path, stroke=0, fill=1)


def _dark_runs(row) -> list[tuple[int, int]]:
    """(first column, length) of each run of dark modules in a row of the QR matrix."""
    runs, column = [], 0
    for dark, group in groupby(row):
        length = len(list(group))
        if dark:
            runs.append((column, length))
        column += length
    return runs


def _wrapped(text: str, font: str, size: float, max_lines: int) -> list[str]:
    lines = simpleSplit(text, font, size, TEXT_WIDTH) or [""]
    if len(lines) <= max_lines:
        return lines
    return [*lines[:max_lines - 1], _fitted(" ".join(lines[max_lines - 1:]), font, size)]


def _fitted(text: str, font: str, size: float) -> str:
    """The text, cut with an ellipsis where it would run off the label."""
    if pdfmetrics.stringWidth(text, font, size) <= TEXT_WIDTH:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > TEXT_WIDTH:
        text = text[:-1]
    return text.rstrip() + "…"
