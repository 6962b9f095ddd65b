"""Import and export of people (INT-02, N-18): CSV and XLSX templates.

Every import first checks every row and reports each bad one with its line and reason; a dry run
stops there and writes nothing; a real run writes nothing when any row is bad, and otherwise
writes all rows in one transaction with one audit record that names what was created. Rows are
written in bulk, so 2,000 students with 3,000 guardians take seconds, not minutes.

Data sets: `students` (students with up to two guardians and their class), `staff`, `classes`,
`groups` (one row per member: the group, its kind and subject, the student).
Columns are matched by their Russian headers (case and spaces do not matter); `TEMPLATES` lists
them, and `template_csv` gives an empty file to fill in.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append
from tenants.configuration.models import AcademicYear
from tenants.configuration.services import Order

from . import services
from .choices import FormOfEducation, MovementKind, Position, Relation
from .models import (
    ClassMembership,
    GroupMembership,
    Guardian,
    GuardianLink,
    Movement,
    SchoolClass,
    Staff,
    Student,
)

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024

# key → (header, required)
GUARDIAN_COLUMNS = [
    ("last_name", "фамилия", True),
    ("first_name", "имя", True),
    ("middle_name", "отчество", False),
    ("relation", "кем приходится", True),
    ("phone", "телефон", False),
    ("email", "эл. почта", False),
]
TEMPLATES: dict[str, list[tuple[str, str, bool]]] = {
    "students": [
        ("class", "класс", True),
        ("last_name", "фамилия", True),
        ("first_name", "имя", True),
        ("middle_name", "отчество", False),
        ("birth_date", "дата рождения", True),
        ("form_of_education", "форма обучения", False),
        ("individual_curriculum", "иуп", False),
        ("phone", "телефон", False),
        ("email", "эл. почта", False),
        *[(f"g1_{k}", f"представитель 1: {h}", False) for k, h, _ in GUARDIAN_COLUMNS],
        *[(f"g2_{k}", f"представитель 2: {h}", False) for k, h, _ in GUARDIAN_COLUMNS],
    ],
    "staff": [
        ("last_name", "фамилия", True),
        ("first_name", "имя", True),
        ("middle_name", "отчество", False),
        ("positions", "должности", True),
        ("contract_start", "дата начала работы", True),
        ("phone", "телефон", False),
        ("email", "эл. почта", False),
    ],
    "classes": [
        ("class", "класс", True),
        ("class_teacher", "классный руководитель", False),
    ],
    "groups": [
        ("group", "группа", True),
        ("kind", "вид группы", True),
        ("subject", "предмет", False),
        ("last_name", "фамилия", True),
        ("first_name", "имя", True),
        ("middle_name", "отчество", False),
        ("birth_date", "дата рождения", True),
    ],
}
KIND_LABELS = {
    "students": "Обучающиеся и представители",
    "staff": "Сотрудники",
    "classes": "Классы",
    "groups": "Группы и их состав",
}


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class Report:
    kind: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "created": self.created,
            "errors": [{"line": e.line, "messages": e.messages} for e in self.errors],
        }


Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    return None


# --- reading


def _norm(header: object) -> str:
    return re.sub(r"\s+", " ", str(header or "")).strip().lower().replace("ё", "е")


def read_rows(file_name: str, data: bytes) -> list[list[object]]:
    """The sheet's rows (the first is the header): XLSX by content, otherwise CSV in UTF-8 or
    Windows-1251 with ; or , between values."""
    if not data:
        raise ValidationError({"file": "Файл пуст."})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": "Файл больше 20 МБ."})
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if file_name.lower().endswith((".xls", ".xlsx", ".ods")):
        raise ValidationError({"file": "Файл не похож на XLSX: сохраните его как XLSX или CSV."})
    return _read_csv(data)


def _read_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ValidationError({"file": "Не удалось прочитать XLSX."}) from exc
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _read_csv(data: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": "Кодировка файла не UTF-8 и не Windows-1251."})
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


@dataclass
class Sheet:
    rows: list[dict[str, str]]  # key → text, with "_line" the line in the file
    missing: list[str]


def to_sheet(kind: str, raw: list[list[object]]) -> Sheet:
    columns = TEMPLATES[kind]
    if not raw:
        raise ValidationError({"file": "В файле нет строк."})
    header = [_norm(h) for h in raw[0]]
    index = {}
    for key, title, _ in columns:
        if _norm(title) in header:
            index[key] = header.index(_norm(title))
    missing = [title for key, title, required in columns if required and key not in index]
    rows = []
    for line, values in enumerate(raw[1:], start=2):
        if not any(_text(v) for v in values):
            continue
        row = {key: _text(values[i]) if i < len(values) else "" for key, i in index.items()}
        row["_line"] = str(line)
        rows.append(row)
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": f"Не больше {MAX_ROWS} строк за раз."})
    return Sheet(rows, missing)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(text: str) -> date | None:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _choice(text: str, choices) -> str | None:
    wanted = _norm(text)
    for value, label in choices:
        if wanted in (_norm(value), _norm(label)):
            return value
    return None


CLASS_RE = re.compile(r"^(\d{1,2})\s*[-\s]?\s*([А-ЯЁа-яёA-Za-z0-9]{1,4})$")


def parse_class(text: str) -> tuple[int, str] | None:
    match = CLASS_RE.match(text.strip())
    if not match or not 1 <= int(match.group(1)) <= 11:
        return None
    return int(match.group(1)), match.group(2).upper()


# --- students with guardians


@dataclass
class _StudentRow:
    line: int
    class_key: tuple[int, str]
    student: services.StudentInput
    guardians: list[tuple[str, services.GuardianInput]]


def _guardian(
    row: dict, prefix: str, errors: list[str]
) -> tuple[str, services.GuardianInput] | None:
    values = {k: row.get(f"{prefix}_{k}", "") for k, _, _ in GUARDIAN_COLUMNS}
    if not any(values.values()):
        return None
    label = "Представитель 1" if prefix == "g1" else "Представитель 2"
    relation = _choice(values["relation"], Relation.choices)
    if relation is None:
        errors.append(f"{label}: «кем приходится» — мать, отец, опекун, попечитель…")
    data = services.GuardianInput(
        services.Names(values["last_name"], values["first_name"], values["middle_name"]),
        values["email"],
        values["phone"],
    )
    found = {**data.names.errors(), **services._contact_errors(data.email, data.phone)}
    if not data.email and not data.phone:
        found["phone"] = "нужен телефон или эл. почта"
    for key, message in found.items():
        errors.append(f"{label}, {_COLUMN_LABEL.get(key, key)}: {message}")
    return (relation or "other", data)


_COLUMN_LABEL = {
    "last_name": "фамилия",
    "first_name": "имя",
    "middle_name": "отчество",
    "birth_date": "дата рождения",
    "phone": "телефон",
    "email": "эл. почта",
    "form_of_education": "форма обучения",
}


def _check_students(
    sheet: Sheet, classes: dict, create_classes: bool, today: date, progress: Progress
):
    checked, errors = [], []
    seen: dict[tuple, int] = {}
    existing = {
        (s.last_name.lower(), s.first_name.lower(), s.middle_name.lower(), s.birth_date)
        for s in Student.objects.filter(status="studying").only(
            "last_name", "first_name", "middle_name", "birth_date"
        )
    }
    total = len(sheet.rows)
    for n, row in enumerate(sheet.rows, start=1):
        line, problems = int(row["_line"]), []
        class_key = parse_class(row.get("class", ""))
        if class_key is None:
            problems.append("класс: укажите, например, 5А.")
        elif class_key not in classes and not create_classes:
            problems.append(f"класс {class_key[0]}{class_key[1]} не найден в учебном году.")
        birth = _date(row.get("birth_date", ""))
        form = _choice(row.get("form_of_education", "") or "очная", FormOfEducation.choices)
        if form is None:
            problems.append("форма обучения: очная, очно-заочная, заочная, семейное…")
        iup = _norm(row.get("individual_curriculum", "")) in {"да", "1", "true", "+"}
        student = services.StudentInput(
            names=services.Names(row["last_name"], row["first_name"], row.get("middle_name", "")),
            birth_date=birth or date(1900, 1, 1),
            form_of_education=form or "full_time",
            individual_curriculum=iup,
            email=row.get("email", ""),
            phone=row.get("phone", ""),
        )
        if birth is None:
            typed = row.get("birth_date", "")
            problems.append(
                f"дата рождения: такой даты нет ({typed})."
                if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", typed)
                else "дата рождения: ДД.ММ.ГГГГ."
            )
        else:
            for key, message in services._student_errors(student, today).items():
                if key != "form_of_education":
                    problems.append(f"{_COLUMN_LABEL.get(key, key)}: {message}")
        identity = (
            student.names.last_name.strip().lower(),
            student.names.first_name.strip().lower(),
            student.names.middle_name.strip().lower(),
            birth,
        )
        if identity in seen:
            problems.append(f"повторяет строку {seen[identity]}.")
        elif identity in existing:
            problems.append("такой обучающийся уже числится в школе.")
        seen.setdefault(identity, line)
        guardians = [
            g for g in (_guardian(row, "g1", problems), _guardian(row, "g2", problems)) if g
        ]
        if problems:
            errors.append(RowError(line, problems))
        else:
            checked.append(_StudentRow(line, class_key, student, guardians))
        if n % 200 == 0 or n == total:
            progress(n, total * 2)
    return checked, errors


def _write_students(
    checked: list[_StudentRow],
    year: AcademicYear,
    classes: dict,
    date_from: date,
    order: Order,
    progress: Progress,
) -> dict[str, int]:
    created_classes = []
    for key in sorted({r.class_key for r in checked} - set(classes)):
        classes[key] = SchoolClass.objects.create(year=year, grade=key[0], letter=key[1])
        created_classes.append(classes[key].name)
    students = []
    for row in checked:
        student = services._student_fill(Student(), row.student)
        students.append(student)
    Student.objects.bulk_create(students, batch_size=1000)
    total = len(checked) * 2
    progress(len(checked) + len(checked) // 3, total)
    ClassMembership.objects.bulk_create(
        (
            ClassMembership(student=s, school_class=classes[r.class_key], start=date_from)
            for s, r in zip(students, checked, strict=True)
        ),
        batch_size=2000,
    )
    Movement.objects.bulk_create(
        (
            Movement(
                student=s,
                kind=MovementKind.ENROLMENT,
                date=date_from,
                to_class=classes[r.class_key],
                order_number=order.number.strip(),
                order_date=order.date,
            )
            for s, r in zip(students, checked, strict=True)
        ),
        batch_size=2000,
    )
    progress(len(checked) + 2 * len(checked) // 3, total)
    # one guardian per person: the same name and phone (or e-mail) in the file or the school
    known = {
        _guardian_key(g.last_name, g.first_name, g.middle_name, g.phone, g.email): g
        for g in Guardian.objects.all()
    }
    new_guardians: dict[tuple, Guardian] = {}
    links = []
    for student, row in zip(students, checked, strict=True):
        for relation, data in row.guardians:
            names = data.names.cleaned()
            phone = services.normalise_phone(data.phone)
            key = _guardian_key(
                names["last_name"], names["first_name"], names["middle_name"], phone, data.email
            )
            guardian = known.get(key) or new_guardians.get(key)
            if guardian is None:
                guardian = Guardian(**names, phone=phone, email=data.email.strip().lower())
                new_guardians[key] = guardian
            links.append((guardian, student, relation))
    Guardian.objects.bulk_create(new_guardians.values(), batch_size=2000)
    GuardianLink.objects.bulk_create(
        (GuardianLink(guardian=g, student=s, relation=r) for g, s, r in links), batch_size=2000
    )
    progress(total, total)
    return {
        "students": len(students),
        "guardians": len(new_guardians),
        "links": len(links),
        "classes": len(created_classes),
    }


def _guardian_key(last: str, first: str, middle: str, phone: str, email: str) -> tuple:
    return (last.lower(), first.lower(), middle.lower(), phone or email.lower())


# --- staff and classes


def _check_staff(sheet: Sheet, progress: Progress):
    checked, errors = [], []
    for row in sheet.rows:
        problems = []
        positions = []
        for part in re.split(r"[,;]", row.get("positions", "")):
            if part.strip():
                value = _choice(part, Position.choices)
                if value is None:
                    problems.append(f"должность «{part.strip()}» не из списка.")
                else:
                    positions.append(value)
        start = _date(row.get("contract_start", ""))
        if start is None:
            problems.append("дата начала работы: ДД.ММ.ГГГГ.")
        data = services.StaffInput(
            names=services.Names(row["last_name"], row["first_name"], row.get("middle_name", "")),
            positions=positions,
            contract_start=start or date(1900, 1, 1),
            email=row.get("email", ""),
            phone=row.get("phone", ""),
        )
        for key, message in {
            **data.names.errors(),
            **services._contact_errors(data.email, data.phone),
        }.items():
            problems.append(f"{_COLUMN_LABEL.get(key, key)}: {message}")
        if not positions and not problems:
            problems.append("должности: укажите хотя бы одну.")
        if problems:
            errors.append(RowError(int(row["_line"]), problems))
        else:
            checked.append(data)
    progress(len(sheet.rows), len(sheet.rows) * 2)
    return checked, errors


def _check_classes(sheet: Sheet, year: AcademicYear):
    staff = {}
    for member in Staff.objects.filter(deactivated_at__isnull=True):
        staff.setdefault(_norm(member.full_name), []).append(member)
    present = set(SchoolClass.objects.filter(year=year).values_list("grade", "letter"))
    checked, errors, seen = [], [], set()
    for row in sheet.rows:
        problems, teacher = [], None
        key = parse_class(row.get("class", ""))
        if key is None:
            problems.append("класс: укажите, например, 5А.")
        elif key in present or key in seen:
            problems.append(f"класс {key[0]}{key[1]} уже есть.")
        if row.get("class_teacher"):
            found = staff.get(_norm(row["class_teacher"]), [])
            if len(found) != 1:
                problems.append(
                    "классный руководитель: "
                    + (
                        "нет такого сотрудника."
                        if not found
                        else "несколько сотрудников с таким ФИО."
                    )
                )
            else:
                teacher = found[0]
        if problems:
            errors.append(RowError(int(row["_line"]), problems))
        else:
            seen.add(key)
            checked.append((key, teacher))
    return checked, errors


def _check_groups(sheet: Sheet, year: AcademicYear):
    """One row per member: the group (created when new: kind, subject), the student (by name and
    birth date, studying). A group's classes are those of its members (several: a stream)."""
    from tenants.configuration.models import Subject

    from .choices import GroupKind
    from .models import Group

    subjects = {}
    for subject in Subject.objects.filter(is_active=True):
        subjects[_norm(subject.name)] = subject
        if subject.short_name:
            subjects.setdefault(_norm(subject.short_name), subject)
    students = {}
    current = {
        m.student_id: m.school_class
        for m in ClassMembership.objects.filter(
            end__isnull=True, school_class__year=year
        ).select_related("school_class")
    }
    for student in Student.objects.filter(status="studying"):
        key = (_norm(student.last_name), _norm(student.first_name), _norm(student.middle_name),
               student.birth_date)  # fmt: skip
        students.setdefault(key, []).append(student)
    existing = {_norm(g.name): g for g in Group.objects.filter(year=year)}
    members = set(
        GroupMembership.objects.filter(group__year=year, end__isnull=True).values_list(
            "group_id", "student_id"
        )
    )
    groups: dict[str, dict] = {}
    errors, checked = [], []
    for row in sheet.rows:
        problems = []
        name = " ".join(row.get("group", "").split())
        kind = _choice(row.get("kind", ""), GroupKind.choices)
        if not name:
            problems.append("группа: укажите название.")
        if kind is None:
            problems.append(
                "вид группы: подгруппа, профильная, элективный курс, факультатив, кружок…"
            )
        subject = None
        if row.get("subject"):
            subject = subjects.get(_norm(row["subject"]))
            if subject is None:
                problems.append(f"предмет «{row['subject']}» не найден среди предметов школы.")
        elif kind == GroupKind.SUBJECT_SPLIT:
            problems.append("предмет: для подгруппы он обязателен.")
        known = groups.get(_norm(name))
        if known and (known["kind"], known["subject"]) != (kind, subject):
            problems.append(f"группа «{name}» уже описана иначе в строке {known['line']}.")
        target = existing.get(_norm(name))
        if target is not None and (target.kind, target.subject_id) != (
            kind,
            subject.pk if subject else None,
        ):
            problems.append(f"группа «{name}» уже есть с другим видом или предметом.")
        birth = _date(row.get("birth_date", ""))
        key = (
            _norm(row["last_name"]),
            _norm(row["first_name"]),
            _norm(row.get("middle_name", "")),
            birth,
        )
        found = students.get(key, [])
        student = found[0] if len(found) == 1 else None
        if birth is None:
            problems.append("дата рождения: ДД.ММ.ГГГГ.")
        elif student is None:
            problems.append(
                "обучающийся не найден среди обучающихся школы."
                if not found
                else "несколько обучающихся с такими ФИО и датой рождения."
            )
        elif student.pk not in current:
            problems.append("обучающийся не числится в классе текущего года.")
        elif target is not None and (target.pk, student.pk) in members:
            problems.append("уже в этой группе.")
        if problems:
            errors.append(RowError(int(row["_line"]), problems))
            continue
        groups.setdefault(
            _norm(name),
            {"name": name, "kind": kind, "subject": subject, "line": int(row["_line"]), "rows": []},
        )["rows"].append((student, current[student.pk]))
        checked.append(student)
    return [(g, existing.get(key)) for key, g in groups.items()], errors


