"""Writing self-contained HTML: inline scripts and styles safely, JSON inside a script,
UTF-8 files, and the notebook frame. Shared by the page and the briefing."""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

from collabnet.errors import CollabnetError, InputError

__all__ = [
    "asset",
    "inline_frame",
    "inline_script",
    "inline_style",
    "script_json",
    "vendor_script",
    "write_html",
]

_VENDOR = {
    "graphology_js": ("graphology.umd.min.js", "graphology/dist/graphology.umd.min.js"),
    "sigma_js": ("sigma.min.js", "sigma/dist/sigma.min.js"),
}


def write_html(html_text: str, path: str | Path) -> Path:
    """Write a page's HTML to ``path`` as UTF-8 and return the path."""
    target = Path(path)
    # Explicit UTF-8: the locale's codec is gbk on Chinese Windows.
    with open(target, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(html_text)
    return target


def inline_frame(html_text: str, *, height: int = 720) -> Any:
    """An ``IPython.display.HTML`` showing the page in an iframe through ``srcdoc``.

    ``srcdoc`` carries the whole page, so the notebook needs neither a server nor the
    internet to show it.
    """
    try:
        from IPython.display import HTML
    except ImportError as err:
        raise CollabnetError(
            "showing the page inline needs IPython (Jupyter); use write_page() instead"
        ) from err
    frame = (
        f'<div><iframe srcdoc="{html.escape(html_text, quote=True)}" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #dee2e6;" '
        'sandbox="allow-scripts allow-downloads"></iframe></div>'
    )
    return HTML(frame)


def vendor_script(name: str) -> str:
    """A third-party browser bundle: from the installed package, else from the checkout.

    Wheels carry the bundles in ``collabnet/outputs/vendor`` (copied there at build time
    from ``scripts/page-js/node_modules``); a checkout reads them from ``node_modules``,
    which ``scripts/setup.sh`` fills with ``npm ci``.
    """
    packaged, in_node_modules = _VENDOR[name]
    shipped = resources.files("collabnet.outputs").joinpath("vendor", packaged)
    if shipped.is_file():
        return shipped.read_text("utf-8")
    checkout = Path(__file__).resolve().parents[2] / "scripts" / "page-js" / "node_modules"
    path = checkout / in_node_modules
    if path.is_file():
        return path.read_text("utf-8")
    raise CollabnetError(
        f"the page's JavaScript ({packaged}) is missing: run scripts/setup.sh "
        "(npm ci in scripts/page-js), or install collabnet from a wheel"
    )


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes, so ``</script>`` and
    ``<!--`` cannot appear, and the line and paragraph separators are escaped too.

    Examples
    --------
    >>> script_json({"name": "</script><!--"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def asset(name: str) -> str:
    return resources.files("collabnet.outputs").joinpath("assets", name).read_text("utf-8")


def inline_script(code: str) -> str:
    # A source-map comment would make an open developer console ask for a file.
    code = "\n".join(
        line for line in code.splitlines() if not line.startswith("//# sourceMappingURL=")
    )
    if "</script" in code.lower() or "<!--" in code:
        raise InputError("a script to inline contains '</script' or '<!--'")
    return code


def inline_style(css: str) -> str:
    if "</style" in css.lower():
        raise InputError("a style sheet to inline contains '</style'")
    return css
