"""The figures the report's prose states (before the annex): headlines and highlight cases.

Every number printed with a unit in a sentence is a *stated figure* (value, unit, the clause it is
in as quote, its section and line). A stated figure becomes a row of ``published_headlines.csv``
only when a phrase of :data:`KEY_RULES` names it (the reports use the same wording every year; the
years in a key are read from the sentence, never assumed), and all its mentions agree. Everything
else is a candidate listed in the review file, not guessed. Figures of the 亮點成果 section go to
``highlight_cases.csv`` with positional keys (``figure_<n>``), to be renamed by a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from mfgghg.data.paths import normalize_year, roc_year
from mfgghg.data.units import UNITS
from mfgghg.errors import ParameterError

from .annex import NUMBER, nows, number
from .numerals import BIG, FORMAL, RUN, RUN_CHARS, cn_number, plain

N = NUMBER
CN_NUM = "一二三四五六七八九十"
TOP_RX = re.compile(r"^(摘\s*要|[壹貳參肆伍陸柒捌玖拾])\s*(?:、|$)")
L1_RX = re.compile(rf"^([{CN_NUM}]+)\s*、")
L2_RX = re.compile(rf"^[(（]([{CN_NUM}]+)[)）]")
L3_RX = re.compile(r"^(\d{1,2})\s*[.．]\s*(?=\D)")
CAPTION_RX = re.compile(r"^(表|圖)\s*\d+\s*[、，,.]")
TABLE_END_RX = re.compile(rf"^表\s*\d+\s*[、，,.]|^[(（][{CN_NUM}]+[)）]|^[{CN_NUM}]+\s*、|^\d+\s*[.．]\s*依"
                          r"|^\d+\.\d+ 年|^[壹貳參肆伍]、")

# unit as printed (spaces removed) -> unit as the raw files record it
HEADLINE_UNIT = (r"百萬公噸\s*CO\s*2\s*e|萬公噸\s*CO\s*2\s*e|公噸\s*CO\s*2\s*e|萬噸\s*CO\s*2\s*e|tCO2e|"
                 r"萬公噸|萬噸|公噸|億元|萬元|%|人次|場次|家[\u4e00-\u9fff]{0,4}|項")
CASE_UNIT = (r"百萬公噸\s*CO\s*2\s*e|萬公噸\s*CO\s*2\s*e|公噸\s*CO\s*2\s*e|萬噸\s*CO\s*2\s*e|tCO2e|"
             r"公噸\s*/\s*年|萬公噸|萬噸|"
             r"CO2eq/公噸[\u4e00-\u9fff]{0,6}|公噸|萬公秉|公秉油當量|公秉|萬度|億度|億元|萬元|%|人次|場次|"
             r"家[\u4e00-\u9fff]{0,4}|"
             r"項|座|件|案|MW|kW|年可回收")
FIG_RX = re.compile(rf"(?<![\d.,A-Za-z])({N})\s*({HEADLINE_UNIT})")
CASE_RX = re.compile(rf"(?<![\d.,A-Za-z])({N})\s*({CASE_UNIT})")
DECREASE_RX = re.compile(r"(下降|減少|減|降低)\s*(?:約\s*)?$")


def unit_of(printed: str, kind: str = "headline") -> str:
    u = nows(printed).replace("CO2e", "CO2e")
    if u.startswith("家"):
        # the longest known count unit (家工廠, 家廠商, ...), else plain 家
        best = max((k for k in UNITS if k.startswith("家") and u.startswith(k)), key=len, default="家")
        return best
    if kind == "headline":
        return {"萬噸CO2e": "萬公噸CO2e", "tCO2e": "公噸CO2e"}.get(u, u)
    return {"公噸/年": "公噸CO2e/年", "年可回收": "年"}.get(u, u)


@dataclass
class Para:
    section: str
    line: int
    text: str
    heading: bool = False
    region: str = "text"  # text | highlight
    case: tuple = ()  # (case_no, case_zh) in the highlight section


@dataclass
class Figure:
    value: str  # as printed, thousands separators removed, sign added for a stated decrease
    unit: str
    quote: str
    section: str
    line: int
    clause: str
    before: str  # the sentence up to the figure
    heading: bool = False
    key: str = ""
    why: str = ""
    case: tuple = ()
    extra: dict = field(default_factory=dict)


def paragraphs(lines: list[str], end: int) -> list[Para]:
    """The prose of lines[:end] as paragraphs with their section ('壹 一(二)3'); tables, captions skipped."""
    top = l1 = l2 = l3 = ""
    out: list[Para] = []
    in_table = False
    highlight = False
    case = ()
    prev = ""

    def label():
        return f"{top} {l1}{l2}{l3}".strip()

    for i in range(end):
        raw = lines[i]
        s = raw.strip()
        if not s:
            continue
        if in_table:
            if not TABLE_END_RX.match(s):
                continue
            in_table = False
        if CAPTION_RX.match(s):
            in_table = s.startswith("表")
            prev = ""
            continue
        head = None
        if TOP_RX.match(s):
            top, l1, l2, l3 = nows(TOP_RX.match(s).group(1)), "", "", ""
            head = "top"
        elif L1_RX.match(s):
            l1, l2, l3 = L1_RX.match(s).group(1), "", ""
            head = "l1"
        elif L2_RX.match(s):
            l2, l3 = f"({L2_RX.match(s).group(1)})", ""
            head = "l2"
        elif L3_RX.match(s) and len(nows(s)) <= 40 and (not re.match(r"^\d{1,2}[.．]\d", s) or (
                re.match(r"^\d{1,2}[.．]\d{2,3}\s*年", s) and not re.search(r"[，。；]", s) and len(nows(s)) <= 25)):
            l3 = L3_RX.match(s).group(1)
            head = "l3"
        if head in ("top", "l1", "l2"):
            highlight = head == "l2" and "亮點成果" in nows(s)
            case = ()
        if head:
            if highlight and head == "l3":
                case = (int(l3), nows(s[L3_RX.match(s).end():]))
            out.append(Para(label() + (" heading" if head != "l3" else ""), i + 1, s, True,
                            "highlight" if highlight else "text", case))
            prev = ""
            continue
        starts_para = (not out or out[-1].heading or (raw[:1].isspace() and prev
                       and not re.search(r"[，、；（(\u4e00-\u9fff]$", prev)))
        if starts_para:
            out.append(Para(label(), i + 1, s, False, "highlight" if highlight else "text", case))
        else:
            latin = re.search(r"[A-Za-z0-9]$", out[-1].text) and re.match(r"[A-Za-z0-9]", s)
            out[-1].text += " " + s if latin else s
        prev = s
    return out


def _clauses(text: str):
    """(clause, sentence up to the clause's start, offset) of a paragraph."""
    sent_start = 0
    for m in re.finditer(r"[^，。；]+[，。；]?", text):
        c = m.group(0)
        yield c.rstrip("，。；").strip(), text[sent_start:m.start()], m.start()
        if c.endswith("。"):
            sent_start = m.end()


# A count printed in 萬 (1.2 萬人次, 3 萬家) or a share as 百分之 49: read as the number they state, and named
TEN_THOUSAND_RX = re.compile(rf"(?<![\d.,A-Za-z])({N})\s*萬\s*(?=人次|場次|家|項|座|件|案|筆)")
PER_CENT_RX = re.compile(rf"百分之\s*({N})(?![\d.,])")
# A number in digits times a Chinese numeral unit before a unit (3千家, 1.2億人次, 2百萬公噸, 5千萬元): read as the
# number it states, a 萬 or 億 that opens the unit kept in it (2百萬公噸 is 200 萬公噸), and named; where the unit
# opens with the numeral unit itself (1.2億元, 1.7 百萬公噸 CO2e) the figure is read as printed, as before
DIGITS_TIMES = rf"(?<![\d.,A-Za-z])({N})\s*((?:百|千)(?:萬|億)?|億)\s*(?=(?:{{units}}))"
MULTIPLIER = {"百": 100, "千": 1000, **BIG}
# The same in Chinese numerals (百分之四十九, 百分之十二點五, 百分之百; 二十五家, 兩百三十萬公噸): a run of them
# before a unit, not inside a longer run or after 第 (an ordinal) or 每 (each); read by numerals.cn_number, or
# not a figure
CN_PER_CENT_RX = re.compile(rf"百分之\s*({RUN})")
CN_BEFORE_UNIT = rf"(?<![{RUN_CHARS}\d.,A-Za-z第每])({RUN})\s*(?=(?:{{units}}))"


@lru_cache(maxsize=8)  # (called with the headlines' units or the cases')
def _before_units(units: str) -> tuple[re.Pattern, re.Pattern]:
    """:data:`CN_BEFORE_UNIT` and :data:`DIGITS_TIMES` before a unit of ``units``, compiled."""
    return re.compile(CN_BEFORE_UNIT.format(units=units)), re.compile(DIGITS_TIMES.format(units=units))


def _chinese(m: re.Match, units: str, clause: str) -> str | None:
    """A run of Chinese numerals before a unit written in digits as the figure it states ('230 萬' where 萬 opens
    the unit, 萬公噸), or None where it states no number."""
    run = m.group(1)
    if run in FORMAL and m.start(1) and re.match(r"[\u4e00-\u9fff]", clause[m.start(1) - 1]):
        return None  # a formal digit alone after a word is a word's character (大陸家具, 參與): no figure
    try:
        v = cn_number(run)
    except ValueError:
        return None
    if run[-1] in BIG and re.match(rf"(?:{units})", clause[m.end(1) - 1:]):
        return f"{plain(v / BIG[run[-1]])} {run[-1]}"
    return plain(v) + " "


def _grouped(value: Decimal) -> str:
    """``value`` in digits with its thousands grouped (12,000; 1,250.5)."""
    whole, _, frac = plain(value).partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def _times(m: re.Match, units: str, clause: str) -> str | None:
    """Digits times a Chinese numeral unit (3千, 2百萬) before a unit, written in digits ('3,000 ', '200 萬' where 萬
    opens the unit: 萬公噸); None where the numeral unit opens a unit itself (億元, 百萬公噸 CO2e: read as printed)."""
    mult = m.group(2)
    if re.match(rf"(?:{units})", clause[m.start(2):]):
        return None
    value = Decimal(number(m.group(1)))
    for ch in mult:
        value *= MULTIPLIER[ch]
    if mult[-1] in BIG and re.match(rf"(?:{units})", clause[m.end(2) - 1:]):
        return f"{_grouped(value / BIG[mult[-1]])} {mult[-1]}"
    return _grouped(value) + " "


def _per_cent(m: re.Match) -> str | None:
    try:
        return plain(Decimal(100) if m.group(1) == "百" else cn_number(m.group(1))) + "%"
    except ValueError:
        return None


def _spelled(clause: str, units: str = HEADLINE_UNIT) -> tuple[str, list]:
    """(the clause with counts in 萬, shares written 百分之 N and numbers in Chinese numerals before a unit of
    ``units`` as plain figures, [(start, end, what was read so)] of each such figure in it)."""
    chinese_rx, times_rx = _before_units(units)
    found = ([(m, f"{float(number(m.group(1))) * 10000:,.0f} ", "") for m in TEN_THOUSAND_RX.finditer(clause)]
             + [(m, f"{m.group(1)}%", "") for m in PER_CENT_RX.finditer(clause)]
             + [(m, _per_cent(m), " from Chinese numerals") for m in CN_PER_CENT_RX.finditer(clause)]
             + [(m, _chinese(m, units, clause), " from Chinese numerals")
                for m in chinese_rx.finditer(clause)]
             + [(m, _times(m, units, clause), "") for m in times_rx.finditer(clause)])
    out, spans, pos = "", [], 0
    for m, plain_, how in sorted(found, key=lambda x: x[0].start()):
        if plain_ is None or m.start() < pos:
            continue
        printed = m.group(0).strip() if not how or m.re is CN_PER_CENT_RX else m.group(1)
        out += clause[pos:m.start()]
        spans.append((len(out), len(out) + len(plain_), f"'{printed}' read{how} as {plain_.strip()}"))
        out += plain_
        pos = m.end()
    return out + clause[pos:], spans


def stated_figures(paras: list[Para], rx=FIG_RX, kind="headline") -> list[Figure]:
    out = []
    for p in paras:
        for printed, before, _ in _clauses(p.text):
            clause, spans = _spelled(printed, HEADLINE_UNIT if kind == "headline" else CASE_UNIT)
            for g in rx.finditer(clause):
                said = "; ".join(w for a, b, w in spans if a < g.end() and g.start() < b)
                pre = clause[: g.start()]
                v = number(g.group(1))
                unit = unit_of(g.group(2), kind)
                if unit.startswith("家") and unit not in UNITS and kind == "headline":
                    unit = "家"
                if DECREASE_RX.search(pre) and not re.search(r"降至\s*$", pre):
                    v = "-" + v
                out.append(Figure(v, unit, printed, p.section, p.line, clause, before + pre, p.heading, case=p.case,
                                  extra={"spelled": said} if said else {}))
    return out


# --------------------------------------------------------------------------- keying

def _g(roc: str) -> int | None:
    """The Gregorian year of an ROC year read from a sentence; None for a number no report year can be (a year
    printed apart, 1 05-109, reads as 05)."""
    try:
        return normalize_year(int(roc))
    except ParameterError:
        return None


# (key template, pattern on the clause; a rule may also require / forbid a word in the sentence so far)
# Templates: {a}-{b} a period's Gregorian years, {t} a year, {base} the base year; each read from
# the sentence (or, for {t}, the last year printed before the figure in the sentence).
KEY_RULES = [
    ("first_period_strategies", r"(?P<v>\d+)\s*項推動策略", "第一期", None),
    ("strategies", r"(?P<v>\d+)\s*項推動策略", None, "第一期"),
    ("first_period_measures", r"(?P<v>\d+)\s*項具體措施", "第一期", None),
    ("measures", r"(?P<v>\d+)\s*項具體措施|行動方案共計\s*(?P<v2>\d+)\s*項措施", None, "第一期"),
    ("substantive_measures", r"實質減量(?:有)?\s*(?P<v>\d+)\s*項", None, None),
    ("capacity_measures", r"能力建構(?:有)?\s*(?P<v>\d+)\s*項", None, None),
    ("second_period_aspect_strategies", r"面向\s*(?P<v>\d+)\s*項策略", None, None),
    ("planned_budget_{a}_{b}",
     rf"(?P<a>\d{{2,3}})\s*[~～-]\s*(?P<b>\d{{2,3}})\s*年預計投入經費(?:共)?\s*"
     rf"(?P<v>{N})\s*億元", None, None),
    ("actual_budget_report_year", rf"(?P<r>\d{{2,3}})\s*年實際執行經費\s*(?P<v>{N})\s*億元", None, None),
    ("actual_budget_report_year_section_2", rf"執行經費投入\s*(?P<v>{N})\s*億元", None, None),
    ("reduction_report_year",
     rf"(?P<r>\d{{2,3}})\s*年(?:措施總減碳量為|促進溫室氣體減量)\s*(?P<v>{N})\s*百萬公噸", None, None),
    ("reduction_heading_report_year",
     rf"^[(（][{CN_NUM}]+[)）]\s*促進溫室氣體減量\s*(?P<v>{N})\s*百萬公噸", None, None),
    ("first_period_reduction", rf"減量合計\s*(?P<v>{N})\s*萬公噸", "第一期", None),
    ("target_emissions_{t}",
     rf"(?P<t>\d{{2,3}})\s*年(?:溫室氣體排放量目標|核定目標)\s*(?:為|：|:)\s*(?P<v>{N}"
     rf")\s*百萬公噸", None, None),
    ("target_period_{a}_{b}",
     rf"第一期(?:\s*[(（]\s*(?P<a>\d+)\s*-\s*(?P<b>\d+)\s*年\s*[)）])?\s*階"
     rf"段管制目標排放總(?:當)?量\s*(?:為|：|:)\s*(?P<v>{N})\s*百萬公噸", None, None),
    ("emissions_{t}", rf"(?P<t>\d{{2,3}})\s*年排放量為\s*(?P<v>{N})\s*百萬公噸", None, None),
    ("emissions_period_{a}_{b}",
     rf"(?P<a>\d{{2,3}})\s*-\s*(?P<b>\d{{2,3}})\s*年排放總量為\s*(?P<v>{N}"
     rf")\s*百萬公噸", None, None),
    ("intensity_target_change_{t}_vs_{base}",
     rf"(?:評量指標|原訂目標|符合).*?碳密集度較\s*(?P<base>\d{{2,3}})\s*年?\s*(?:[(（"
     rf"]基準年[)）])?\s*[:：]?\s*(?:已)?下降\s*(?P<v>{N})\s*%|較\s*(?P<base2"
     rf">\d{{2,3}})\s*年下降\s*(?P<v2>{N})\s*%之預期目標", None, None),
    ("intensity_change_{t}_vs_{base}",
     rf"^(?!.*(?:評量指標|原訂目標)).*?碳密集度較\s*(?P<base>\d{{2,3}})\s*年?\s*(?"
     rf":[(（]基準年[)）])?\s*[:：]?\s*(?:已)?下降\s*(?P<v>{N})\s*%", None, None),
    ("gdp_change_{a}_{b}",
     rf"(?P<a>\d{{2,3}})\s*-\s*(?P<b>\d{{2,3}})\s*年\s*GDP\s*成\s*長\s*"
     rf"(?P<v>{N})\s*%", None, None),
    ("{fuel}_change_{a}_{b}", rf"(?P<fuel>燃料油|煤炭|電力|天然氣)消費量(?:減少|增加)\s*(?P<v>{N})\s*%", None, None),
    ("fuel_oil_change_{t}_vs_{base}", rf"(?P<t>\d{{2,3}})\s*年較基準年減\s*(?P<v>{N})\s*%", "燃料油", None),
    ("emissions_change_{a}_{b}", rf"溫室氣體排放量(?:減少|增加)\s*(?P<v>{N})\s*百萬公噸", None, None),
    ("emissions_change_pct_{a}_{b}",
     rf"溫室氣體排放量(?:減少|增加)\s*{N}\s*百萬公噸\s*CO\s*2\s*e\s*[(（]\s*(?:減|增)\s*"
     rf"(?P<v>{N})\s*%", None, None),
    ("{source}_share_of_{of}_{t}",
     rf"(?P<t>\d{{2,3}})\s*年排放量占(?P<of>製造部門|全國)比率已(?:提升|降)至\s*(?P<v>"
     rf"{N})\s*%", None, None),
    ("net_zero_companies", r"(?P<v>\d+)\s*家企業響應淨零", None, None),
    ("net_zero_companies_share_of_sector", rf"排放量合計占我國製造部門\s*(?P<v>{N})\s*%", "淨零", None),
    ("factories_energy_saving_service", r"(?P<v>\d[\d,]*)\s*家工廠節能減碳技術服務", None, None),
    ("factories_process_improvement", r"(?P<v>\d[\d,]*)\s*家工廠製程改善", None, None),
    ("industrial_parks_resource_linkage", r"(?P<v>\d[\d,]*)\s*家產業園區能資源鏈結", None, None),
    ("factories_low_carbon_fuel", r"(?P<v>\d[\d,]*)\s*家工廠低碳燃料轉換", None, None),
    ("factories_smart_energy_management", r"(?P<v>\d[\d,]*)\s*家工廠導入智慧化能源管理", None, None),
    ("industry_meetings", r"(?P<v>\d[\d,]*)\s*場次產業減碳工作會議", None, None),
    ("firms_green_supply_chain", r"(?P<v>\d[\d,]*)\s*家廠商導入綠色供應鏈", None, None),
    ("firms_green_factory", r"(?P<v>\d[\d,]*)\s*家廠商通過綠色工廠", None, None),
    ("awareness_sessions", r"(?P<v>\d[\d,]*)\s*場次氣候變遷調適宣導", None, None),
    ("trainees", r"(?P<v>\d[\d,]*)\s*人次培訓", None, None),
]
_KEY_RULES_RX = [(tmpl, re.compile(pat), need, forbid) for tmpl, pat, need, forbid in KEY_RULES]
FUELS = {"燃料油": "fuel_oil", "煤炭": "coal", "電力": "electricity", "天然氣": "natural_gas"}
SHARE_OF = {"製造部門": "sector_emissions", "全國": "national"}
SHARE_SOURCE = [("燃料燃燒", "fuel_combustion"), ("電力", "electricity")]
YEAR_RX = re.compile(r"(?<![\d.])(\d{2,3})\s*(?:年|\s*[)）])")
PERIOD_RX = re.compile(r"(?<![\d.])(\d{2,3})\s*[-~～至]\s*(\d{2,3})\s*年")
# A period the text names: 第一期, 第 2 期, or its years (105-109 年)
PERIOD_NAMED = re.compile(rf"第\s*([{CN_NUM}]+|\d+)\s*期|{PERIOD_RX.pattern}")


def _period_near(text: str, ctx: dict, last: bool = True):
    """The period ``text`` names last (or first): (the words 第一期 where it is the first period, by name or by
    its years, else '', its (a, b) years or None where only its name is printed); None where it names none."""
    found = list(PERIOD_NAMED.finditer(text))
    if not found:
        return None
    m = found[-1 if last else 0]
    if m.group(1):
        first = m.group(1) in ("一", "1")
        return ("第一期" if first else "", ctx.get("first_period") if first else None)
    years = (m.group(2), m.group(3))
    return ("第一期" if ctx.get("first_period") == years else "", years)


def _context(text: str) -> dict:
    """Years the whole text fixes: the base year ('94 年(基準年)') and the first period's years."""
    ctx = {}
    m = re.search(r"(\d{2,3})\s*年?\s*[(（]\s*基準年\s*[)）]", text)
    if m:
        ctx["base"] = m.group(1)
    m = re.search(r"第一期\s*[(（]\s*(\d{2,3})\s*-\s*(\d{2,3})\s*年", text)
    if m:
        ctx["first_period"] = (m.group(1), m.group(2))
    return ctx


def _says(word: str, f: Figure, near) -> bool:
    """The sentence names ``word`` for the figure: 第一期 as the period named nearest before it (``near``,
    :func:`_period_near`), another word anywhere up to the end of the figure's clause."""
    if word == "第一期":
        return bool(near) and near[0] == word
    return word in f.before + f.clause


def _after(f: Figure) -> str:
    """The figure's clause after the figure's start (``before`` ends with the clause up to it)."""
    k = max(k for k in range(len(f.clause) + 1) if f.before.endswith(f.clause[:k]))
    return f.clause[k:]


def _key_for(f: Figure, roc: int, ctx: dict):
    """(key, reason) for a stated figure: a key when exactly one rule names it, else ('', why)."""
    hits = []
    near = _period_near(f.before, ctx)  # (the period a rule needs or forbids is the one named nearest before)
    for tmpl, rx, need, forbid in _KEY_RULES_RX:
        if need and not _says(need, f, near) or forbid and _says(forbid, f, near):
            continue
        for m in rx.finditer(f.clause):
            gd = {k: v for k, v in m.groupdict().items() if v is not None}
            v = gd.get("v") or gd.get("v2")
            if v is None or abs(float(number(v)) - abs(float(f.value))) > 1e-12:
                continue
            # the figure must be the one the rule's value group matched
            vstart = m.start("v") if m.group("v") is not None else m.start("v2")
            if not f.clause.startswith(v, vstart):
                continue
            hits.append((tmpl, gd))
    if not hits:
        return "", "no phrase of the key vocabulary names it"
    keys = set()
    for tmpl, gd in hits:
        k = _fill(tmpl, gd, f, roc, ctx)
        if k:
            keys.add(k)
    if len(keys) == 1:
        return keys.pop(), ""
    if not keys:
        return "", "a phrase names it but its years could not be read from the sentence"
    return "", "several key phrases match: " + ", ".join(sorted(keys))


def _fill(tmpl: str, gd: dict, f: Figure, roc: int, ctx: dict) -> str:
    if "r" in gd and int(gd["r"]) != roc:
        return ""
    vals = {}
    if "{a}" in tmpl:
        if "a" in gd:
            a, b = gd["a"], gd["b"]
        else:  # the period named nearest before the figure, else the first named after it in its clause
            near = _period_near(f.before, ctx) or _period_near(_after(f), ctx, last=False)
            if not near or not near[1]:
                return ""
            a, b = near[1]
        vals["a"], vals["b"] = _g(a), _g(b)
    if "{t}" in tmpl:
        t = gd.get("t")
        if t is None:
            before = f.before + f.clause[: f.clause.find("碳密集度") if "碳密集度" in f.clause else len(f.clause)]
            ys = [y for y in (PERIOD_RX.sub(lambda m: m.group(2) + " 年", before) and
                              YEAR_RX.findall(PERIOD_RX.sub(lambda m: m.group(2) + " 年", before)))
                  if y != ctx.get("base")]
            if not ys:
                return ""
            t = ys[-1]
        vals["t"] = _g(t)
    if "{base}" in tmpl:
        base = gd.get("base") or gd.get("base2") or ctx.get("base")
        if not base:
            return ""
        vals["base"] = _g(base)
    if None in vals.values():  # (a year no report can name: the key is not filled, the figure a candidate)
        return ""
    if "{fuel}" in tmpl:
        vals["fuel"] = FUELS[gd["fuel"]]
    if "{of}" in tmpl:
        vals["of"] = SHARE_OF[gd["of"]]
        src = next((e for w, e in SHARE_SOURCE if w in f.before[-60:]), None)
        if not src:
            return ""
        vals["source"] = src
    return tmpl.format(**vals)


def _decimals(v: str) -> int:
    return len(v.split(".", 1)[1]) if "." in v else 0


def headlines(paras: list[Para], text: str, year: int):
    """(rows of published_headlines.csv, candidates): every stated figure of the prose, keyed or not."""
    roc = roc_year(year)
    ctx = _context(text)
    figs = stated_figures([p for p in paras if p.region == "text"])
    for f in figs:
        f.key, f.why = _key_for(f, roc, ctx)
        if f.extra.get("spelled"):
            f.why = "; ".join(x for x in (f.why, f"printed {f.extra['spelled']}") if x)
    by_key: dict[str, list[Figure]] = {}
    for f in figs:
        if f.key:
            by_key.setdefault(f.key, []).append(f)
    # a key stated with more decimals somewhere and rounded elsewhere: two rows, '<key>_rounded'
    for k, fs in list(by_key.items()):
        vals = sorted({(float(f.value), _decimals(f.value)) for f in fs}, key=lambda x: -x[1])
        if len(vals) == 2 and vals[0][1] > vals[1][1] and round(vals[0][0], vals[1][1]) == vals[1][0]:
            for f in fs:
                if _decimals(f.value) == vals[1][1]:
                    f.key = k + "_rounded"
            by_key[k] = [f for f in fs if f.key == k]
            by_key[k + "_rounded"] = [f for f in fs if f.key != k]
        elif len(vals) > 1:
            for f in fs:
                f.key, f.why = "", (f"key '{k}' stated with different values: "
                                    + ", ".join(sorted({x.value for x in fs})))
            del by_key[k]
    # an unkeyed figure printed with more decimals than exactly one keyed figure of the same unit
    keyed = [(k, fs[0]) for k, fs in by_key.items()]
    for f in figs:
        if f.key or _decimals(f.value) == 0:
            continue
        near = [(k, g) for k, g in keyed if g.unit == f.unit and _decimals(g.value) < _decimals(f.value)
                and round(float(f.value), _decimals(g.value)) == float(g.value)]
        if len(near) == 1 and near[0][0] + "_rounded" not in by_key and not near[0][0].endswith("_rounded"):
            k, g = near[0]
            f.why = (f"taken as the precise value of '{k}' ({g.value}, which it rounds to); the rounded one keyed"
                     f" '{k}_rounded'")
            for x in by_key.pop(k):
                x.key = k + "_rounded"
                by_key.setdefault(k + "_rounded", []).append(x)
            f.key = k
            by_key[k] = [f]
            f.extra["inferred"] = True
    rows, order = [], []
    for f in figs:
        if f.key and f.key not in order and f.unit in UNITS:
            order.append(f.key)
    for k in order:
        fs = by_key[k]
        sections = list(dict.fromkeys(f.section for f in fs))
        rows.append({"key": k, "value": fs[0].value, "unit_zh": fs[0].unit, "section_zh": "; ".join(sections),
                     "quote_zh": fs[0].quote, "_line": fs[0].line, "_why": fs[0].why})
    cands = [f for f in figs if not f.key or f.unit not in UNITS]
    return rows, cands


def highlight_cases(paras: list[Para]):
    """Rows of highlight_cases.csv: every figure with a unit in 亮點成果, per case, keys positional."""
    rows = []
    n = {}
    cases = [p for p in paras if p.region == "highlight" and p.case and not p.heading]
    for f in stated_figures(cases, CASE_RX, "case"):
        if f.value.startswith("-"):
            f.value = f.value[1:]  # highlight figures are recorded as printed
        case_no, case_zh = f.case
        n[case_no] = n.get(case_no, 0) + 1
        unit = f.unit
        if unit == "萬度" and re.search(r"每年|/年", f.clause):
            unit = "萬度/年"
        rows.append({"case_no": case_no, "case_zh": re.sub(r"^\d+\s*[.．]\s*", "", case_zh),
                     "key": f"figure_{n[case_no]}",
                     "value": f.value, "unit_zh": unit, "quote_zh": f.quote, "_line": f.line})
    return rows
