"""Fixtures for the reader tests: a CJK font to print PDFs with."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .generate import find_cjk_font


@pytest.fixture(scope="session")
def cjk_font() -> Path:
    """A CJK TrueType font (scripts/install-system-deps.sh installs one); skips without, fails under CI=true."""
    font = find_cjk_font()
    if font is not None:
        return font
    reason = "no CJK TrueType font installed: run scripts/install-system-deps.sh (fonts-wqy-microhei)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true makes its absence a failure)")
    pytest.skip(reason)
