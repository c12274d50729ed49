"""Straightening scanned pages before OCR: pages turned upright, then levelled.

A page fed into a scanner a little askew is common; tesseract's layout analysis then loses
whole paragraphs (measured on the samples: a page skewed by about 2° lost four of its six
paragraphs, and none once straightened). About one page in ten also comes sideways or
upside down; tesseract reads such a page as garbage, at full cost.

Both are measured on the page's ink, from the profile of its text lines: lines are
sharpest when projected along their own direction, so the angle whose projection has the
sharpest row profile is the skew, and rows sharper than columns tell an upright or
upside-down page from a sideways one. Up from down comes from the margins: a letter's lines
start at one same left margin and end wherever their words do, so the side where line ends
line up is the left one. (Ascenders against descenders was tried first: at the resolution
that keeps this cheap, blurred scans leave too little of them; margins gave no wrong turn
on 232 generated pages in the four orientations.) A page that does not tell (centred
lines, a drawing) is read as it is.

Projections are computed by shearing the coordinates of the ink pixels of a small copy and
counting them per row, rather than by rotating images: about 5 ms a page instead of 40,
with tesseract at about 600 ms a page (measured on the bench's 300-dpi scans).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

# long side of the copy the skew and the line direction are measured on
_SKEW_SIDE = 700
_INK_BELOW = 160
_COARSE = np.arange(-5.0, 5.01, 0.5)
_FINE_STEP = 0.1
_MIN_ANGLE = 0.15  # below this, rotating costs more than it gains
# how clearly one reading must win before the page is turned; below, it is read as it is
# (and turned afterwards only if tesseract's confidence says it read garbage)
_LINES_MARGIN = 1.5
_ALIGNED_MARGIN = 1.5
_MIN_ALIGNED = 3
_SAME_PLACE = 1.5  # pixels of the small copy (about 0.5 mm on an A4 page)
_MIN_LINE_INK = 8  # ink pixels below which a run of rows is a speck, not a line


_TRANSPOSE = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
              270: Image.Transpose.ROTATE_270}


@dataclass(frozen=True)
class _Ink:
    """Coordinates of a copy's ink pixels, the origin at (about) the copy's centre."""

    ys: np.ndarray
    xs: np.ndarray

    @classmethod
    def of(cls, page: Image.Image, long_side: int) -> _Ink:
        grey = page if page.mode == "L" else page.convert("L")
        factor = max(1, round(max(grey.width, grey.height) / long_side))
        small = grey.reduce(factor) if factor > 1 else grey
        ys, xs = np.nonzero(np.asarray(small) < _INK_BELOW)
        # whole-pixel offsets: a half-pixel one would make rows round together in pairs
        return cls(ys - small.height // 2, xs - small.width // 2)

    def transposed(self) -> _Ink:
        """The same ink seen with rows and columns swapped (lines running down the page)."""
        return _Ink(self.xs, self.ys)

    def profile(self, angle: float) -> np.ndarray:
        """Ink per row once the page is turned by `angle` degrees counter-clockwise."""
        rows = np.rint(self.ys - self.xs * np.tan(np.radians(angle))).astype(np.int64)
        if not rows.size:
            return np.zeros(1)
        return np.bincount(rows - rows.min()).astype(np.float64)

    def sharpness(self, angle: float) -> float:
        return float(np.square(np.diff(self.profile(angle))).sum())

    def level_angle(self) -> tuple[float, float]:
        """The angle that levels the rows of text, and the sharpness it reaches."""
        if self.ys.size < _MIN_LINE_INK:
            return 0.0, 0.0  # a blank page: nothing to level
        best = max(_COARSE, key=self.sharpness)
        fine = np.arange(best - 0.5, best + 0.5 + 1e-9, _FINE_STEP)
        angle = float(max(fine, key=self.sharpness))
        return angle, self.sharpness(angle)


def estimate_skew(page: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) that levels the page's text lines."""
    return _Ink.of(page, _SKEW_SIDE).level_angle()[0]


