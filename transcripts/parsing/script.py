"""Which Chinese script a text is written in: Simplified (zh-Hans) or Traditional (zh-Hant).

OpenCC converts the text both ways: a character that Traditional-to-Simplified changes is a
Traditional one, and one that Simplified-to-Traditional changes is a Simplified one. The text is
in the script with more of its own characters; a text with neither (English, or characters the
two scripts share) is Simplified, the site's default.
"""

from __future__ import annotations

from functools import cache

import opencc

SIMPLIFIED = "zh-Hans"
TRADITIONAL = "zh-Hant"
_SAMPLE = 200_000  # characters: more says nothing new


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """時候 → 时候: the text in Simplified characters."""
    return _converter("t2s").convert(text)


def changed(before: str, after: str) -> int:
    """How many characters a conversion changed."""
    return sum(1 for a, b in zip(before, after, strict=False) if a != b) + abs(
        len(before) - len(after)
    )


def script_of(*texts: str) -> str:
    """The texts' script: zh-Hant when they hold more Traditional-only characters than
    Simplified-only ones, else zh-Hans."""
    sample = "\n".join(texts)[:_SAMPLE]
    traditional = changed(sample, to_simplified(sample))
    simplified = changed(sample, _converter("s2t").convert(sample))
    return TRADITIONAL if traditional > simplified else SIMPLIFIED
