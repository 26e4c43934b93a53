"""A still picture of a 3D course figure, as SVG: what the figure shows before anyone turns or plays it.

A phone draws Plotly's 3D scenes with WebGL, which holds a page busy for seconds on a slow or
software renderer; an SVG of the same scene is drawn at once. :func:`still_svg` projects the
figure's own opening traces (``fig.data``: the frame its slider starts on) and scene labels
through each scene's own camera, so the still and the 3D figure can never disagree.

What is drawn: Scatter3d lines (with their NaN breaks and dashes), markers (circles; diamonds
for the ``diamond`` symbol) and text; Mesh3d surfaces, shaded by a light over the camera's
shoulder and painted far to near; scene annotations (with their pixel offsets and arrows); the
figure's title with its subtitle; subplot titles. Not drawn: play buttons and sliders (a page
offers its own way to open the 3D figure) and hover text.

Units: the SVG's user units are CSS pixels of a figure ``width_px`` wide and the figure's own
``layout.height`` tall, so font sizes and annotation offsets mean what they mean to Plotly;
its width and height are those of what is drawn, so it keeps its shape when a page scales it.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

__all__ = ["still_svg"]

STILL_WIDTH_PX = 360  # a phone's content column (390 px screen less Streamlit's padding)
_MARGIN_PX = 6  # blank border around everything drawn
_SCENE_FILL = 0.8  # the share of its scene's box the drawing may fill (labels stick out past it)
_STAGE_PAD_PX = 12  # a dark stage reaches this far past what is drawn on it
_CHAR_WIDTH_EM = 0.55  # average width of a character of Arial, in font sizes: sizes label boxes
_SHADE_LEVELS = 12  # surfaces are shaded in this many steps: invisible banding, a much smaller file
_DEFAULT_FONT = 12
_MARKER_SCALE = 1.4  # WebGL draws a 3D marker of size s about 1.4 s pixels across (measured in Chromium)
_DASHED_LINE_SCALE = 0.5  # and a dashed 3D line about half its width


@dataclass(frozen=True)
class _Camera:
    """Plotly's scene camera in the scene's normalised box units (see plotly.js gl3d)."""

    eye: np.ndarray
    forward: np.ndarray
    right: np.ndarray
    up: np.ndarray
    perspective: bool

    def project(self, points: np.ndarray) -> np.ndarray:
        """(n, 3) normalised points -> (n, 3): screen right, screen up, depth (larger is further)."""
        d = points - self.eye
        depth = d @ self.forward
        x, y = d @ self.right, d @ self.up
        if self.perspective:
            safe = np.where(depth > 1e-6, depth, 1e-6)
            x, y = x / safe, y / safe
        return np.column_stack([x, y, depth])


@dataclass
class _Item:
    """One thing to draw: its SVG, its depth for painting far to near (words always last) and the
    box it covers (x0, y0, x1, y1, SVG units) for the picture's bounds."""

    depth: float
    svg: str
    box: tuple[float, float, float, float]
    on_top: bool = False


def _box_of(points: np.ndarray, pad: float = 0.0) -> tuple[float, float, float, float]:
    x, y = points[:, 0], points[:, 1]
    return (float(np.nanmin(x)) - pad, float(np.nanmin(y)) - pad, float(np.nanmax(x)) + pad, float(np.nanmax(y)) + pad)


def _text_box(text: str, x: float, y: float, size: float, anchor: str) -> tuple[float, float, float, float]:
    """Roughly the box of _text(text, x, y, ...): y is the first line's baseline."""
    lines = _lines(text)
    width = max(len(_plain(line)) for line in lines) * size * _CHAR_WIDTH_EM
    left = {"start": x, "end": x - width}.get(anchor, x - width / 2)
    return (left, y - size, left + width, y + (len(lines) - 1) * size * 1.25 + 0.3 * size)


