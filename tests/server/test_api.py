"""The GeoJSON API a planner loads in QGIS: stable URLs, same filters as the map."""

from __future__ import annotations

import pytest

from tests.expected import EXPECTED_COMMUNES


def test_departements_lists_codes_names_counts(client):
    resp = client.get("/api/departements")
    assert resp.status_code == 200
    items = {d["code"]: d for d in resp.get_json()["departements"]}
    assert {k: v["n_communes"] for k, v in items.items()} == EXPECTED_COMMUNES
    assert items["41"]["nom"] == "Loir-et-Cher"
    assert any(s["scheme_id"] == "mdcs_2019" for s in items["41"]["schemes"])


@pytest.mark.parametrize(
    "layer",
    [
        "communes",
        "epci",
        "epci_outside",
        "territories",
        "sites",
        "partners",
        "digital_points",
        "beneficiaries",
    ],
)
def test_every_layer_is_served_as_geojson(client, layer):
    resp = client.get(f"/api/departements/41/layers/{layer}.geojson")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    fc = resp.get_json()
    assert fc["type"] == "FeatureCollection"
    assert fc["metadata"]["crs"] == "EPSG:4326"
    assert fc["metadata"]["sources"], "sources travel with the data"
    for feature in fc["features"]:
        assert feature["geometry"] is not None


def test_communes_geojson_counts_and_codes(client):
    fc = client.get("/api/departements/03/layers/communes.geojson").get_json()
    codes = [f["id"] for f in fc["features"]]
    assert len(codes) == 317
    assert all(len(c) == 5 and c.startswith("03") for c in codes)


def test_axes_filter_partners(client):
    full = client.get("/api/departements/41/layers/partners.geojson").get_json()
    plan = client.get("/api/departements/41/layers/partners.geojson?axes=__nope__")
    assert plan.status_code == 400
    assert "inconnu" in plan.get_json()["erreur"]
    n_full = len(full["features"])
    assert n_full > 0
    axes = {
        a for f in full["features"] for a in (f["properties"].get("axes") or "").split("|") if a
    }
    smaller = [
        len(
            client.get(f"/api/departements/41/layers/partners.geojson?axes={a}").get_json()[
                "features"
            ]
        )
        for a in sorted(axes)
    ]
    assert min(smaller) < n_full


def test_territories_by_scheme(client):
    mdcs = client.get("/api/departements/41/layers/territories.geojson?scheme=mdcs_2019").get_json()
    mds = client.get("/api/departements/41/layers/territories.geojson?scheme=mds_2024").get_json()
    assert len(mdcs["features"]) == 5
    assert len(mds["features"]) == 12
    assert {f["properties"]["perimeter_status"] for f in mds["features"]} == {"approximate"}


def test_beneficiaries_geojson_suppresses_and_flags(client):
    fc = client.get("/api/departements/41/layers/beneficiaries.geojson").get_json()
    assert len(fc["features"]) == 5
    for f in fc["features"]:
        assert f["properties"]["count"] is None or f["properties"]["count"] >= 11
        assert f["properties"]["approximate"] is True


@pytest.mark.parametrize(
    ("url", "status", "word"),
    [
        ("/api/departements/99/layers/communes.geojson", 404, "inconnu"),
        ("/api/departements/41/layers/nope.geojson", 404, "Couche"),
        ("/api/departements/41/layers/territories.geojson?scheme=zzz", 400, "Découpage"),
    ],
)
def test_bad_requests_answer_in_french(client, url, status, word):
    resp = client.get(url)
    assert resp.status_code == status
    assert word in resp.get_json()["erreur"]
