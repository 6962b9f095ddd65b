from django.db import models


class Position(models.TextChoices):
    DIRECTOR = "director", "Директор"
    DEPUTY = "deputy", "Заместитель директора"
    TEACHER = "teacher", "Учитель"
    SCHOOL_ADMIN = "school_admin", "Администратор ЭЖ"
    RECORDS_CLERK = "records_clerk", "Делопроизводитель"
    CONSULTANT = "consultant", "Консультант"
    EDUCATOR = "educator", "Воспитатель"
    PSYCHOLOGIST = "psychologist", "Педагог-психолог"
    OTHER = "other", "Другая должность"


class FormOfEducation(models.TextChoices):
    """PPL-11: the form of education and its recording form."""

    FULL_TIME = "full_time", "Очная"
    PART_TIME = "part_time", "Очно-заочная"
    EXTRAMURAL = "extramural", "Заочная"
    FAMILY = "family", "Семейное образование"
    SELF = "self", "Самообразование"
    EXTERNAL = "external", "Экстернат"
    HOME = "home", "Обучение на дому"
    FREE_ATTENDANCE = "free_attendance", "Свободное посещение"


class StudentStatus(models.TextChoices):
    STUDYING = "studying", "Обучается"
    LEFT = "left", "Выбыл"
    TRANSFERRED = "transferred", "Переведён в другую школу"
    EXPELLED = "expelled", "Отчислен"
    GRADUATED = "graduated", "Окончил школу"


class Relation(models.TextChoices):
    MOTHER = "mother", "Мать"
    FATHER = "father", "Отец"
    GUARDIAN = "guardian", "Опекун"
    TRUSTEE = "trustee", "Попечитель"
    FOSTER = "foster", "Приёмный родитель"
    OTHER = "other", "Иной законный представитель"


class GroupKind(models.TextChoices):
    SUBJECT_SPLIT = "subject_split", "Подгруппа по предмету"
    PROFILE = "profile", "Профильная группа"
    ELECTIVE = "elective", "Элективный курс"
    OPTIONAL = "optional", "Факультатив"
    CLUB = "club", "Кружок"
    PROJECT = "project", "Проектная группа"
    EXTENDED_DAY = "extended_day", "Группа продлённого дня"


class MovementKind(models.TextChoices):
    ENROLMENT = "enrolment", "Зачисление"
    CLASS_TRANSFER = "class_transfer", "Перевод в другой класс"
    PROMOTION = "promotion", "Перевод в следующий класс"
    WITHDRAWAL = "withdrawal", "Выбытие"
    TRANSFER_OUT = "transfer_out", "Перевод в другую школу"
    EXPULSION = "expulsion", "Отчисление"
    GRADUATION = "graduation", "Окончание школы"


# movements after which the student no longer studies here and the diary service ends (GOV-05)
ENDING = {
    MovementKind.WITHDRAWAL: StudentStatus.LEFT,
    MovementKind.TRANSFER_OUT: StudentStatus.TRANSFERRED,
    MovementKind.EXPULSION: StudentStatus.EXPELLED,
    MovementKind.GRADUATION: StudentStatus.GRADUATED,
}


class Applicant(models.TextChoices):
    GUARDIAN = "guardian", "Законный представитель"
    STUDENT_14 = "student_14", "Обучающийся с 14 лет (с согласия представителя)"
    ADULT_STUDENT = "adult_student", "Совершеннолетний обучающийся"


class Decision(models.TextChoices):
    CONSENT = "consent", "Согласие"
    REFUSAL = "refusal", "Отказ (сведения на бумаге)"


class Channel(models.TextChoices):
    WEB = "web", "Электронный дневник"
    EMAIL = "email", "Эл. почта"
    SMS = "sms", "СМС"
    GOSUSLUGI = "gosuslugi", "Госуслуги"