def _write_groups(checked, year: AcademicYear, date_from: date) -> dict[str, int]:
    from .models import Group

    created = joined = 0
    for spec, group in checked:
        if group is None:
            group = Group.objects.create(
                year=year, kind=spec["kind"], name=spec["name"], subject=spec["subject"]
            )
            created += 1
        group.classes.add(*{cls for _, cls in spec["rows"]})
        GroupMembership.objects.bulk_create(
            GroupMembership(student=student, group=group, start=date_from)
            for student, _ in dict.fromkeys(spec["rows"])
        )
        joined += len(spec["rows"])
    return {"groups": created, "members": joined}


# --- the entry point


def run_import(
    *,
    ctx: AuditContext,
    kind: str,
    file_name: str,
    data: bytes,
    dry_run: bool,
    year: AcademicYear | None = None,
    date_from: date | None = None,
    order: Order | None = None,
    create_classes: bool = False,
    progress: Progress = _no_progress,
) -> Report:
    """Check every row; unless `dry_run` and only when all rows are good, write them all."""
    if kind not in TEMPLATES:
        raise ValidationError({"kind": "Выберите: обучающиеся, сотрудники, классы или группы."})
    needs_year = kind in ("students", "classes", "groups")
    if needs_year and year is None:
        raise ValidationError({"year": "Нет текущего учебного года: создайте его в настройках."})
    if kind == "students":
        if order is None or not order.number.strip():
            raise ValidationError({"order_number": "Укажите приказ о зачислении."})
        date_from = date_from or max(year.start, timezone.localdate())
        if not year.start <= date_from <= year.end:
            raise ValidationError({"date": f"Дата зачисления вне {year.name} учебного года."})
    sheet = to_sheet(kind, read_rows(file_name, data))
    if sheet.missing:
        raise ValidationError({"file": "Нет столбцов: " + ", ".join(sheet.missing) + "."})
    report = Report(kind=kind, rows=len(sheet.rows), dry_run=dry_run)
    if kind == "students":
        classes = {(c.grade, c.letter): c for c in SchoolClass.objects.filter(year=year)}
        checked, report.errors = _check_students(
            sheet, classes, create_classes, timezone.localdate(), progress
        )
    elif kind == "staff":
        checked, report.errors = _check_staff(sheet, progress)
    elif kind == "groups":
        checked, report.errors = _check_groups(sheet, year)
    else:
        checked, report.errors = _check_classes(sheet, year)
    if dry_run or report.errors:
        return report
    with transaction.atomic():
        if kind == "students":
            report.created = _write_students(checked, year, classes, date_from, order, progress)
        elif kind == "staff":
            Staff.objects.bulk_create(
                Staff(
                    **d.names.cleaned(),
                    positions=list(dict.fromkeys(d.positions)),
                    contract_start=d.contract_start,
                    email=d.email.strip().lower(),
                    phone=services.normalise_phone(d.phone),
                )
                for d in checked
            )
            report.created = {"staff": len(checked)}
        elif kind == "groups":
            start = date_from or max(year.start, timezone.localdate())
            report.created = _write_groups(checked, year, min(start, year.end))
        else:
            SchoolClass.objects.bulk_create(
                SchoolClass(year=year, grade=g, letter=letter, class_teacher=t)
                for (g, letter), t in checked
            )
            report.created = {"classes": len(checked)}
        school_audit_append(
            ctx=ctx,
            action=f"import.{kind}",
            new={
                "file": file_name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": report.rows,
                "created": report.created,
            },
            reason=f"Приказ № {order.number} от {order.date:%d.%m.%Y}" if order else "",
        )
    return report


