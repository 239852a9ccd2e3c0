"""Minutes as PDF with WeasyPrint. It may only read our own static files: no network fetch."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders


def _static_only_fetcher(url: str, *args, **kwargs):
    from weasyprint.urls import default_url_fetcher

    prefix = "file://"
    if url.startswith(prefix):
        path = Path(url[len(prefix) :]).resolve()
        allowed = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
        if any(path.is_relative_to(root) for root in allowed):
            return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"RMM PDF rendering refuses to fetch {url!r}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = finders.find("css/minutes.css")
    return HTML(string=html, url_fetcher=_static_only_fetcher).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )
