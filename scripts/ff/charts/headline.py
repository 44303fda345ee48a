"""The headline figure, fig_hypotheses: each hypothesis's effect, interval and verdict (the
answers table of ff.answers) for every data set and training."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ff.charts.shown import HEADLINE_SERIES, Series, training_label, training_order
from ff.charts.theme import datasets_in, titled
from ff.hypotheses import HYPOTHESES

VERDICTS = ["supported", "not supported", "unsettled", "not testable"]
VERDICT_COLOURS = ["#0072B2", "#D55E00", "#E69F00", "#999999"]
VERDICT_SHAPES = ["circle", "square", "diamond", "triangle-up"]


def fig_hypotheses(answers: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Each hypothesis's effect with its 95% interval and verdict, per data set and training:
    the headline trainings bold, the others light."""
    rows = answers[answers.hypothesis.isin(HYPOTHESES)].copy()
    rows["training_label"] = training_label(rows)
    rows["headline"] = [
        Series(*key) in HEADLINE_SERIES
        for key in rows[["method", "recipe", "variant", "definition"]].itertuples(index=False)
    ]
    order = training_order(rows)
    headline = sorted(set(rows.training_label[rows.headline]))
    bold = " || ".join(f"datum.value === {label!r}" for label in headline) or "false"
    datasets = datasets_in(rows)
    verdict = {
        "scale": alt.Scale(domain=VERDICTS, range=VERDICT_COLOURS),
        "title": "Verdict",
        "legend": alt.Legend(orient="top"),
    }
    panels = []
    for hypothesis in HYPOTHESES.values():
        part = rows[rows.hypothesis == hypothesis.id]
        if part.empty:
            continue
        trainings = [label for label in order if label in set(part.training_label)]
        base = alt.Chart().encode(
            y=alt.Y(
                "training_label:N",
                sort=trainings,
                scale=alt.Scale(domain=trainings),
                title=None,
                axis=alt.Axis(
                    labelLimit=330,
                    labelFontWeight=alt.ExprRef(f"({bold}) ? 'bold' : 'normal'"),
                    grid=False,
                ),
            ),
            opacity=alt.condition("datum.headline", alt.value(1.0), alt.value(0.45)),
        )
        intervals = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("ci_low:Q", title=hypothesis.axis_title),
            x2="ci_high:Q",
            color=alt.Color("verdict:N", **verdict),
        )
        points = base.mark_point(filled=True, size=70).encode(
            x="estimate:Q",
            color=alt.Color("verdict:N", **verdict),
            shape=alt.Shape(
                "verdict:N",
                scale=alt.Scale(domain=VERDICTS, range=VERDICT_SHAPES),
                title="Verdict",
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                "hypothesis:N",
                "dataset:N",
                "training_label:N",
                "effect:N",
                alt.Tooltip("estimate:Q", format=".3f"),
                alt.Tooltip("ci_low:Q", format=".3f"),
                alt.Tooltip("ci_high:Q", format=".3f"),
                alt.Tooltip("p_value:Q", format=".2g"),
                "seeds:Q",
                "verdict:N",
                alt.Tooltip("stability:Q", format=".0%"),
                alt.Tooltip("half_1:N", title="first half of the seeds"),
                alt.Tooltip("half_2:N", title="second half"),
            ],  # fmt: skip
        )
        # the first reference line solid (no effect), the others dashed (a threshold)
        references = [
            alt.Chart()
            .mark_rule(color="#444444", strokeDash=[4, 3] if index else [])
            .encode(x=alt.datum(value))
            for index, value in enumerate(hypothesis.references)
        ]
        panels.append(
            alt.layer(*references, intervals, points, data=part)
            .properties(width=260, height=alt.Step(17))
            .facet(
                column=alt.Column(
                    "dataset:N", sort=datasets, title=None, header=alt.Header(labelFontSize=13)
                )
            )
            .properties(
                title={
                    "text": hypothesis.question,
                    "subtitle": f"Supported when {hypothesis.rule_text}",
                    "fontSize": 13,
                }
            )
        )
    return titled(
        alt.vconcat(*panels).resolve_scale(x="independent", y="independent"),
        "The three hypotheses: effect sizes with 95% intervals over seeds",
        [
            "Bold: the study's Forward-Forward (paper recipe, paper's accuracy) and this "
            "project's (Adam recipe); light: the other trainings.",
            "Verdicts hold in at least 90% of bootstrap resamples of the seeds, else "
            "'unsettled'; 'not testable': too few seeds.",
        ],
    )
