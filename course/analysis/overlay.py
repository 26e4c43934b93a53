"""What is drawn on each frame of the annotated clip: the skeleton, the angle labels, the rep
label and the fault banners (see course.analysis.annotate for what and why), placed so they
cover the person as little as possible."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from course.analysis.kinematics import VISIBLE
from course.landmarks import CONNECTIONS, Landmark

L = Landmark

# --- what is drawn ----------------------------------------------------------------------------

MAX_BANNERS = 2  # banners at once; more would cover the person

# Sizes as shares of the frame's short side (pixels = share x short side).
LINE_NEAR = 0.009  # skeleton line, near side: 4 px on a 405-pixel-high frame
LINE_FAR = 0.0045  # far side
JOINT_RADIUS = 0.011
LABEL_TEXT = 0.048  # capital height of the angle labels: about 19 px on 405
REP_TEXT = 0.048  # "Rep 2 of 3"
BANNER_TEXT = 0.058  # the fault's title: about 23 px on 405, the largest text
MARGIN = 0.025  # between the frame's edge and a box
PAD = 0.45  # inside a box around text, a share of the text's height
LABEL_OFFSET = 0.05  # from a joint to its label
MIN_TEXT_SHRINK = 0.6  # a banner's text may shrink to this share of BANNER_TEXT to fit two lines
DIM = 0.35  # brightness kept under a label's box (0 black .. 1 unchanged)
MAX_SPRITES = 1500  # drawn labels kept (about 30 KB each at 720 x 404); more start afresh
# Placing a label: a place costs 1000 x the share of it covered by other labels or the header,
# plus 10 per skeleton point under it, plus its rank (behind the joint first). The previous
# frame's place is let off STICKY, so a label moves only when two more skeleton points (or a
# few percent of another label) would fall under it: hopping labels are harder to read.
STICKY = 25

FONT = cv2.FONT_HERSHEY_DUPLEX
FONT_CAP_PX = 22.0  # capital height of the Hershey fonts at scale 1, pixels

# Colours, RGB (the frames are RGB).
NEAR_COLOUR = (255, 255, 255)
NEAR_JOINT_COLOUR = (0, 200, 255)
FAR_COLOUR = (150, 150, 150)
ANGLE_COLOURS = {"hip": (255, 214, 10), "knee": (80, 230, 120), "trunk": (255, 140, 230)}
TEXT_COLOUR = (255, 255, 255)
BANNER_COLOUR = (215, 35, 35)

# The skeleton drawn: MediaPipe's connections between body points (no face, no fingers), plus
# the neck line (ear -> shoulder) that the back and head rules use.
_BODY = {
    L.LEFT_SHOULDER,
    L.RIGHT_SHOULDER,
    L.LEFT_ELBOW,
    L.RIGHT_ELBOW,
    L.LEFT_WRIST,
    L.RIGHT_WRIST,
    L.LEFT_HIP,
    L.RIGHT_HIP,
    L.LEFT_KNEE,
    L.RIGHT_KNEE,
    L.LEFT_ANKLE,
    L.RIGHT_ANKLE,
    L.LEFT_HEEL,
    L.RIGHT_HEEL,
    L.LEFT_FOOT_INDEX,
    L.RIGHT_FOOT_INDEX,
}
BONES: tuple[tuple[Landmark, Landmark], ...] = tuple(
    sorted(
        {(a, b) for a, b in CONNECTIONS if a in _BODY and b in _BODY}
        | {(L.LEFT_EAR, L.LEFT_SHOULDER), (L.RIGHT_EAR, L.RIGHT_SHOULDER)}
    )
)
JOINTS: tuple[Landmark, ...] = tuple(sorted(_BODY | {L.LEFT_EAR, L.RIGHT_EAR}))
_BONE_INDEX = np.array(BONES, dtype=int).reshape(-1, 2)
_JOINT_INDEX = np.array(JOINTS, dtype=int)

# --------------------------------------------------------------------------------------------
# Drawing


def _text_scale(share: float, short_side: int) -> float:
    return share * short_side / FONT_CAP_PX


def _thickness(scale: float) -> int:
    return max(1, round(2.2 * scale))


Box = tuple[int, int, int, int]  # x0, y0, x1, y1 pixels, x1 and y1 excluded


@dataclass(frozen=True, slots=True)
class Sprite:
    """Text ready to lay over a picture: picture x keep / 255 + paint, both (H, W, 3) uint8."""

    keep: np.ndarray
    paint: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        height, width = self.keep.shape[:2]
        return height, width


class Painter:
    """Draws the overlay on frames of one size. width, height: pixels of the frames it gets;
    side: the person's side nearest the camera ("left"/"right"); facing: the way they face in
    the picture ("left"/"right"). It remembers where each angle's label went on the previous
    frame, so labels stay put instead of hopping from frame to frame: paint the frames of one
    clip in order."""

    def __init__(self, width: int, height: int, *, side: str, facing: str) -> None:
        self.width, self.height = width, height
        self.unit = min(width, height)
        self.size = np.array([width, height], dtype=float)
        u = self.unit
        self.near_line = max(2, round(LINE_NEAR * u))
        self.far_line = max(1, round(LINE_FAR * u))
        self.radius = max(2, round(JOINT_RADIUS * u))
        self.margin = max(2, round(MARGIN * u))
        self.label_scale = _text_scale(LABEL_TEXT, u)
        self.rep_scale = _text_scale(REP_TEXT, u)
        self.banner_scale = _text_scale(BANNER_TEXT, u)
        self.offset = LABEL_OFFSET * u
        self.back = -1.0 if facing == "right" else 1.0  # x direction behind the person
        near = "LEFT" if side == "left" else "RIGHT"
        self.near_is = {lm: lm.name.startswith(near) for lm in Landmark}
        self.near_side = near
        self.far_side = "RIGHT" if near == "LEFT" else "LEFT"
        # (landmark, landmark, both near?) and (landmark, near?) as plain ints and bools, so
        # the per-frame loops stay cheap
        self._bone_rows = tuple((int(a), int(b), self.near_is[a] and self.near_is[b]) for a, b in BONES)
        self._joint_rows = tuple((int(lm), self.near_is[lm]) for lm in JOINTS)
        self._layouts: dict[str, tuple[float, tuple[str, ...], int, int]] = {}
        self._last_choice: dict[str, int] = {}
        self._sprites: dict[tuple[str, float, tuple[int, int, int], bool], Sprite] = {}
        self._banners: dict[str, np.ndarray] = {}

    # -- pieces ---------------------------------------------------------------------------

    def _sprite(self, text: str, scale: float, colour: tuple[int, int, int], *, ring: bool) -> Sprite:
        """The text in `colour` on a box padded by PAD that darkens the picture to DIM, with a
        degree sign's ring after it when `ring`. Drawn once per text and kept: putText is
        most of the drawing's cost, and a clip shows the same few hundred labels again and
        again (about 30 KB each)."""
        key = (text, scale, colour, ring)
        sprite = self._sprites.get(key)
        if sprite is None:
            thick = _thickness(scale)
            (tw, th), _ = cv2.getTextSize(text, FONT, scale, thick)
            radius = max(2, round(0.2 * th)) if ring else 0
            pad = max(2, round(PAD * th))
            cover = np.zeros((th + 2 * pad, tw + 3 * radius + 2 * pad), np.uint8)
            cv2.putText(cover, text, (pad, pad + th), FONT, scale, (255,), thick, cv2.LINE_AA)
            if ring:
                cv2.circle(cover, (pad + tw + 2 * radius, pad + radius), radius, (255,), max(1, thick - 1), cv2.LINE_AA)
            a = cover[..., None].astype(np.float32) / 255
            keep = np.repeat(np.round(255 * DIM * (1 - a)), 3, axis=2).astype(np.uint8)
            paint = np.round(a * np.array(colour, np.float32)).astype(np.uint8)
            if len(self._sprites) >= MAX_SPRITES:
                self._sprites.clear()
            sprite = self._sprites[key] = Sprite(keep, paint)
        return sprite

    def _blend(self, canvas: np.ndarray, box: Box, sprite: Sprite) -> None:
        """A sprite at `box` (cut to the frame): picture x keep / 255 + paint."""
        x0, y0 = max(0, box[0]), max(0, box[1])
        x1, y1 = min(self.width, box[2]), min(self.height, box[3])
        if x1 <= x0 or y1 <= y0:
            return
        rows, cols = slice(y0 - box[1], y1 - box[1]), slice(x0 - box[0], x1 - box[0])
        roi = canvas[y0:y1, x0:x1]
        cv2.add(cv2.multiply(roi, sprite.keep[rows, cols], scale=1 / 255), sprite.paint[rows, cols], dst=roi)

    def _banner_layout(self, text: str) -> tuple[float, tuple[str, ...], int, int]:
        """(scale, lines, line height, box height) for a banner's text across the frame: up to
        two lines, shrunk down to MIN_TEXT_SHRINK if it must. Kept per text."""
        if text in self._layouts:
            return self._layouts[text]
        room = self.width - 2 * self.margin
        scale = self.banner_scale
        while True:
            thick = _thickness(scale)
            pad = max(2, round(PAD * FONT_CAP_PX * scale))
            lines = _wrap(text, room - 2 * pad, scale, thick)
            if len(lines) <= 2 or scale <= self.banner_scale * MIN_TEXT_SHRINK:
                break
            scale *= 0.9
        line_h = round(FONT_CAP_PX * scale * 1.5)
        box_h = 2 * pad + round(FONT_CAP_PX * scale) + (len(lines) - 1) * line_h
        self._layouts[text] = scale, tuple(lines), line_h, box_h
        return self._layouts[text]

    def _banner(self, text: str) -> np.ndarray:
        """The banner for a fault's title, (H, W - 2 x margin, 3) RGB: white text centred on
        BANNER_COLOUR. Kept per text."""
        banner = self._banners.get(text)
        if banner is None:
            scale, lines, line_h, box_h = self._banner_layout(text)
            banner = np.empty((box_h, self.width - 2 * self.margin, 3), np.uint8)
            banner[:] = BANNER_COLOUR
            thick = _thickness(scale)
            cap = round(FONT_CAP_PX * scale)
            pad = (box_h - cap - (len(lines) - 1) * line_h) // 2
            for i, line in enumerate(lines):
                (tw, _), _ = cv2.getTextSize(line, FONT, scale, thick)
                x = max(0, (banner.shape[1] - tw) // 2)
                cv2.putText(banner, line, (x, pad + cap + i * line_h), FONT, scale, TEXT_COLOUR, thick, cv2.LINE_AA)
            self._banners[text] = banner
        return banner

    def _header(self, rep_label: str | None, banners: Sequence[str]) -> list[tuple[Box, Sprite | np.ndarray]]:
        """The rep label (a Sprite) and the banners (RGB pictures), top down, with their boxes."""
        out: list[tuple[Box, Sprite | np.ndarray]] = []
        top = self.margin
        if rep_label is not None:
            sprite = self._sprite(rep_label, self.rep_scale, TEXT_COLOUR, ring=False)
            h, w = sprite.shape
            out.append(((self.margin, top, self.margin + w, top + h), sprite))
            top += h + self.margin // 2
        for title in banners:
            banner = self._banner(title)
            h, w = banner.shape[:2]
            out.append(((self.margin, top, self.margin + w, top + h), banner))
            top += h + self.margin // 2
        return out

    # -- one frame ------------------------------------------------------------------------

    def paint(
        self,
        canvas: np.ndarray,
        points: np.ndarray,
        visibility: np.ndarray,
        angles: Mapping[str, float],
        rep_label: str | None,
        banners: Sequence[str],
    ) -> None:
        """Draw on `canvas` (H, W, 3 uint8 RGB, written in place). points: (33, 2) normalised
        x, y of the upright picture; visibility: (33,) 0..1; angles: "hip", "knee", "trunk" ->
        degrees (NaN: not labelled); rep_label: "Rep 2 of 3" or None; banners: fault titles."""
        px = points * self.size
        seen = (visibility >= VISIBLE.value) & np.isfinite(px).all(axis=1)
        ipx = np.where(seen[:, None], px, 0).round().astype(np.int32).tolist()
        seen_list = seen.tolist()
        # far side first, so the near side is drawn over it
        for near_pass, colour, thickness in ((False, FAR_COLOUR, self.far_line), (True, NEAR_COLOUR, self.near_line)):
            for a, b, near in self._bone_rows:
                if near == near_pass and seen_list[a] and seen_list[b]:
                    cv2.line(canvas, ipx[a], ipx[b], colour, thickness, cv2.LINE_AA)
        for lm, near in self._joint_rows:
            if seen_list[lm]:
                cv2.circle(
                    canvas,
                    ipx[lm],
                    self.radius if near else self.far_line + 1,
                    NEAR_JOINT_COLOUR if near else FAR_COLOUR,
                    -1,
                    cv2.LINE_AA,
                )
        header = self._header(rep_label, banners)
        self._angle_labels(canvas, px, seen, angles, [box for box, _ in header])
        for box, picture in header:
            if isinstance(picture, Sprite):
                self._blend(canvas, box, picture)
            else:
                h = min(box[3], self.height) - box[1]
                if h > 0:
                    canvas[box[1] : box[1] + h, box[0] : box[2]] = picture[:h]

    def _point(self, px: np.ndarray, seen: np.ndarray, name: str) -> np.ndarray | None:
        """The near side's landmark `name` ("HIP") if seen, else the far side's, else None."""
        for side in (self.near_side, self.far_side):
            lm = Landmark[f"{side}_{name}"]
            if seen[lm]:
                return px[lm]
        return None

    def _angle_labels(
        self, canvas: np.ndarray, px: np.ndarray, seen: np.ndarray, angles: Mapping[str, float], taken: list[Box]
    ) -> None:
        """'hip 84°' and the others beside their joints, each where it covers the least: of a
        few places around the joint (behind it first), the one overlapping no other label or
        header and the fewest skeleton points, the previous frame's place winning ties."""
        body = _skeleton_points(px, seen)
        b = self.back
        behind = [np.array(d) for d in ((b, 0.0), (b, 0.8), (b, -0.8), (0.0, 1.0), (-b, 0.0), (0.0, -1.0))]
        hip = self._point(px, seen, "HIP")
        taken = list(taken)
        for name in ("trunk", "hip", "knee"):
            degrees = angles.get(name, math.nan)
            if not math.isfinite(degrees):
                continue
            if name == "trunk":
                shoulder = self._point(px, seen, "SHOULDER")
                if shoulder is None or hip is None:
                    continue
                along = shoulder - hip
                length = float(np.hypot(*along))
                if length < 1:
                    continue
                along /= length
                # perpendicular to the trunk on the back's side (behind a standing person,
                # above one bent over), then the others
                back_side = np.array([along[1] * -b, -along[0] * -b])
                at = 0.5 * (shoulder + hip)
                directions = [back_side, np.array([b, 0.0]), np.array([0.0, -1.0]), -back_side]
            else:
                at = hip if name == "hip" else self._point(px, seen, "KNEE")
                if at is None:
                    continue
                directions = behind
            sprite = self._sprite(f"{name} {degrees:.0f}", self.label_scale, ANGLE_COLOURS[name], ring=True)
            h, w = sprite.shape
            last = self._last_choice.get(name)
            box = None
            if last is not None and last < len(directions):  # still clear: it stays
                box = self._box_towards(at, directions[last], w, h)
                if _overlap(box, taken) > 0 or _inside(box, body) > 0:
                    box = None
            if box is None:
                boxes = [self._box_towards(at, d, w, h) for d in directions]
                costs = [
                    _overlap(box, taken) * 1000 + _inside(box, body) * 10 + i - (STICKY if i == last else 0)
                    for i, box in enumerate(boxes)
                ]
                self._last_choice[name] = int(np.argmin(costs))
                box = boxes[self._last_choice[name]]
            taken.append(box)
            self._blend(canvas, box, sprite)

    def _box_towards(self, at: np.ndarray, direction: np.ndarray, w: int, h: int) -> Box:
        """A w x h box whose near edge is LABEL_OFFSET from `at` in `direction`, inside the
        frame."""
        direction = direction / max(float(np.hypot(*direction)), 1e-9)
        cx, cy = at + direction * (self.offset + 0.5 * w * abs(direction[0]) + 0.5 * h * abs(direction[1]))
        x0 = round(min(max(cx - w / 2, 0), self.width - w))
        y0 = round(min(max(cy - h / 2, 0), self.height - h))
        return x0, y0, x0 + w, y0 + h


