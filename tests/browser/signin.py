"""Signing in on a school's own host, for page tests."""

from tests.factories import PASSWORD


def school_sign_in(page, live_server_url: str, school, user) -> str:
    """Sign `user` in on the school's own host; returns that host's base URL."""
    port = live_server_url.rsplit(":", 1)[1]
    base = f"http://{school.slug}.localhost:{port}"
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    return base