def still_svg(fig: go.Figure, description: str, *, width_px: int = STILL_WIDTH_PX) -> str:
    """An SVG picture of ``fig``'s opening view, with ``description`` as its accessible name.

    ``description`` says in words what the figure shows (it becomes the SVG's ``<title>`` and
    ``aria-label``). Raises ``ValueError`` when the figure has no 3D scene to draw.
    """
    layout = fig.layout
    height_px = float(layout.height or 450)
    scenes = _scene_names(fig)
    if not scenes:
        raise ValueError("still_svg draws 3D scenes; this figure has none")
    parts: list[str] = []
    bounds = _Bounds()
    for scene_name in scenes:
        parts += _draw_scene(fig, scene_name, width_px, height_px, bounds)
    parts += _paper_text(fig, width_px, height_px, bounds)
    x0, y0 = bounds.x0 - _MARGIN_PX, bounds.y0 - _MARGIN_PX
    w, h = bounds.x1 - bounds.x0 + 2 * _MARGIN_PX, bounds.y1 - bounds.y0 + 2 * _MARGIN_PX
    label = html.escape(description, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.0f} {y0:.0f} {w:.0f} {h:.0f}" '
        f'width="{w:.0f}" height="{h:.0f}" role="img" aria-label="{label}" '
        f'font-family="Arial, Helvetica, sans-serif"><title>{label}</title>{"".join(parts)}</svg>'
    )


# --------------------------------------------------------------------------------------------
# Scenes


class _Bounds:
    """The smallest box round everything drawn so far, in SVG units."""

    def __init__(self) -> None:
        self.x0 = self.y0 = math.inf
        self.x1 = self.y1 = -math.inf

    def add(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.x0, self.y0 = min(self.x0, x0), min(self.y0, y0)
        self.x1, self.y1 = max(self.x1, x1), max(self.y1, y1)


def _scene_names(fig: go.Figure) -> list[str]:
    names = {trace.scene or "scene" for trace in fig.data if trace.type in ("scatter3d", "mesh3d")}
    return sorted(names, key=lambda name: int(name[5:] or 1))


def _draw_scene(fig: go.Figure, scene_name: str, width_px: float, height_px: float, bounds: _Bounds) -> list[str]:
    scene = fig.layout[scene_name]
    traces = [t for t in fig.data if t.type in ("scatter3d", "mesh3d") and (t.scene or "scene") == scene_name]
    normalise = _normaliser(scene, traces)
    camera = _camera(scene.camera)
    # The scene's box on the page (the plot area is the figure less its margins)
    margin = fig.layout.margin
    left, right = margin.l or 0, margin.r or 0
    top, bottom = margin.t if margin.t is not None else 100, margin.b if margin.b is not None else 80
    dx, dy = scene.domain.x or (0, 1), scene.domain.y or (0, 1)
    plot_w, plot_h = width_px - left - right, height_px - top - bottom
    box = (left + dx[0] * plot_w, top + (1 - dy[1]) * plot_h, left + dx[1] * plot_w, top + (1 - dy[0]) * plot_h)

    # Fit what is drawn (not the empty axis box) into the scene's box: a still has no need to
    # leave room for the motion, and a phone has no pixels to spare
    anchors = [_xyz(trace) for trace in traces] + [
        np.array([[a.x, a.y, a.z]], dtype=float) for a in scene.annotations or ()
    ]
    projected = camera.project(normalise(np.concatenate(anchors)))
    projected = projected[~np.isnan(projected).any(axis=1)]
    span_x = np.ptp(projected[:, 0]) or 1.0
    span_y = np.ptp(projected[:, 1]) or 1.0
    scale = _SCENE_FILL * min((box[2] - box[0]) / span_x, (box[3] - box[1]) / span_y)
    mid = projected[:, :2].min(axis=0) + np.array([span_x, span_y]) / 2
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)

    def to_svg(points: np.ndarray) -> np.ndarray:
        p = camera.project(normalise(points))
        return np.column_stack(
            [centre[0] + (p[:, 0] - mid[0]) * scale, centre[1] - (p[:, 1] - mid[1]) * scale, p[:, 2]]
        )

    items: list[_Item] = []
    shown = [trace for trace in traces if trace.visible is not False]
    items += _mesh_items([t for t in shown if t.type == "mesh3d"], to_svg, camera)
    for trace in shown:
        if trace.type == "scatter3d":
            items += _scatter_items(trace, to_svg)
    for annotation in scene.annotations or ():
        items.append(_scene_annotation(annotation, to_svg))
    items.sort(key=lambda item: (item.on_top, -item.depth))
    drawn = _Bounds()
    for item in items:
        drawn.add(*item.box)
    background = scene.bgcolor
    if background and background not in ("rgba(0,0,0,0)", "transparent"):
        # the stage as wide as its scene and only as tall as what stands on it
        stage = (min(box[0], drawn.x0), drawn.y0 - _STAGE_PAD_PX, max(box[2], drawn.x1), drawn.y1 + _STAGE_PAD_PX)
        items.insert(0, _Item(math.inf, _rect(*stage, background), stage))
        drawn.add(*stage)
    bounds.add(drawn.x0, drawn.y0, drawn.x1, drawn.y1)
    return [item.svg for item in items]


