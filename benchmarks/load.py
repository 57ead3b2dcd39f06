"""API throughput under concurrent load: gunicorn serving the API on loopback, a second process firing requests
from several threads, each operation's throughput and latency printed with its ratio to a trivial endpoint
(GET /api/v1/reference) measured on the same server in the same run.

    .venv/bin/python benchmarks/load.py [--workers 2] [--threads 8] [--seconds 5] [--no-docs]

Database: DATABASE_URL if set, else the SQLite history that benchmarks/scale.py builds
(var/bench-10y-7000-s1.sqlite3, built by scale.py if missing). gunicorn runs config.settings.base, DEBUG off. Results
replace the "### Concurrent load" part of the "## Scale" section of docs/benchmarks.md (unless --no-docs).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = ROOT / "var" / "bench-10y-7000-s1.sqlite3"
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-only-secret",
    "ALLOWED_HOSTS": "127.0.0.1",
    "AUDIT_HMAC_KEY": "insecure-development-audit-key",  # the key the dev-built history was chained with
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
}  # plain HTTP on loopback; TLS is the reverse proxy's


def run_target(port: int, target: dict[str, str], threads: int, seconds: float) -> dict[str, object]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        mine, bad = [], 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", target["path"], headers={"Authorization": f"Bearer {target['token']}"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
            finally:
                conn.close()
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "label": target["label"],
        "requests": len(ordered),
        "errors": errors[0],
        "rps": len(ordered) / elapsed,
        "p50": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
    }


def client(port: int, targets: list[dict[str, str]], threads: int, seconds: float) -> None:
    """The second process: for each target, `threads` threads request it for `seconds`; one JSON line each."""
    for target in targets:
        print(json.dumps(run_target(port, target, threads, seconds)), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--client", help=argparse.SUPPRESS)  # internal: run as the load process
    args = parser.parse_args()
    if args.client:
        spec = json.loads(args.client)
        client(spec["port"], spec["targets"], args.threads, args.seconds)
        return

    if "DATABASE_URL" not in os.environ:
        if not DEFAULT_DB.exists():  # `make benchmarks` runs this before scale.py: build its history first
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--no-docs"], check=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_DB}"
    os.environ.update(SERVER_ENV)
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from casework.accounts.models import Region, Role, User
    from casework.accounts.services import api_token_issue
    from casework.referrals.models import Case

    region = Region.objects.annotate(n=Count("cases")).order_by("-n").first()
    assert region is not None
    officer = User.objects.get(username=f"synthetic.officer.{region.code}")
    analyst, _ = User.objects.get_or_create(username="benchmark.analyst", defaults={"role": Role.ANALYST})
    case = Case.objects.filter(region=region).annotate(n=Count("person__referrals")).order_by("-n").first()
    assert case is not None
    tok = {u.username: api_token_issue(actor=None, user=u, name="load benchmark")[1] for u in (officer, analyst)}
    targets = [
        {"label": "trivial endpoint (baseline): GET /reference", "path": "/api/v1/reference"},
        {
            "label": "triage queue: GET /cases?status=assessment&limit=25",
            "path": "/api/v1/cases?status=assessment&limit=25",
        },
        {"label": "case page: GET /cases/{id}", "path": f"/api/v1/cases/{case.pk}"},
        {"label": "person page: GET /persons/{id}", "path": f"/api/v1/persons/{case.person_id}"},
        {
            "label": "official statistics: GET /statistics?year=2023-24",
            "path": "/api/v1/statistics?year=2023-24",
            "user": analyst.username,
        },
    ]
    for t in targets:
        t["token"] = tok[t.pop("user", officer.username)]
    vendor = connection.vendor
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        warm = json.dumps({"port": port, "targets": targets})
        subprocess.run(
            [sys.executable, __file__, "--client", warm, "--threads", "1", "--seconds", "0.5"],
            check=True,
            capture_output=True,
        )
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--client",
                warm,
                "--threads",
                str(args.threads),
                "--seconds",
                str(args.seconds),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    failed = [r["label"] for r in results if r["errors"] > r["requests"] // 10]
    if failed:
        sys.exit(f"More than 10% of requests failed (not 200) for: {', '.join(failed)}; figures not recorded.")
    base = results[0]["rps"]
    lines = [
        f"#### Concurrent load, {'PostgreSQL' if vendor == 'postgresql' else 'SQLite'}",
        "",
        f"Command: `{'DATABASE_URL=postgres://… ' if vendor == 'postgresql' else ''}.venv/bin/python "
        f"{' '.join(['benchmarks/load.py', *sys.argv[1:]])}`. gunicorn {args.workers} sync workers "
        f"(DEBUG off) on 127.0.0.1; a second process with {args.threads} threads, {args.seconds:g} s per "
        f"operation, a new connection per request; {os.cpu_count()} CPUs shared by server and client.",
        "",
        "| operation | requests | errors | req/s | p50 | p95 | req/s / baseline req/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['label']} | {r['requests']} | {r['errors']} | {r['rps']:.0f} | "
            f"{r['p50'] * 1000:.1f} ms | {r['p95'] * 1000:.1f} ms | {r['rps'] / base:.2f} |"
        )
    text = "\n".join(lines)
    print(text)
    if not args.no_docs:
        docs = ROOT / "docs" / "benchmarks.md"
        content = docs.read_text()
        heading = lines[0]
        start = content.find(heading)
        if start >= 0:
            end = content.find("\n#", start + len(heading))
            end = len(content) if end < 0 else end + 1
            content = content[:start] + text + "\n" + ("\n" + content[end:].lstrip("\n") if end < len(content) else "")
        else:
            content = content.rstrip() + "\n\n" + text + "\n"
        docs.write_text(content)
        print(f"updated {docs.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
