"""Export noise that standardisation removes: full-width characters, stray blanks, lower-case codes."""

import random

IDEOGRAPHIC_SPACE = "\u3000"
_FULL_WIDTH = str.maketrans(
    {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()"}
)


def full_width(text: str) -> str:
    """２０２４, ＡＢＣ, （鄂）: what NFKC turns back into ASCII."""
    return text.translate(_FULL_WIDTH)


def surround(text: str, rng: random.Random) -> str:
    """Leading or trailing blanks, ideographic or not, that trimming removes."""
    before, after = rng.choice(((" ", ""), ("", " "), (IDEOGRAPHIC_SPACE, ""), ("", IDEOGRAPHIC_SPACE), ("  ", " ")))
    return before + text + after


def disguise(text: str, code: bool, rng: random.Random) -> str:
    """One kind of noise on one value; the value standardises back to `text`."""
    roll = rng.random()
    if code and roll < 0.35 and text.lower() != text:
        return text.lower()
    if roll < 0.7 and full_width(text) != text:
        return full_width(text)
    return surround(text, rng)
