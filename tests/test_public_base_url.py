"""Links the product hands out point at the address it is served on."""

import subprocess
import sys


def _base_url(env: dict) -> str:
    code = "import config; print(config.Config.PUBLIC_BASE_URL)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_default_follows_the_port_make_run_serves_on():
    env = {"PATH": "/usr/bin:/bin", "FLASK_RUN_HOST": "127.0.0.1", "FLASK_RUN_PORT": "5077"}
    assert _base_url(env) == "http://127.0.0.1:5077"


def test_a_configured_public_address_wins():
    env = {
        "PATH": "/usr/bin:/bin",
        "FLASK_RUN_PORT": "5077",
        "PUBLIC_BASE_URL": "https://zp.example.cn",
    }
    assert _base_url(env) == "https://zp.example.cn"
