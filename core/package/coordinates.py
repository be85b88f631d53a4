"""Coordinate checks of a table: :func:`check_coordinates` (outline, swapped pair, Lambert-93)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from core.formatting import format_number_fr
from core.package.geo import (
    COMMUNE_TOLERANCE_M,
    L93_X_RANGE,
    L93_Y_RANGE,
    OUTLINE_TOLERANCE_M,
    DepartmentShape,
    geoms_to_l93,
    to_l93,
    transformer,
)
from core.package.problems import quote, sentence

if TYPE_CHECKING:
    from core.package.table_checks import TableCheck


def check_coordinates(
    check: TableCheck, shape: DepartmentShape, code_column: str = "code_insee"
) -> None:
    """Check ``latitude``/``longitude`` of a table and settle its ``precision``.

    Rows without coordinates get ``precision = commune`` (a warning when ``address``
    was declared); coordinates are then checked against the département outline
    (swapped pair, Lambert-93 metres, far point) and against the row's commune
    (only a warning). Adds float columns ``latitude``/``longitude``.
    """
    lat = check.frame["latitude"].to_numpy(dtype=float)
    lon = check.frame["longitude"].to_numpy(dtype=float)
    both, declared_commune = _settle_precision(check, lat, lon)
    rows = np.flatnonzero(check.live() & both & ~declared_commune)
    if not len(rows):
        return
    _check_against_outline(check, shape, lat, lon, rows)
    # Point in another commune than its code: a warning only (simplified boundaries).
    ok = np.flatnonzero(check.live() & both & ~declared_commune)
    _check_against_commune(check, shape, lat, lon, ok, code_column)


def _settle_precision(
    check: TableCheck, lat: np.ndarray, lon: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Reject half pairs, warn on precision mismatches, rewrite ``precision``.

    Returns the rows with both coordinates and the rows declared ``commune``.
    """
    prec = check.frame["precision"].to_numpy(dtype=object)
    has_lat, has_lon = np.isfinite(lat), np.isfinite(lon)
    live = check.live()
    one = live & (has_lat ^ has_lon)
    check.add(
        np.flatnonzero(one),
        "latitude, longitude",
        lambda p: sentence(
            "une seule des deux coordonnées est renseignée ; la ligne est rejetée",
            "renseignez latitude et longitude, ou videz les deux (précision commune)",
        ),
    )
    none = ~has_lat & ~has_lon
    declared_address = np.array([v == "address" for v in prec], dtype=bool)
    for i in np.flatnonzero(live & none & declared_address).tolist():
        check.add(
            [i],
            "precision",
            sentence(
                "précision « address » sans coordonnées : le lieu est placé au point "
                "représentatif de sa commune",
                "ajoutez latitude et longitude, ou écrivez « commune »",
            ),
            "warning",
        )
    both = has_lat & has_lon
    declared_commune = np.array([v == "commune" for v in prec], dtype=bool)
    for i in np.flatnonzero(check.live() & both & declared_commune).tolist():
        check.add(
            [i],
            "precision",
            sentence(
                "précision « commune » mais coordonnées renseignées : elles sont ignorées "
                "et le lieu est placé au point représentatif de sa commune",
                "écrivez « address » si les coordonnées localisent bien l'adresse",
            ),
            "warning",
        )
    new_prec = np.where(both & ~declared_commune, "address", "commune")
    check.frame["precision"] = pd.Series(new_prec, index=check.frame.index, dtype="str")
    return both, declared_commune


def _check_against_outline(
    check: TableCheck,
    shape: DepartmentShape,
    lat: np.ndarray,
    lon: np.ndarray,
    rows: np.ndarray,
) -> None:
    """Reject points out of range, in Lambert-93, swapped or far from the outline."""
    diag = diagnose_coordinates(lat[rows], lon[rows], shape.outline_l93)
    for k, i in enumerate(rows.tolist()):
        status = diag.at[k, "status"]
        if status == "ok":
            continue
        what, todo, cols = _outline_message(diag.iloc[k], lat[i], lon[i], shape)
        check.add([i], cols, sentence(what + " ; la ligne est rejetée", todo))


def _outline_message(
    found: pd.Series, lat: float, lon: float, shape: DepartmentShape
) -> tuple[str, str, str]:
    """What is wrong, what to do and the columns, for one diagnosed point."""
    status = found["status"]
    la, lo = quote(f"{lat:g}"), quote(f"{lon:g}")
    both = "latitude, longitude"
    if status == "lambert93":
        what = (
            f"latitude {la}, longitude {lo} : coordonnées en Lambert-93 (EPSG:2154) au "
            f"lieu de degrés WGS84 (soit environ latitude {found['fixed_lat']:.5f}, "
            f"longitude {found['fixed_lon']:.5f})"
        )
        return what, "convertissez-les en degrés WGS84 (EPSG:4326) avant de les saisir", both
    if status == "range_lat":
        what = f"valeur {la} hors de la plage -90 à 90"
        return what, "vérifiez que latitude et longitude ne sont pas inversées", "latitude"
    if status == "range_lon":
        what = f"valeur {lo} hors de la plage -180 à 180"
        return what, "vérifiez que latitude et longitude ne sont pas inversées", "longitude"
    if status == "swapped":
        what = (
            f"latitude {la} et longitude {lo} sont inversées (le point inversé tombe "
            f"dans le {shape.label})"
        )
        return what, "échangez les valeurs des colonnes latitude et longitude", both
    what = (
        f"le point (latitude {la}, longitude {lo}) est hors du {shape.label}, "
        f"à {format_number_fr(found['distance_km'], 1)} km de son contour"
    )
    todo = "vérifiez les coordonnées (degrés WGS84, point décimal) ou le géocodage de l'adresse"
    return what, todo, both


