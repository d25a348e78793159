"""A real worker process is killed (SIGKILL) in the middle of a fan-out; after a restart every household
has the alert exactly once. Runs on its own database (SQLite file, or a fresh PostgreSQL database when
DATABASE_URL points at one), written to by subprocesses only.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time

import pytest

from tests.live_helpers import PYTHON, REPO, run_binhan, server_env, temporary_database

pytestmark = pytest.mark.live

GROUPS = 24
PER_GROUP = 50

SEED = f"""
import django, json
django.setup()
from binhan.accounts.models import Membership, User
from binhan.geo import services
from binhan.geo.models import AdministrativeUnit, Household
nation = services.unit_create(actor=None, code="VN", name="Việt Nam", level="nation", parent=None)
province = services.unit_create(actor=None, code="22", name="Quảng Ninh", level="province", parent=nation)
commune = services.unit_create(actor=None, code="7090", name="Phường An Sinh", level="commune", parent=province)
rows = []
for number in range(1, {GROUPS} + 1):
    group = services.unit_create(actor=None, code=f"7090-{{number:03d}}", name=f"Tổ {{number}}", level="group",
                                 parent=commune)
    rows += [Household(unit=group, unit_path=group.path, address=f"Số {{i}}") for i in range({PER_GROUP})]
Household.objects.bulk_create(rows)
officer = User.objects.create(username="officer")
Membership.objects.create(user=officer, unit=commune, unit_path=commune.path, role="commune_police")
print(json.dumps({{"households": Household.objects.count()}}))
"""

SEND = """
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from binhan.accounts.models import User
from binhan.alerts import services
from binhan.geo.models import AdministrativeUnit
officer = User.objects.get(username="officer")
now = timezone.now()
alert = services.alert_create(actor=officer, data=services.AlertInput(
    texts={"vi": {"title": "Cháy", "body": "Tránh xa khu chợ."}}, targets=[AdministrativeUnit.objects.get(code="7090")],
    starts_at=now, expires_at=now + timedelta(hours=2), severity="extreme"))
services.alert_send(actor=officer, alert=alert)
print(alert.pk)
"""

# The worker, slowed down between batches so that the test can kill it in the middle.
SLOW_WORKER = """
import sys, time, django
django.setup()
from django.core.management import call_command
from binhan.alerts import delivery

def slow(alert_id):
    print("BATCH", flush=True)
    time.sleep(0.3)

delivery.after_batch_hook = slow
call_command("worker", "--batch", "--no-periodic", "-v0")
"""

COUNT = """
import django, json
django.setup()
from django.db.models import Count
from binhan.alerts.models import Alert, Delivery
alert = Alert.objects.get()
rows = Delivery.objects.filter(alert=alert, channel="inapp")
doubled = rows.values("household_id").annotate(n=Count("id")).filter(n__gt=1).count()
print(json.dumps({"rows": rows.count(), "households": rows.values("household_id").distinct().count(),
                  "doubled": doubled, "recipient_count": alert.recipient_count,
                  "done": alert.fanout_done_at is not None, "cursor": alert.fanout_cursor}))
"""

RESUME = """
import django
django.setup()
from datetime import timedelta
from binhan.alerts import delivery
print(delivery.resume_stalled(older_than=timedelta(0)))
"""


def python(code: str, env: dict[str, str], timeout: float = 60) -> str:
    done = subprocess.run([PYTHON, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_sigkill_mid_fan_out_then_restart_delivers_exactly_once(tmp_path):
    with temporary_database(tmp_path) as url:
        env = {**server_env(url, var_dir=tmp_path), "BINHAN_ALERTS_FANOUT_GROUPS": "2"}
        run_binhan(["migrate", "--noinput", "-v0"], env=env, timeout=120)
        households = json.loads(python(SEED, env))["households"]
        assert households == GROUPS * PER_GROUP
        python(SEND, env)

        worker = subprocess.Popen([PYTHON, "-c", SLOW_WORKER], env=env, cwd=REPO, stdout=subprocess.PIPE,  # noqa: S603
                                  stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        batches, deadline = 0, time.monotonic() + 60
        try:
            while batches < 3 and time.monotonic() < deadline:
                ready, _, _ = select.select([worker.stdout], [], [], 1.0)
                if ready and worker.stdout.readline().startswith("BATCH"):
                    batches += 1
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        assert batches == 3
        half = json.loads(python(COUNT, env))
        assert (half["done"], half["doubled"]) == (False, 0)
        assert 3 * 2 * PER_GROUP <= half["rows"] < households

        # The restart: the periodic task finds the unfinished fan-out and the worker completes it.
        assert python(RESUME, env) == "1"
        run_binhan(["worker", "--batch", "--no-periodic", "-v0"], env=env, timeout=120)
        after = json.loads(python(COUNT, env))
        assert after == {"rows": households, "households": households, "doubled": 0, "recipient_count": households,
                         "done": True, "cursor": after["cursor"]}
