"""H3, does the layer-model correlation fall with the layer index and the width?
fig_correlation_trends: the correlation against the layer index, a line per treatment."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ff.charts.shown import main_series, series_rows, series_subtitle
from ff.charts.theme import (
    BASIS_ORDER,
    MAX_WIDTH,
    clamp,
    datasets_in,
    facet_header,
    in_order,
    ranked,
    titled,
    width_colour,
)


def fig_correlation_trends(correlations: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main series' layer-model correlation against the layer index, by width and depth."""
    kind = analysis["correlation_kind"]
    rows = correlations[(correlations.kind == kind) & correlations.r.notna()]
    series = main_series(rows)
    rows = series_rows(rows, series)
    rows = ranked(rows, "basis", in_order(rows.basis, BASIS_ORDER))
    rows = ranked(rows, "dataset", datasets_in(rows))
    bases = set(rows.basis)
    base = alt.Chart().encode(
        x=alt.X("layer:O", title="Layer", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("r:Q", title=f"{kind.title()} r, layer vs model", scale=alt.Scale(zero=False)),
        color=width_colour(),
        detail="treatment:N",
    )
    dash = alt.StrokeDash(
        "depth:O",
        title="Depth",
        legend=alt.Legend(
            orient="top", symbolType="stroke", symbolStrokeColor="#333333", symbolStrokeWidth=2
        ),
    )
    lines = base.mark_line().encode(strokeDash=dash)
    points = base.mark_point(filled=True, size=25).encode(
        tooltip=[
            "treatment",
            "layer",
            alt.Tooltip("r:Q", format=".3f"),
            alt.Tooltip("ci_low:Q", format=".2f"),
            alt.Tooltip("ci_high:Q", format=".2f"),
        ],  # fmt: skip
    )
    width = clamp((MAX_WIDTH - 120) / len(bases) - 20, 120, 200)
    return titled(
        alt.layer(lines, points, data=rows)
        .properties(width=width, height=160)
        .facet(
            column=alt.Column("basis_facet:N", title="Correlated over", header=facet_header()),
            row=alt.Row("dataset_facet:N", title=None, header=facet_header()),
        )
        .resolve_scale(y="independent"),
        "Does the layer-model correlation fall with the layer index and the width?",
        [series_subtitle(series), f"{kind.title()} r pooled over seeds; a line per treatment"],
    )
