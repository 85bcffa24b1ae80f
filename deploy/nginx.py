"""Fill deploy/nginx.conf for a set of app servers: `python -m deploy.nginx --app HOST:PORT ... > portal.conf`.

The operator (deploy/README.md) and the cluster tests use the same template and this same command.
"""

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")


def render(apps, static_root, certificate, certificate_key, listen="443", server_name="_",
           max_fails=2, fail_timeout=5):
    if not apps:
        raise ValueError("at least one app server is needed")
    servers = "\n".join(f"    server {app} max_fails={max_fails} fail_timeout={fail_timeout}s;" for app in apps)
    values = {
        "app_servers": servers,
        "listen": str(listen),
        "server_name": server_name,
        "static_root": str(static_root).rstrip("/"),
        "certificate": str(certificate),
        "certificate_key": str(certificate_key),
    }
    text = TEMPLATE.read_text()
    missing = set(PLACEHOLDER.findall(text)) - set(values)
    if missing:
        raise ValueError(f"the template needs values for: {', '.join(sorted(missing))}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--app", action="append", required=True, metavar="HOST:PORT",
                        help="an app server (gunicorn); repeat for each")
    parser.add_argument("--static-root", required=True, help="where collectstatic put the files (DJANGO_STATIC_ROOT)")
    parser.add_argument("--certificate", required=True, help="TLS certificate chain (PEM)")
    parser.add_argument("--certificate-key", required=True, help="its private key (PEM)")
    parser.add_argument("--listen", default="443", help="address:port or port for HTTPS (443)")
    parser.add_argument("--server-name", default="_", help="the site's host name")
    parser.add_argument("--max-fails", type=int, default=2)
    parser.add_argument("--fail-timeout", type=int, default=5, help="seconds")
    args = parser.parse_args(argv)
    sys.stdout.write(render(args.app, args.static_root, args.certificate, args.certificate_key, args.listen,
                            args.server_name, args.max_fails, args.fail_timeout))


if __name__ == "__main__":
    main()
