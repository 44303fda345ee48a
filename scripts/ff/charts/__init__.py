"""The study's figures as Altair charts, built from the tidy metrics and the stats tables.

Every figure of workflow/figures.yaml has a chart function of the same name, in the module of
the question it answers: `headline` (fig_hypotheses), `h1`, `h2`, `h3`, `accuracy` and
`comparisons`. A chart function takes the figure's input tables by their names in
workflow/figures.yaml, and the config's `analysis` section; `figure_function(name)` finds it.
What the figures share (theme, palette, page size, encodings, `save_chart`) is in `theme`;
which trainings a figure shows, in `trainings`.

Each figure answers one question and fits one page (theme.MAX_WIDTH x theme.MAX_HEIGHT before
the PNG's scale factor).
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt

from ff.charts import accuracy, comparisons, h1, h2, h3, headline
from ff.charts.theme import save_chart

QUESTIONS = (headline, h1, h2, h3, accuracy, comparisons)
FIGURE_FUNCTIONS = {
    name: function
    for module in QUESTIONS
    for name, function in vars(module).items()
    if name.startswith("fig_") and callable(function)
}

__all__ = ["FIGURE_FUNCTIONS", "figure_function", "save_chart"]


def figure_function(name: str) -> Callable[..., alt.TopLevelMixin]:
    """The chart function of the figure `name` (an entry of workflow/figures.yaml)."""
    if name not in FIGURE_FUNCTIONS:
        modules = ", ".join(module.__name__ for module in QUESTIONS)
        raise ValueError(
            f"no chart function for the figure {name!r}: every figure of workflow/figures.yaml "
            f"needs a function of its name in one of {modules}"
        )
    return FIGURE_FUNCTIONS[name]
