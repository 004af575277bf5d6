"""Schemathesis over the whole schema again, as an editor with a token.

`test_api_schema.py` calls every operation anonymously; here every call
carries an editor's `Authorization: Token`, so the upload's multipart body
is generated and goes past authentication to the permission check, the
form and the parsers (an editor may create and update episodes).
No answer may be a 5xx or stray from the schema.
"""

import pytest
from django.contrib.auth.models import Group
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests import test_api_schema
from tests.factories import make_token, make_user
from tests.test_api_schema import FUZZ, LINK, schema

api_data = test_api_schema.api_data  # the same fixture: the API test glossary

UPLOAD = "/api/v1/transcripts/"


@pytest.fixture
def editor_headers(api_data):
    editor = make_user("schema-editor", staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    return {"Authorization": f"Token {make_token(editor)}"}


@schema.include(path=UPLOAD).parametrize()
@FUZZ
def test_an_editor_s_uploads_keep_to_the_schema(case, api_data, editor_headers):
    # Half the cases name the test episode, which an editor may update.
    if isinstance(case.body, dict) and len(str(case.body)) % 2 == 0:
        case.body["slug"] = api_data["episodes"]
    # Django's URL validator is stricter than `format: uri` (a host of 300
    # characters is schema-valid): such a 400 is a clear refusal, not a
    # failure; every other check (no 5xx, documented statuses and bodies)
    # holds.
    case.call_and_validate(
        headers=editor_headers, excluded_checks=[positive_data_acceptance]
    )


@schema.exclude(path=UPLOAD).exclude(path=LINK).parametrize()
@FUZZ
def test_an_editor_s_reads_keep_to_the_schema(case, api_data, editor_headers):
    case.call_and_validate(headers=editor_headers)


@schema.include(path=LINK).parametrize()
@FUZZ
def test_an_editor_s_links_keep_to_the_schema(case, api_data, editor_headers):
    case.call_and_validate(headers=editor_headers)
