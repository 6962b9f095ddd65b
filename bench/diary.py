"""The diary's week under load: many guardians opening it at once against the real web server.

    python bench/diary.py [--schools 2] [--guardians 200] [--clients 50] [--seconds 20]
                          [--workers N] [--client-processes 2] [--writes-per-second W] [--keep]

Builds `--schools` schools through the product's services: a 2026/2027 year with quarters and
holidays, classes of about 30 pupils (as many as the guardians' children need), each with a
teacher, 5 lessons a day Monday to Friday of 5 subjects, the year's lessons, and for the week of
16 November 2026 a task, a topic and homework at every lesson, about 5 marks per pupil and some
absences. Every guardian has a child in one school, about a third a second child in the other;
each has a global account, a guardian membership in the child's school and a registered consent
to the electronic diary.

Then starts gunicorn (`--workers`, default os.cpu_count() * 2 + 1, at most 8) on a free loopback
port and runs `--clients` concurrent clients for `--seconds` (after a short warm-up that is not
counted), each with its own keep-alive connection, every request as the next guardian in turn:
first against `/healthz` (no database work: the baseline), then `GET /api/v1/diary/week/` on the
region's host. The clients run in `--client-processes` processes apart from this one (threads in
one Python process would share one core with the GIL). Prints requests per second, p50/p95/p99
latency, errors, the mean response size, and how busy the machine was.
With `--writes-per-second W`, a third run loads the week while every school gets W journal
saves a second, each in the next class in turn (what a save changes for the diary's cache: the
class's data version), so the families of that class rebuild their weeks.
Target here: p95 under 150 ms at 50 concurrent clients. Figures only, no asserts on timing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

from _setup import ROOT, create_school, drop, log, prepare, verdict

MONDAY = date(2026, 11, 16)  # a study week of the 2026/2027 year
WEEK_PATH = f"/api/v1/diary/week/?date={MONDAY.isoformat()}"
HEALTH_PATH = "/healthz"
REGION_HOST = "localhost"
PASSWORD = "bench-password-1"
CLASS_SIZE = 30
SUBJECTS = ["russian", "mathematics", "literature", "history", "biology"]
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
LAST = "Алексеев Борисов Васильев Григорьев Дмитриев Егоров Жуков Зайцев Ильин Козлов".split()
FIRST = "Иван Пётр Семён Андрей Михаил Олег Павел Роман Сергей Тимур Юрий Яков".split()
QUARTERS = [  # as the configuration tests have them
    ("quarter", "1 четверть", date(2026, 9, 1), date(2026, 10, 25)),
    ("quarter", "2 четверть", date(2026, 11, 5), date(2026, 12, 28)),
    ("quarter", "3 четверть", date(2027, 1, 12), date(2027, 3, 21)),
    ("quarter", "4 четверть", date(2027, 3, 31), date(2027, 5, 26)),
]
HOLIDAYS = [
    ("autumn", "Осенние", date(2026, 10, 26), date(2026, 11, 4)),
    ("winter", "Зимние", date(2026, 12, 29), date(2027, 1, 11)),
    ("spring", "Весенние", date(2027, 3, 22), date(2027, 3, 30)),
]
BELLS = [(1, clock(8, 30), clock(9, 10)), (2, clock(9, 20), clock(10, 0)),
         (3, clock(10, 15), clock(10, 55)), (4, clock(11, 15), clock(11, 55)),
         (5, clock(12, 10), clock(12, 50))]  # fmt: skip


# --- the data ------------------------------------------------------------------------------


def plan_children(guardians: int, schools: int) -> list[list[int]]:
    """For each school, the guardians (by number) who have a child there, one child each: every
    guardian one child in school g % schools, every third a second child in the next school."""
    plan: list[list[int]] = [[] for _ in range(schools)]
    for g in range(guardians):
        plan[g % schools].append(g)
        if schools > 1 and g % 3 == 0:
            plan[(g + 1) % schools].append(g)
    return plan


def build_school(ctx, school, guardian_numbers: list[int], users: list) -> dict:
    """Inside the school's schema: year, classes, timetable, lessons, pupils, a week of journal
    data, guardians with consents bound to `users`. Returns counts."""
    from django_tenants.utils import schema_context

    from tenants.configuration import services as configuration
    from tenants.configuration.models import WorkType
    from tenants.journal import services as journal
    from tenants.people import consents
    from tenants.people import services as people
    from tenants.people.models import Guardian
    from tenants.timetable import services as timetable
    from tenants.timetable.homework import HomeworkInput, homework_save
    from tenants.timetable.lessons import lessons_make
    from tenants.timetable.models import Lesson

    order = configuration.Order("15-у", date(2026, 8, 30))
    counts = Counter()
    with schema_context(school.schema_name):
        year = configuration.academic_year_create(
            ctx=ctx, name="2026/2027", start=date(2026, 9, 1), end=date(2027, 8, 31),
            order=order, make_current=True,
        )  # fmt: skip
        for kind, name, start, end in HOLIDAYS:
            configuration.holiday_create(
                ctx=ctx, year=year, kind=kind, name=name, start=start, end=end
            )
        configuration.period_structure_save(
            ctx=ctx, year=year, name="Четверти", grade_from=1, grade_to=11,
            periods=[configuration.PeriodInput(*q) for q in QUARTERS],
        )  # fmt: skip
        subjects = configuration.subjects_add_from_catalogue(ctx=ctx, codes=SUBJECTS)
        timetable.bell_schedule_save(
            ctx=ctx, name="Основное", is_default=True,
            bells=[timetable.BellInput(n, start, end) for n, start, end in BELLS],
        )  # fmt: skip

        # classes of about CLASS_SIZE, one teacher each teaching all five subjects
        n_classes = max(1, -(-len(guardian_numbers) // CLASS_SIZE))
        classes, teachers = [], []
        for c in range(n_classes):
            teacher = people.staff_save(
                ctx=ctx,
                data=people.StaffInput(
                    names=people.Names("Учителева", FIRST[c % len(FIRST)] + "а", "Петровна"),
                    positions=["teacher"], contract_start=date(2020, 9, 1),
                ),
            )  # fmt: skip
            letter = LETTERS[c % len(LETTERS)] + (str(c // len(LETTERS)) if c >= 27 else "")
            cls = people.class_save(ctx=ctx, year=year, grade=5, letter=letter)
            for subject in subjects:
                people.teaching_assign(
                    ctx=ctx, staff=teacher, subject=subject, school_class=cls,
                    date_from=year.start,
                )  # fmt: skip
            for weekday in range(1, 6):
                for number in range(1, 6):
                    timetable.timetable_entry_save(
                        ctx=ctx,
                        data=timetable.EntryInput(
                            subject=subjects[(weekday + number) % len(subjects)],
                            teacher=teacher, weekday=weekday, number=number,
                            valid_from=year.start, valid_to=date(2027, 5, 26), school_class=cls,
                        ),
                    )  # fmt: skip
            classes.append(cls)
            teachers.append(teacher)
        counts["lessons"] = lessons_make(ctx=ctx, year=year).created

        # pupils, and their guardians with a consent each
        pupils: list[list] = [[] for _ in classes]
        for i, g in enumerate(guardian_numbers):
            c = i // CLASS_SIZE
            student = people.student_enrol(
                ctx=ctx,
                data=people.StudentInput(
                    names=people.Names(LAST[g % len(LAST)], FIRST[i % len(FIRST)], "Сергеевич"),
                    birth_date=date(2015, 1 + i % 12, 1 + i % 28),
                ),
                school_class=classes[c], date_from=year.start, order=order,
                today=date(2026, 11, 23),
            )  # fmt: skip
            pupils[c].append(student)
            link = people.guardian_link(
                ctx=ctx, student=student, relation="mother" if g % 2 else "father",
                data=people.GuardianInput(
                    people.Names(LAST[g % len(LAST)] + "а", "Ольга", "Ивановна"),
                    phone=f"+7914{g:07d}",
                ),
            )  # fmt: skip
            consents.consent_register(
                ctx=ctx, student=student, applicant="guardian", decision="consent",
                guardian=link.guardian, channels=["web"], on=date(2026, 9, 1),
            )  # fmt: skip
            Guardian.objects.filter(pk=link.guardian.pk).update(user_id=users[g].pk)
        counts["students"] = len(guardian_numbers)

        # the week: a task, a topic and homework at every lesson; about 5 marks per pupil (one a
        # day), pupils every 15th absent (ill) on Wednesday
        work_types = [WorkType.objects.get(code="oral"), WorkType.objects.get(code="written")]
        for cls, teacher, students in zip(classes, teachers, pupils, strict=True):
            week = list(
                Lesson.objects.filter(
                    school_class=cls, date__range=(MONDAY, MONDAY + timedelta(days=4))
                ).order_by("date", "number")
            )
            tasks = [
                journal.task_add(ctx=ctx, lesson=lesson, work_type=work_types[i % 2],
                                 author=teacher)
                for i, lesson in enumerate(week)
            ]  # fmt: skip
            by_day = [[i for i, lesson in enumerate(week) if lesson.date == MONDAY + timedelta(d)]
                      for d in range(5)]  # fmt: skip
            marks, attendance = [], []
            for j, student in enumerate(students):
                for d, day in enumerate(by_day):
                    if not day:
                        continue
                    if j % 15 == 0 and d == 2:
                        attendance += [journal.AttendanceChange(week[i].pk, student.pk, "Б")
                                       for i in day]  # fmt: skip
                        continue
                    i = day[(j + d) % len(day)]
                    marks.append(journal.MarkChange(tasks[i].pk, student.pk, str(2 + (j + d) % 4)))
            topics = [journal.TopicChange(lesson.pk, f"Тема урока {i + 1}")
                      for i, lesson in enumerate(week)]  # fmt: skip
            saved = journal.journal_save(
                ctx=ctx, author=teacher, marks=marks, attendance=attendance, topics=topics
            )
            if saved.conflicts:
                raise SystemExit(f"journal_save reported conflicts: {saved.conflicts[:3]}")
            counts["marks"] += len(marks)
            counts["absences"] += len(attendance)
            for i, lesson in enumerate(week):
                homework_save(
                    ctx=ctx, lesson=lesson, author=teacher,
                    data=HomeworkInput(text=f"Упражнения {100 + i}, {101 + i}", pages=str(10 + i)),
                )  # fmt: skip
                counts["homework"] += 1
        counts["classes"] = len(classes)
    return counts


def build(args) -> tuple[list, int]:
    """All the schools and the guardians' accounts; returns (users, children)."""
    from django.utils import timezone

    from otmetka.accounts.models import SchoolMembership, User
    from otmetka.accounts.roles import SchoolRole
    from otmetka.audit.context import AuditContext

    ctx = AuditContext.cli()
    model = User(username="bench-guardian-0")
    model.set_password(PASSWORD)  # hashed once: the hasher is slow on purpose
    users = User.objects.bulk_create(
        User(username=f"bench-guardian-{g}", last_name="Родителева", first_name="Ольга",
             password=model.password, rules_accepted_at=timezone.now())
        for g in range(args.guardians)
    )  # fmt: skip
    plan = plan_children(args.guardians, args.schools)
    for n, numbers in enumerate(plan, start=1):
        started = time.perf_counter()
        school = create_school(n).school
        counts = build_school(ctx, school, numbers, users)
        SchoolMembership.objects.bulk_create(
            SchoolMembership(user=users[g], school=school, roles=[SchoolRole.GUARDIAN])
            for g in numbers
        )
        log(f"school {school.slug}: {dict(counts)} in {time.perf_counter() - started:.1f} s")
    return users, sum(len(numbers) for numbers in plan)