def deskew(page: Image.Image) -> Image.Image:
    """The page rotated so that its text lines are level (unchanged when already level)."""
    return _level(page, estimate_skew(page))


def straighten(page: Image.Image) -> tuple[Image.Image, int]:
    """The page turned upright (when its layout tells, see `estimate_turn`) and levelled,
    with the turn applied; one look at the page's ink serves both."""
    turn, skew = _turn_and_skew(_Ink.of(page, _SKEW_SIDE))
    if turn:
        # quarter and half turns are exact pixel moves, cheaper than a rotation
        page = page.transpose(_TRANSPOSE[turn])
    return _level(page, skew), turn or 0


def estimate_turn(page: Image.Image) -> int | None:
    """The turn (0, 90, 180 or 270 degrees counter-clockwise) that puts the page upright,
    or None when its ink does not tell clearly (little text, a drawing, centred lines)."""
    return _turn_and_skew(_Ink.of(page, _SKEW_SIDE))[0]


def _turn_and_skew(ink: _Ink) -> tuple[int | None, float]:
    """The turn that puts the page upright (None when the ink does not tell) and the skew
    of the page once so turned."""
    rows_angle, rows = ink.level_angle()
    cols_angle, cols = ink.transposed().level_angle()
    if rows >= cols * _LINES_MARGIN and rows:
        starts, ends = _aligned_line_ends(ink, rows_angle)
        # a half turn leaves the lines' slant as it was
        upright, turned, skew = 0, 180, rows_angle
    elif cols >= rows * _LINES_MARGIN and cols:
        # lines run down the page: their starts face the top after a quarter turn to the
        # right, the bottom after one to the left; a quarter turn reverses their slant
        starts, ends = _aligned_line_ends(ink.transposed(), cols_angle)
        upright, turned, skew = 90, 270, -cols_angle
    else:
        return None, rows_angle
    if starts >= max(_MIN_ALIGNED, ends * _ALIGNED_MARGIN):
        return upright, skew
    if ends >= max(_MIN_ALIGNED, starts * _ALIGNED_MARGIN):
        return turned, skew
    return None, (rows_angle if upright == 0 else 0.0)


def _level(page: Image.Image, angle: float) -> Image.Image:
    if abs(angle) < _MIN_ANGLE:
        return page
    background = 255 if page.mode in ("L", "1") else (255, 255, 255)
    # nearest-neighbour: 4x faster than bilinear on a 300-dpi page, and tesseract reads
    # the result as well (checked on the samples)
    return page.rotate(angle, resample=Image.NEAREST, expand=False, fillcolor=background)


def _aligned_line_ends(ink: _Ink, angle: float) -> tuple[int, int]:
    """How many text lines start at one same place, and how many end at one same place.

    A letter's lines start at its left margin and end wherever their words do (or, when
    justified, at the right margin, except the last line of each paragraph and the address
    blocks): turned upside down, the aligned edge is on the other side.
    """
    tan = np.tan(np.radians(angle))
    rows = np.rint(ink.ys - ink.xs * tan).astype(np.int64)
    across = ink.xs + ink.ys * tan  # the same rotation, along the lines
    order = np.argsort(rows, kind="stable")
    rows, across = rows[order], across[order]
    profile = np.bincount(rows - rows.min())
    inked = profile > max(1, profile.max() * 0.02)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))))
    starts: list[float] = []
    ends: list[float] = []
    for first, last in zip(edges[::2] + rows.min(), edges[1::2] + rows.min(), strict=True):
        low, high = np.searchsorted(rows, [first, last])
        if high - low >= _MIN_LINE_INK:
            line = across[low:high]
            starts.append(float(line.min()))
            ends.append(float(line.max()))
    return _largest_cluster(starts), _largest_cluster(ends)


def _largest_cluster(values: list[float]) -> int:
    """The most values lying within `_SAME_PLACE` pixels of one of them."""
    if not values:
        return 0
    points = np.asarray(values)
    return int(max(np.count_nonzero(np.abs(points - v) <= _SAME_PLACE) for v in points))
