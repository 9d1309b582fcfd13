"""kpi_engine stays pure: importing all of it loads neither Slack nor SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys


def test_the_engine_imports_neither_slack_nor_sqlalchemy() -> None:
    script = (
        "import pkgutil, sys, kpi_engine\n"
        "for module in pkgutil.iter_modules(kpi_engine.__path__):\n"
        "    __import__(f'kpi_engine.{module.name}')\n"
        "loaded = sorted(name for name in sys.modules\n"
        "                if name.split('.')[0] in ('sqlalchemy', 'slack_sdk', 'slack_bolt',\n"
        "                                          'storage', 'bot', 'psycopg'))\n"
        "print(','.join(loaded))\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert finished.stdout.strip() == ""
