# One rule per hypothesis, each writing TSVs under the study's stats/; convergence.tsv, whether
# each curve levelled off; answers.tsv, each headline verdict with its bootstrap stability and
# its series' convergence; and summary.md from them.


rule depth_delay:
    input:
        in_study("metrics/all.tsv"),
    output:
        tests=report(
            in_study("stats/depth_delay.tsv"),
            caption="../report/depth_delay.rst",
            category="Hypothesis tests",
        ),
        per_seed=in_study("stats/depth_delay_per_seed.tsv"),
        overall=in_study("stats/depth_delay_overall.tsv"),
    log:
        study_log("depth_delay/depth_delay.log"),
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        fractions=config["analysis"]["delay_fractions"],
    script:
        "../../scripts/depth_delay.py"


rule layer_correlation:
    input:
        in_study("metrics/all.tsv"),
    output:
        table=report(
            in_study("stats/layer_correlation.tsv"),
            caption="../report/layer_correlation.rst",
            category="Hypothesis tests",
        ),
        per_seed=in_study("stats/layer_correlation_per_seed.tsv"),
        overall=in_study("stats/layer_correlation_overall.tsv"),
        part_whole=in_study("stats/part_whole.tsv"),
    log:
        study_log("layer_correlation/layer_correlation.log"),
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        correlation_kind=config["analysis"]["correlation_kind"],
    script:
        "../../scripts/layer_correlation.py"


rule correlation_trends:
    input:
        in_study("stats/layer_correlation_per_seed.tsv"),
    output:
        report(
            in_study("stats/correlation_trends.tsv"),
            caption="../report/correlation_trends.rst",
            category="Hypothesis tests",
        ),
    log:
        study_log("correlation_trends/correlation_trends.log"),
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    script:
        "../../scripts/correlation_trends.py"


rule convergence:
    input:
        in_study("metrics/all.tsv"),
    output:
        in_study("stats/convergence.tsv"),
    log:
        study_log("convergence/convergence.log"),
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        window=config["analysis"]["convergence_window"],
        tolerance=config["analysis"]["convergence_tolerance"],
    script:
        "../../scripts/convergence.py"


rule answers:
    input:
        delays=in_study("stats/depth_delay_per_seed.tsv"),
        correlations=in_study("stats/layer_correlation_per_seed.tsv"),
        convergence=in_study("stats/convergence.tsv"),
    output:
        report(
            in_study("stats/answers.tsv"),
            caption="../report/answers.rst",
            category="Hypothesis tests",
        ),
    log:
        study_log("answers/answers.log"),
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
        answers=in_study("stats/answers.tsv"),
        overall=in_study("stats/depth_delay_overall.tsv"),
        delay_tests=in_study("stats/depth_delay.tsv"),
        correlation_overall=in_study("stats/layer_correlation_overall.tsv"),
        correlations=in_study("stats/layer_correlation.tsv"),
        trends=in_study("stats/correlation_trends.tsv"),
        part_whole=in_study("stats/part_whole.tsv"),
    output:
        report(
            in_study("stats/summary.md"),
            caption="../report/summary.rst",
            category="Hypothesis tests",
        ),
    log:
        study_log("stats_summary/summary.log"),
    localrule: True
    conda:
        "../../envs/analysis.yaml"
    params:
        delay_fraction=config["analysis"]["delay_figure_fraction"],
        correlation_kind=config["analysis"]["correlation_kind"],
        convergence_window=config["analysis"]["convergence_window"],
        convergence_tolerance=config["analysis"]["convergence_tolerance"],
    script:
        "../../scripts/stats_summary.py"
