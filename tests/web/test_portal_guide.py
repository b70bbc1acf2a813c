"""The user guide and the training outline say what the portal does and show pictures the browser tests take."""

import re
from pathlib import Path

from hubei_data.web.portal import menu_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = DOCS / "portal-guide.md"
TRAINING = DOCS / "training.md"
TESTS = Path(__file__).resolve().parent


def _taken() -> set[str]:
    """The screenshots the browser tests take."""
    return {name for path in TESTS.glob("test_*.py")
            for name in re.findall(r'screenshot\("([a-z-]+)"\)', path.read_text(encoding="utf-8"))}


def test_the_guide_shows_the_menu_each_role_has():
    assert menu_markdown() in GUIDE.read_text(encoding="utf-8"), \
        "docs/portal-guide.md's table of modules differs from the menu: paste portal.menu_markdown() into it"


def test_every_picture_in_the_guide_is_taken_by_a_browser_test_and_every_one_taken_is_shown():
    shown = set(re.findall(r"\(portal/([a-z-]+)\.png\)", GUIDE.read_text(encoding="utf-8")))
    assert shown == _taken()
    assert all((DOCS / "portal" / f"{name}.png").is_file() for name in shown)


def test_the_training_outline_names_only_pictures_the_tests_take():
    rows = [line for line in TRAINING.read_text(encoding="utf-8").splitlines() if line.startswith("| 0:") or
            line.startswith("| 1:") or line.startswith("| 2:") or line.startswith("| 3:")]
    named = {name.strip() for row in rows for name in row.rstrip("|").split("|")[-1].split(",") if name.strip()}
    assert named and named <= _taken()
