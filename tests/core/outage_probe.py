"""Run in a subprocess by the outage tests: ask the site for pages while a service is unreachable.

Prints one JSON object: for each request its status, headers of interest, the start of the body and how
many database connections were attempted while it was served.
"""

import json
import sys

import django

django.setup()

from django.db.backends.base.base import BaseDatabaseWrapper  # noqa: E402
from django.test import Client  # noqa: E402

attempts = []
_connect = BaseDatabaseWrapper.connect


def counting_connect(self):
    attempts.append(self.alias)
    return _connect(self)


BaseDatabaseWrapper.connect = counting_connect

results = {}
client = Client(raise_request_exception=False)
for name, method, path, headers, data in json.loads(sys.argv[1]):
    attempts.clear()
    response = getattr(client, method)(path, data or {}, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    results[name] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "content_type": response.get("Content-Type"),
        "content_language": response.get("Content-Language"),
        "body": body.decode("utf-8", "replace")[:3000],
        "connection_attempts": len(attempts),
    }
print(json.dumps(results))
