"""Forward-Forward training-dynamics study: the algorithm, free of Snakemake."""
