"""Chinese in charts is drawn as Chinese: charts whose titles differ in one character differ in pixels, which
they would not if every character were the same empty box."""

import io
import warnings

import pytest
from matplotlib import font_manager
from matplotlib.image import imread

from hubei_data.reports import ReportError, charts, fonts


def _pixels(png: bytes) -> bytes:
    return imread(io.BytesIO(png)).tobytes()


def _two_titles() -> tuple[bytes, bytes, list[str]]:
    """The same chart titled 推送行数 and 推送次数, and every warning drawing them raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = [charts.bars(["湖北省医疗保障局", "湖北省公安厅"], {"推送行数": [120, 30]}, title, "行")
                 for title in ("推送行数", "推送次数")]
    return *drawn, [str(w.message) for w in caught]


def test_chinese_is_drawn_with_the_noto_cjk_font():
    first, second, said = _two_titles()
    assert [message for message in said if "missing from font" in message] == []
    assert _pixels(first) != _pixels(second)
    found = font_manager.findfont(font_manager.FontProperties(family=fonts.FAMILY), fallback_to_default=False)
    assert found == str(fonts.REGULAR)


def test_without_a_cjk_font_the_same_two_charts_would_be_identical_boxes(monkeypatch):
    """The check above can tell: in a font without Chinese, both titles are the same row of boxes."""
    monkeypatch.setattr(charts, "style", lambda: {"font.family": ["DejaVu Sans"]})
    first, second, said = _two_titles()
    assert _pixels(first) == _pixels(second)
    assert any("missing from font" in message for message in said)


def test_a_machine_without_the_font_is_told_which_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "REGULAR", tmp_path / "NotoSansCJK-Regular.ttc")
    fonts.register.cache_clear()
    try:
        with pytest.raises(ReportError, match="install Debian's fonts-noto-cjk"):
            charts.bars(["一"], {"数": [1]}, "图", "")
    finally:
        fonts.register.cache_clear()
