"""Page benchmark: server time and query count of the caseworker pages with 10,000+ cases in the database.

    .venv/bin/python benchmarks/pages.py [--referrals-per-year 6200] [--years 2] [--runs 7] [--no-docs]

Builds a scratch SQLite database (or uses DATABASE_URL if set): migrations, the demo users and cases, then a
national synthetic history loaded in bulk. Each page is requested in-process through Django's test client as a
signed-in user of the role that uses it; the figure is the median wall time of the request (the whole Django stack:
middleware, policy checks, queries, template rendering; no network). Query counts are measured on the same request
and, for the lists, at two page sizes to show they do not grow with the number of rows shown. Target: under 200 ms.
Results go to stdout as markdown and replace the "## Caseworker pages" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.gettempdir()) / "casework-bench-pages.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals-per-year", type=int, default=6200)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-docs", action="store_true", help="Do not update docs/benchmarks.md.")
    args = parser.parse_args()

    fresh = "DATABASE_URL" not in os.environ
    if fresh:
        SCRATCH.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["OTP_REQUIRED"] = "false"  # pages are measured after sign-in; the second factor is not the subject
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from casework.accounts.models import User
    from casework.panels.models import Meeting
    from casework.referrals.models import Case

    if fresh:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("generate_demo_data", verbosity=0)
        call_command(
            "generate_synthetic_data",
            years=str(args.years),
            referrals_per_year=str(args.referrals_per_year),
            seed="7",
            append=True,
            verbosity=0,
        )
        print(f"Built the database in {time.perf_counter() - t0:.0f} s.")
    cases = Case.objects.count()
    print(f"{cases} cases in the database ({connection.vendor}).")

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    def measure(client: Client, url: str) -> tuple[float, int, int]:
        client.get(url)  # warm caches (templates, query plans)
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return statistics.median(times), len(queries), len(re.findall(rb'class="govuk-table__row"', response.content))

    officer, chair, assurance = client_for("officer"), client_for("chair"), client_for("assurance")
    officer_case = Case.objects.filter(region__code="yorkshire-humber").order_by("-opened_at").first()
    chair_case = Case.objects.filter(local_authority__code="leeds", status="support_active").first()
    meeting = Meeting.objects.filter(panel__local_authority__code="leeds").order_by("-date").first()
    if officer_case is None or chair_case is None or meeting is None:
        sys.exit("The database has no officer case, open Leeds Channel case or Leeds meeting to measure.")
    pages = [
        ("officer", officer, "My work", "/"),
        ("officer", officer, "Triage queue (25 rows)", "/cases/"),
        ("officer", officer, "Triage queue, page 40", "/cases/?page=40"),
        ("officer", officer, "Triage queue, filtered and sorted", "/cases/?status=closed_nfa&repeat=yes&sort=-urgency"),
        ("officer", officer, "Case summary", f"/cases/{officer_case.pk}/"),
        ("officer", officer, "Case assessments", f"/cases/{officer_case.pk}/assessments/"),
        ("officer", officer, "Person chronology", f"/people/{officer_case.person_id}/"),
        ("chair", chair, "My work", "/"),
        ("chair", chair, "Cases", "/cases/"),
        ("chair", chair, "Panel meetings", "/meetings/"),
        ("chair", chair, "Meeting", f"/meetings/{meeting.pk}/"),
        ("chair", chair, "Case panel", f"/cases/{chair_case.pk}/panel/"),
        ("chair", chair, "Support plan", f"/cases/{chair_case.pk}/support/"),
        ("chair", chair, "Case reviews", f"/cases/{chair_case.pk}/reviews/"),
        ("assurance", assurance, "Assurance dashboard", "/assurance/"),
    ]
    lines = [
        "## Caseworker pages",
        "",
        f"`benchmarks/pages.py`: {cases:,} cases in {connection.vendor}; median of {args.runs} requests through the "
        f"whole Django stack in-process (Python {platform.python_version()}, {platform.machine()}). Target < 200 ms.",
        "",
        "| role | page | median ms | queries | table rows |",
        "|---|---|---:|---:|---:|",
    ]
    worst = 0.0
    for role, client, name, url in pages:
        ms, n_queries, rows = measure(client, url)
        worst = max(worst, ms)
        lines.append(f"| {role} | {name} | {ms:.0f} | {n_queries} | {rows} |")
    # Query counts do not grow with the number of rows shown: the same list at 1 row and at 25 rows.
    from casework.referrals import views

    per_page = views.CaseListView.per_page
    views.CaseListView.per_page = 1
    _, one_row, _ = measure(officer, "/cases/")
    views.CaseListView.per_page = per_page
    _, many_rows, rows = measure(officer, "/cases/")
    lines += [
        "",
        f"Triage queue queries: {one_row} with 1 row shown, {many_rows} with {rows - 1} rows shown.",
        f"Slowest page: {worst:.0f} ms.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_docs:
        docs = ROOT / "docs" / "benchmarks.md"
        current = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
        pattern = re.compile(r"## Caseworker pages\n.*?(?=\n## |\Z)", re.S)
        if pattern.search(current):
            updated = pattern.sub(text.rstrip("\n"), current)
        else:
            updated = current.rstrip() + "\n\n" + text
        docs.write_text(updated, encoding="utf-8")


if __name__ == "__main__":
    main()
