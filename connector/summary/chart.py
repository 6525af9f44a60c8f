"""The aging chart: a small bar chart as PNG bytes, made with matplotlib's Agg backend.

No GUI, no global pyplot state (a Figure object per chart), fixed size and fonts, and no
timestamp in the PNG metadata, so the same figures give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from connector.aging import BUCKET_LABELS
from connector.summary.formatting import Formatter
from connector.summary.model import AgingRow

# Green for not yet due, through amber, to red for the oldest money.
BUCKET_COLOURS = ("#4caf50", "#c0ca33", "#ffb300", "#fb8c00", "#e53935")


def aging_chart_png(rows: Sequence[AgingRow], *, language: str, title: str = "",
                    width_px: int = 640, height_px: int = 240, dpi: int = 100) -> bytes:
    """Horizontal bars per bucket with the formatted amount at the end of each bar."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fmt = Formatter(language)
    labels = [BUCKET_LABELS[language][row.key] for row in rows]
    # matplotlib wants floats for bar lengths; they only decide pixels, never a printed amount.
    lengths = [float(max(row.amount, Decimal(0))) for row in rows]

    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    positions = list(range(len(rows)))[::-1]
    axes.barh(positions, lengths, color=BUCKET_COLOURS[: len(rows)], height=0.6)
    axes.set_yticks(positions, labels=labels, fontsize=9)
    axes.set_xticks([])
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    longest = max(lengths, default=0.0) or 1.0
    axes.set_xlim(0, longest * 1.35)
    for position, length, row in zip(positions, lengths, rows, strict=True):
        axes.text(length + longest * 0.01, position, f"{fmt.money(row.amount)}  ({row.count})",
                  va="center", fontsize=8.5, color="#333333")
    if title:
        axes.set_title(title, fontsize=10, loc="left", color="#333333")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