def _aspect(scene) -> np.ndarray:
    ratio = scene.aspectratio
    if ratio is None or ratio.x is None:
        return np.ones(3)
    return np.array([ratio.x, ratio.y, ratio.z], dtype=float)


def _normaliser(scene, traces: Sequence) -> Callable[[np.ndarray], np.ndarray]:
    """Data (metres) -> Plotly's normalised box: each axis range maps onto its aspect-ratio length."""
    lows, highs = [], []
    for index, axis in enumerate((scene.xaxis, scene.yaxis, scene.zaxis)):
        if axis.range is not None:
            low, high = axis.range
        else:
            values = np.concatenate([_floats(getattr(t, "xyz"[index])) for t in traces])
            low, high = np.nanmin(values), np.nanmax(values)
        lows.append(float(low))
        highs.append(float(high) if high != low else float(low) + 1.0)
    low, span, aspect = np.array(lows), np.array(highs) - np.array(lows), _aspect(scene)

    def normalise(points: np.ndarray) -> np.ndarray:
        return ((points - low) / span - 0.5) * aspect

    return normalise


def _camera(camera) -> _Camera:
    eye = np.array([camera.eye.x, camera.eye.y, camera.eye.z], dtype=float) if camera.eye else np.array([1.25] * 3)
    centre = np.array([camera.center.x or 0, camera.center.y or 0, camera.center.z or 0], dtype=float)
    up = np.array([camera.up.x or 0, camera.up.y or 0, camera.up.z if camera.up.z is not None else 1], dtype=float)
    forward = _unit(centre - eye)
    right = _unit(np.cross(forward, up))
    perspective = not (camera.projection and camera.projection.type == "orthographic")
    return _Camera(eye, forward, right, np.cross(right, forward), perspective)


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / (np.linalg.norm(vector) or 1.0)


def _floats(values) -> np.ndarray:
    return np.asarray(values if values is not None else [], dtype=float).ravel()


def _xyz(trace) -> np.ndarray:
    return np.column_stack([_floats(trace.x), _floats(trace.y), _floats(trace.z)])


# --------------------------------------------------------------------------------------------
# Traces


