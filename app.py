"""Atlas de l'insertion: ``create_app()`` builds the Dash app; ``python app.py`` serves it."""

from __future__ import annotations

import sys

from dash import Dash

from server import registry
from server import settings as config
from server.api import api_blueprint
from ui import layout


def create_app(
    settings: config.Settings | None = None, reg: registry.Registry | None = None
) -> Dash:
    """Build the app for ``settings`` (packages loaded once, here, read-only afterwards)."""
    settings = settings or config.Settings()
    reg = reg or registry.Registry.load(settings.data_dirs, settings.geo_dirs)
    if not reg.codes():
        problems = "\n".join(str(p) for f in reg.broken() for p in f.problems)
        raise SystemExit("Aucun paquet départemental n'a pu être chargé.\n" + problems)
    app = Dash(
        __name__,
        title="Atlas de l'insertion",
        update_title=None,
        serve_locally=True,
        compress=True,
        assets_folder=str(config.ROOT / "assets"),
        suppress_callback_exceptions=True,
    )
    app.layout = layout.app_shell
    registry.attach(app.server, reg.with_preferred(settings.departement))
    app.server.register_blueprint(api_blueprint())
    import callbacks  # noqa: F401  (registers the callbacks)

    return app


def main(argv: list[str] | None = None) -> None:
    """Parse options, load the packages, serve on host:port."""
    settings = config.from_args(argv)
    app = create_app(settings)
    with app.server.app_context():
        reg = registry.current()
    if not reg.has(settings.departement):
        print(
            f"Département « {settings.departement} » non disponible ; "
            f"disponibles : {', '.join(reg.codes())}.",
            file=sys.stderr,
        )
    for failure in reg.broken():
        print(f"Paquet {failure.code} non chargé :", file=sys.stderr)
        for problem in failure.problems:
            print(f"  - {problem}", file=sys.stderr)
    print(
        f"Atlas de l'insertion : http://{settings.host}:{settings.port}/ "
        f"({len(reg.codes())} départements)"
    )
    app.run(host=settings.host, port=settings.port, debug=settings.debug)


if __name__ == "__main__":
    main()
