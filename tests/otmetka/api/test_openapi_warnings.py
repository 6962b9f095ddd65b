"""Both hosts' OpenAPI schemas build without a warning: every enum has a stable name, every
view a known serializer, so a generated client (a mobile app, the state services portal) does not
change its types when an unrelated app adds a field of the same name."""

import pytest
from django.core.management import call_command


@pytest.mark.parametrize("urlconf", ["otmetka.urls_public", "otmetka.urls_school"])
def test_the_schema_builds_without_warnings(urlconf, tmp_path):
    # when / then: the command exits non-zero on the first warning
    call_command(
        "spectacular", "--urlconf", urlconf, "--fail-on-warn", "--file", str(tmp_path / "s.yml")
    )
    assert (tmp_path / "s.yml").read_text().startswith("openapi:")
