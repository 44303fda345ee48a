"""Rule results_page: docs/results.md and the figures README shows, from this study's run."""

import shutil
from pathlib import Path

import pandas as pd

from ff.logs import start_logging
from ff.summary import results_page

log = start_logging(snakemake.log[0])
figures = [Path(path).stem for path in snakemake.input.figures]
text = results_page(
    pd.read_csv(snakemake.input.answers, sep="\t"),
    snakemake.params.study,
    figures,
    delay_fraction=snakemake.params.delay_fraction,
    kind=snakemake.params.correlation_kind,
)
Path(snakemake.output.page).write_text(text)
for source, target in zip(snakemake.input.figures, snakemake.output.figures, strict=True):
    shutil.copyfile(source, target)
log.info("wrote %s and %s", snakemake.output.page, ", ".join(snakemake.output.figures))
