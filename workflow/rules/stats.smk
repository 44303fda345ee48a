# One rule per hypothesis, each writing TSVs under results/stats/; answers.tsv, each headline
# verdict with its bootstrap stability; and summary.md from them.


rule depth_delay:
    input:
        "results/metrics/all.tsv",
    output:
        tests=report(
            "results/stats/depth_delay.tsv",
            caption="../report/depth_delay.rst",
            category="Hypothesis tests",
        ),
        per_seed="results/stats/depth_delay_per_seed.tsv",
        overall="results/stats/depth_delay_overall.tsv",
    log:
        "logs/depth_delay/depth_delay.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        fractions=config["analysis"]["delay_fractions"],
    script:
        "../../scripts/depth_delay.py"


rule layer_correlation:
    input:
        "results/metrics/all.tsv",
    output:
        table=report(
            "results/stats/layer_correlation.tsv",
            caption="../report/layer_correlation.rst",
            category="Hypothesis tests",
        ),
        per_seed="results/stats/layer_correlation_per_seed.tsv",
        overall="results/stats/layer_correlation_overall.tsv",
        part_whole="results/stats/part_whole.tsv",
    log:
        "logs/layer_correlation/layer_correlation.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        correlation_kind=config["analysis"]["correlation_kind"],
    script:
        "../../scripts/layer_correlation.py"


rule correlation_trends:
    input:
        "results/stats/layer_correlation_per_seed.tsv",
    output:
        report(
            "results/stats/correlation_trends.tsv",
            caption="../report/correlation_trends.rst",
            category="Hypothesis tests",
        ),
    log:
        "logs/correlation_trends/correlation_trends.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    script:
        "../../scripts/correlation_trends.py"


rule answers:
    input:
        delays="results/stats/depth_delay_per_seed.tsv",
        correlations="results/stats/layer_correlation_per_seed.tsv",
    output:
        report(
            "results/stats/answers.tsv",
            caption="../report/answers.rst",
            category="Hypothesis tests",
        ),
    log:
        "logs/answers/answers.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        delay_fraction=config["analysis"]["delay_figure_fraction"],
        correlation_kind=config["analysis"]["correlation_kind"],
    script:
        "../../scripts/answers.py"


rule stats_summary:
    input:
        answers="results/stats/answers.tsv",
        overall="results/stats/depth_delay_overall.tsv",
        delay_tests="results/stats/depth_delay.tsv",
        correlation_overall="results/stats/layer_correlation_overall.tsv",
        correlations="results/stats/layer_correlation.tsv",
        trends="results/stats/correlation_trends.tsv",
        part_whole="results/stats/part_whole.tsv",
    output:
        report(
            "results/stats/summary.md",
            caption="../report/summary.rst",
            category="Hypothesis tests",
        ),
    log:
        "logs/stats_summary/summary.log",
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        delay_fraction=config["analysis"]["delay_figure_fraction"],
        correlation_kind=config["analysis"]["correlation_kind"],
    script:
        "../../scripts/stats_summary.py"
