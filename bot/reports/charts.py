"""PNG charts of results, drawn with matplotlib's Agg renderer (never a display): a horizontal
bar chart per question, the same stacked into one tall image, and a line chart for a trend.

Accessible by design: the Okabe-Ito colour-blind-safe palette, dark text on white, every bar
labelled with its count and percentage, "Skipped" and "Prefer not to say" hatched as well as
grey (meaning never by colour alone), and a hidden count drawn as words, never as a bar.
"""

from __future__ import annotations

import io
import math
import textwrap
import unicodedata
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bot.reports.table import cell_row, day
from flows.results import CheckinResults, QuestionResult, TrendPoint

# Okabe and Ito's palette, safe for the common kinds of colour blindness; the first is the
# answers' colour (5.3:1 against white). Lines of a trend take them in turn, with markers.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
ASIDE = "#6B6B6B"  # "Skipped" and "Prefer not to say": grey (5.3:1) and hatched
INK = "#1A1A1A"
QUIET = "#4D4D4D"
ASIDE_VALUES = ("~skip", "~pns")
EMOJI_CATEGORIES = ("So", "Sk", "Cs", "Co")  # symbols (emoji), and halves of ones out of range
WIDTH = 8.0  # inches; at DPI this is 1,200 pixels, sharp on a phone and in Word
DPI = 150
BAR_HEIGHT = 0.5  # inches of figure per answer
TITLE_LINE = 0.27  # inches per line of a 13-point title
BOTTOM = 0.45  # inches under the bars, for "Asked: 24"
CHAR_WIDTH = 0.085  # inches, about, per character of an 11-point label


def _wrap(text: str, width: int) -> str:
    """Lines of at most ``width`` characters, without emoji: the chart font has none, and the
    words say the same."""
    plain = "".join(c for c in text if unicodedata.category(c) not in EMOJI_CATEGORIES)
    plain = " ".join(plain.replace("\ufe0f", "").split())
    return "\n".join(textwrap.wrap(plain, width)) or plain


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def chartable(results: CheckinResults) -> list[QuestionResult]:
    """The questions a chart can show: those with answers to count (not free text alone), and
    those hidden whole, drawn as the reason, so that no question goes missing without a word."""
    return [q for q in results.questions if q.cells or q.hidden_reason is not None]


def question_chart(results: CheckinResults, question: QuestionResult) -> bytes:
    """One question as a PNG: a bar per answer, the question as its title."""
    return _png(question_figure(results, question))


def question_figure(results: CheckinResults, question: QuestionResult) -> Figure:
    """The figure ``question_chart`` draws (tests read its bars and labels).

    Laid out by hand from the text's length (matplotlib's automatic layout measures every
    label twice, and took half the time of a 10-question check-in's charts)."""
    title = _wrap(question.text, 60)
    labels = [_wrap(cell.label, 28) for cell in question.cells]
    longest = max((len(line) for label in labels for line in label.split("\n")), default=0)
    left = min(max(0.3 + CHAR_WIDTH * longest, 0.8), 3.2)
    top = 0.3 + TITLE_LINE * (title.count("\n") + 1)
    rows = BAR_HEIGHT * max(len(labels), 1)
    height = top + rows + BOTTOM
    figure = Figure(figsize=(WIDTH, height))
    figure.text(0.2 / WIDTH, 1 - 0.15 / height, title, va="top", fontsize=13, color=INK)
    axes = figure.add_axes((left / WIDTH, BOTTOM / height, 1 - (left + 0.3) / WIDTH, rows / height))
    _draw(axes, question, labels, results.k)
    return figure


def stack(images: Sequence[bytes]) -> bytes:
    """PNGs one above the other in one PNG (the tall image of every question)."""
    opened = [Image.open(io.BytesIO(data)) for data in images]
    tall = Image.new("RGB", (max(i.width for i in opened), sum(i.height for i in opened)), "white")
    top = 0
    for image in opened:
        tall.paste(image, (0, top))
        top += image.height
    buffer = io.BytesIO()
    tall.save(buffer, format="PNG", compress_level=3)  # a little larger, much quicker
    return buffer.getvalue()


def summary_chart(results: CheckinResults) -> bytes:
    """Every question in one tall PNG (what a chat shows as one picture)."""
    questions = chartable(results)
    if not questions:
        figure = Figure(figsize=(WIDTH, 1.0))
        figure.text(0.2 / WIDTH, 0.5, "No answers to chart yet.", color=QUIET, fontsize=12)
        return _png(figure)
    return stack([question_chart(results, question) for question in questions])