# --- the web server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Host": REGION_HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read(), response.will_close
    finally:
        conn.close()


class Server:
    """gunicorn on a free loopback port, run the way `otmetka up` runs it."""

    def __init__(self, workers: int):
        self.workers = workers
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-diary-gunicorn-", suffix=".log",
                                               delete=False)  # fmt: skip
        env = os.environ.copy()  # DATABASE_URL of the bench database, cache prefix, REDIS_URL
        env["DJANGO_SETTINGS_MODULE"] = "otmetka.settings"
        env["OTMETKA_LOG_LEVEL"] = "WARNING"
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT / "platform"), str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "otmetka.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--chdir", str(ROOT), "--graceful-timeout", "10"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, env=env,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; {self.tail()}")
            try:
                if request(self.port, "GET", HEALTH_PATH)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz in {timeout} s; {self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return f"log {self.log.name}:\n" + "\n".join(text.splitlines()[-30:])

    def cpu_seconds(self) -> float | None:
        import psutil

        try:
            master = psutil.Process(self.process.pid)
            total = 0.0
            for p in [master, *master.children(recursive=True)]:
                times = p.cpu_times()
                total += times.user + times.system
            return total
        except psutil.Error:
            return None

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# --- the load ------------------------------------------------------------------------------


def load_part(port, path, tokens, first, total, threads, t_start, t_measure, t_end) -> dict:
    """One load-generator process: `threads` clients numbered first.., each with its own
    keep-alive connection; request k of client c goes as guardian (c + k * total) mod n.
    Records requests that start after t_measure and end before t_end (wall clock)."""
    import resource

    results = []

    def client(c: int) -> None:
        lat, size, errors, samples = [], 0, Counter(), {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        k = 0
        time.sleep(max(0.0, t_start - time.time()))
        while True:
            wall = time.time()
            if wall >= t_end:
                break
            headers = {"Host": REGION_HOST}
            if tokens:
                headers["Authorization"] = f"Token {tokens[(c + k * total) % len(tokens)]}"
            k += 1
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, body = type(exc).__name__, str(exc).encode()
            elapsed = time.perf_counter() - began
            if wall < t_measure or wall + elapsed > t_end:
                continue
            if status == 200:
                lat.append(elapsed)
                size += len(body)
            else:
                errors[status] += 1
                samples.setdefault(status, readable(body))
        conn.close()
        results.append((lat, size, errors, samples))

    before = resource.getrusage(resource.RUSAGE_SELF)
    workers = [threading.Thread(target=client, args=(first + i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    out = {"lat": [], "size": 0, "errors": Counter(), "samples": {}}
    for lat, size, errors, samples in results:
        out["lat"] += lat
        out["size"] += size
        out["errors"] += errors
        out["samples"].update(samples)
    out["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def readable(body: bytes) -> str:
    """An error body for printing: JSON with its text unescaped, at most 300 characters."""
    try:
        text = json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        text = body.decode(errors="replace")
    return text[:300]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered), max(1, math.ceil(q / 100 * len(ordered))))  # nearest rank
    return ordered[rank - 1]


def backend_cpu() -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends connected to the bench database, by process."""
    import psutil
    from _setup import BENCH_DB

    out = {}
    for p in psutil.process_iter(["cmdline", "cpu_times"]):
        cmdline = " ".join(p.info["cmdline"] or [])
        if cmdline.startswith("postgres:") and f" {BENCH_DB} " in cmdline and p.info["cpu_times"]:
            out[p.pid] = p.info["cpu_times"].user + p.info["cpu_times"].system
    return out


def run_load(pool, server: Server, path: str, tokens, args) -> dict:
    """`args.clients` clients over `args.client_processes` processes, warm-up then measure."""
    import psutil

    procs = args.client_processes
    split = [args.clients // procs + (1 if i < args.clients % procs else 0) for i in range(procs)]
    t_start = time.time() + 1.0  # the processes are already up (the pool)
    t_measure = t_start + args.warmup
    t_end = t_measure + args.seconds
    jobs, first = [], 0
    for threads in split:
        jobs.append((server.port, path, tokens, first, args.clients, threads, t_start, t_measure,
                     t_end))  # fmt: skip
        first += threads
    pending = pool.starmap_async(load_part, jobs)
    time.sleep(max(0.0, t_measure - time.time()))
    cpu_before, server_before, pg_before = psutil.cpu_times(), server.cpu_seconds(), backend_cpu()
    time.sleep(max(0.0, t_end - time.time()))
    cpu_after, server_after, pg_after = psutil.cpu_times(), server.cpu_seconds(), backend_cpu()
    parts = pending.get(timeout=args.seconds + args.warmup + 120)
    lat = [x for p in parts for x in p["lat"]]
    errors = sum((p["errors"] for p in parts), Counter())
    samples = {k: v for p in parts for k, v in p["samples"].items()}
    wall = args.seconds * (os.cpu_count() or 1)
    busy = sum(cpu_after) - sum(cpu_before) - (cpu_after.idle - cpu_before.idle)
    busy -= getattr(cpu_after, "iowait", 0) - getattr(cpu_before, "iowait", 0)
    return {
        "n": len(lat),
        "rps": len(lat) / args.seconds,
        "p50": percentile(lat, 50) * 1000,
        "p95": percentile(lat, 95) * 1000,
        "p99": percentile(lat, 99) * 1000,
        "max": max(lat, default=float("nan")) * 1000,
        "size": sum(p["size"] for p in parts) / max(1, len(lat)),
        "errors": errors,
        "samples": samples,
        "wall": wall,
        "machine": 100 * busy / wall,
        "server": (
            100 * (server_after - server_before) / wall
            if server_before is not None and server_after is not None
            else float("nan")
        ),
        "postgres": 100 * sum(t - pg_before.get(pid, 0.0) for pid, t in pg_after.items()) / wall,
        "clients_cpu": 100
        * sum(p["cpu"] for p in parts)
        / (args.seconds + args.warmup)
        / (os.cpu_count() or 1),
    }


def run_load_with_writes(pool, server: Server, tokens, args) -> dict:
    """The week load while a thread here makes `args.writes_per_second` journal saves a second
    in every school, each in the next class in turn: what a save changes for the cache (the
    class's data version, `tenants.audit.versions`)."""
    from django_tenants.utils import schema_context

    from otmetka.region.models import School
    from tenants.audit.versions import unit_bump
    from tenants.people.models import SchoolClass

    classes = []
    for schema in School.objects.exclude(schema_name="public").values_list("schema_name",
                                                                           flat=True):  # fmt: skip
        with schema_context(schema):
            classes.append((schema, list(SchoolClass.objects.values_list("pk", flat=True))))
    stop = threading.Event()

    def writer() -> None:
        turn = 0
        while not stop.wait(1 / args.writes_per_second):
            for schema, ids in classes:
                if ids:
                    unit_bump(schema, ("c", ids[turn % len(ids)]))
            turn += 1

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        return run_load(pool, server, WEEK_PATH, tokens, args)
    finally:
        stop.set()
        thread.join()


# --- tokens --------------------------------------------------------------------------------


def tokens_for(users, server: Server, through_api: int) -> tuple[list[str], int]:
    """Tokens for every guardian: the first `through_api` through POST /api/v1/auth/tokens/
    (the endpoint locks an address out after LOGIN_RATE_PER_ADDRESS sign-ins a minute), the
    rest from the same service the endpoint uses."""
    from otmetka.accounts.services import api_token_create

    keys = []
    for user in users[:through_api]:
        body = json.dumps({"username": user.username, "password": PASSWORD, "name": "bench"})
        status, answer, _ = request(server.port, "POST", "/api/v1/auth/tokens/",
                                 {"Content-Type": "application/json"}, body)  # fmt: skip
        if status != 201:
            raise SystemExit(f"POST /api/v1/auth/tokens/ answered {status}: {answer[:300]!r}")
        keys.append(json.loads(answer)["token"])
    for user in users[through_api:]:
        keys.append(api_token_create(user=user, name="bench")[1])
    return keys, min(through_api, len(users))


# --- main ----------------------------------------------------------------------------------


def line(name: str, r: dict) -> str:
    return (f"  {name:<24} {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  "
            f"p99 {r['p99']:6.1f}  max {r['max']:6.1f} ms  ({r['n']} requests, "
            f"mean {r['size']:,.0f} bytes)")  # fmt: skip


def busy(r: dict) -> str:
    other = r["machine"] - r["server"] - r["postgres"] - r["clients_cpu"]

    def per(percent: float) -> float:
        return percent / 100 * r["wall"] * 1000 / max(1, r["n"])

    return (f"  {'':<24} CPU busy {r['machine']:3.0f}% of the machine: gunicorn {r['server']:.0f}%,"
            f" its PostgreSQL backends {r['postgres']:.0f}%, load generator "
            f"{r['clients_cpu']:.0f}%, other processes {max(other, 0):.0f}%\n"
            f"  {'':<24} CPU per answer: gunicorn {per(r['server']):.1f} ms, "
            f"PostgreSQL {per(r['postgres']):.1f} ms")  # fmt: skip


def errors(r: dict) -> list[str]:
    if not r["errors"]:
        return ["    errors: none"]
    out = [f"    errors: {sum(r['errors'].values())} ({dict(r['errors'])})"]
    out += [f"      {status}: {body}" for status, body in r["samples"].items()]
    return out


def database_oid() -> int | None:
    """The bench database's oid: another run using the same name recreates it (new oid)."""
    import psycopg
    from _setup import BENCH_DB

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        row = conn.execute("SELECT oid FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
    return row[0] if row else None


def count_marks(node) -> int:
    if isinstance(node, dict):
        own = 1 if "value" in node and "work_type" in node else 0
        return own + sum(count_marks(v) for v in node.values())
    if isinstance(node, list):
        return sum(count_marks(v) for v in node)
    return 0


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=2)
    parser.add_argument("--guardians", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=min(cores * 2 + 1, 8))
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument(
        "--api-tokens",
        type=int,
        default=10,
        help="guardians signing in through the API (the rest: the token service)",
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=0,
        help="also run the week load while every school gets this many journal saves a second, "
        "each in the next class in turn (what a save changes for the diary's cache); 0: skip",
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.client_processes = max(1, min(args.client_processes, args.clients))
    server_url = prepare()
    oid = database_oid()

    started = time.perf_counter()
    users, children = build(args)
    build_s = time.perf_counter() - started

    from django.db import connections

    connections.close_all()  # the server's workers get their own
    server = Server(args.workers)
    pool = multiprocessing.get_context("spawn").Pool(args.client_processes)
    try:
        server.wait_ready()
        tokens, via_api = tokens_for(users, server, args.api_tokens)
        auth = {"Authorization": f"Token {tokens[0]}"}
        status, body, closes = request(server.port, "GET", WEEK_PATH, auth)
        if status != 200:
            raise SystemExit(f"GET {WEEK_PATH} answered {status}: {body[:500]!r}")
        sample = json.loads(body)
        shown = sample.get("children", [])
        marks = count_marks(sample)
        log(f"one guardian's week: {len(shown)} children, {len(body):,} bytes, {marks} marks")
        log(f"baseline: {HEALTH_PATH}, {args.clients} clients, {args.seconds:g} s")
        health = run_load(pool, server, HEALTH_PATH, None, args)
        log(f"diary week: {args.clients} clients, {args.seconds:g} s")
        week = run_load(pool, server, WEEK_PATH, tokens, args)
        written = None
        if args.writes_per_second > 0:
            log(f"diary week with {args.writes_per_second:g} writes/s per school")
            written = run_load_with_writes(pool, server, tokens, args)
    except BaseException:
        log(server.tail())
        raise
    finally:
        pool.terminate()
        pool.join()
        server.stop()
    server_errors = [x for x in Path(server.log.name).read_text(errors="replace").splitlines()
                     if "Error" in x or "Traceback" in x]  # fmt: skip
    if not server_errors:
        os.unlink(server.log.name)
    same_db = database_oid() == oid

    print()
    print(f"Diary week under load: {args.guardians} guardians, {children} children in "
          f"{args.schools} schools (built in {build_s:.0f} s)")  # fmt: skip
    print(
        f"  {cores} cores; gunicorn {args.workers} sync workers; {args.clients} clients in "
        f"{args.client_processes} load-generator processes (not this one), keep-alive "
        f"connections{' (the server closes them after each answer)' if closes else ''}"
    )
    print(
        f"  {args.seconds:g} s each after a {args.warmup:g} s warm-up; a different guardian per "
        f"request (tokens: {via_api} via POST /api/v1/auth/tokens/, the rest from the service)"
    )
    print(
        f"  sample answer (guardian 1): {len(shown)} children, {marks} marks, {len(body):,} bytes"
    )
    print(line(f"GET {HEALTH_PATH} (baseline)", health))
    print(busy(health))
    print("\n".join(errors(health)))
    print(line("GET /api/v1/diary/week/", week))
    print(busy(week))
    print("\n".join(errors(week)))
    print(f"  ratio week / healthz p50: {week['p50'] / health['p50']:.1f}x")
    if written is not None:
        print(line(f"  … {args.writes_per_second:g} writes/s a school", written))
        print(busy(written))
        print("\n".join(errors(written)))
        print(
            "  (each write stands as the data-version bump a journal save makes for its class, "
            "so the families of that class rebuild their weeks; the saves' own cost is not loaded)"
        )
    if server_errors:
        print(f"  server log kept: {server.log.name} ({len(server_errors)} error lines), e.g.")
        print("\n".join(f"    {x[:200]}" for x in dict.fromkeys(server_errors[-40:]).keys()))
    if not same_db:
        print(
            "  WARNING: database otmetka_bench was dropped or recreated during the run by "
            "another process (another bench?): the figures and errors above are not valid"
        )
    print(
        f"  closed loop, no pause between requests: latency ~ clients / throughput, so p95 under "
        f"150 ms with {args.clients} clients needs over {args.clients / 0.15:.0f} req/s"
    )
    ok = week["p95"] < 150 and not week["errors"]
    print(f"  target: p95 under 150 ms at {args.clients} concurrent clients — {verdict(ok)}")
    if not args.keep:
        drop(server_url)


if __name__ == "__main__":
    main()
