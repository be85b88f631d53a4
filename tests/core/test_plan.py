"""Axe and territory filters on the tiny package."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from core.package import Department
from core.plan import (
    actions_for,
    axe_options,
    communes_of,
    descendants,
    digital_points_visible,
    filter_actions,
    filter_partners,
    level_label,
    match_axes,
)
from tests.core.package_fixture import ACTIONS_CSV


def test_descendants_include_the_nodes_themselves(dep: Department) -> None:
    assert descendants(dep.plan, ["A1"]) == {"A1", "A1.1"}
    assert descendants(dep.plan, ["O2"]) == {"O2", "A2", "A2.1", "A3"}
    assert descendants(dep.plan, ["A1.1", "A3"]) == {"A1.1", "A3"}
    assert descendants(dep.plan, ["ZZ"]) == {"ZZ"}
    assert descendants(dep.plan, []) == set()


def test_axe_options_with_groups(dep: Department) -> None:
    assert axe_options(dep) == [
        {
            "node_id": "A1",
            "label": "Axe 1 – Insertion professionnelle",
            "group_node_id": "O1",
            "group_label": "Orientation 1 – Accompagner vers l'emploi",
        },
        {
            "node_id": "A2",
            "label": "Axe 2 – Inclusion numérique",
            "group_node_id": "O2",
            "group_label": "Orientation 2 – Accès aux droits",
        },
        {
            "node_id": "A3",
            "label": "Axe 3 – Logement",
            "group_node_id": "O2",
            "group_label": "Orientation 2 – Accès aux droits",
        },
    ]


def test_axe_options_other_level_without_group(dep: Department) -> None:
    other = dataclasses.replace(dep, axe_level="objectif", axe_group_level=None)
    assert axe_options(other) == [
        {
            "node_id": "A1.1",
            "label": "Objectif 1.1 – Lever les freins périphériques",
            "group_node_id": None,
            "group_label": None,
        },
        {
            "node_id": "A2.1",
            "label": "Objectif 2.1 – Médiation numérique",
            "group_node_id": None,
            "group_label": None,
        },
    ]


def test_level_labels() -> None:
    assert level_label("objectif_operationnel") == "Objectif opérationnel"
    assert level_label("axe_thematique_2022") == "Axe thematique 2022"


def test_match_axes(dep: Department) -> None:
    cells = pd.Series(["A1", "A1.1", "A2|A3", None, "O1"], index=[10, 11, 12, 13, 14], dtype="str")
    assert match_axes(cells, dep.plan, None).tolist() == [True] * 5
    assert match_axes(cells, dep.plan, []).tolist() == [True] * 5
    assert match_axes(cells, dep.plan, ["A1"]).tolist() == [True, True, False, False, False]
    assert match_axes(cells, dep.plan, "A1").tolist() == [True, True, False, False, False]
    assert match_axes(cells, dep.plan, ["O1"]).tolist() == [True, True, False, False, True]
    assert match_axes(cells, dep.plan, ["A3"]).tolist() == [False, False, True, False, False]
    # A row tagged with a parent node does not match a child selection.
    assert match_axes(cells, dep.plan, ["A1.1"]).tolist() == [False, True, False, False, False]
    result = match_axes(cells, dep.plan, ["A1"])
    assert result.dtype == bool and list(result.index) == [10, 11, 12, 13, 14]


def test_filter_partners_and_actions(dep: Department) -> None:
    assert filter_partners(dep, None)["partner_id"].tolist() == ["P1", "P2", "P3"]
    assert filter_partners(dep, ["A1"])["partner_id"].tolist() == ["P1", "P3"]
    assert filter_partners(dep, ["A2"])["partner_id"].tolist() == ["P2", "P3"]
    assert filter_partners(dep, ["A3"]).empty
    assert filter_actions(dep, ["A3"])["action_id"].tolist() == ["F4", "F5"]
    assert filter_actions(dep, ["O1"])["action_id"].tolist() == ["F1", "F2", "F4"]


@pytest.mark.parametrize(
    ("axes", "visible"),
    [
        (None, True),
        ([], True),
        (["A2"], True),  # a digital axe itself
        (["O2"], True),  # the digital axe is below the selection
        (["A2.1"], True),  # the selection is below the digital axe
        (["A1"], False),
        (["A1", "A3"], False),
        (["A1", "A2"], True),
    ],
)
def test_digital_points_visible(dep: Department, axes: list[str] | None, visible: bool) -> None:
    assert digital_points_visible(dep, axes) is visible


def test_digital_points_hidden_when_no_digital_axe(dep: Department) -> None:
    none = dataclasses.replace(dep, digital_axes=())
    assert digital_points_visible(none, ["A2"]) is False
    assert digital_points_visible(none, None) is True


def test_communes_of(dep: Department) -> None:
    assert communes_of(dep, "mds", "N") == ["03001", "03002"]
    assert communes_of(dep, "zones", "Z1") == ["03001", "03002", "03185", "03190"]
    assert communes_of(dep, "zones", "Z2") == []  # unknown perimeter
    assert communes_of(dep, "mds", "nope") == []


def _matches(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["action_id"], frame["scope_match"], strict=True))


def test_actions_for_the_departement(dep: Department) -> None:
    assert _matches(actions_for(dep, None)) == {
        "F1": "tout le département",
        "F2": "certains territoires",
        "F3": "certaines communes",
        "F4": "périmètre non précisé",
        "F5": "certains territoires",
    }


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (
            {"scheme_id": "mds", "territory_id": "N"},
            {"F1": "tout le département", "F3": "une commune de ce territoire"},
        ),
        (
            {"scheme_id": "mds", "territory_id": "S"},
            {"F1": "tout le département", "F2": "ce territoire"},
        ),
        (
            {"scheme_id": "zones", "territory_id": "Z1"},
            {
                "F1": "tout le département",
                "F2": "un territoire qui recoupe ce territoire",
                "F3": "une commune de ce territoire",
            },
        ),
        # Unknown perimeter: only what names it (or the whole département).
        (
            {"scheme_id": "zones", "territory_id": "Z2"},
            {"F1": "tout le département", "F5": "ce territoire"},
        ),
        (
            {"siren_epci": "200000001"},
            {"F1": "tout le département", "F3": "une commune de cet EPCI"},
        ),
        (
            {"siren_epci": "200000002"},
            {"F1": "tout le département", "F2": "un territoire qui recoupe cet EPCI"},
        ),
        (
            {"code_insee": "03185"},
            {"F1": "tout le département", "F2": "le territoire de cette commune"},
        ),
        ({"code_insee": "03001"}, {"F1": "tout le département", "F3": "cette commune"}),
    ],
)
def test_actions_for_a_unit(
    dep: Department, unit: dict[str, str], expected: dict[str, str]
) -> None:
    assert _matches(actions_for(dep, None, **unit)) == expected


def test_actions_for_combines_axes_and_unit(dep: Department) -> None:
    assert _matches(actions_for(dep, ["A2"], code_insee="03001")) == {"F3": "cette commune"}
    assert actions_for(dep, ["A3"], scheme_id="mds", territory_id="N").empty
    assert "scope_match" in actions_for(dep, ["A3"], scheme_id="mds", territory_id="N").columns


def test_actions_for_counts_several_communes(load) -> None:  # noqa: ANN001
    extra = "F6,Atelier mobile,A1,,,,,,,communes,,03001|03002|03190,,PTI,,seed,l.45\n"
    dep = load({"actions.csv": ACTIONS_CSV + extra})
    assert _matches(actions_for(dep, ["A1"], scheme_id="mds", territory_id="N"))["F6"] == (
        "2 communes de ce territoire"
    )


def test_actions_for_needs_scheme_with_territory(dep: Department) -> None:
    with pytest.raises(ValueError, match="scheme_id"):
        actions_for(dep, None, territory_id="N")