def _message(axes: Axes, words: str) -> None:
    axes.set_axis_off()
    axes.text(0.0, 0.5, words, color=QUIET, fontsize=12, style="italic", va="center")


def _draw(axes: Axes, question: QuestionResult, labels: Sequence[str], k: int) -> None:
    """Bars for the answers that may be shown; words where a count is hidden."""
    if question.hidden_reason is not None:
        _message(axes, f"Hidden: {question.hidden_reason}")
        return
    rows = [cell_row(question, cell, k) for cell in question.cells]
    positions = list(range(len(rows)))
    counts = [row.count or 0 for row in rows]
    aside = [cell.value in ASIDE_VALUES for cell in question.cells]
    bars = axes.barh(
        positions,
        counts,
        height=0.65,
        color=[ASIDE if a else PALETTE[0] for a in aside],
        hatch=["//" if a else "" for a in aside],
        edgecolor="white",
    )
    figures = [
        f"{row.count_text} ({row.percent_text})" if row.percent_text else row.count_text
        for row in rows
    ]
    texts = axes.bar_label(bars, figures, padding=4, fontsize=11, color=INK)
    for row, text in zip(rows, texts, strict=True):
        if row.count is None:  # no bar: the words stand alone, set apart by style
            text.set_fontstyle("italic")
            text.set_color(QUIET)
    axes.set_yticks(positions, labels, fontsize=11, color=INK)
    axes.invert_yaxis()  # the survey's first option at the top
    top = max(counts, default=0)
    axes.set_xlim(0, max(top * 1.35, 1))
    axes.xaxis.set_visible(False)  # every bar carries its number; an axis would only repeat it
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(QUIET)
    base = "fewer than " + str(k) if question.base is None else str(question.base)
    axes.text(
        0.0, -0.02, f"Asked: {base}", transform=axes.transAxes, va="top", fontsize=10, color=QUIET
    )


def trend_chart(title: str, points: Sequence[TrendPoint], zone: ZoneInfo) -> bytes:
    """A line per answer over the check-ins that asked the question: the percentage each time,
    with a gap (and "hidden" under it) where a figure may not be shown."""
    ordered = sorted(points, key=lambda point: point.opens_at)
    figure = Figure(figsize=(WIDTH, 4.8), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(_wrap(title, 60), loc="left", fontsize=13, color=INK, pad=10)
    if not ordered:
        _message(axes, "No check-in has asked this question yet.")
        return _png(figure)
    # Spaced by real time (in days); each tick is labelled with its date in words.
    when = [point.opens_at / 86400 for point in ordered]
    answers: dict[str, str] = {}
    for point in ordered:
        for cell in point.cells:
            answers.setdefault(cell.value, cell.label)
    for number, (value, label) in enumerate(answers.items()):
        # Each line has its own marker as well as its colour, and the legend shows both.
        percents = [_percent_of(point, value) for point in ordered]
        colour = PALETTE[number % len(PALETTE)]
        axes.plot(
            when,
            percents,
            marker=MARKERS[number % len(MARKERS)],
            color=colour,
            linewidth=2,
            markersize=7,
            label=_wrap(label, 30),
        )
        for moment, percent in zip(when, percents, strict=True):
            if not math.isnan(percent):
                axes.annotate(
                    f"{percent:.0f}%",
                    (moment, percent),
                    xytext=(0, 8),
                    textcoords="offset points",
                    ha="center",
                    fontsize=10,
                    color=INK,
                )
    for moment, point in zip(when, ordered, strict=True):
        if point.base is None or any(c.count is None for c in point.cells):
            axes.annotate(
                "figures hidden",
                (moment, 0),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=9,
                color=QUIET,
                style="italic",
            )
    axes.set_ylim(0, 100)
    axes.set_ylabel("% of those asked", color=INK, fontsize=11)
    axes.set_xticks(when, [day(p.opens_at, zone) for p in ordered], fontsize=10, color=INK)
    axes.grid(axis="y", color="#DDDDDD")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=10)
    return _png(figure)


def _percent_of(point: TrendPoint, value: str) -> float:
    """The shown percentage of one answer at one check-in; NaN (a gap) when hidden."""
    for cell in point.cells:
        if cell.value == value and cell.count is not None and cell.percent is not None:
            return cell.percent
    return math.nan
