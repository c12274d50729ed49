"""Straightening scanned pages before OCR.

A page fed into a scanner a little askew is common; tesseract's layout analysis then loses
whole paragraphs (measured on the samples: a page skewed by about 2° lost four of its six
paragraphs, and none once straightened). The skew is estimated on a small copy of the page,
where a search over angles is cheap: text lines give the sharpest row profile when level.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

_WORK_WIDTH = 500
_COARSE = np.arange(-5.0, 5.01, 0.5)
_FINE_STEP = 0.1
_MIN_ANGLE = 0.15  # below this, rotating costs more than it gains


def estimate_skew(page: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) that levels the page's text lines."""
    grey = page.convert("L")
    scale = _WORK_WIDTH / max(grey.width, 1)
    small = grey.resize((_WORK_WIDTH, max(1, round(grey.height * scale))), Image.BILINEAR)
    ink = Image.fromarray(((np.asarray(small) < 160) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rotated = np.asarray(ink.rotate(angle, resample=Image.NEAREST, fillcolor=0))
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(_COARSE, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, _FINE_STEP)
    return float(max(fine, key=sharpness))


def deskew(page: Image.Image) -> Image.Image:
    """The page rotated so that its text lines are level (unchanged when already level)."""
    angle = estimate_skew(page)
    if abs(angle) < _MIN_ANGLE:
        return page
    background = 255 if page.mode in ("L", "1") else (255, 255, 255)
    # nearest-neighbour: 4x faster than bilinear on a 300-dpi page, and tesseract reads
    # the result as well (checked on the samples)
    return page.rotate(angle, resample=Image.NEAREST, expand=False, fillcolor=background)
