"""The access controls: engines offered per package, and a link pre-filling the page."""

from __future__ import annotations

import shutil
from dataclasses import replace

from core.package import load_department
from server import settings as config
from ui import layout
from ui.page import serve_layout
from viewstate.url import parse_query


def find(component, component_id):
    """The component with ``component_id`` in a Dash layout tree."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    if children is None:
        return None
    for child in children if isinstance(children, list | tuple) else [children]:
        found = find(child, component_id)
        if found is not None:
            return found
    return None


def test_engines_without_package_files_are_disabled_and_say_why(reg):
    options = {o["value"]: o for o in layout.engine_options(reg.get("41").dep)}
    assert options["straight_line"]["disabled"] is False
    assert options["road"]["disabled"] is True
    assert "aucun graphe compilé" in options["road"]["label"]
    assert options["imported"]["disabled"] is True
    assert "aucune matrice" in options["imported"]["label"]


def test_an_imported_matrix_in_the_package_enables_its_engine(tmp_path):
    pkg = tmp_path / "41-loir-et-cher"
    shutil.copytree(config.DATA_DIR / "41-loir-et-cher", pkg)
    (pkg / "access_matrix.csv").write_text("origine;destination;minutes\n41018;mds_blois;0\n")
    dep = load_department(pkg, [config.GEO_DIR])
    options = {o["value"]: o for o in layout.engine_options(dep)}
    assert options["imported"]["disabled"] is False
    assert options["imported"]["label"] == "Matrice de temps importée"


def test_a_link_prefills_the_access_controls(reg):
    view, notes = parse_query(
        "?dep=41&decoupage=mds_2024&acces=velo&seuil=20&dest=sites,digital&jour=mardi"
        "&ajout=41059&retrait=sites:mds_blois&vitesse=15"
    )
    assert notes == []
    page = serve_layout(reg, "41", view)
    assert find(page, "scheme").value == "mds_2024"
    assert find(page, "access-on").value == ["on"]
    assert find(page, "access-mode").value == "bike"
    assert find(page, "access-threshold").value == 20.0
    assert find(page, "access-speed").value == 15.0
    assert find(page, "access-speed").placeholder == 12.0, "bike default shown as placeholder"
    assert find(page, "access-dest").value == ["sites", "digital"]
    assert find(page, "access-day").value == "1"
    assert find(page, "access-details").hidden is False
    assert find(page, "access-scenario").data == {
        "added": ["41059"],
        "removed": ["sites:mds_blois"],
    }
    fig = find(page, "map").figure
    access = fig["layout"]["meta"]["access"]
    assert access["enabled"] and access["drawn"] and access["added"] == ["41059"]
    (added,) = [t for t in fig["data"] if t["meta"] == "access:added"]
    assert len(added["lon"]) == 1


def test_unknown_scheme_and_axes_in_a_link_fall_back(reg):
    view, _ = parse_query("?dep=41&decoupage=nope&axes=ZZZ")
    page = serve_layout(reg, "41", replace(view))
    assert find(page, "scheme").value == reg.get("41").dep.default_scheme
    assert find(page, "axes").value == []
    assert find(page, "access-details").hidden is True


def test_a_link_restores_layers_selection_and_panel(reg):
    view, notes = parse_query(
        "?dep=41&couches=territories,sites&sel=territory:vendome&benef=nombre"
    )
    assert notes == []
    page = serve_layout(reg, "41", view)
    assert find(page, "layers").value == ["territories", "sites"]
    assert find(page, "benef-mode").value == "count"
    assert find(page, "selection").data == {
        "type": "territory",
        "code": "vendome",
        "scheme": reg.get("41").dep.default_scheme,
    }
    fig = find(page, "map").figure
    shown = {t["meta"].split(":")[0] for t in fig["data"] if t["visible"]}
    assert shown == {"territories", "sites"}
