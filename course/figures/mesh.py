"""Triangle meshes for the 3D joint figures: grids, spheres, tubes, cones, shells and their cuts,
as plain arrays (no Plotly), rounded so a figure's JSON stays small."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Drawing resolution: modest, so each figure's JSON stays well under 1 MB.
ROUND_DECIMALS = 4  # metres: 0.1 mm
SPHERE_RINGS, SPHERE_SEGMENTS = 14, 24
TUBE_SEGMENTS = 14
SHELL_STEPS = 9


# --------------------------------------------------------------------------------------------
# Geometry: triangle meshes


@dataclass(frozen=True)
class Triangles:
    points: np.ndarray  # (n, 3) metres
    triangles: np.ndarray  # (m, 3) vertex indexes

    def transformed(self, rotation: np.ndarray, shift: np.ndarray | None = None) -> Triangles:
        moved = self.points @ rotation.T
        return Triangles(moved + (0 if shift is None else shift), self.triangles)

    @staticmethod
    def merge(*parts: Triangles) -> Triangles:
        points, triangles, offset = [], [], 0
        for part in parts:
            points.append(part.points)
            triangles.append(part.triangles + offset)
            offset += len(part.points)
        return Triangles(np.vstack(points), np.vstack(triangles).astype(int))


def grid(points: np.ndarray, wrap: bool) -> Triangles:
    """Triangles over a (rows, cols, 3) grid of points; ``wrap`` joins the last column to the first."""
    rows, cols, _ = points.shape
    index = np.arange(rows * cols).reshape(rows, cols)
    right = np.roll(index, -1, axis=1) if wrap else index[:, 1:]
    left = index if wrap else index[:, :-1]
    a, b = left[:-1], right[:-1]
    c, d = left[1:], right[1:]
    triangles = np.concatenate([np.stack([a, c, d], -1).reshape(-1, 3), np.stack([a, d, b], -1).reshape(-1, 3)])
    return Triangles(points.reshape(-1, 3), triangles)


def _basis(axis: np.ndarray, hint: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors (u, v, w) with w along ``axis`` and u as close to ``hint`` as possible."""
    w = axis / np.linalg.norm(axis)
    hint = np.array([0.0, 0.0, 1.0]) if hint is None else hint
    if abs(np.dot(hint / np.linalg.norm(hint), w)) > 0.99:
        hint = np.array([1.0, 0.0, 0.0]) if abs(w[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = hint - np.dot(hint, w) * w
    u /= np.linalg.norm(u)
    return u, np.cross(w, u), w


def rotation_matrix(axis: np.ndarray, angle_deg: float) -> np.ndarray:
    """Right-hand-rule rotation by ``angle_deg`` about the unit vector ``axis`` (Rodrigues)."""
    x, y, z = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])
    a = math.radians(angle_deg)
    return np.eye(3) + math.sin(a) * k + (1 - math.cos(a)) * (k @ k)


def _revolve(rho: np.ndarray, height: np.ndarray, origin: np.ndarray, axis: np.ndarray, segments: int) -> Triangles:
    """A closed surface of revolution from a profile (radius, height along ``axis``); radius 0 closes an end."""
    u, v, w = _basis(axis)
    phi = np.linspace(0.0, 2 * math.pi, segments, endpoint=False)
    ring = np.cos(phi)[:, None] * u + np.sin(phi)[:, None] * v
    surface = origin + rho[:, None, None] * ring[None] + height[:, None, None] * w
    return grid(surface, wrap=True)


def sphere(centre: np.ndarray, radius: float) -> Triangles:
    theta = np.linspace(0.0, math.pi, SPHERE_RINGS + 1)
    return _revolve(radius * np.sin(theta), -radius * np.cos(theta), centre, np.array([0.0, 0.0, 1.0]), SPHERE_SEGMENTS)


def ellipsoid(centre: np.ndarray, radii: tuple[float, float, float]) -> Triangles:
    theta = np.linspace(0.0, math.pi, 9)
    unit = _revolve(np.sin(theta), -np.cos(theta), np.zeros(3), np.array([0.0, 0.0, 1.0]), 14)
    return Triangles(unit.points * np.array(radii) + centre, unit.triangles)


def tube(start: np.ndarray, end: np.ndarray, r_start: float, r_end: float) -> Triangles:
    """A truncated cone with flat caps (the caps keep their own edge so they read as cut ends)."""
    axis = end - start
    length = np.linalg.norm(axis)
    rho = np.array([0.0, r_start, r_start, r_end, r_end, 0.0])
    height = np.array([0.0, 0.0, 0.0, length, length, length])
    return _revolve(rho, height, start, axis, TUBE_SEGMENTS)


