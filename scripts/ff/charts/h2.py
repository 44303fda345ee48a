"""H2, does the first layer's accuracy track the model's? fig_layer_correlation: the
layer-model correlation of every layer, as a heatmap per data set, depth and basis."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ff.charts.shown import main_series, series_rows, series_subtitle
from ff.charts.theme import (
    BASIS_ORDER,
    HEATMAP_X_AXIS,
    datasets_in,
    facet_header,
    heatmap_cells,
    in_order,
    ranked,
    titled,
)
from ff.stats import STRONG


def fig_layer_correlation(correlations: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main series' layer-model correlation per layer (x) and width (y): a column per data
    set and depth (only the layers that depth has), a row per basis."""
    kind = analysis["correlation_kind"]
    rows = correlations[correlations.kind == kind]
    series = main_series(rows)
    rows = series_rows(rows, series).copy()
    datasets = datasets_in(rows)
    rows["panel"] = rows.dataset + ", layers of depth " + rows.depth.astype(str)
    panels = [
        f"{dataset}, layers of depth {depth}"
        for dataset in datasets
        for depth in sorted(set(rows.depth))
    ]
    rows = ranked(rows, "panel", panels)
    rows = ranked(rows, "basis", in_order(rows.basis, BASIS_ORDER))
    chart = (
        heatmap_cells(rows, kind)
        .encode(
            x=alt.X("layer:O", title=None, axis=HEATMAP_X_AXIS),
            y=alt.Y(
                "width:O",
                title=None,
                axis=alt.Axis(grid=False, labelExpr="'width ' + datum.label"),
            ),
        )
        .properties(width=alt.Step(38), height=alt.Step(22))
        .facet(
            column=alt.Column("panel_facet:N", title=None, header=facet_header(split=True)),
            row=alt.Row(
                "basis_facet:N",
                title="Correlated over",
                header=facet_header(labelAngle=0, labelAlign="left"),
            ),
            align="each",
            spacing={"column": 12, "row": 10},
        )
        .resolve_scale(x="independent")
    )
    return titled(
        chart,
        "How closely each layer's accuracy follows the model's",
        [
            series_subtitle(series),
            f"{kind.title()} r pooled over seeds (Fisher z); H2 asks whether layer 1's r "
            f"reaches {STRONG}",
        ],
    )
