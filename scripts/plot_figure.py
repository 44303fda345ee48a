"""Rules fig_*: draw the figure the rule is named after, as SVG, PNG and interactive HTML."""

import pandas as pd

from ff import charts
from ff.logs import start_logging
from ff.metrics import read_metrics

log = start_logging(snakemake.log[0])
analysis = snakemake.params.analysis
figure = snakemake.rule
if hasattr(snakemake.input, "metrics"):
    data = read_metrics(snakemake.input.metrics)
else:
    data = pd.read_csv(next(iter(snakemake.input)), sep="\t")

measure = f"time_to_{analysis['delay_figure_fraction']:g}"
if figure == "fig_depth_delay":
    chart = charts.fig_depth_delay(data, measure)
elif figure == "fig_method_comparison":
    delays = pd.read_csv(snakemake.input.delays, sep="\t")
    chart = charts.fig_method_comparison(data, delays, measure)
elif figure in ("fig_layer_correlation", "fig_correlation_trends"):
    chart = getattr(charts, figure)(data, analysis["correlation_kind"])
else:
    chart = getattr(charts, figure)(data)
charts.save_chart(chart, snakemake.output.svg, snakemake.output.png, snakemake.output.html)
log.info("%s: %s", figure, ", ".join(snakemake.output))
