"""The guardian's own subscription: `GET/PUT /api/v1/diary/subscription/`, the page
`/diary/notifications/` and the unsubscribe link (DIA-06): who may, what is refused with field
messages (nothing written), what is prefilled, and what the audit keeps."""

import pytest
from django_tenants.utils import schema_context

from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.audit.models import RegionAuditRecord
from otmetka.notifications.choices import Digest
from otmetka.notifications.models import Subscription
from otmetka.notifications.services import unsubscribe_token
from tenants.people.models import Guardian
from tests.factories import UserFactory, region_client, region_user, school_client, school_user
from tests.tenants.diary.diary_kit import family, student_account, term

pytestmark = pytest.mark.django_db
URL = "/api/v1/diary/subscription/"
VALID = {
    "digest": "weekly",
    "digest_weekday": 6,
    "sms_marks": True,
    "final_marks": True,
    "email": "Mama@Example.ru ",
    "phone": "8 (914) 000-00-77",
}


def _put(client, **changes):
    return client.put(URL, {**VALID, **changes}, content_type="application/json")


def test_a_guardian_sees_the_school_contacts_prefilled_and_which_children_are_covered(school_a):
    # given a guardian of two pupils: one consented to everything, one to the diary only
    t = term(school_a)
    user = family(school_a, [t.students[0]], channels=("web", "email", "sms"))
    family(school_a, [t.students[1]], user=user, channels=("web",))
    with schema_context(school_a.schema_name):
        Guardian.objects.filter(user_id=user.pk).update(email="olga@example.ru")
    # when they open their subscription
    response = region_client(user).get(URL)
    # then the school's e-mail and phone are offered, nothing is saved yet
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved"] is False and body["digest"] == "off"
    assert (body["email"], body["phone"]) == ("olga@example.ru", "+79140000077")
    covered = {c["name"]: (c["email"], c["sms"]) for c in body["children"]}
    assert covered == {
        "Алексеев Иван Сергеевич": (True, True),
        "Борисов Иван Сергеевич": (False, False),
    }
    assert "Васильев" not in response.content.decode()  # a classmate, not theirs


def test_a_guardian_subscribes_and_the_audit_keeps_no_address(school_a):
    t = term(school_a)
    user = family(school_a, [t.students[0]], channels=("web", "email", "sms"))
    client = region_client(user)
    response = _put(client)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved"] is True
    assert (body["email"], body["phone"]) == ("mama@example.ru", "+79140000077")  # normalised
    sub = Subscription.objects.get(user=user)
    assert (sub.digest, sub.digest_weekday, sub.sms_marks, sub.final_marks) == (
        Digest.WEEKLY, 6, True, True
    )  # fmt: skip
    record = RegionAuditRecord.objects.filter(action="notifications.subscription_set").last()
    assert record.actor_id == user.pk and record.actor_role == "guardian"
    assert "mama" not in str(record.new) and "9140000077" not in str(record.new)
    assert record.new["email_set"] is True
    # and a second PUT replaces the choices
    assert _put(client, digest="off", sms_marks=False, final_marks=False).status_code == 200
    sub.refresh_from_db()
    assert (sub.digest, sub.sms_marks) == (Digest.OFF, False)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"phone": "+1 555 0100"}, "phone"),
        ({"phone": "+7914000007"}, "phone"),  # 9 digits
        ({"email": ""}, "email"),  # a digest needs an address
        ({"digest": "off", "final_marks": True, "email": ""}, "email"),
        ({"phone": ""}, "phone"),  # SMS needs a phone
        ({"digest": "hourly"}, "digest"),
        ({"digest_weekday": 9}, "digest_weekday"),
        ({"digest_weekday": True}, "digest_weekday"),
        ({"sms_marks": "maybe"}, "sms_marks"),
        ({"email": "a" * 250 + "@b.ru"}, "email"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(school_a, changes, field):
    t = term(school_a)
    user = family(school_a, [t.students[0]])
    response = _put(region_client(user), **changes)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Subscription.objects.filter(user=user).exists()


def test_a_missing_field_is_a_400(school_a):
    t = term(school_a)
    user = family(school_a, [t.students[0]])
    response = region_client(user).put(URL, {"digest": "daily"}, content_type="application/json")
    assert response.status_code == 400
    assert {"email", "phone", "sms_marks"} <= set(response.json()["fields"])


def test_a_student_may_have_the_digest_of_their_own_diary_but_no_sms(school_a):
    t = term(school_a)
    user = student_account(school_a, t.students[0])
    client = region_client(user)
    refused = _put(client)
    assert refused.status_code == 400 and "sms_marks" in refused.json()["fields"]
    allowed = _put(client, sms_marks=False, final_marks=False, phone="")
    assert allowed.status_code == 200, allowed.content
    assert [c["name"] for c in allowed.json()["children"]] == ["Алексеев Иван Сергеевич"]
    assert allowed.json()["children"][0]["email"] is True


def test_staff_the_ministry_and_anonymous_callers_are_refused(school_a):
    teacher = school_user(school_a, SchoolRole.SUBJECT_TEACHER, SchoolRole.CLASS_TEACHER)
    for user in (teacher, region_user(RegionRole.MINISTRY_OFFICER), UserFactory()):
        client = region_client(user)
        assert client.get(URL).status_code == 403
        assert _put(client).status_code == 403
        assert client.get("/diary/notifications/").status_code == 403
    assert not Subscription.objects.exists()
    anonymous = region_client()
    assert anonymous.get(URL).status_code in (401, 403)
    assert _put(anonymous).status_code in (401, 403)
    assert anonymous.get("/diary/notifications/").status_code == 302  # to the login page


def test_the_subscription_is_not_served_on_a_schools_host(school_a):
    t = term(school_a)
    user = family(school_a, [t.students[0]])
    client = school_client(school_a)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.get("/diary/notifications/").status_code == 404


def test_one_guardian_never_sees_or_changes_anothers_subscription(school_a):
    t = term(school_a)
    mother = family(school_a, [t.students[0]], channels=("web", "email"))
    stranger = family(school_a, [t.students[1]], user=UserFactory(last_name="Чужая"))
    assert _put(region_client(mother), sms_marks=False, final_marks=False).status_code == 200
    # the stranger's view is their own: nothing of the mother's address or child
    body = region_client(stranger).get(URL).json()
    assert body["saved"] is False and body["email"] != "mama@example.ru"
    assert [c["name"] for c in body["children"]] == ["Борисов Иван Сергеевич"]
    assert _put(region_client(stranger), email="x@example.ru", sms_marks=False).status_code == 200
    assert Subscription.objects.get(user=mother).email == "mama@example.ru"


def test_the_page_saves_and_shows_field_errors(school_a):
    t = term(school_a)
    user = family(school_a, [t.students[0]], channels=("web", "email"))
    client = region_client(user)
    page = client.get("/diary/notifications/")
    assert page.status_code == 200
    assert "Уведомления дневника" in page.content.decode() and "Алексеев" in page.content.decode()
    form = {"digest": "daily", "digest_weekday": "4", "email": "broken", "phone": ""}
    bad = client.post("/diary/notifications/", form)
    assert bad.status_code == 400 and "Проверьте адрес эл. почты." in bad.content.decode()
    assert not Subscription.objects.filter(user=user).exists()
    good = client.post("/diary/notifications/", {**form, "email": "olga@example.ru"})
    assert good.status_code == 302
    assert Subscription.objects.get(user=user).digest == Digest.DAILY
    # and the diary's week links to it
    assert 'href="/diary/notifications/"' in client.get("/diary/").content.decode()


def test_the_unsubscribe_link_needs_no_login_and_a_forged_one_does_nothing(school_a):
    t = term(school_a)
    user = family(school_a, [t.students[0]], channels=("web", "email", "sms"))
    _put(region_client(user))
    anonymous = region_client()
    forged = unsubscribe_token(user.pk)[:-3] + "abc"
    assert anonymous.post(f"/diary/notifications/unsubscribe/{forged}/").status_code == 404
    assert Subscription.objects.get(user=user).digest == Digest.WEEKLY
    link = f"/diary/notifications/unsubscribe/{unsubscribe_token(user.pk)}/"
    assert anonymous.get(link).status_code == 200
    assert Subscription.objects.get(user=user).digest == Digest.WEEKLY  # GET only asks
    assert anonymous.post(link).status_code == 200
    sub = Subscription.objects.get(user=user)
    assert (sub.digest, sub.final_marks, sub.sms_marks) == (Digest.OFF, False, True)  # SMS stay
    assert RegionAuditRecord.objects.filter(action="notifications.unsubscribe").count() == 1


def test_the_endpoint_is_in_the_openapi_schema(schools):
    schema = region_client(region_user()).get("/api/schema/", {"format": "json"}).json()
    operations = schema["paths"]["/api/v1/diary/subscription/"]
    assert {"get", "put"} <= set(operations)
    body = operations["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("SubscriptionRequest")
    assert "digest" in schema["components"]["schemas"]["SubscriptionRequest"]["properties"]
