"""The access-time callbacks are registered on the app with the expected inputs."""

from __future__ import annotations


def test_access_callbacks_are_registered(app, client):
    deps = client.get("/_dash-dependencies")  # registers the global callbacks on the app
    assert deps.status_code == 200
    outputs = {k: v for k, v in app.callback_map.items()}
    assert len(outputs) == len(deps.json)

    def callback(output: str) -> dict:
        (key,) = [k for k in outputs if output in k.split("..") or k.split("@")[0] == output]
        return outputs[key]

    def inputs(output: str) -> set[str]:
        return {i["id"] for i in callback(output)["inputs"]}

    figures = inputs("access-figures.children")
    assert {"access-on", "access-threshold", "access-dest", "access-scenario", "scheme"} <= figures
    assert "access-messages.children" in [k for k in outputs if "access-figures.children" in k][0]
    assert {"map", "access-reset", "suggest-add", "departement"} <= inputs("access-scenario.data")
    assert {"departement", "scheme", "axes", "access-on", "access-scenario"} <= inputs("url.search")
    assert {"suggest-go"} <= inputs("suggest-out.children")
    # The map is patched by the access controls and the scenario too.
    map_keys = [k for k in outputs if "map.figure" in k]
    assert any("access-scenario" in {i["id"] for i in outputs[k]["inputs"]} for k in map_keys)
