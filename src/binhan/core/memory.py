"""The long-running processes keep what they load at start out of Python's full garbage collections.

A server process holds some 150,000 objects that live as long as it does: Django, the URL
patterns and every view and API schema they import, the translations. Python's oldest-generation
collection walks all of them, and each took 23–76 ms in a server process under report intake:
every request waiting in that process waited that much longer. `gc.freeze()` moves them to a
permanent generation that collections skip (what the Python documentation suggests for
long-lived servers); what is allocated later is collected as before. The URL patterns and the
catalogues load on first use, so they are loaded first, else they would land in the walked
generation after all.
"""

import gc
import os

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation

# The youngest generation is collected after this many allocations (Python's default: 700, a few
# times within every request, each time pushing the request's live objects towards the oldest).
# 5,000 measured best under intake (700: pauses up to 18 ms; 20,000: 6–11 ms pauses that each free
# some 17,000 objects of cyclic garbage).
YOUNG_THRESHOLD = int(os.environ.get("BINHAN_GC_YOUNG_THRESHOLD", "5000"))
ENVIRONMENT = "BINHAN_GC_FREEZE"  # `binhan serve` sets it for its server processes


def load_lazy_parts() -> None:
    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 (imports every view and builds the lookups)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Reports")


def freeze_startup_objects() -> None:
    load_lazy_parts()
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