def cone(base: np.ndarray, tip: np.ndarray, radius: float) -> Triangles:
    length = np.linalg.norm(tip - base)
    return _revolve(
        np.array([0.0, radius, radius, 0.0]), np.array([0.0, 0.0, 0.0, length]), base, tip - base, TUBE_SEGMENTS
    )


def path_tube(points: np.ndarray, radius: float, closed: bool = False) -> Triangles:
    """A round tube along a polyline of points (metres)."""
    tangents = np.gradient(points, axis=0)
    if closed:
        tangents = np.roll(points, -1, axis=0) - np.roll(points, 1, axis=0)
    tangents /= np.linalg.norm(tangents, axis=1, keepdims=True)
    phi = np.linspace(0.0, 2 * math.pi, 10, endpoint=False)
    rings = []
    normal = _basis(tangents[0])[0]
    for tangent in tangents:
        normal = normal - np.dot(normal, tangent) * tangent  # carry the frame along the path
        normal /= np.linalg.norm(normal)
        binormal = np.cross(tangent, normal)
        rings.append(np.cos(phi)[:, None] * normal + np.sin(phi)[:, None] * binormal)
    surface = points[:, None, :] + radius * np.array(rings)
    if closed:
        surface = np.concatenate([surface, surface[:1]])
    body = grid(surface, wrap=True)
    if closed:
        return body
    caps = [
        Triangles(
            np.vstack([end, surface[row]]), np.array([[0, 1 + s, 1 + (s + 1) % len(phi)] for s in range(len(phi))])
        )
        for end, row in ((points[0], 0), (points[-1], -1))
    ]
    return Triangles.merge(body, *caps)


def shell(
    pole: np.ndarray,
    theta_deg: tuple[float, float],
    r_inner: np.ndarray | float,
    r_outer: np.ndarray | float,
    cut: tuple[np.ndarray, np.ndarray] | None = None,
    steps: int = SHELL_STEPS,
    segments: int = SPHERE_SEGMENTS,
) -> Triangles:
    """A thick spherical cap round the origin: polar angles ``theta_deg`` from ``pole``, radii in metres.

    ``r_inner``/``r_outer`` may vary along the polar angle (arrays of ``steps + 1``). With ``cut``
    = (normal, in_plane) only the half on the far side of the plane through the pole is kept,
    and the cut faces are closed so the cross-section reads as solid.
    """
    theta = np.radians(np.linspace(theta_deg[0], theta_deg[1], steps + 1))
    r_in = np.broadcast_to(np.asarray(r_inner, float), theta.shape)
    r_out = np.broadcast_to(np.asarray(r_outer, float), theta.shape)
    if cut is None:
        u, v, w = _basis(pole)
        phi = np.linspace(0.0, 2 * math.pi, segments, endpoint=False)
    else:
        normal, in_plane = cut
        w, u, v = pole, in_plane, -normal  # phi in [0, pi] keeps the side away from ``normal``
        phi = np.linspace(0.0, math.pi, segments // 2 + 1)
    wrap = cut is None
    direction = (
        np.sin(theta)[:, None, None] * (np.cos(phi)[None, :, None] * u + np.sin(phi)[None, :, None] * v)
        + np.cos(theta)[:, None, None] * w
    )
    inner = direction * r_in[:, None, None]
    outer = direction * r_out[:, None, None]
    parts = [grid(inner, wrap), grid(outer[::-1], wrap)]  # outer reversed: faces point outward
    parts.append(grid(np.stack([inner[-1], outer[-1]]), wrap))  # the rim
    if theta_deg[0] > 0:
        parts.append(grid(np.stack([outer[0], inner[0]]), wrap))
    if cut is not None:
        for column in (0, -1):
            parts.append(grid(np.stack([inner[:, column], outer[:, column]], axis=1), wrap=False))
    return Triangles.merge(*parts)


def cut_plane(pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(normal, in_plane): the plane through the socket's pole that faces the front as squarely as it can.

    The normal points towards the camera; the half of each socket behind the plane is kept.
    """
    forward = np.array([1.0, 0.0, 0.0])
    normal = forward - np.dot(forward, pole) * pole
    normal /= np.linalg.norm(normal)
    return normal, np.cross(normal, pole) / np.linalg.norm(np.cross(normal, pole))


def cut_eye(cut: tuple[np.ndarray, np.ndarray] | None) -> dict:
    normal = cut[0] if cut is not None else np.array([1.0, 0.0, 0.0])
    eye = normal * 1.35 + np.array([0.0, 0.0, 0.15])
    return dict(x=float(eye[0]), y=float(eye[1]), z=float(eye[2]))
