"""Server processes freeze what they load at start (core/memory.py), URL patterns and catalogues included.

Run in a child process: freezing the test process's objects would outlive this test.
"""

import json
import os
import subprocess
import sys

CHILD = """
import gc, json, django
django.setup()
from binhan.core import memory
memory.freeze_startup_objects()
frozen, threshold = gc.get_freeze_count(), gc.get_threshold()
gc.collect()
before = len(gc.get_objects())
from django.urls import resolve, reverse
from django.utils import translation
resolve("/open311/v2/discovery.json")
reverse("reports:new")
with translation.override("fa"):
    translation.gettext("Reports")
gc.collect()
print(json.dumps({"frozen": frozen, "threshold": threshold, "new_objects": len(gc.get_objects()) - before}))
"""


def test_after_the_freeze_serving_a_first_request_loads_nothing_more():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "binhan.settings", "BINHAN_DEMO": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=120, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["frozen"] > 50_000  # Django, the views, the API schemas, the catalogues
    assert found["threshold"][0] == 5000
    # Had the URL patterns or a catalogue still to load, thousands of objects would appear here.
    assert found["new_objects"] < 1000  # without loading them first: about 52,000
