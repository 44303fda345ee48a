# One rule per figure of workflow/figures.yaml, named after it; each writes
# results/figures/{figure}.svg, .png and .html with the chart function of that name.


for figure, tables in FIGURES.items():

    rule:
        name:
            figure
        input:
            **tables,
        output:
            svg=f"results/figures/{figure}.svg",
            png=report(
                f"results/figures/{figure}.png",
                caption=f"../report/{figure}.rst",
                category="Figures",
            ),
            html=f"results/figures/{figure}.html",
        log:
            f"logs/figures/{figure}.log",
        localrule: True
        conda:
            "../../envs/analysis.yaml"
        params:
            figure=figure,
            analysis=config["analysis"],
        script:
            "../../scripts/plot_figure.py"


rule figures:
    input:
        figure_outputs(),
    localrule: True