def _scatter_items(trace, to_svg) -> list[_Item]:
    points = to_svg(_xyz(trace))
    mode = trace.mode or "lines+markers"
    items: list[_Item] = []
    if "lines" in mode:
        line = trace.line
        width = line.width if line.width is not None else 2
        dash = {"dash": "4 3", "dot": "2 3", "dashdot": "6 3 2 3", "longdash": "10 4"}.get(line.dash or "solid")
        if dash:
            width *= _DASHED_LINE_SCALE
        style = f' stroke-dasharray="{dash}"' if dash else ""
        for run in _unbroken_runs(points):
            d = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y, _ in run)
            items.append(
                _Item(
                    float(run[:, 2].mean()),
                    f'<path d="{d}" fill="none" stroke="{line.color or "#444"}" stroke-width="{width}" '
                    f'stroke-linecap="round" stroke-linejoin="round"{style}/>',
                    _box_of(run, width / 2),
                )
            )
    if "markers" in mode:
        marker = trace.marker
        radius = _MARKER_SCALE * (marker.size if marker.size is not None else 6) / 2
        opacity = f' fill-opacity="{marker.opacity:g}"' if marker.opacity is not None else ""
        for x, y, depth in points:
            if math.isnan(x):
                continue
            if marker.symbol == "diamond":
                r = radius * 1.3
                shape = f'<path d="M{x:.1f} {y - r:.1f}l{r:.1f} {r:.1f}l{-r:.1f} {r:.1f}l{-r:.1f} {-r:.1f}z"'
            else:
                shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"'
            items.append(
                _Item(
                    float(depth),
                    f'{shape} fill="{marker.color or "#444"}"{opacity}/>',
                    _box_of(points[[0]], radius * 1.3),
                )
            )
    if "text" in mode and trace.text is not None:
        texts = [trace.text] if isinstance(trace.text, str) else list(trace.text)
        font = trace.textfont
        for (x, y, _), text in zip(points, texts, strict=False):
            if math.isnan(x):
                continue
            anchor, dy = _text_position(trace.textposition or "middle center", font.size or _DEFAULT_FONT)
            size = font.size or _DEFAULT_FONT
            items.append(
                _Item(
                    0.0,
                    _text(text, x, y + dy, size, font.color, anchor),
                    _text_box(text, x, y + dy, size, anchor),
                    True,
                )
            )
    return items


def _unbroken_runs(points: np.ndarray) -> Iterator[np.ndarray]:
    good = ~np.isnan(points[:, :2]).any(axis=1)
    start = None
    for index, ok in enumerate([*good, False]):
        if ok and start is None:
            start = index
        elif not ok and start is not None:
            if index - start >= 2:
                yield points[start:index]
            start = None


def _text_position(position: str, size: float) -> tuple[str, float]:
    vertical, _, horizontal = position.partition(" ")
    anchor = {"left": "end", "right": "start"}.get(horizontal, "middle")
    dy = {"top": -0.6 * size, "bottom": 1.1 * size}.get(vertical, 0.35 * size)
    return anchor, dy


def _mesh_items(meshes: Sequence, to_svg, camera: _Camera) -> list[_Item]:
    """All the surfaces of one scene: shaded triangles, hidden ones left out, painted far to near.

    A triangle is kept when it is nearest to the camera on at least one pixel (an id buffer
    painted far to near), or when it is see-through; runs of neighbouring triangles of one
    shade become one path. This keeps a still of the hip to a tenth of its triangles."""
    corners, depths, colours, solid = [], [], [], []
    light = _unit(-camera.forward + 0.6 * camera.up + 0.4 * camera.right)
    for trace in meshes:
        vertices = _xyz(trace)
        triangles = np.column_stack([np.asarray(trace.i), np.asarray(trace.j), np.asarray(trace.k)]).astype(int)
        screen = to_svg(vertices)[triangles]  # (n, 3 corners, x y depth)
        world = vertices[triangles]
        normals = np.cross(world[:, 1] - world[:, 0], world[:, 2] - world[:, 0])
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
        lambert = np.abs(normals @ light)  # meshes are open shells: both faces are lit alike
        shade = np.round((0.55 + 0.45 * lambert) * _SHADE_LEVELS) / _SHADE_LEVELS
        base = np.array(_rgb(trace.color or "#cccccc"))
        opacity = trace.opacity if trace.opacity is not None else 1.0
        for level in shade:
            rgb = np.minimum(255, (base * level).astype(int))
            colours.append(("#{:02x}{:02x}{:02x}".format(*rgb), opacity))
        corners.append(screen[:, :, :2])
        depths.append(screen[:, :, 2].mean(axis=1))
        solid += [opacity >= 1.0] * len(screen)
    if not corners:
        return []
    points, depth = np.concatenate(corners), np.concatenate(depths)
    order = np.argsort(-depth, kind="stable")  # far to near
    visible = _nearest_somewhere(points, order, np.array(solid))
    items: list[_Item] = []
    run: list[int] = []
    for index in [*[i for i in order if visible[i]], -1]:
        if run and (index < 0 or colours[index] != colours[run[0]]):
            colour, opacity = colours[run[0]]
            d = "".join(
                f"M{p[0, 0]:.0f} {p[0, 1]:.0f}L{p[1, 0]:.0f} {p[1, 1]:.0f}L{p[2, 0]:.0f} {p[2, 1]:.0f}z"
                for p in points[run]
            )
            edge = f' stroke="{colour}" stroke-width="0.6"' if opacity >= 1.0 else f' fill-opacity="{opacity:g}"'
            items.append(
                _Item(
                    float(depth[run].mean()),
                    f'<path d="{d}" fill="{colour}"{edge}/>',
                    _box_of(points[run].reshape(-1, 2)),
                )
            )
            run = []
        if index >= 0:
            run.append(index)
    return items


