"""Rules fig_*: draw one figure of workflow/figures.yaml as SVG, PNG and interactive HTML."""

import pandas as pd

from ff import charts
from ff.logs import start_logging
from ff.metrics import read_table

log = start_logging(snakemake.log[0])
figure = snakemake.params.figure
# the tables whose layers include the model keep `layer` as text (1..depth or model); the
# other stats tables' layers are numbers
TEXT_LAYERS = {"metrics", "convergence"}
tables = {
    name: read_table(path) if name in TEXT_LAYERS else pd.read_csv(path, sep="\t")
    for name, path in snakemake.input.items()
}
chart = charts.figure_function(figure)(**tables, analysis=snakemake.params.analysis)
charts.save_chart(chart, snakemake.output.svg, snakemake.output.png, snakemake.output.html)
log.info("%s: %s", figure, ", ".join(snakemake.output))