def _skeleton_points(px: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """(k, 2) pixels: the seen joints and the points a third and two thirds along each seen bone."""
    joints = px[_JOINT_INDEX[seen[_JOINT_INDEX]]]
    both = seen[_BONE_INDEX[:, 0]] & seen[_BONE_INDEX[:, 1]]
    a, b = px[_BONE_INDEX[both, 0]], px[_BONE_INDEX[both, 1]]
    return np.concatenate([joints, a + (b - a) / 3, a + 2 * (b - a) / 3])


def _inside(box: Box, points: np.ndarray) -> int:
    """How many points lie in the box."""
    x, y = points[:, 0], points[:, 1]
    return int(((x >= box[0]) & (x < box[2]) & (y >= box[1]) & (y < box[3])).sum())


def _overlap(box: Box, others: Sequence[Box]) -> float:
    """The share of `box`'s area covered by the others (summed)."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    covered = 0
    for other in others:
        w = min(box[2], other[2]) - max(box[0], other[0])
        h = min(box[3], other[3]) - max(box[1], other[1])
        if w > 0 and h > 0:
            covered += w * h
    return covered / max(area, 1)


_ASCII = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00b0": " deg",
        "\u00a0": " ",
    }
)


def hershey_text(text: str) -> str:
    """`text` in the characters OpenCV's Hershey fonts can draw (ASCII): typographic quotes,
    dashes and the ellipsis become their plain forms, anything else is left out (the fonts
    would draw "?")."""
    return text.translate(_ASCII).encode("ascii", "ignore").decode("ascii")


def _wrap(text: str, room: int, scale: float, thick: int) -> list[str]:
    """Words of `text` in lines at most `room` pixels wide (a longer single word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and cv2.getTextSize(trial, FONT, scale, thick)[0][0] <= room:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines or [""]
