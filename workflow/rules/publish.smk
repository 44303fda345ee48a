# results_page: docs/results.md and the PNGs README shows. They are committed, so no study run
# writes them (`all` writes only under results/): a maintainer publishes the default study's
# answers on purpose with `snakemake --cores 2 results_page`, and commits them.


rule results_page:
    input:
        # refused while the DAG is built, before any job runs, unless this run is the
        # default study (common.smk)
        unpack(default_study_only),
    output:
        page="docs/results.md",
        figures=expand("docs/figures/{figure}.png", figure=PUBLISHED_FIGURES),
    log:
        study_log("results_page/results_page.log"),
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        study=study_description(),
        delay_fraction=config["analysis"]["delay_figure_fraction"],
        correlation_kind=config["analysis"]["correlation_kind"],
        convergence_window=config["analysis"]["convergence_window"],
        convergence_tolerance=config["analysis"]["convergence_tolerance"],
    script:
        "../../scripts/results_page.py"