def _check_against_commune(
    check: TableCheck,
    shape: DepartmentShape,
    lat: np.ndarray,
    lon: np.ndarray,
    ok: np.ndarray,
    code_column: str,
) -> None:
    """Warn when a point lies farther than the tolerance from the commune of its code."""
    codes = check.frame[code_column].to_numpy(dtype=object)
    idx = np.array(
        [shape.code_index.get(c, -1) if isinstance(c, str) else -1 for c in codes[ok]],
        dtype=np.int64,
    )
    with_code = idx >= 0
    rows, gi = ok[with_code], idx[with_code]
    if not len(rows):
        return
    inside = shapely.contains_xy(shape.commune_geoms[gi], lon[rows], lat[rows])
    miss_rows, miss_g = rows[~inside], gi[~inside]
    if not len(miss_rows):
        return
    px, py = to_l93(lon[miss_rows], lat[miss_rows])
    g93 = geoms_to_l93(shape.commune_geoms[miss_g])
    dist = np.asarray(shapely.distance(g93, shapely.points(px, py)))
    found = shape.locate(lon[miss_rows], lat[miss_rows])
    for i, d, other in zip(miss_rows.tolist(), dist.tolist(), found.tolist(), strict=True):
        if d <= COMMUNE_TOLERANCE_M:
            continue
        code = codes[i]
        where = (
            f"dans la commune {shape.commune_name(other)} ({other})"
            if other
            else "hors des communes du département"
        )
        check.add(
            [i],
            "latitude, longitude",
            sentence(
                f"le point est {where}, à {format_number_fr(d / 1000, 1)} km de "
                f"{shape.commune_name(code)} ({code}) indiquée par code_insee",
                "vérifiez les coordonnées ou le code INSEE",
            ),
            "warning",
        )


def diagnose_coordinates(lat: np.ndarray, lon: np.ndarray, outline_l93: Any) -> pd.DataFrame:
    """Classify coordinate pairs against a département outline.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        Values of the ``latitude`` and ``longitude`` columns (supposed WGS84 degrees);
        both finite.
    outline_l93 : shapely.Geometry
        Département outline in Lambert-93 (EPSG:2154).

    Returns
    -------
    pandas.DataFrame
        ``status`` (``ok``, ``lambert93``, ``range_lat``, ``range_lon``, ``swapped``,
        ``outside``), ``distance_km`` (distance to the outline, for ``outside``),
        ``fixed_lat``/``fixed_lon`` (degrees after conversion, for ``lambert93``).
        A point within :data:`OUTLINE_TOLERANCE_M` of the outline is ``ok``.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    n = len(lat)
    status = np.full(n, "ok", dtype=object)
    dist_km = np.full(n, np.nan)
    fixed_lat = np.full(n, np.nan)
    fixed_lon = np.full(n, np.nan)

    def in_range(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
        return (v >= lo) & (v <= hi)

    l93 = in_range(lon, *L93_X_RANGE) & in_range(lat, *L93_Y_RANGE)
    l93_sw = in_range(lat, *L93_X_RANGE) & in_range(lon, *L93_Y_RANGE)
    x = np.where(l93, lon, lat)
    y = np.where(l93, lat, lon)
    any_l93 = l93 | l93_sw
    if any_l93.any():
        flon, flat = transformer(2154, 4326).transform(x[any_l93], y[any_l93])
        fixed_lon[any_l93] = flon
        fixed_lat[any_l93] = flat
        status[any_l93] = "lambert93"
    bad_lat = ~any_l93 & (np.abs(lat) > 90)
    bad_lon = ~any_l93 & ~bad_lat & (np.abs(lon) > 180)
    status[bad_lat] = "range_lat"
    status[bad_lon] = "range_lon"

    todo = status == "ok"
    if todo.any():
        px, py = to_l93(lon[todo], lat[todo])
        inside = _near(outline_l93, px, py)
        idx = np.flatnonzero(todo)
        out = idx[~inside]
        if len(out):
            # Swapped pair: latitude read as longitude and vice versa.
            sw_ok = (np.abs(lon[out]) <= 90) & (np.abs(lat[out]) <= 180)
            swapped = np.zeros(len(out), dtype=bool)
            if sw_ok.any():
                sx, sy = to_l93(lat[out][sw_ok], lon[out][sw_ok])
                swapped[sw_ok] = _near(outline_l93, sx, sy)
            status[out[swapped]] = "swapped"
            far = out[~swapped]
            status[far] = "outside"
            if len(far):
                fx, fy = to_l93(lon[far], lat[far])
                d = shapely.distance(outline_l93, shapely.points(fx, fy))
                dist_km[far] = np.asarray(d) / 1000.0
    return pd.DataFrame(
        {"status": status, "distance_km": dist_km, "fixed_lat": fixed_lat, "fixed_lon": fixed_lon}
    )


def _near(outline_l93: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Points inside the outline or within :data:`OUTLINE_TOLERANCE_M` of it."""
    finite = np.isfinite(x) & np.isfinite(y)
    ok = np.zeros(len(x), dtype=bool)
    if not finite.any():
        return ok
    xs, ys = x[finite], y[finite]
    inside = shapely.contains_xy(outline_l93, xs, ys)
    if (~inside).any():
        d = shapely.distance(outline_l93, shapely.points(xs[~inside], ys[~inside]))
        inside[~inside] = np.asarray(d) <= OUTLINE_TOLERANCE_M
    ok[finite] = inside
    return ok
