"""Numbers written in Chinese numerals (二十五, 兩百三十萬, 十二點五, 廿五): :func:`cn_number` reads one as the number
it states, or refuses it (``ValueError``) where it states no single number.

Read: the digits 零〇一二兩三四五六七八九, 廿 (二十) and 卅 (三十); the units 十百千 inside a group of four and
萬 億 over groups (一億兩千萬 is 120,000,000); 十 without a digit before it (十二, 一百十); 零 for a skipped unit
(一百零五); a last digit that stands for the unit below the one before it, as it is said (兩百三 is 230, 一萬二 is
12,000); 點 and the digits after it, each one (十二點五, 零點〇五), followed or not by 萬 or 億 (十二點五萬 is
125,000).

The formal (大寫) forms, as amounts are written out, are read as the common ones, alone or mixed with them: the digits
壹貳(貮)參(叁)肆伍陸柒捌玖 and the units 拾佰仟 (壹佰貳拾萬 is 1,200,000; 拾貳 is 12, as 十二).

Refused: a unit without its digit but 十 or 拾 (百, 萬), digits side by side (三四 and 二三十 say a range or a guess,
not a number), units out of order (三十百), a unit after 零, 點 without digits on both sides.

The value is a :class:`decimal.Decimal`, so 十二點五 is exactly 12.5; :func:`plain` writes it as a report would print
it in digits.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# the formal (大寫) digits and units, read as the common ones
FORMAL_DIGITS = {"壹": 1, "貳": 2, "貮": 2, "參": 3, "叁": 3, "肆": 4, "伍": 5, "陸": 6, "柒": 7, "捌": 8, "玖": 9}
FORMAL_SMALL = {"拾": 10, "佰": 100, "仟": 1000}
DIGITS.update(FORMAL_DIGITS)
TENS = {"廿": "二十", "卅": "三十"}
SMALL = {"十": 10, "百": 100, "千": 1000, **FORMAL_SMALL}
BIG = {"萬": 10 ** 4, "億": 10 ** 8}
FORMAL = "".join(FORMAL_DIGITS) + "".join(FORMAL_SMALL)
# A run of characters that may be one number (for a pattern; cn_number decides whether it is)
_FRACTION = "零〇一二三四五六七八九" + "".join(FORMAL_DIGITS)
RUN = f"[零〇一二兩三四五六七八九十廿卅百千萬億{FORMAL}]+(?:點[{_FRACTION}]+[萬億]?)?"
# The characters a run is made of: a run starts where none of these (nor a digit) stands before it
RUN_CHARS = f"零〇一二兩三四五六七八九十廿卅百千萬億{FORMAL}點"


def _integer(s: str, spoken: bool = True) -> int:
    """The whole number ``s`` states; ``spoken``: a last digit may stand for the unit below the one before it."""
    if s in ("零", "〇"):
        return 0
    total, group = 0, 0  # the groups above 萬/億 already counted, and the group of four being read
    digit = None  # a digit read and not yet placed by a unit
    unit = None  # the unit (its value) right before the current character, if one is
    digit_after = None  # the unit right before the pending digit
    zero = False  # a 零 since the last unit
    last_small, last_big = None, None  # the last unit inside the group, and over the groups
    for ch in s:
        if ch in DIGITS:
            if DIGITS[ch] == 0:
                if not (group or total) or digit is not None:
                    raise ValueError(f"零 where no unit is skipped in '{s}'")
                zero, unit = True, None
                continue
            if digit is not None:
                raise ValueError(f"digits side by side in '{s}' (a range or a guess, not a number)")
            digit, digit_after, unit = DIGITS[ch], unit, None
        elif ch in SMALL:
            u = SMALL[ch]
            if digit is None and (ch not in ("十", "拾") or zero):
                raise ValueError(f"'{ch}' without its digit in '{s}'")
            if last_small is not None and u >= last_small:
                raise ValueError(f"units out of order in '{s}'")
            group += (1 if digit is None else digit) * u
            digit, zero, last_small, unit = None, False, u, u
        elif ch in BIG:
            u = BIG[ch]
            group += digit or 0
            if not group:
                raise ValueError(f"'{ch}' without its digit in '{s}'")
            if last_big is not None and u >= last_big:
                raise ValueError(f"units out of order in '{s}'")
            total += group * u
            group, digit, zero, last_small, last_big, unit = 0, None, False, None, u, u
        else:
            raise ValueError(f"'{ch}' is no Chinese numeral in '{s}'")
    if digit is not None:
        # a last digit right after 百, 千, 萬 or 億 stands for the unit below it (兩百三 = 230, 一萬二 = 12,000)
        if digit_after and digit_after >= 100:
            if not spoken:
                raise ValueError(f"a digit right after a unit of 百 or more before 點 in '{s}'")
            digit *= digit_after // 10
        group += digit
    elif zero:
        raise ValueError(f"'{s}' ends with 零")
    return total + group


def cn_number(text: str) -> Decimal:
    """The number ``text`` (Chinese numerals only, spaces allowed) states; ``ValueError`` where it states none."""
    s = "".join(text.split())
    for k, v in TENS.items():
        s = s.replace(k, v)
    whole, point, frac = s.partition("點")
    if not whole:
        raise ValueError(f"'{text}' has no number before 點")
    scale = 1
    if point:
        if frac[-1:] in BIG:
            scale, frac = BIG[frac[-1]], frac[:-1]
        if not frac or any(c not in DIGITS or c == "兩" for c in frac):
            raise ValueError(f"'{text}' has no digits after 點")
        if scale > 1 and any(c in BIG for c in whole):
            raise ValueError(f"'{text}' has 萬 or 億 on both sides of 點")
    value = Decimal(_integer(whole, spoken=not point))
    if frac:
        value += Decimal("0." + "".join(str(DIGITS[c]) for c in frac))
    return value * scale


def plain(value: Decimal) -> str:
    """``value`` in digits as printed: no exponent, no trailing zeros after the point (2300000, 12.5)."""
    s = format(value, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s
