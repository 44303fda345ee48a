"""The headline figure, fig_hypotheses: each hypothesis's effect, interval and verdict on each
of its measures (the answers table of ff.answers) for every data set and training."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ff.answers import MIN_SEEDS, SETTLED
from ff.charts.shown import HEADLINE_SERIES, Series, training_label, training_order
from ff.charts.theme import datasets_in, titled
from ff.hypotheses import HYPOTHESES, NOT_TESTABLE, VERDICTS, Hypothesis, measure_text

# Okabe & Ito's blue, vermilion and orange, and grey: told apart with any colour vision
VERDICT_COLOURS = ["#0072B2", "#D55E00", "#E69F00", "#999999"]
PAPER_SHAPE, OTHER_SHAPES = "circle", ["square", "triangle-up", "diamond"]
UNSETTLED = "unsettled"  # the fill of a point whose verdict is unsettled: hollow
MEASURE_STEP = 6  # pixels per measure in a training's row
GREY = "#555555"  # the legends' symbols


def measure_label(name: str, paper: bool) -> str:
    return measure_text(name) + (" (paper's)" if paper else "")


def measure_shapes(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The measures' labels (each hypothesis's, the paper's first) and their shapes: a circle
    for the paper's measure, a square, a triangle, ... for the others."""
    domain, shapes = [], []
    for hypothesis in HYPOTHESES:
        part = rows.loc[rows.hypothesis == hypothesis, ["measure_text", "paper_measure"]]
        part = part.drop_duplicates().sort_values("paper_measure", ascending=False, kind="stable")
        others = iter(OTHER_SHAPES)
        for label, paper in part.itertuples(index=False):
            if label not in domain:
                domain.append(label)
                shapes.append(PAPER_SHAPE if paper else next(others))
    return domain, shapes


def verdict_fill() -> alt.Fill:
    """A point's fill: its verdict's colour, or white where the verdict is unsettled (the
    table's `fill` column)."""
    return alt.Fill(
        "fill:N",
        scale=alt.Scale(domain=[*VERDICTS, UNSETTLED], range=[*VERDICT_COLOURS, "white"]),
        title="Verdict",
        legend=alt.Legend(symbolStrokeColor=GREY),
    )


def reference_rules(hypothesis: Hypothesis) -> list[alt.Chart]:
    """A claim's reference lines: the first solid (no effect), the others dashed (a
    threshold)."""
    return [
        alt.Chart()
        .mark_rule(color="#444444", strokeDash=[4, 3] if index else [])
        .encode(x=alt.datum(value))
        for index, value in enumerate(hypothesis.references)
    ]


def fig_hypotheses(answers: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Each hypothesis's effect with its 95% interval and verdict on each of its measures, per
    data set and training (a row, the measures side by side in it, the paper's first): the
    headline trainings bold, the others light."""
    rows = answers[answers.hypothesis.isin(HYPOTHESES)].copy()
    rows["training_label"] = training_label(rows)
    rows["measure_text"] = [
        measure_label(*key) for key in zip(rows.measure, rows.paper_measure, strict=True)
    ]
    # the points' fill: the verdict's colour, or hollow (white) where it is unsettled
    solid = rows.settled | (rows.verdict == NOT_TESTABLE)
    rows["fill"] = rows.verdict.where(solid, UNSETTLED)
    rows["headline"] = [
        Series(*key) in HEADLINE_SERIES
        for key in rows[["method", "recipe", "variant", "definition"]].itertuples(index=False)
    ]
    order = training_order(rows)
    headline = sorted(set(rows.training_label[rows.headline]))
    bold = " || ".join(f"datum.value === {label!r}" for label in headline) or "false"
    datasets = datasets_in(rows)
    measures, shapes = measure_shapes(rows)
    verdicts = alt.Scale(domain=list(VERDICTS), range=VERDICT_COLOURS)
    panels = []
    for hypothesis in HYPOTHESES.values():
        part = rows[rows.hypothesis == hypothesis.id]
        if part.empty:
            continue
        trainings = [label for label in order if label in set(part.training_label)]
        shown = [measure for measure in measures if measure in set(part.measure_text)]
        base = alt.Chart().encode(
            y=alt.Y(
                "training_label:N",
                sort=trainings,
                scale=alt.Scale(domain=trainings, paddingInner=0.25),
                title=None,
                axis=alt.Axis(
                    labelLimit=330,
                    labelFontWeight=alt.ExprRef(f"({bold}) ? 'bold' : 'normal'"),
                    grid=False,
                ),
            ),
            yOffset=alt.YOffset("measure_text:N", sort=shown, scale=alt.Scale(domain=shown)),
            color=alt.Color("verdict:N", scale=verdicts, legend=None),  # the fill's legend
            opacity=alt.condition("datum.headline", alt.value(1.0), alt.value(0.45)),
        )
        intervals = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("ci_low:Q", title=hypothesis.axis_title),
            x2="ci_high:Q",
            strokeDash=alt.condition("datum.underpowered", alt.value([3, 2]), alt.value([])),
        )
        points = base.mark_point(filled=False, size=36, strokeWidth=1.5).encode(
            x="estimate:Q",
            shape=alt.Shape(
                "measure_text:N",
                scale=alt.Scale(domain=measures, range=shapes),
                title="Measure",
                legend=alt.Legend(symbolFillColor=GREY, symbolStrokeColor=GREY, labelLimit=200),
            ),
            fill=verdict_fill(),
            tooltip=[
                "hypothesis:N",
                "dataset:N",
                "training_label:N",
                alt.Tooltip("measure_text:N", title="measure"),
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
                alt.Tooltip("robustness:N", title="over the measures"),
            ],  # fmt: skip
        )
        references = reference_rules(hypothesis)
        rule = hypothesis.rule_text
        panels.append(
            alt.layer(*references, intervals, points, data=part)
            .properties(width=230, height=alt.Step(MEASURE_STEP))  # the offset's step
            .facet(
                column=alt.Column(
                    "dataset:N", sort=datasets, title=None, header=alt.Header(labelFontSize=13)
                )
            )
            .properties(
                title={
                    "text": hypothesis.question,
                    "subtitle": rule[0].upper() + rule[1:],
                    "fontSize": 13,
                }
            )
        )
    return titled(
        alt.vconcat(*panels).resolve_scale(x="independent", y="independent", yOffset="independent"),
        "The three hypotheses on every measure: effects with 95% intervals over seeds",
        [
            "Verdict by where the 95% interval lies against the claim's threshold: supported on "
            "the claim's side, contradicted on the other, inconclusive across it; not testable: "
            "under 2 seeds.",
            "Each training's row shows every measure of the claim, the paper's (circle) first: "
            "a verdict that changes with the measure depends on that choice.",
            f"Hollow: unsettled (under {SETTLED:.0%} of bootstrap resamples of the seeds give "
            f"the verdict); dashed interval: underpowered (under {MIN_SEEDS} seeds).",
            "Bold: the study's Forward-Forward (paper recipe, paper's accuracy) and this "
            "project's (Adam recipe); light: the other trainings.",
        ],
    )
