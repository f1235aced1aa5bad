"""What the tests take for the other language in an edition: English prose in the Chinese edition's
figures (tests/test_figure_layout.py) and pages (tests/test_site.py)."""

from __future__ import annotations

import re

# An English word in lower case is prose (a description, "vs"); names of outside sources and acronyms
# (Taipei Times, GGDC/UNU-WIDER ..., CO2e, GDP, ISO) are capitalised. e-info is a source's own name. A
# word after a backslash or a brace is math text's (a tick label such as $\mathdefault{10^{2}}$), not prose.
ENGLISH_PROSE = re.compile(r"(?<![A-Za-z\\{-])[a-z]{2,}(?![A-Za-z])")


def english_prose(text: str) -> list[str]:
    return ENGLISH_PROSE.findall(text)
