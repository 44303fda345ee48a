"""The comparison of studies, fig_compare (rule compare, not a figure of one study): each
claim's headline effect, interval and verdict in every finished study, side by side."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ff.charts.headline import (
    GREY,
    UNSETTLED,
    VERDICT_COLOURS,
    reference_rules,
    verdict_fill,
)
from ff.charts.theme import datasets_in, titled
from ff.compare import study_names
from ff.hypotheses import HYPOTHESES, NOT_TESTABLE, VERDICTS, measure_text

STUDY_SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
STUDY_STEP = 9  # pixels per study in a row


def fig_compare(comparison: pd.DataFrame) -> alt.VConcatChart:
    """Per claim (a panel) and data set (a column): a row per headline training and measure,
    each study's effect with its 95% interval in it (a shape per study), coloured by verdict:
    hollow where unsettled, dashed where the study's curves had not levelled off."""
    rows = comparison.copy()
    rows["row"] = [
        f"{name} · {measure_text(measure)}" + (" (paper's)" if paper else "")
        for name, measure, paper in zip(rows["name"], rows.measure, rows.paper_measure, strict=True)
    ]
    solid = rows.settled.astype(bool) | (rows.verdict == NOT_TESTABLE)
    rows["fill"] = rows.verdict.where(solid, UNSETTLED)
    rows["rising"] = rows.converged_treatments < rows.treatments
    studies = study_names(rows)
    datasets = datasets_in(rows)
    panels = []
    for hypothesis in HYPOTHESES.values():
        part = rows[rows.hypothesis == hypothesis.id]
        if part.empty:
            continue
        order = list(dict.fromkeys(part.row))
        base = alt.Chart().encode(
            y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=420, grid=False)),
            yOffset=alt.YOffset("study:N", sort=studies, scale=alt.Scale(domain=studies)),
            color=alt.Color("verdict:N", scale=alt.Scale(domain=list(VERDICTS),
                            range=VERDICT_COLOURS), legend=None),
        )  # fmt: skip
        intervals = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("ci_low:Q", title=hypothesis.axis_title),
            x2="ci_high:Q",
            strokeDash=alt.condition("datum.rising", alt.value([3, 2]), alt.value([])),
        )
        points = base.mark_point(filled=False, size=40, strokeWidth=1.5).encode(
            x="estimate:Q",
            shape=alt.Shape(
                "study:N",
                sort=studies,
                scale=alt.Scale(domain=studies, range=STUDY_SHAPES[: len(studies)]),
                title="Study",
                legend=alt.Legend(symbolFillColor=GREY, symbolStrokeColor=GREY),
            ),
            fill=verdict_fill(),
            tooltip=[
                "study:N", "dataset:N", alt.Tooltip("row:N", title="training and measure"),
                alt.Tooltip("estimate:Q", format=".3f"), alt.Tooltip("ci_low:Q", format=".3f"),
                alt.Tooltip("ci_high:Q", format=".3f"), "verdict:N",
                alt.Tooltip("stability:Q", format=".0%"), "seeds:Q",
                "converged_treatments:Q", "treatments:Q",
            ],
        )  # fmt: skip
        references = reference_rules(hypothesis)
        panels.append(
            alt.layer(*references, intervals, points, data=part)
            .properties(width=260, height=alt.Step(STUDY_STEP))
            .facet(column=alt.Column("dataset:N", sort=datasets, title=None))
            .properties(title={"text": hypothesis.question, "fontSize": 13})
        )
    return titled(
        alt.vconcat(*panels).resolve_scale(x="independent", y="independent", yOffset="independent"),
        f"The claims in each study: {', '.join(studies)}",
        [
            "Each study's effect with its 95% interval over seeds, on each measure of the claim; "
            "colour: the verdict in that study; hollow: unsettled (bootstrap stability under "
            "90%); dashed interval: some of the study's curves were still rising at the end.",
        ],
    )
