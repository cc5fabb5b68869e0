"""WSGI entry point for gunicorn and the flask command; never starts the scheduler."""

from recruit import create_app

app = create_app()
