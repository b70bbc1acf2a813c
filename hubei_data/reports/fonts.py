"""The font charts draw Chinese with: Debian's Noto Sans CJK, registered with matplotlib."""

import functools
from pathlib import Path

from matplotlib import font_manager

from hubei_data.reports import ReportError

NOTO = Path("/usr/share/fonts/opentype/noto")
REGULAR = NOTO / "NotoSansCJK-Regular.ttc"
BOLD = NOTO / "NotoSansCJK-Bold.ttc"
PACKAGE = "fonts-noto-cjk"
# The collection holds one face per region; the simplified Chinese one draws the forms readers expect.
FAMILY = "Noto Sans CJK SC"


@functools.cache
def register() -> Path:
    """Make the font known to matplotlib, once per process; refuse when it is not installed, since
    charts drawn without it show every Chinese character as an empty box."""
    if not REGULAR.is_file():
        raise ReportError(f"{REGULAR} is missing: install Debian's {PACKAGE} (apt-get install {PACKAGE}),"
                          " without it Chinese in charts would show as empty boxes")
    for path in (REGULAR, BOLD):
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
    return REGULAR