def _nearest_somewhere(points: np.ndarray, far_to_near: np.ndarray, solid: np.ndarray) -> np.ndarray:
    """Which triangles ((n, 3, 2) screen points) are nearest the camera at some pixel centre.

    See-through triangles hide nothing and are always kept."""
    low = np.floor(np.nanmin(points.reshape(-1, 2), axis=0)).astype(int)
    high = np.ceil(np.nanmax(points.reshape(-1, 2), axis=0)).astype(int)
    owner = np.full((high[1] - low[1] + 1, high[0] - low[0] + 1), -1)
    for index in far_to_near:
        if not solid[index]:
            continue
        (ax, ay), (bx, by), (cx, cy) = points[index] - low
        x0, x1 = math.floor(min(ax, bx, cx)), math.ceil(max(ax, bx, cx))
        y0, y1 = math.floor(min(ay, by, cy)), math.ceil(max(ay, by, cy))
        ys, xs = np.mgrid[y0 : y1 + 1, x0 : x1 + 1] + 0.5
        area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay)
        if abs(area) < 1e-9:
            continue
        w1 = ((bx - xs) * (cy - ys) - (cx - xs) * (by - ys)) / area
        w2 = ((cx - xs) * (ay - ys) - (ax - xs) * (cy - ys)) / area
        inside = (w1 >= 0) & (w2 >= 0) & (w1 + w2 <= 1)
        owner[y0 : y1 + 1, x0 : x1 + 1][inside] = index
    visible = ~solid.copy()
    visible[owner[owner >= 0]] = True
    return visible


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.strip()
    if colour.startswith("#") and len(colour) == 7:
        return tuple(int(colour[n : n + 2], 16) for n in (1, 3, 5))  # type: ignore[return-value]
    found = re.findall(r"[\d.]+", colour)
    if colour.startswith("rgb") and len(found) >= 3:
        return tuple(int(float(v)) for v in found[:3])  # type: ignore[return-value]
    return (204, 204, 204)


# --------------------------------------------------------------------------------------------
# Words


