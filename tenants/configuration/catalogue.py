"""The shipped catalogue of common federal subjects (ФБУП / ФОП, CFG-13), grouped by subject area.

Schools add subjects from here (`subjects_add_from_catalogue`) and keep their own school-component
subjects beside them. Codes are stable identifiers; names are those of the federal plans.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FederalSubject:
    code: str
    name: str
    short_name: str
    area: str
    grades: tuple[int, int]  # the grades the federal plan teaches it in


RUSSIAN = "Русский язык и литературное чтение / литература"
NATIVE = "Родной язык и литературное чтение на родном языке"
FOREIGN = "Иностранные языки"
MATH = "Математика и информатика"
SOCIAL = "Общественно-научные предметы"
SCIENCE = "Естественно-научные предметы"
ODNKNR = "Основы духовно-нравственной культуры народов России"
ARTS = "Искусство"
TECH = "Технология"
PE = "Физическая культура и основы безопасности и защиты Родины"
WORLD = "Обществознание и естествознание («Окружающий мир»)"

SUBJECTS: tuple[FederalSubject, ...] = (
    FederalSubject("russian", "Русский язык", "Рус. яз.", RUSSIAN, (1, 11)),
    FederalSubject("literary_reading", "Литературное чтение", "Лит. чт.", RUSSIAN, (1, 4)),
    FederalSubject("literature", "Литература", "Лит.", RUSSIAN, (5, 11)),
    FederalSubject("native_language", "Родной язык", "Род. яз.", NATIVE, (1, 11)),
    FederalSubject("native_literature", "Литературное чтение на родном языке", "Род. лит.",
                   NATIVE, (1, 11)),
    FederalSubject("foreign_language", "Иностранный язык", "Ин. яз.", FOREIGN, (2, 11)),
    FederalSubject("second_foreign_language", "Второй иностранный язык", "2-й ин. яз.", FOREIGN,
                   (5, 11)),
    FederalSubject("mathematics", "Математика", "Мат.", MATH, (1, 11)),
    FederalSubject("algebra", "Алгебра", "Алг.", MATH, (7, 11)),
    FederalSubject("geometry", "Геометрия", "Геом.", MATH, (7, 11)),
    FederalSubject("probability", "Вероятность и статистика", "Вер. и стат.", MATH, (7, 11)),
    FederalSubject("informatics", "Информатика", "Инф.", MATH, (7, 11)),
    FederalSubject("world_around", "Окружающий мир", "Окр. мир", WORLD, (1, 4)),
    FederalSubject("history", "История", "Ист.", SOCIAL, (5, 11)),
    FederalSubject("social_studies", "Обществознание", "Общ.", SOCIAL, (6, 11)),
    FederalSubject("geography", "География", "Геогр.", SOCIAL, (5, 11)),
    FederalSubject("physics", "Физика", "Физ.", SCIENCE, (7, 11)),
    FederalSubject("chemistry", "Химия", "Хим.", SCIENCE, (8, 11)),
    FederalSubject("biology", "Биология", "Биол.", SCIENCE, (5, 11)),
    FederalSubject("orkse", "Основы религиозных культур и светской этики", "ОРКСЭ", ODNKNR,
                   (4, 4)),
    FederalSubject("odnknr", "Основы духовно-нравственной культуры народов России", "ОДНКНР",
                   ODNKNR, (5, 6)),
    FederalSubject("fine_arts", "Изобразительное искусство", "ИЗО", ARTS, (1, 7)),
    FederalSubject("music", "Музыка", "Муз.", ARTS, (1, 8)),
    FederalSubject("labour", "Труд (технология)", "Труд", TECH, (1, 9)),
    FederalSubject("physical_education", "Физическая культура", "Физ-ра", PE, (1, 11)),
    FederalSubject("obzr", "Основы безопасности и защиты Родины", "ОБЗР", PE, (8, 11)),
    FederalSubject("individual_project", "Индивидуальный проект", "Инд. проект", "", (10, 11)),
)  # fmt: skip

BY_CODE: dict[str, FederalSubject] = {s.code: s for s in SUBJECTS}
