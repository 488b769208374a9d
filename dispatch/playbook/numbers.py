"""Counts as callers say them: digits, English number words, Chinese numerals.

``2``, ``two``, ``两``, ``十二``, ``二十三``, ``俩``; used by the pre-answers
(:mod:`dispatch.playbook.preanswer`) to read "two people hurt" or "三辆车追尾".
Only whole numbers up to a few hundred matter here (people, vehicles).
"""

from __future__ import annotations

import re

#: English number words (folded text: lower case).
EN_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "both": 2,
}  # fmt: skip

#: Chinese digits, simplified and traditional, and the colloquial 俩 (two) and 仨 (three).
ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9, "俩": 2, "倆": 2, "仨": 3}
ZH_UNITS = {"十": 10, "百": 100}
ZH_CHARS = "".join(ZH_DIGITS) + "".join(ZH_UNITS)

#: A number, as a regex over folded text: digits, an English word or a run of Chinese numerals.
EN_NUMBER = r"(?:\d+|" + "|".join(sorted(EN_NUMBERS, key=len, reverse=True)) + r")"
ZH_NUMBER = rf"(?:\d+|[{ZH_CHARS}]+)"

# 一 starts many words that are not counts: 一起 (together), 一直, 一下, 一家 (a family)…
_NOT_ONE = frozenset("起直下点些样边定路共切旦般会看堆片块")
_WORD_BEFORE = re.compile(r"[a-z']+\s*$")


def zh_value(numeral: str) -> int | None:
    """The value of a run of Chinese numerals (``十二`` → 12), ``None`` if it is not one.

    Examples:
        >>> zh_value("两"), zh_value("十"), zh_value("二十三"), zh_value("一百零五")
        (2, 10, 23, 105)
        >>> zh_value("七八") is None  # "seven or eight"
        True
    """
    if not numeral:
        return None
    if all(c in ZH_DIGITS for c in numeral):
        # 两三, 七八: "two or three", "seven or eight" — a guess, no count.
        return ZH_DIGITS[numeral] if len(numeral) == 1 else None
    total, digit = 0, None
    for char in numeral:
        if char in ZH_DIGITS:
            if digit not in (None, 0) and ZH_DIGITS[char] != 0:
                return None  # 二三十: a guess at a range, not a count
            digit = ZH_DIGITS[char]
        elif char in ZH_UNITS:
            total += (1 if digit is None else digit) * ZH_UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def number_value(text: str, said: str, start: int) -> int | None:
    """The count a matched number stands for, or ``None`` when in context it is no count.

    Args:
        text: The folded text the number was found in.
        said: The number as matched (``"two"``, ``"3"``, ``"十二"``).
        start: Where it starts in ``text``.

    ``no one`` is nobody, ``第二`` an ordinal (``第二车道``: the second lane) and
    ``一起``, ``一直``, ``一家`` are words, not counts.
    """
    if said.isdigit():
        return int(said)
    if said in EN_NUMBERS:
        before = _WORD_BEFORE.search(text, 0, start)
        if said == "one" and before and before.group().strip() in ("no", "every", "any", "the"):
            return None
        return EN_NUMBERS[said]
    if start > 0 and text[start - 1] == "第":
        return None
    after = text[start + len(said): start + len(said) + 1]
    if said == "一" and after in _NOT_ONE:
        return None
    return zh_value(said)
