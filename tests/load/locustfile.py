"""Locust users for the load run (tests/load/test_load.py): the public browsing the statistics, representatives
reading and filing complaints with a small PDF, staff working the queue. Run by the test, never on its own against
anything but loopback.

The test writes the sessions and ids it prepared to the JSON file named by PORTAL_LOAD_SETUP.
"""

import itertools
import json
import os
import re
from datetime import date, timedelta

from locust import HttpUser, between, task

SETUP = json.loads(open(os.environ["PORTAL_LOAD_SETUP"]).read())  # noqa: SIM115 - read once at import
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
FILING = "file a complaint (POST)"
_sessions = {kind: itertools.cycle(SETUP[kind]) for kind in ("representatives", "staff")}


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    return found.group(1) if found else ""


class PublicVisitor(HttpUser):
    weight = 3
    wait_time = between(0.5, 2)

    @task(3)
    def statistics(self) -> None:
        self.client.get("/reports/", name="/reports/")

    @task
    def statistics_for_a_quarter(self) -> None:
        self.client.get(f"/reports/?period={SETUP['quarter']}", name="/reports/?period=")

    @task
    def home_and_downloads(self) -> None:
        self.client.get("/", name="/")
        self.client.get("/reports/data.json", name="/reports/data.json")
        self.client.get("/reports/data.csv", name="/reports/data.csv")


class Representative(HttpUser):
    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.session = next(_sessions["representatives"])
        self.client.cookies.set("sessionid", self.session["sessionid"])

    @task(2)
    def my_complaints(self) -> None:
        self.client.get("/complaints/", name="/complaints/")
        self.client.get(f"/complaints/{self.session['complaint']}/", name="/complaints/[id]/")

    @task
    def file_a_complaint(self) -> None:
        page = self.client.get("/complaints/new/", name="/complaints/new/")
        token = _hidden(page.text, "csrfmiddlewaretoken")
        screening = {"program": "mco", "filed_with_mco": "yes", "csrfmiddlewaretoken": token}
        self.client.post("/complaints/new/", data=screening, allow_redirects=False, name="/complaints/new/ (POST)")
        form = self.client.get("/complaints/new/complaint/", name="/complaints/new/complaint/").text
        today = date.today()
        data = {
            "csrfmiddlewaretoken": _hidden(form, "csrfmiddlewaretoken"),
            "idempotency_key": _hidden(form, "idempotency_key"),
            "mco": SETUP["mco"],
            "category": SETUP["category"],
            "subject": "Claims paid at the wrong rate",
            "description": "Claims were paid at the wrong rate (load run).",
            "mco_reference": "LOAD-1",
            "mco_filed_on": (today - timedelta(days=45)).isoformat(),
            "mco_responded": "no",
            "concerns_members": "yes",
            "access_to_care": "no",
            "consent": "on",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "200",
            "lines-0-member_name": "Avery Member",
            "lines-0-rin": "123456789",
            "lines-0-service_from": (today - timedelta(days=60)).isoformat(),
            "action": "submit",
        }
        files = {"attachments": ("letter.pdf", PDF, "application/pdf")}
        post = {"data": data, "files": files, "allow_redirects": False, "catch_response": True, "name": FILING}
        with self.client.post("/complaints/new/complaint/", **post) as response:
            # Acknowledged: sent on to the confirmation page. Anything else is a failure the test reports.
            if response.status_code == 302 and "/submitted/" in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"not acknowledged: {response.status_code}")


class Staff(HttpUser):
    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.session = next(_sessions["staff"])
        self.client.cookies.set("sessionid", self.session["sessionid"])

    @task(2)
    def queue(self) -> None:
        self.client.get("/admin/complaints/complaint/", name="/admin/complaints/complaint/")

    @task
    def filtered_queue_and_a_complaint(self) -> None:
        self.client.get(
            "/admin/complaints/complaint/?status__exact=submitted", name="/admin/complaints/complaint/?status="
        )
        self.client.get(f"/admin/complaints/complaint/{self.session['complaint']}/change/", name="staff complaint page")
