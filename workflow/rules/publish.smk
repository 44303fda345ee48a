# results_page: a committed study's answers page and the PNGs README shows: docs/results.md
# and docs/figures/ for the default study, docs/<study>/ for another config of config/. They
# are committed, so no study run writes them (`all` writes only under results/): a maintainer
# publishes a study's answers on purpose (`snakemake --cores 2 results_page`, with
# `--configfile config/regime.yaml` for the regime study), and commits them.


rule results_page:
    input:
        # refused while the DAG is built, before any job runs, unless this run is a
        # committed study (common.smk)
        unpack(committed_study_only),
    output:
        page=str(PUBLISHED / "results.md"),
        figures=expand(
            str(PUBLISHED / "figures/{figure}.png"), figure=PUBLISHED_FIGURES
        ),
    log:
        study_log("results_page/results_page.log"),
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        study=study_description(),
        stats=in_study("stats"),
        delay_fraction=config["analysis"]["delay_figure_fraction"],
        correlation_kind=config["analysis"]["correlation_kind"],
        convergence_window=config["analysis"]["convergence_window"],
        convergence_tolerance=config["analysis"]["convergence_tolerance"],
    script:
        "../../scripts/results_page.py"
