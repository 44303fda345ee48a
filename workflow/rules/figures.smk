# One rule per figure of workflow/figures.yaml (FIGURES: its input tables, by figure, read in
# common.smk), named after it; each writes results/<study>/figures/{figure}.svg, .png and
# .html with the chart function of that name (ff.charts.figure_function). The report lists a
# category's results sorted by their first label: the number keeps the order of figures.yaml
# (the answers, H1, H2, H3, accuracy, the comparisons).


for number, (figure, tables) in enumerate(FIGURES.items(), start=1):

    rule:
        name:
            figure
        input:
            **{name: in_study(path) for name, path in tables.items()},
        output:
            svg=in_study(f"figures/{figure}.svg"),
            png=report(
                in_study(f"figures/{figure}.png"),
                caption=f"../report/{figure}.rst",
                category="Figures",
                labels={"No.": f"{number:02d}", "Figure": figure},
            ),
            html=in_study(f"figures/{figure}.html"),
        log:
            study_log(f"figures/{figure}.log"),
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
