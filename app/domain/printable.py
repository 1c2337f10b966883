"""Which characters names may not carry: control characters (C0, DEL, C1), line and paragraph separators,
invisible format characters (zero-width, bidi embeddings, overrides and isolates, the BOM) and lone
surrogates. They hide or reorder what an operator reads in logs and the dashboard, and NUL or a newline
breaks log lines and header round trips. One regular expression, as ids are checked for every task.
"""

import re

_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)


def has_unprintable(text: str) -> bool:
    return _UNPRINTABLE.search(text) is not None
