"""Rule results_page: a committed study's answers page and the figures README shows, with the
commit of the code that computed them."""

import shutil
from pathlib import Path

import pandas as pd

from ff.logs import start_logging
from ff.provenance import source_commit
from ff.summary import results_page

log = start_logging(snakemake.log[0])
figures = [Path(path).stem for path in snakemake.input.figures]
commit, changed = source_commit(Path(snakemake.scriptdir).parent)
text = results_page(
    pd.read_csv(snakemake.input.answers, sep="\t"),
    snakemake.params.study,
    figures,
    delay_fraction=snakemake.params.delay_fraction,
    kind=snakemake.params.correlation_kind,
    window=snakemake.params.convergence_window,
    tolerance=snakemake.params.convergence_tolerance,
    commit=commit,
    uncommitted=changed,
    stats=snakemake.params.stats,
)
Path(snakemake.output.page).write_text(text)
for source, target in zip(snakemake.input.figures, snakemake.output.figures, strict=True):
    shutil.copyfile(source, target)
log.info("wrote %s and %s", snakemake.output.page, ", ".join(snakemake.output.figures))
