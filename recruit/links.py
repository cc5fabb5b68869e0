"""Addresses outsiders follow (search engines, portals, feeds): built from PUBLIC_BASE_URL.

Never from the request's Host header, which a client chooses: a crafted Host would otherwise
land in the JobPosting markup search engines index. Works inside and outside a request (the
weekly sync builds posting documents with no request at all).
"""

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """Return the absolute public address of an endpoint of this site."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
