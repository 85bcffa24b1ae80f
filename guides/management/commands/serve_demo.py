"""``manage.py serve_demo [addrport]``: runserver that, once it listens, says where to open the site in
both languages and how to create an admin user. ``make run`` serves the demo with it.

It extends whichever runserver the installed apps provide (whitenoise's), so everything else is the same.
"""

import os
import sys

from django.core.management import get_commands, load_command_class
from django.utils import translation
from django.utils.translation import gettext as _

RunserverCommand = type(load_command_class(get_commands()["runserver"], "runserver"))


def python_command():
    """The interpreter as the reader would type it: ``.venv/bin/python`` from the project folder."""
    relative = os.path.relpath(sys.executable)
    return sys.executable if relative.startswith("..") else relative


class Command(RunserverCommand):
    help = "Start the development server and print the site's addresses and how to create an admin user."

    def on_bind(self, server_port):
        super().on_bind(server_port)
        host = {"0": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.addr, self.addr)
        base = f"{self.protocol}://{f'[{host}]' if ':' in host else host}:{server_port}"
        create = f"{python_command()} manage.py createsuperuser"
        if "DATABASE_URL" in os.environ:
            create = f"DATABASE_URL={os.environ['DATABASE_URL']} {create}"
        with translation.override(None):
            self.stdout.write(_("Open the site: %(zh)s (Chinese) or %(ru)s (Russian)")
                              % {"zh": f"{base}/zh-hans/", "ru": f"{base}/ru/"})
            self.stdout.write(_("Admin user: run %(command)s in another terminal, then log in at %(admin)s")
                              % {"command": create, "admin": f"{base}/zh-hans/admin/"})
