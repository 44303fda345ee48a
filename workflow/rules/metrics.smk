# layer_metrics: a treatment's history as a tidy long table; collect_metrics: all treatments.


rule layer_metrics:
    input:
        in_study("train/{treatment}/history.tsv"),
    output:
        in_study("metrics/{treatment}.tsv"),
    log:
        study_log("layer_metrics/{treatment}.log"),
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
        expand(in_study("metrics/{treatment}.tsv"), treatment=TREATMENTS),
    output:
        in_study("metrics/all.tsv"),
    log:
        study_log("collect_metrics/all.log"),
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    script:
        "../../scripts/collect_metrics.py"
