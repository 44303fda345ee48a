# One rule per figure, named after it; each writes results/figures/{figure}.svg, .png, .html.


rule fig_layer_curves:
    input:
        metrics="results/metrics/all.tsv",
    output:
        svg="results/figures/fig_layer_curves.svg",
        png=report(
            "results/figures/fig_layer_curves.png",
            caption="../report/fig_layer_curves.rst",
            category="Figures",
        ),
        html="results/figures/fig_layer_curves.html",
    log:
        "logs/fig_layer_curves/fig_layer_curves.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        analysis=config["analysis"],
    script:
        "../../scripts/plot_figure.py"


rule fig_depth_delay:
    input:
        delays="results/stats/depth_delay_per_seed.tsv",
    output:
        svg="results/figures/fig_depth_delay.svg",
        png=report(
            "results/figures/fig_depth_delay.png",
            caption="../report/fig_depth_delay.rst",
            category="Figures",
        ),
        html="results/figures/fig_depth_delay.html",
    log:
        "logs/fig_depth_delay/fig_depth_delay.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        analysis=config["analysis"],
    script:
        "../../scripts/plot_figure.py"


rule fig_layer_correlation:
    input:
        correlations="results/stats/layer_correlation.tsv",
    output:
        svg="results/figures/fig_layer_correlation.svg",
        png=report(
            "results/figures/fig_layer_correlation.png",
            caption="../report/fig_layer_correlation.rst",
            category="Figures",
        ),
        html="results/figures/fig_layer_correlation.html",
    log:
        "logs/fig_layer_correlation/fig_layer_correlation.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        analysis=config["analysis"],
    script:
        "../../scripts/plot_figure.py"


rule fig_correlation_trends:
    input:
        correlations="results/stats/layer_correlation.tsv",
    output:
        svg="results/figures/fig_correlation_trends.svg",
        png=report(
            "results/figures/fig_correlation_trends.png",
            caption="../report/fig_correlation_trends.rst",
            category="Figures",
        ),
        html="results/figures/fig_correlation_trends.html",
    log:
        "logs/fig_correlation_trends/fig_correlation_trends.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        analysis=config["analysis"],
    script:
        "../../scripts/plot_figure.py"


rule fig_final_accuracy:
    input:
        metrics="results/metrics/all.tsv",
    output:
        svg="results/figures/fig_final_accuracy.svg",
        png=report(
            "results/figures/fig_final_accuracy.png",
            caption="../report/fig_final_accuracy.rst",
            category="Figures",
        ),
        html="results/figures/fig_final_accuracy.html",
    log:
        "logs/fig_final_accuracy/fig_final_accuracy.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        analysis=config["analysis"],
    script:
        "../../scripts/plot_figure.py"


rule fig_goodness:
    input:
        metrics="results/metrics/all.tsv",
    output:
        svg="results/figures/fig_goodness.svg",
        png=report(
            "results/figures/fig_goodness.png",
            caption="../report/fig_goodness.rst",
            category="Figures",
        ),
        html="results/figures/fig_goodness.html",
    log:
        "logs/fig_goodness/fig_goodness.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        analysis=config["analysis"],
    script:
        "../../scripts/plot_figure.py"


rule fig_method_comparison:
    input:
        metrics="results/metrics/all.tsv",
        delays="results/stats/depth_delay_per_seed.tsv",
    output:
        svg="results/figures/fig_method_comparison.svg",
        png=report(
            "results/figures/fig_method_comparison.png",
            caption="../report/fig_method_comparison.rst",
            category="Figures",
        ),
        html="results/figures/fig_method_comparison.html",
    log:
        "logs/fig_method_comparison/fig_method_comparison.log",
    conda:
        "../../envs/analysis.yaml"
    params:
        analysis=config["analysis"],
    script:
        "../../scripts/plot_figure.py"


rule figures:
    input:
        figure_outputs(),
