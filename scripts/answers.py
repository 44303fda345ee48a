"""Rule answers: each hypothesis's verdict per study, with its bootstrap stability over seeds
and its split-half replication."""

import pandas as pd

from ff.answers import HEADLINE_BASIS, answers
from ff.delays import delay_measure
from ff.hypotheses import seed_values
from ff.logs import start_logging
from ff.metrics import write_table

log = start_logging(snakemake.log[0])
values = seed_values(
    pd.read_csv(snakemake.input.delays, sep="\t"),
    pd.read_csv(snakemake.input.correlations, sep="\t"),
    delay_measure=delay_measure(snakemake.params.delay_fraction),
    basis=HEADLINE_BASIS,
    kind=snakemake.params.correlation_kind,
)
table = answers(values)
write_table(table, snakemake.output[0])
log.info("answers:\n%s", table.to_string(index=False))
