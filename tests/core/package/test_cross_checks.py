"""References between tables: axes, schemes, territories, plan tree, scopes, units, rules."""

from __future__ import annotations

from tests.core.package_fixture import (
    ACTIONS_CSV,
    BENEFICIARIES_CSV,
    PARTNERS_CSV,
    PLAN_CSV,
    SITES_CSV,
    TERRITORIES_CSV,
    TERRITORY_COMMUNES_CSV,
    edit,
    expect_problem,
)


def test_dangling_axe(load) -> None:  # noqa: ANN001
    dep = load({"partners.csv": edit(PARTNERS_CSV, "A1.1|A2,", "A1.1|A9,")})
    expect_problem(dep.report, "partners.csv", 4, "axes", "« A9 » absent(s) de plan.csv")
    assert "P3" not in dep.partners["partner_id"].tolist()


def test_dangling_territory_and_scheme(load) -> None:  # noqa: ANN001
    text = TERRITORY_COMMUNES_CSV + "mds,X,03001,seed,l.13\nnope,N,03002,seed,l.14\n"
    sites = edit(SITES_CSV, ",mds,S,", ",mds,Q,")
    dep = load({"territory_communes.csv": text, "sites.csv": sites})
    expect_problem(
        dep.report,
        "territory_communes.csv",
        10,
        "scheme_id, territory_id",
        "territoire « X » absent du schéma « mds »",
    )
    expect_problem(
        dep.report,
        "territory_communes.csv",
        11,
        "scheme_id, territory_id",
        "territoire « N » absent du schéma « nope »",
    )
    expect_problem(dep.report, "sites.csv", 3, "scheme_id, territory_id", "« Q »")
    assert len(dep.territory_communes) == 8


def test_territory_of_unknown_scheme(load) -> None:  # noqa: ANN001

    dep = load({"territories.csv": TERRITORIES_CSV + "cms,C1,CMS 1,,,,,seed,l.1\n"})
    expect_problem(dep.report, "territories.csv", 6, "scheme_id", "schéma « cms » absent")


def test_commune_in_two_territories_of_a_scheme(load) -> None:  # noqa: ANN001
    dep = load({"territory_communes.csv": TERRITORY_COMMUNES_CSV + "mds,S,03001,seed,l.12\n"})
    p = expect_problem(
        dep.report,
        "territory_communes.csv",
        10,
        "code_insee",
        "« 03001 » est déjà dans le territoire « N » du schéma « mds » (ligne 2)",
    )
    assert "retirez la commune de l'un des deux territoires" in p.message
    f = dep.report.file("territory_communes.csv")
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (9, 8, 1)


def test_dangling_parent_cascades_to_children(load) -> None:  # noqa: ANN001
    dep = load({"plan.csv": edit(PLAN_CSV, "A1,O1,axe", "A1,O9,axe")})
    expect_problem(dep.report, "plan.csv", 3, "parent_id", "parent « O9 » absent de plan.csv")
    expect_problem(
        dep.report, "plan.csv", 4, "parent_id", "le parent « A1 » a été rejeté (ligne 3)"
    )
    assert "A1" not in dep.plan["node_id"].tolist()
    # Actions and partners citing the rejected nodes are rejected in turn.
    expect_problem(dep.report, "actions.csv", 2, "axes", "« A1 »")


def test_parent_cycle_is_rejected(load) -> None:  # noqa: ANN001
    text = PLAN_CSV + "X1,X2,axe,9,Boucle 1,seed,l.1\nX2,X1,axe,9,Boucle 2,seed,l.1\n"
    dep = load({"plan.csv": text})
    expect_problem(dep.report, "plan.csv", 9, "parent_id", "boucle")
    expect_problem(dep.report, "plan.csv", 10, "parent_id", "boucle")


def test_action_scope_references(load) -> None:  # noqa: ANN001

    text = edit(ACTIONS_CSV, "territories,mds,S,", "territories,mds,S|W,")
    text = edit(text, "communes,,03001,", "communes,,3002|03999,")
    dep = load({"actions.csv": text})
    expect_problem(dep.report, "actions.csv", 3, "scope_codes", "« W » absent(s) du schéma")
    expect_problem(
        dep.report, "actions.csv", 4, "scope_codes", "« 3002 » complété", severity="warning"
    )
    expect_problem(dep.report, "actions.csv", 4, "scope_codes", "« 03999 »")
    assert dep.actions["action_id"].tolist() == ["F1", "F4", "F5"]


def test_beneficiary_codes_follow_their_level(load) -> None:  # noqa: ANN001
    text = BENEFICIARIES_CSV + (
        "epci,,200000099,rsa,Allocataires RSA,2023,50,false,,seed,l.66\n"
        "departement,,3,rsa,Allocataires RSA,2022,480,false,,seed,l.67\n"
        "territory,,N,rsa,Allocataires RSA,2022,100,false,,seed,l.68\n"
        "commune,,3190,rsa,Allocataires RSA,2023,30,false,,seed,l.69\n"
    )
    dep = load({"beneficiaries.csv": text})
    expect_problem(dep.report, "beneficiaries.csv", 8, "code", "EPCI « 200000099 » inconnu")
    expect_problem(dep.report, "beneficiaries.csv", 10, "scheme_id", "scheme_id vide")
    expect_problem(
        dep.report, "beneficiaries.csv", 11, "code", "complété en « 03190 »", severity="warning"
    )
    assert {"03", "03190"} <= set(dep.beneficiaries["code"])
    assert len(dep.beneficiaries) == 8


def test_duplicate_beneficiary_count(load) -> None:  # noqa: ANN001
    line = BENEFICIARIES_CSV.splitlines()[2]
    dep = load({"beneficiaries.csv": BENEFICIARIES_CSV + line + "\n"})
    expect_problem(
        dep.report,
        "beneficiaries.csv",
        8,
        "level, scheme_id, code, indicator, year",
        "en double (déjà ligne 3)",
    )


def test_territory_rules_are_checked(load) -> None:  # noqa: ANN001
    rules = (
        "scheme_id,territory_id,rule,value,source_id,source_ref\n"
        "zones,Z1,epci,200000001,seed,l.1\n"
        "zones,Z1,epci,200000099,seed,l.2\n"
        "zones,Z1,exclude_commune,3185,seed,l.3\n"
        "zones,Z1,arrondissement,039,seed,l.4\n"
        "mds,*,nearest_site,mds,seed,l.5\n"
        "mds,N,nearest_site,mds,seed,l.6\n"
        "zones,*,nearest_site,zones,seed,l.7\n"
        "zones,Z9,commune,03001,seed,l.8\n"
    )
    dep = load({"territory_rules.csv": rules})
    expect_problem(dep.report, "territory_rules.csv", 3, "value", "EPCI « 200000099 » inconnu")
    expect_problem(dep.report, "territory_rules.csv", 5, "value", "arrondissement « 039 »")
    expect_problem(dep.report, "territory_rules.csv", 7, "territory_id", "écrivez « * »")
    expect_problem(dep.report, "territory_rules.csv", 8, "value", "aucun site", "« zones »")
    expect_problem(
        dep.report, "territory_rules.csv", 9, "scheme_id, territory_id", "territoire « Z9 »"
    )
    assert dep.territory_rules["source_ref"].tolist() == ["l.1", "l.3", "l.5"]
