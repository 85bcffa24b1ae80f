"""Production settings plus the benchmark's yardstick, a trivial view (scripts/bench only, never deployed)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
