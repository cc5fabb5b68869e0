"""The JSON API v1 under /api/v1, documented as OpenAPI 3 at /api/v1/openapi.json.

flask-smorest was chosen over APIFlask because it builds on plain Flask blueprints and
marshmallow schemas (the rest of the app stays ordinary Flask), generates the OpenAPI document
from the same schemas that validate requests, and serves the document without any UI assets
(no CDN needed).
"""
