"""Rule stats_summary: summary.md, a verdict per hypothesis, measure, data set and training."""

from pathlib import Path

import pandas as pd

from ff.logs import start_logging
from ff.summary import summary_markdown

log = start_logging(snakemake.log[0])
tables = {name: pd.read_csv(path, sep="\t") for name, path in snakemake.input.items()}
text = summary_markdown(
    tables["answers"],
    tables["overall"],
    tables["delay_tests"],
    tables["correlation_overall"],
    tables["correlations"],
    tables["trends"],
    tables["part_whole"],
    delay_fraction=snakemake.params.delay_fraction,
    kind=snakemake.params.correlation_kind,
    window=snakemake.params.convergence_window,
    tolerance=snakemake.params.convergence_tolerance,
)
Path(snakemake.output[0]).write_text(text)
log.info("wrote %s", snakemake.output[0])
