# results_page: docs/results.md and the PNGs README shows, rewritten by every run of `all`, so
# README's results are always those of the last study run here (the default study in git).

from ff.figure_table import published_figures

# the figures marked `published: true` in workflow/figures.yaml
PUBLISHED_FIGURES = published_figures(
    Path(workflow.basedir, "workflow", "figures.yaml")
)


rule results_page:
    input:
        answers="results/stats/answers.tsv",
        figures=expand("results/figures/{figure}.png", figure=PUBLISHED_FIGURES),
    output:
        page="docs/results.md",
        figures=expand("docs/figures/{figure}.png", figure=PUBLISHED_FIGURES),
    log:
        "logs/results_page/results_page.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        study=study_description(),
        delay_fraction=config["analysis"]["delay_figure_fraction"],
        correlation_kind=config["analysis"]["correlation_kind"],
    script:
        "../../scripts/results_page.py"
