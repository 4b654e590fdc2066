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


def _height(question: QuestionResult) -> float:
    """Inches a question's chart needs: its title and a row per answer."""
    lines = len(textwrap.wrap(question.text, 60)) or 1
    answers = len(question.cells) if question.hidden_reason is None else 1
    return 0.9 + 0.3 * lines + BAR_HEIGHT * max(answers, 1)


def chartable(results: CheckinResults) -> list[QuestionResult]:
    """The questions a chart can show: those with answers to count (not free text alone)."""
    return [q for q in results.questions if q.cells]


def question_chart(results: CheckinResults, question: QuestionResult) -> bytes:
    """One question as a PNG: a bar per answer, the question as its title."""
    figure = Figure(figsize=(WIDTH, _height(question)), layout="constrained")
    _draw(figure.add_subplot(), question, results.k)
    return _png(figure)


def summary_chart(results: CheckinResults) -> bytes:
    """Every question in one tall PNG (what a chat shows as one picture)."""
    questions = chartable(results)
    if not questions:
        figure = Figure(figsize=(WIDTH, 1.5), layout="constrained")
        axes = figure.add_subplot()
        _message(axes, "No answers to chart yet.")
        return _png(figure)
    heights = [_height(q) for q in questions]
    figure = Figure(figsize=(WIDTH, sum(heights)), layout="constrained")
    for axes, question in zip(
        figure.subplots(len(questions), 1, squeeze=False, height_ratios=heights)[:, 0],
        questions,
        strict=True,
    ):
        _draw(axes, question, results.k)
    return _png(figure)


def _message(axes: Axes, words: str) -> None:
    axes.set_axis_off()
    axes.text(0.0, 0.5, words, color=QUIET, fontsize=12, style="italic", va="center")


def _draw(axes: Axes, question: QuestionResult, k: int) -> None:
    """Bars for the answers that may be shown; words where a count is hidden."""
    axes.set_title(_wrap(question.text, 60), loc="left", fontsize=13, color=INK, pad=10)
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
    labels = [
        f"{row.count_text} ({row.percent_text})" if row.percent_text else row.count_text
        for row in rows
    ]
    texts = axes.bar_label(bars, labels, padding=4, fontsize=11, color=INK)
    for row, text in zip(rows, texts, strict=True):
        if row.count is None:  # no bar: the words stand alone, set apart by style
            text.set_fontstyle("italic")
            text.set_color(QUIET)
    axes.set_yticks(positions, [_wrap(row.answer, 28) for row in rows], fontsize=11, color=INK)
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
