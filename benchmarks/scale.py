"""Scale benchmarks on the national synthetic history: official statistics for one year, the review sweep over the
whole history, and the triage queue / case / person API operations (server time and query count). Each figure is
printed with a baseline measured side by side in the same run, and the ratio.

    .venv/bin/python benchmarks/scale.py [--years 10] [--referrals-per-year 7000] [--seed 1] [--year 2023-24]
                                         [--runs 7] [--api-runs 30] [--no-docs]

Database: DATABASE_URL if set (the history is generated into it if it holds no referrals), else
var/bench-<years>y-<per year>-s<seed>.sqlite3, created once by `generate_synthetic_data` and reused. Times are wall
times in this process (no network); API requests go through Django's test client with a real bearer token, so they
include authentication, policy checks, queries, the audit write and JSON rendering. Results go to stdout as markdown
and replace the "## Scale" section of docs/benchmarks.md (unless --no-docs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECTION = "## Scale: statistics, review sweep and API"


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--referrals-per-year", type=int, default=7000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", default="2023-24", help="Financial year for the statistics benchmark.")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--api-runs", type=int, default=30)
    parser.add_argument("--no-docs", action="store_true", help="Do not update docs/benchmarks.md.")
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        (ROOT / "var").mkdir(exist_ok=True)
        path = ROOT / "var" / f"bench-{args.years}y-{args.referrals_per_year}-s{args.seed}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from casework.accounts.models import Region, User
    from casework.accounts.services import api_token_issue
    from casework.audit.models import AuditEvent
    from casework.referrals.models import Case, Referral
    from casework.reporting.reference import FinancialYear
    from casework.reporting.selectors import official_statistics
    from casework.reviews.models import Review, Task
    from casework.reviews.services import sweep_reviews
    from casework.reviews.states import PENDING_STATUSES

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    call_command("migrate", verbosity=0)
    if not Referral.objects.exists():
        t0 = time.perf_counter()
        call_command(
            "generate_synthetic_data",
            "--years",
            str(args.years),
            "--referrals-per-year",
            str(args.referrals_per_year),
            "--seed",
            str(args.seed),
        )
        print(f"generated the history in {time.perf_counter() - t0:.0f} s", flush=True)

    vendor = connection.vendor
    year = FinancialYear.parse(args.year)
    first = Referral.objects.order_by("referred_on").values_list("referred_on", flat=True).first()
    last = Referral.objects.order_by("-referred_on").values_list("referred_on", flat=True).first()
    counts = {
        "referrals": Referral.objects.count(),
        "cases": Case.objects.count(),
        "reviews": Review.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }
    command = " ".join(
        [
            "DATABASE_URL=postgres://…" if vendor == "postgresql" else "",
            ".venv/bin/python",
            "benchmarks/scale.py",
            *sys.argv[1:],
        ]
    ).strip()
    say(f"### {'PostgreSQL' if vendor == 'postgresql' else 'SQLite'} ({dt.date.today():%d %B %Y})")  # noqa: DTZ011
    say()
    say(
        f"Command: `{command}`. Data: `generate_synthetic_data --years {args.years} --referrals-per-year "
        f"{args.referrals_per_year} --seed {args.seed}` ({first} to {last}; "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f"). Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {vendor}"
        + (
            f" {connection.Database.sqlite_version}"
            if vendor == "sqlite"
            else f" {connection.pg_version // 10000}.{connection.pg_version % 100}"
        )
        + "."
    )
    say()

    with override_settings(DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        # --- Official statistics for one financial year -------------------------------------------------------
        def baseline_stats() -> None:
            list(
                Referral.objects.filter(referred_on__gte=year.first_day, referred_on__lte=year.last_day).values_list(
                    "id", "sector", "referred_on"
                )
            )

        official_statistics(year=year)  # warm
        stats_t = timed(lambda: official_statistics(year=year), args.runs)
        base_t = timed(baseline_stats, args.runs)
        with CaptureQueriesContext(connection) as q:
            release = official_statistics(year=year)
        total = release.tables[0].total()
        say("| benchmark | median | max | baseline (same run) | baseline median | ratio | target |")
        say("|---|---|---|---|---|---|---|")
        say(
            f"| official statistics {year.label} ({total:,} referrals, 12 tables, {len(q.captured_queries)} "
            f"queries) | {ms(statistics.median(stats_t))} | {ms(max(stats_t))} | fetch the year's referral rows "
            f"(3 columns) | {ms(statistics.median(base_t))} | "
            f"{statistics.median(stats_t) / statistics.median(base_t):.1f}x | < 2 s |"
        )

        # --- Dashboards -----------------------------------------------------------------------------------------
        from casework.accounts.models import Role
        from casework.reporting.selectors import dashboard

        lead = User(role=Role.ASSURANCE_LEAD, is_active=True)
        chair = (
            User.objects.filter(role=Role.CHANNEL_CHAIR, username__startswith="synthetic.chair.")
            .annotate(n=Count("local_authority__cases"))
            .order_by("-n")
            .first()
        )
        assert chair is not None
        since = dt.date.today() - dt.timedelta(days=365)  # noqa: DTZ011

        def baseline_dashboard() -> None:
            Referral.objects.filter(referred_on__gte=since).count()

        dash_base = timed(baseline_dashboard, args.runs)
        for who, user in (("assurance lead, national", lead), (f"chair, {chair.local_authority}", chair)):
            dashboard(user=user)
            dash_t = timed(lambda user=user: dashboard(user=user), args.runs)
            with CaptureQueriesContext(connection) as q:
                dashboard(user=user)
            say(
                f"| dashboard, {who}, last 12 months ({len(q.captured_queries)} queries) | "
                f"{ms(statistics.median(dash_t))} | {ms(max(dash_t))} | count the referrals of the last 12 months | "
                f"{ms(statistics.median(dash_base))} | "
                f"{statistics.median(dash_t) / statistics.median(dash_base):.1f}x | |"
            )

        # --- Review sweep over the whole history ---------------------------------------------------------------
        t0 = time.perf_counter()
        settle = sweep_reviews()
        settle_t = time.perf_counter() - t0
        sweep_t = timed(sweep_reviews, args.runs)
        due_window = dt.date.today() + dt.timedelta(days=60)  # noqa: DTZ011

        def baseline_sweep() -> None:
            Review.objects.filter(status__in=["scheduled", "due"], due_on__lte=due_window).count()
            Task.objects.filter(done_at__isnull=True).count()

        sweep_base = timed(baseline_sweep, args.runs)
        pending = dict(
            Review.objects.filter(status__in=PENDING_STATUSES)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        with CaptureQueriesContext(connection) as q:
            again = sweep_reviews()
        say(
            f"| review sweep, steady state (nothing changes state: {again}; {Review.objects.count():,} reviews, "
            f"pending {pending}; {len(q.captured_queries)} queries) | {ms(statistics.median(sweep_t))} | "
            f"{ms(max(sweep_t))} | count the sweep's candidates and open tasks | "
            f"{ms(statistics.median(sweep_base))} | "
            f"{statistics.median(sweep_t) / statistics.median(sweep_base):.1f}x | < 1 s |"
        )
        say(f"| review sweep, first run in this process ({settle}) | {ms(settle_t)} | | | | | |")
        say()

        # --- API: triage queue, case, person ---------------------------------------------------------------------
        region = Region.objects.annotate(n=Count("cases")).order_by("-n").first()
        assert region is not None
        officer = User.objects.get(username=f"synthetic.officer.{region.code}")
        _, token = api_token_issue(actor=None, user=officer, name="benchmark")
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        busiest = (
            Case.objects.filter(region=region)
            .annotate(n=Count("person__referrals"))
            .order_by("-n", "-opened_at")
            .first()
        )
        single = (
            Case.objects.filter(region=region, person__referrals__isnull=False)
            .annotate(n=Count("person__referrals"))
            .filter(n=1)
            .order_by("-opened_at")
            .first()
        )
        assert busiest is not None
        assert single is not None
        n_triage = Case.objects.filter(region=region, status__in=["screening", "assessment"]).count()
        probes = [
            ("trivial endpoint (baseline): GET /reference", "/api/v1/reference"),
            (
                f"triage queue: GET /cases?status=assessment&limit=10 ({n_triage} in screening/assessment)",
                "/api/v1/cases?status=assessment&limit=10",
            ),
            ("triage queue: GET /cases?status=assessment&limit=50", "/api/v1/cases?status=assessment&limit=50"),
            ("open caseload: GET /cases?status=police_led&limit=50", "/api/v1/cases?status=police_led&limit=50"),
            ("case page: GET /cases/{id} (person with 1 referral)", f"/api/v1/cases/{single.pk}"),
            (f"case page: GET /cases/{{id}} (person with {busiest.n} referrals)", f"/api/v1/cases/{busiest.pk}"),
            ("person page: GET /persons/{id} (1 referral)", f"/api/v1/persons/{single.person_id}"),
            (f"person page: GET /persons/{{id}} ({busiest.n} referrals)", f"/api/v1/persons/{busiest.person_id}"),
        ]
        say(
            f"API as `{officer.username}` ({region.name}: {Case.objects.filter(region=region).count():,} cases), "
            f"{args.api_runs} requests each after one warm-up; server time in process."
        )
        say()
        say("| request | status | p50 | p95 | queries | p50 / baseline p50 |")
        say("|---|---|---|---|---|---|")
        base_p50 = None
        for label, url in probes:
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            times = timed(lambda url=url: client.get(url, **headers), args.api_runs)
            with CaptureQueriesContext(connection) as q:
                client.get(url, **headers)
            p50 = statistics.median(times)
            base_p50 = base_p50 or p50
            say(
                f"| {label} | {response.status_code} | {ms(p50)} | {ms(p95(times))} | {len(q.captured_queries)} | "
                f"{p50 / base_p50:.1f}x |"
            )
        say()

    if not args.no_docs:
        write_docs(lines, vendor, settings)


def write_docs(lines: list[str], vendor: str, settings: Any) -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    text = docs.read_text() if docs.exists() else "# Benchmarks\n"
    body = "\n".join(lines).rstrip() + "\n"
    heading = "### PostgreSQL" if vendor == "postgresql" else "### SQLite"
    if SECTION not in text:
        text = text.rstrip() + f"\n\n{SECTION}\n\nGenerated by `benchmarks/scale.py` (see its docstring).\n\n"
    start = text.index(SECTION)
    nxt = re.search(r"^## ", text[start + len(SECTION) :], flags=re.MULTILINE)
    end = start + len(SECTION) + nxt.start() if nxt else len(text)
    section = text[start:end]
    # Replace only this database's subsection, keeping the other database's figures.
    sub = re.search(rf"^{re.escape(heading)}.*?(?=^#{{2,4}} |\Z)", section, flags=re.MULTILINE | re.DOTALL)
    section = section.replace(sub.group(0), body + "\n") if sub else section.rstrip() + "\n\n" + body + "\n"
    docs.write_text(text[:start] + section.rstrip() + "\n" + ("\n" + text[end:] if end < len(text) else ""))
    print(f"updated {docs.relative_to(ROOT)} ({heading[4:]})")


if __name__ == "__main__":
    main()