# --- templates and export


def template_csv(kind: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow([title for _, title, _ in TEMPLATES[kind]])
    return buffer.getvalue().encode("utf-8-sig")


def export_rows(kind: str, students: Iterable[Student] | None = None) -> Iterator[list[str]]:
    """The same columns as the import: what is exported can be imported elsewhere."""
    yield [title for _, title, _ in TEMPLATES[kind]]
    if kind == "students":
        for s in students or ():
            current = getattr(s, "current_classes", [])
            row = [
                current[0].school_class.name if current else "",
                s.last_name,
                s.first_name,
                s.middle_name,
                s.birth_date.strftime("%d.%m.%Y"),
                s.get_form_of_education_display(),
                "да" if s.individual_curriculum else "нет",
                s.phone,
                s.email,
            ]
            links = list(getattr(s, "active_links", []))[:2]
            for link in links + [None] * (2 - len(links)):
                g = link.guardian if link else None
                row += (
                    [
                        g.last_name,
                        g.first_name,
                        g.middle_name,
                        link.get_relation_display(),
                        g.phone,
                        g.email,
                    ]
                    if g
                    else [""] * 6
                )
            yield row
    elif kind == "staff":
        for m in Staff.objects.order_by("last_name", "first_name"):
            yield [
                m.last_name,
                m.first_name,
                m.middle_name,
                ", ".join(m.position_labels()),
                m.contract_start.strftime("%d.%m.%Y"),
                m.phone,
                m.email,
            ]
    elif kind == "groups":
        for m in (
            GroupMembership.objects.filter(group__year__is_current=True, end__isnull=True)
            .select_related("group__subject", "student")
            .order_by("group__name", "student__last_name")
        ):
            g, s = m.group, m.student
            subject = g.subject.name if g.subject else ""
            birth = s.birth_date.strftime("%d.%m.%Y")
            yield [
                g.name,
                g.get_kind_display(),
                subject,
                s.last_name,
                s.first_name,
                s.middle_name,
                birth,
            ]
    else:
        for c in SchoolClass.objects.filter(year__is_current=True).select_related("class_teacher"):
            yield [c.name, c.class_teacher.full_name if c.class_teacher else ""]


def export_csv(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")
