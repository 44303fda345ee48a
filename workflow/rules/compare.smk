# compare: the headline answers of every finished study (each results/<study>/ with its
# stats/answers.tsv when the workflow starts) side by side, in results/compare/. Run a study,
# then another with its own `study:` name, then `snakemake --cores 2 compare`.


rule compare:
    input:
        unpack(finished_study_answers),
    output:
        table="results/compare/answers.tsv",
        page="results/compare/comparison.md",
        svg="results/compare/fig_compare.svg",
        png="results/compare/fig_compare.png",
        html="results/compare/fig_compare.html",
    log:
        "logs/compare/compare.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        delay_fraction=config["analysis"]["delay_figure_fraction"],
    script:
        "../../scripts/compare_studies.py"
