"""Renders e-mail bodies with autoescaping on (customer names are untrusted)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

_env = Environment(
    loader=PackageLoader("notifications", "templates"),
    autoescape=select_autoescape(["html", "xml"]),
)


def render(template: str, **context: object) -> str:
    return _env.get_template(f"{template}.html").render(**context)
