"""Cells that a spreadsheet would run as a formula, made inert in every CSV Lockstep writes.

Captions, usernames, hashtags and sound titles are written by the people under investigation.
A cell that starts with ``=``, ``+``, ``-`` or ``@`` (after any leading spaces), or with a tab or a
carriage return, is a formula to Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``). Following OWASP's guidance on CSV injection, such a text cell is
prefixed with a single quote, which spreadsheets show as text; numbers are left alone (a
negative count is not a formula) and JSON exports stay exact.

>>> import pandas as pd
>>> inert(pd.DataFrame({"caption": ["=1+1", "ok", " @SUM(A1)"], "posts": [-1, 2, 3]})).to_dict("list")
{'caption': ["'=1+1", 'ok', "' @SUM(A1)"], 'posts': [-1, 2, 3]}
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA = re.compile(r"^(?:[\t\r]| *[=+\-@])")


def inert(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its text cells inert (module docstring; a copy only if one had to
    change); other columns as they are."""
    import pandas as pd  # not at import: the coordination command parses while pandas loads

    out = table
    for col in table.columns:
        values = table[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        # one vectorised match per column: the pairs table of a large run has millions of cells
        hit = values.str.match(FORMULA.pattern, na=False).to_numpy(dtype=bool)
        if hit.any():
            if out is table:
                out = table.copy()
            out[col] = values.where(~hit, "'" + values.astype(str))
    return out
