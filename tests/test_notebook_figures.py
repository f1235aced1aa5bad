"""What the notebooks' figures of 2021 show, in each edition: read from the figures the notebooks
themselves save (``saved_figures`` in ``conftest.py``: recorded as each is saved, in the figure sets'
kernels and, for the English edition of 2021, by ``notebook_figures_driver.py``; a glyph missing from
the fonts fails those runs). Drawn with the notebooks' own calls and data, not a copy of them here.

The plotting functions' own tests, on small made-up frames, are beside each analysis
(``test_status.py``, ``test_emissions.py``, ``test_intensity.py``, ``test_budget.py``).
"""

from __future__ import annotations

import pytest

from mfgghg.i18n import CJK

ZH_SOURCE = "資料來源：110年執行成果報告 "
EN_SOURCE = "Source: 2021 (ROC 110) execution report, "


@pytest.fixture(scope="module")
def figures_2021(saved_figures):
    """``figures_2021(lang)``: the notebooks' figures of 2021 in that edition, by file name."""
    return lambda lang: {f["name"]: f for f in saved_figures(2021, lang)}


def cjk(figure) -> list[str]:
    return [t for t in figure["texts"] if CJK.search(t)]


def sources(figure, start: str) -> list[str]:
    """The source lines the figure drew itself (the figure's own texts, under the plot)."""
    return [t for t in figure["figure_texts"] if t.startswith(start)]


# --- notebook 02: execution status ---------------------------------------------------------------------

STATUS = {"status": "02_status_by_pillar_ministry", "measures": "02_fig1_reductions_by_measure",
          "totals": "02_fig1_reduction_totals", "goals": "02_goals_vs_results"}


def test_status_figures_in_chinese(figures_2021):
    figs = {key: figures_2021("zh-TW")[name] for key, name in STATUS.items()}
    assert [len(f["axes"]) for f in figs.values()] == [2, 1, 2, 3]
    for key, fig in figs.items():
        assert cjk(fig), key
    assert "資料來源：110年執行成果報告 表2、表3、附件" in figs["status"]["texts"]
    assert "資料來源：110年執行成果報告 附件 (各措施減碳量)" in figs["measures"]["texts"]
    assert "資料來源：110年執行成果報告 摘要、表4、附件" in figs["totals"]["texts"]
    assert "資料來源：110年執行成果報告 附件 (預期效益、執行成果)" in figs["goals"]["texts"]
    title = "各措施減碳量；其和與報告總減碳量相符之類別：實質減碳、預期減碳"
    assert any(t.startswith(title) for t in figs["measures"]["texts"])
    assert "110年成果 / 目標 (%)，依附件數字計算" in figs["goals"]["texts"]
    assert figs["measures"]["axes"][0]["xscale"] == "log"


def test_status_figures_in_english(figures_2021):
    figs = {key: figures_2021("en")[name] for key, name in STATUS.items()}
    assert [len(f["axes"]) for f in figs.values()] == [2, 1, 2, 3]
    for key, fig in figs.items():
        assert cjk(fig) == [], key
    status_texts = figs["status"]["texts"]
    assert "Source: 2021 (ROC 110) execution report, Table 2, Table 3, Annex" in status_texts
    for key in ("measures", "totals", "goals"):
        assert any(t.startswith(EN_SOURCE) for t in figs[key]["texts"]), key
    assert any("Ministry of Economic Affairs" in t.replace("\n", " ") for t in status_texts)  # ministry names
    assert any("actual reduction, expected reduction (one reading" in t for t in figs["measures"]["texts"])
    goal_texts = figs["goals"]["texts"]
    assert "2021 result / goal (%), from the annex's figures" in goal_texts
    assert "units differ (firms / firm visits)" in goal_texts  # a goal in firms, its result in visits
    assert "no 2021 result" in goal_texts


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_table4_figure_in_each_edition(figures_2021, lang):
    fig = figures_2021(lang)["02_table4_items_vs_measures"]
    if lang == "en":
        assert cjk(fig) == []
        assert sources(fig, EN_SOURCE)
    else:
        assert any("表4" in t for t in cjk(fig))


# --- notebook 03: emissions against the target ----------------------------------------------------------

EMISSIONS = {"annual": "03_annual_target_vs_emissions", "cumulative": "03_cumulative_target_vs_emissions",
             "drivers": "03_stated_changes", "context": "03_context_external"}


