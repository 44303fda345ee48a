"""Rule compare: every finished study's headline answers side by side, as a table
(answers.tsv, long; comparison.md, one column per study) and a figure (fig_compare)."""

from pathlib import Path

import pandas as pd

from ff.charts import save_chart
from ff.charts.studies import fig_compare
from ff.compare import studies_markdown, studies_table
from ff.logs import start_logging
from ff.metrics import write_table

log = start_logging(snakemake.log[0])
answers = {study: pd.read_csv(path, sep="\t") for study, path in snakemake.input.items()}
table = studies_table(answers, snakemake.params.delay_fraction)
write_table(table, snakemake.output.table)
depends = table[table.depends].drop_duplicates(["hypothesis", "dataset", "name", "measure"])
lines = [
    f"# The claims in each study: {', '.join(answers)}",
    "",
    f"From {', '.join(f'`{path}`' for path in snakemake.input)}; each study's verdict, effect "
    "[95% CI], bootstrap stability and convergence (ff.summary). "
    f"The verdict depends on the study in {len(depends)} of "
    f"{table.groupby(['hypothesis', 'dataset', 'name', 'measure']).ngroups} rows.",
    "",
    *studies_markdown(table),
    "",
]
Path(snakemake.output.page).write_text("\n".join(lines))
save_chart(fig_compare(table), snakemake.output.svg, snakemake.output.png, snakemake.output.html)
log.info("compared %s:\n%s", ", ".join(answers), "\n".join(lines))
