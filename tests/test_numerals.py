"""Chinese numerals (mfgghg.data.extract.numerals) and the prose's figures written in them (extract.text)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mfgghg.data.extract.numerals import cn_number, plain
from mfgghg.data.extract.text import CASE_RX, Para, stated_figures


@pytest.mark.parametrize("printed, value", [
    ("零", "0"), ("七", "7"), ("十", "10"), ("十二", "12"), ("二十五", "25"), ("廿五", "25"), ("卅", "30"),
    ("四十九", "49"), ("一百", "100"), ("一百十", "110"), ("一百零五", "105"), ("兩百三十", "230"),
    ("一千零五", "1005"), ("三萬零五百", "30500"), ("兩百三十萬", "2300000"), ("一億兩千萬", "120000000"),
    ("九千九百九十九萬九千九百九十九", "99999999"), ("十二點五", "12.5"), ("零點〇五", "0.05"),
    ("十六點五六", "16.56"), ("一萬兩千點五", "12000.5"), ("十二點五萬", "125000"), ("二點三億", "230000000"),
    ("兩百三", "230"), ("一萬二", "12000"), ("兩 百 三 十", "230"),
    ("壹佰", "100"), ("壹佰貳拾萬", "1200000"), ("拾貳", "12"), ("參仟零伍", "3005"), ("貳點伍億", "250000000"),
    ("肆拾玖點伍", "49.5"), ("貮叁", None), ("柒捌玖", None),
])
def test_a_chinese_numeral_is_read_as_the_number_it_states(printed, value):
    if value is None:  # (formal digits side by side: a range or a guess, as 三四)
        with pytest.raises(ValueError):
            cn_number(printed)
        return
    assert plain(cn_number(printed)) == value
    assert cn_number(printed) == Decimal(value)


@pytest.mark.parametrize("printed", [
    "", "百", "萬", "千家", "三四", "二三十", "三十百", "一萬萬", "一億萬億", "一百零", "零五", "五零", "點五",
    "十二點", "十二點兩", "一萬二點五", "十萬點五萬", "佰", "拾零", "壹佰零",
])
def test_chinese_numerals_that_state_no_one_number_are_refused(printed):
    """A unit without its digit but 十, digits side by side (a range or a guess), units out of order, 點 without
    digits on both sides, a spoken last digit before 點 (ambiguous), formal forms likewise: ValueError, never a
    guess."""
    with pytest.raises(ValueError):
        cn_number(printed)


def figures(text, **kw):
    return [(f.value, f.unit, f.extra.get("spelled", "")) for f in stated_figures([Para("壹 一", 1, text)], **kw)]


def test_figures_in_chinese_numerals_are_read_before_their_unit_and_named():
    """A share written 百分之 in numerals, counts before their unit, 萬 kept in a unit that opens with it (萬公噸) and
    read into a count that does not (萬人次): each read as digits would state it, with what was printed."""
    got = figures("碳密集度下降百分之四十九，GDP 成長百分之十二點五，獲廿五家企業響應，減量合計兩百三十萬公噸 CO2e，"
                  "完成兩萬人次培訓，投入二十點二億元，達成率百分之百")
    assert got == [("-49", "%", "'百分之四十九' read from Chinese numerals as 49%"),
                   ("12.5", "%", "'百分之十二點五' read from Chinese numerals as 12.5%"),
                   ("25", "家企業", "'廿五' read from Chinese numerals as 25"),
                   ("230", "萬公噸CO2e", "'兩百三十萬' read from Chinese numerals as 230 萬"),
                   ("20000", "人次", "'兩萬' read from Chinese numerals as 20000"),
                   ("20.2", "億元", "'二十點二' read from Chinese numerals as 20.2"),
                   ("100", "%", "'百分之百' read from Chinese numerals as 100%")]


def test_numerals_that_are_no_figure_stay_words():
    """An ordinal (第一期), each (每一家), a range or guess (二三十家), numerals without a unit after them (三面向)
    and a run inside a longer one: no figure; figures in digits beside them read as before."""
    assert figures("第一期推動13項策略，每一家企業，約二三十家廠商，三面向共 11 項，上萬家") == [("13", "項", ""),
                                                                                ("11", "項", "")]


def test_highlight_figures_in_chinese_numerals_are_read_with_the_highlight_units():
    assert figures("每年節電一百二十萬度，設置三座", rx=CASE_RX, kind="case") == [
        ("120", "萬度", "'一百二十' read from Chinese numerals as 120"),
        ("3", "座", "'三' read from Chinese numerals as 3")]


def test_digits_times_a_chinese_numeral_unit_are_read_as_the_number_they_state_and_named():
    """3千家, 1.2億人次, 2百萬公噸 and 5千萬元: digits with 千, 百 or 億 as a multiplier, read as the number they
    state (a 萬 that opens the unit kept in it, as 兩百萬公噸 is 200 萬公噸), named as 1.2 萬人次 is; a unit that
    opens with the numeral unit (1.2億元, 1.7 百萬公噸 CO2e) is read as printed, unnamed, as before."""
    got = figures("輔導 3千家工廠，完成 1.2億人次，減量 2百萬公噸，投資 5千萬元，投入 1.2億元，排放 1.7 百萬公噸 CO2e，"
                  "培訓 1.2 萬人次")
    assert got == [("3000", "家工廠", "'3千' read as 3,000"), ("120000000", "人次", "'1.2億' read as 120,000,000"),
                   ("200", "萬公噸", "'2百萬' read as 200 萬"), ("5000", "萬元", "'5千' read as 5,000"),
                   ("1.2", "億元", ""), ("1.7", "百萬公噸CO2e", ""), ("12000", "人次", "'1.2 萬' read as 12,000")]


def test_digits_times_a_numeral_unit_in_highlights_and_without_a_unit():
    """In a highlight case (its units) 1.5千公噸 is 1,500 公噸 and 2.5 百萬度 is 250 萬度; 3千 before no unit is no
    figure."""
    assert figures("節電 2.5 百萬度，回收 1.5千公噸，約 3千次", rx=CASE_RX, kind="case") == [
        ("250", "萬度", "'2.5 百' read as 250"), ("1500", "公噸", "'1.5千' read as 1,500")]


def test_figures_in_formal_numerals_are_read_and_named_and_a_word_holding_one_is_not():
    """An amount written out in formal numerals (壹佰貳拾萬元), a count (伍家, 拾貳 家) and a share (百分之肆拾玖) are
    read as the common numerals are, named; a formal digit alone inside a word (大陸家具, 參與) is no figure."""
    got = figures("投入新臺幣壹佰貳拾萬元，中國大陸家具業者參與，伍家企業，輔導 拾貳 家，達成率百分之肆拾玖")
    assert got == [("120", "萬元", "'壹佰貳拾' read from Chinese numerals as 120"),
                   ("5", "家企業", "'伍' read from Chinese numerals as 5"),
                   ("12", "家", "'拾貳' read from Chinese numerals as 12"),
                   ("49", "%", "'百分之肆拾玖' read from Chinese numerals as 49%")]
