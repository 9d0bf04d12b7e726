"""Where a figure is on its page, from the page's drawing (issue 24 item 4: a cited figure
shown as an image cropped from its page).

IPCC figures are vector drawings, not images: there is no one object whose bounds are the
figure's. So the figure is found as the PDF draws it: the path, image and shading objects
of the page (pypdfium2), less what is not the figure (objects bleeding off the page, as the
side tabs of an SPM do; a background covering most of the page), gathered into clusters of
objects nearer than GAP_PT to each other. The figure is the largest cluster with the
clusters beside it (in its band of height), and then the short text objects that touch it:
its labels, legends and panel titles; wide lines of text are the body or the caption.
Where no cluster is large enough the whole page is the answer.
"""

from __future__ import annotations

from typing import Any

Box = list[float]  # left, bottom, right, top, in PDF points

# Our choices, checked on the figure pages of the shared WGI SPM (tests/library/test_crop.py)
GAP_PT = 14.0  # drawing objects nearer than this belong to one cluster
MIN_FIGURE_SHARE = 0.02  # of the page's area: below, a rule or an ornament, not a figure
MIN_PANEL_SHARE = 0.002  # a cluster beside the figure this large is one of its panels
BAND_GAP_PT = 72.0  # clusters side by side this near are one figure (bars, a row of panels)
PANEL_GAP_PT = 48.0  # a large cluster this near above or below is a panel (a title between)
BACKGROUND_SHARE = 0.6  # an object covering this much of the page is its background
LABEL_REACH_PT = 18.0  # text this near the drawing is a label or a panel's title
LABEL_MAX_WIDTH = 0.6  # of the page's width: wider text is body or caption
MARGIN_PT = 6.0


def _touch(a: Box, b: Box, gap: float) -> bool:
    return a[0] - gap <= b[2] and a[2] + gap >= b[0] and a[1] - gap <= b[3] and a[3] + gap >= b[1]


def _union(a: Box, b: Box) -> Box:
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def clusters(boxes: list[Box], gap: float = GAP_PT) -> list[Box]:
    """Boxes merged while any two are nearer than `gap`, largest first."""
    merged: list[Box] = []
    for box in boxes:
        current = list(box)
        while True:
            near = [m for m in merged if _touch(m, current, gap)]
            if not near:
                break
            for m in near:
                merged.remove(m)
                current = _union(current, m)
        merged.append(current)
    return sorted(merged, key=_area, reverse=True)


def _bands(found: list[Box]) -> list[Box]:
    """Clusters side by side in one band of height, nearer than BAND_GAP_PT, merged: the
    bars of a chart with no axis drawn, the panels of a row. Largest first."""
    merged: list[Box] = []
    for box in sorted(found, key=lambda b: b[0]):
        beside = next(
            (
                m
                for m in merged
                if m[1] <= box[3] and m[3] >= box[1] and box[0] - m[2] <= BAND_GAP_PT
            ),
            None,
        )
        if beside is None:
            merged.append(list(box))
        else:
            merged[merged.index(beside)] = _union(beside, box)
    return sorted(merged, key=_area, reverse=True)


def figure_box(page: Any) -> Box | None:
    """The figure's box on a pypdfium2 page, or None (draw the whole page)."""
    import pypdfium2.raw as raw

    width, height = page.get_width(), page.get_height()
    drawn, texts = [], []
    for obj in page.get_objects(max_depth=3):
        if obj.type == raw.FPDF_PAGEOBJ_FORM:
            continue  # its contents are visited themselves
        box = list(obj.get_bounds())
        if obj.type == raw.FPDF_PAGEOBJ_TEXT:
            texts.append(box)
            continue
        off_page = box[0] < -1 or box[1] < -1 or box[2] > width + 1 or box[3] > height + 1
        if not off_page and _area(box) < BACKGROUND_SHARE * width * height:
            drawn.append(box)
    page_area = width * height
    found = _bands([c for c in clusters(drawn) if _area(c) >= MIN_PANEL_SHARE * page_area])
    if not found or _area(found[0]) < MIN_FIGURE_SHARE * page_area:
        return None
    figure, rest = found[0], found[1:]
    grown = True
    while grown:  # the other panels: large ones above or below, small ones beside
        grown = False
        for other in rest:
            beside = other[1] <= figure[3] and other[3] >= figure[1]
            gap = max(other[1] - figure[3], figure[1] - other[3])
            large = _area(other) >= MIN_FIGURE_SHARE * page_area and gap <= PANEL_GAP_PT
            if large or (beside and _area(other) >= MIN_PANEL_SHARE * page_area):
                figure = _union(figure, other)
                rest.remove(other)
                grown = True
                break
    for _ in range(2):  # a label may sit beside another label
        for text in texts:
            short = text[2] - text[0] < LABEL_MAX_WIDTH * width
            if short and _touch(figure, text, LABEL_REACH_PT):
                figure = _union(figure, text)
    return [
        max(0.0, figure[0] - MARGIN_PT),
        max(0.0, figure[1] - MARGIN_PT),
        min(width, figure[2] + MARGIN_PT),
        min(height, figure[3] + MARGIN_PT),
    ]
