"""Helpers of the browser tests: reading the drawn map, picking options, waiting for states."""

from __future__ import annotations

from tests.browser.conftest import STATE_TIMEOUT_MS

__all__ = [
    "GRAPH",
    "STATE_TIMEOUT_MS",
    "choose",
    "hide_point_layers",
    "hover_map_at",
    "set_click_level",
    "trace_lengths",
    "wait_for_trace_length",
]

GRAPH = "#map .js-plotly-plot"


def trace_lengths(page, meta_prefix: str, key: str = "locations") -> list[int]:
    """Length of ``key`` in every drawn trace whose meta starts with ``meta_prefix``."""
    return page.evaluate(
        """([sel, prefix, key]) => document.querySelector(sel).data
            .filter(t => t.meta === prefix || String(t.meta).startsWith(prefix + ':'))
            .map(t => (t[key] || []).length)""",
        [GRAPH, meta_prefix, key],
    )


def wait_for_trace_length(page, meta: str, n: int, key: str = "locations") -> None:
    page.wait_for_function(
        """([sel, meta, key, n]) => { const g = document.querySelector(sel);
              const t = g && g.data && g.data.find(t => t.meta === meta);
              return Boolean(t) && (t[key] || []).length === n; }""",
        arg=[GRAPH, meta, key, n],
        timeout=STATE_TIMEOUT_MS,
    )


def choose(page, dropdown_id: str, text: str) -> None:
    """Pick an option of a dcc.Dropdown: open it, search, click the first match."""
    page.click(f"#{dropdown_id}")
    page.fill(".dash-dropdown-search", text)
    page.locator("[role=option]", has_text=text).first.click()
    page.keyboard.press("Escape")


def set_click_level(page, value: str) -> None:
    page.locator(f'#click-level label:has(input[value="{value}"])').click()


POINT_LAYER_TOGGLES = (
    "sites",
    "partners:emploi",
    "partners:iae",
    "partners:social",
    "partners:services",
    "partners:autres",
    "digital_points",
)


def hide_point_layers(page) -> None:
    """Untick every point layer so a click lands on a polygon, not on the nearest marker."""
    for value in POINT_LAYER_TOGGLES:
        page.locator(f'#layers label:has(input[value="{value}"])').click()


def hover_map_at(page, x: float, y: float) -> None:
    """Move the mouse to ``(x, y)`` (from a few pixels away) and wait until Plotly has
    computed what lies under it, so that a click there selects it.

    Plotly answers a mouse move on the map asynchronously (its hover is throttled); its
    click reports what the last hover found.
    """
    page.mouse.move(x - 5, y - 5)
    page.evaluate("(sel) => { document.querySelector(sel)._hoverdata = undefined; }", GRAPH)
    page.mouse.move(x, y)
    page.wait_for_function(
        "(sel) => { const h = document.querySelector(sel)._hoverdata;"
        " return Array.isArray(h) && h.length > 0; }",
        arg=GRAPH,
        timeout=STATE_TIMEOUT_MS,
    )