def _scene_annotation(annotation, to_svg) -> _Item:
    x, y, depth = to_svg(np.array([[annotation.x, annotation.y, annotation.z]], dtype=float))[0]
    font = annotation.font
    size = font.size or _DEFAULT_FONT
    colour = font.color or "#111827"
    parts = []
    tx, ty = x, y
    if annotation.showarrow is not False:
        tx, ty = (
            x + (annotation.ax if annotation.ax is not None else -10),
            y + (annotation.ay if annotation.ay is not None else -30),
        )
        parts.append(
            f'<path d="M{x:.1f} {y:.1f}L{tx:.1f} {ty:.1f}" stroke="{annotation.arrowcolor or colour}" '
            f'stroke-width="{annotation.arrowwidth or 1}"/>'
        )
    lines = _lines(annotation.text or "")
    if annotation.bgcolor:
        w = max(len(_plain(line)) for line in lines) * size * _CHAR_WIDTH_EM + 2 * (annotation.borderpad or 1)
        h = len(lines) * size * 1.25 + 2 * (annotation.borderpad or 1)
        parts.append(_rect(tx - w / 2, ty - h / 2, tx + w / 2, ty + h / 2, annotation.bgcolor))
    first_baseline = ty - (len(lines) - 1) * size * 1.25 / 2 + 0.35 * size
    parts.append(_text(annotation.text or "", tx, first_baseline, size, colour, "middle"))
    box = _text_box(annotation.text or "", tx, first_baseline, size, "middle")
    box = (min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y))
    return _Item(float(depth), "".join(parts), box, on_top=True)


def _paper_text(fig: go.Figure, width_px: float, height_px: float, bounds: _Bounds) -> list[str]:
    """The title (and its subtitle) and annotations placed on the paper, such as subplot titles."""
    parts = []
    title = fig.layout.title
    if title and title.text:
        size = (title.font.size if title.font else None) or 17
        x = (title.x if title.x is not None else 0.5) * width_px
        y = (1 - (title.y if title.y is not None else 0.98)) * height_px + size
        anchor = {"left": "start", "right": "end"}.get(title.xanchor or "", "middle")
        parts.append(_text(title.text, x, y, size, (title.font.color if title.font else None) or "#111827", anchor))
        bounds.add(*_text_box(title.text, x, y, size, anchor))
        subtitle = title.subtitle
        if subtitle and subtitle.text:
            sub_size = (subtitle.font.size if subtitle.font else None) or 13
            sy = y + sub_size * 1.5
            parts.append(
                _text(
                    subtitle.text,
                    x,
                    sy,
                    sub_size,
                    (subtitle.font.color if subtitle.font else None) or "#4B5563",
                    anchor,
                )
            )
            bounds.add(*_text_box(subtitle.text, x, sy, sub_size, anchor))
    for annotation in fig.layout.annotations or ():
        if annotation.xref not in (None, "paper") or annotation.yref not in (None, "paper"):
            continue
        size = (annotation.font.size if annotation.font else None) or _DEFAULT_FONT
        lines = _lines(annotation.text or "")
        margin = fig.layout.margin
        left, right = margin.l or 0, margin.r or 0
        top, bottom_margin = margin.t if margin.t is not None else 100, margin.b if margin.b is not None else 80
        x = left + annotation.x * (width_px - left - right)
        bottom = top + (1 - annotation.y) * (height_px - top - bottom_margin)
        first = bottom - (len(lines) - 1) * size * 1.25 - 0.3 * size
        colour = (annotation.font.color if annotation.font else None) or "#111827"
        parts.append(_text(annotation.text or "", x, first, size, colour, "middle"))
        bounds.add(*_text_box(annotation.text or "", x, first, size, "middle"))
    return parts


def _lines(text: str) -> list[str]:
    return re.split(r"<br\s*/?>", text, flags=re.IGNORECASE)


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _text(text: str, x: float, y: float, size: float | None, colour: str | None, anchor: str) -> str:
    """Plotly's text (``<br>`` line breaks, ``<b>`` bold) as an SVG text element; first baseline at y."""
    size = size or _DEFAULT_FONT
    spans = []
    for number, line in enumerate(_lines(text)):
        bold = "<b>" in line.lower()
        weight = ' font-weight="bold"' if bold else ""
        dy = f' dy="{size * 1.25:.1f}"' if number else ""
        spans.append(f'<tspan x="{x:.1f}"{dy}{weight}>{html.escape(_plain(line))}</tspan>')
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{colour or "#111827"}" '
        f'text-anchor="{anchor}">{"".join(spans)}</text>'
    )


def _rect(x0: float, y0: float, x1: float, y1: float, colour: str) -> str:
    return f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" fill="{colour}"/>'