def test_emissions_figures_in_english(figures_2021):
    figs = {key: figures_2021("en")[name] for key, name in EMISSIONS.items()}
    for key, fig in figs.items():
        assert cjk(fig) == [], key
    annual = figs["annual"]["axes"][0]
    assert annual["ylabel"] == "Emissions (Mt CO2e)" and annual["xlabel"] == "Year"
    assert figs["annual"]["figure_texts"][-1] == "Source: 2021 (ROC 110) execution report, Table 6"
    ticks = figs["drivers"]["axes"][0]["yticklabels"]
    assert "Fuel oil consumption (2020 vs 2005)" in ticks and "GDP (2016-2020)" in ticks
    assert "Base-year emissions (external)" in figs["context"]["axes"][0]["legend"]
    assert "Liberty Times (LTN)" in figs["context"]["figure_texts"][-1]


def test_emissions_figures_in_chinese(figures_2021):
    figs = {key: figures_2021("zh-TW")[name] for key, name in EMISSIONS.items()}
    for key, fig in figs.items():
        assert cjk(fig), key
    assert figs["annual"]["axes"][0]["ylabel"] == "排放量 (百萬公噸CO2e)"
    assert figs["context"]["figure_texts"][-1].startswith("資料來源：110年執行成果報告 表6；外部資料：")
    assert "燃料油消費量 (2020 較 2005)" in figs["drivers"]["axes"][0]["yticklabels"]


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_netzero_figure_in_each_edition(figures_2021, lang):
    fig = figures_2021(lang)["03_fig3_netzero_strategies"]
    if lang == "en":
        assert cjk(fig) == []
        assert any("11 strategies" in t for t in fig["texts"])
    else:
        assert any("11項策略" in t for t in fig["texts"])


# --- notebook 04: carbon intensity ---------------------------------------------------------------------

INTENSITY = {"index": "04_carbon_intensity_index", "decomposition": "04_intensity_decomposition"}


def test_intensity_figures_in_english(figures_2021):
    figs = {key: figures_2021("en")[name] for key, name in INTENSITY.items()}
    for key, fig in figs.items():
        assert cjk(fig) == [], key
    index = figs["index"]["axes"][0]
    assert index["ylabel"] == "Carbon intensity index (2005 = 100)"
    assert "2020 result: 49% below the base year (report)" in index["legend"]
    assert figs["index"]["figure_texts"][-1].endswith("Figure 2")
    decomposition = figs["decomposition"]
    assert decomposition["axes"][0]["xticklabels"][0].startswith("Reported fall × actual emissions\n(output +")
    notes = decomposition["figure_texts"][0]
    assert notes.startswith("External data: 2005 emissions (Taipei Times")  # the external source, with its date
    assert "2018-10-20" in notes
    # (the source line wraps to the figure's width)
    source = decomposition["figure_texts"][-1].replace("\n", " ")
    assert source.endswith("; external: Taipei Times (news report of official statements)")


def test_intensity_figures_in_chinese(figures_2021):
    for key, name in INTENSITY.items():
        assert cjk(figures_2021("zh-TW")[name]), key


# --- notebook 05: budget -------------------------------------------------------------------------------

BUDGET = ["05_table5_published_vs_recomputed", "05_spending_by_source", "05_spending_per_measure",
          "05_cost_per_tonne", "05_money_vs_reduction_shares"]


@pytest.mark.parametrize("name", BUDGET)
def test_budget_figures_in_english(figures_2021, name):
    fig = figures_2021("en")[name]
    assert cjk(fig) == []
    assert len(sources(fig, EN_SOURCE)) == 1
    # Pillars, ministries or kinds of reduction are labelled, in English.
    assert any(word in t for t in fig["texts"] for word in ("Pillar 1", "(MOEA)", "[actual]"))


@pytest.mark.parametrize("name", BUDGET)
def test_budget_figures_in_chinese(figures_2021, name):
    fig = figures_2021("zh-TW")[name]
    assert len(sources(fig, ZH_SOURCE)) == 1
    assert any(word in t for t in fig["texts"] for word in ("面向1", "經濟部", "［實質］"))
    assert len(cjk(fig)) >= 5


def test_cost_per_tonne_in_chinese(figures_2021):
    fig = figures_2021("zh-TW")["05_cost_per_tonne"]
    assert len(fig["axes"]) == 2  # actual/expected, and potentials apart
    assert fig["axes"][0]["xscale"] == "log"
    assert "資料來源：110年執行成果報告 附件（實際經費、減碳量）。比值由附件推算。" in fig["figure_texts"]
