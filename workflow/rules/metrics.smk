# layer_metrics: a treatment's history as a tidy long table; collect_metrics: all treatments.


rule layer_metrics:
    input:
        "results/train/{treatment}/history.tsv",
    output:
        "results/metrics/{treatment}.tsv",
    log:
        "logs/layer_metrics/{treatment}.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        treatment=treatment_params,
        settings=config["training"],
    script:
        "../../scripts/layer_metrics.py"


rule collect_metrics:
    input:
        expand("results/metrics/{treatment}.tsv", treatment=TREATMENTS),
    output:
        "results/metrics/all.tsv",
    log:
        "logs/collect_metrics/all.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    script:
        "../../scripts/collect_metrics.py"
