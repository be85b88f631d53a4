"""department.toml: required keys, syntax, threshold, references, code."""

from __future__ import annotations

import pytest

from core.package import (
    PackageError,
    load_department,
)
from tests.core.package_fixture import (
    TOML,
    edit,
    expect_problem,
)


def test_missing_toml_keys_are_fatal(make_package, geo_dir) -> None:  # noqa: ANN001
    toml = edit(TOML, "secrecy_threshold = 11\n", "")
    with pytest.raises(PackageError) as exc:
        load_department(make_package({"department.toml": toml}), geo_dirs=[geo_dir])
    assert str(exc.value.problems[0]).startswith(
        "department.toml, colonne « secrecy_threshold » : clé(s) obligatoire(s) absente(s)"
    )


def test_invalid_toml_is_fatal(make_package, geo_dir) -> None:  # noqa: ANN001
    with pytest.raises(PackageError) as exc:
        load_department(make_package({"department.toml": TOML + "code = \n"}), geo_dirs=[geo_dir])
    assert "syntaxe TOML invalide" in str(exc.value.problems[0])
    with pytest.raises(PackageError) as exc:
        load_department(
            make_package({"department.toml": None}, folder_name="03-autre"), geo_dirs=[geo_dir]
        )
    assert str(exc.value.problems[0]).startswith("department.toml : fichier absent")


@pytest.mark.parametrize("value", ["0", "-1", '"11"', "true"])
def test_secrecy_threshold_must_be_a_positive_integer(make_package, geo_dir, value: str) -> None:  # noqa: ANN001
    toml = edit(TOML, "secrecy_threshold = 11", f"secrecy_threshold = {value}")
    with pytest.raises(PackageError, match="secret statistique"):
        load_department(make_package({"department.toml": toml}), geo_dirs=[geo_dir])


def test_toml_references_are_checked(load) -> None:  # noqa: ANN001
    toml = edit(TOML, 'default_scheme = "mds"', 'default_scheme = "cms"')
    toml = edit(toml, 'digital_axes = ["A2"]', 'digital_axes = ["A2", "Z9"]')
    toml = edit(toml, 'axe_group_level = "orientation"', 'axe_group_level = "orientations"')
    dep = load({"department.toml": toml})
    expect_problem(dep.report, "department.toml", None, "default_scheme", "« cms »")
    expect_problem(dep.report, "department.toml", None, "digital_axes", "« Z9 »")
    expect_problem(
        dep.report,
        "department.toml",
        None,
        "axe_group_level",
        "« orientations »",
        severity="warning",
    )
    assert dep.default_scheme is None
    assert dep.digital_axes == ("A2",)


def test_numeric_toml_code_is_restored(load) -> None:  # noqa: ANN001
    dep = load({"department.toml": edit(TOML, 'code = "03"', "code = 3")})
    expect_problem(
        dep.report, "department.toml", None, "code", "lu comme « 03 »", severity="warning"
    )
    assert dep.code == "03"
