"""Hooks for schemathesis, loaded by openapi/schemathesis.toml.

A multipart form carries text and files, nothing else: a number generated for
a text field is sent as its digits, an empty list as no part at all. Before it
reports "schema-violating request accepted", schemathesis re-reads the form as
sent to see whether the invalid value survived the encoding; version 4.32.5
gives up on that when the form also holds a file, since it cannot validate the
file's bytes, and so reports the server's 201 to a valid upload (a description
of "-5e-324", or none) as a failure.

This hook does that re-reading with each file part standing for the binary
string it is, and drops the failure only when the form as sent satisfies the
schema and nothing outside the body was generated invalid. A form that still
breaks a rule on the wire (a description over 2000 characters, a missing or
repeated part, a field the schema does not name) keeps its failure.

Its stateful phase also follows links it infers from field names: from a
user's `branch_id` to `/branches/{id}`. A super admin's `branch_id` is null,
and schemathesis then requests `/branches/None`, calls that schema-valid, and
reports the 400 it gets. A null is not an integer; such a failure is dropped.
Every other refused request keeps its failure.
"""

from email.parser import BytesParser
from email.policy import HTTP

import jsonschema_rs
import schemathesis
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation
from schemathesis.openapi.checks import RejectedPositiveData


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if isinstance(failure, RejectedPositiveData):
        return None not in (case.path_parameters or {}).values()
    if not isinstance(failure, AcceptedNegativeData):
        return True
    media_type = case.media_type or ""
    if not media_type.startswith("multipart/form-data") or case.meta is None:
        return True
    negative = [
        location for location, component in case.meta.components.items() if component.mode.is_negative
    ]
    if negative != [ParameterLocation.BODY]:
        return True
    form = _form_as_sent(response)
    body = case.operation.get_body_for_media_type(media_type)
    if form is None or body is None:
        return True
    return not jsonschema_rs.validator_for(body.optimized_schema).is_valid(form)


def _form_as_sent(response):
    """The fields of the multipart body that went out, as the schema sees them.

    A part with a file name or its own content type is a file: a binary string.
    A name sent more than once reads as a list, which no field here accepts.
    """
    request = response.request
    content = request.body.encode() if isinstance(request.body, str) else request.body
    if not isinstance(content, bytes):
        return None
    head = f"Content-Type: {request.headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + content)
    if not message.is_multipart():
        return None
    values = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename() is not None or "content-type" in part:
            value = ""
        else:
            value = part.get_payload(decode=True).decode(errors="replace")
        values.setdefault(name, []).append(value)
    return {name: texts[0] if len(texts) == 1 else texts for name, texts in values.items()}


# In a URL an integer is written as one (docs/API.md): `/users/7.0` is 400
# and `?limit=3.0` is 422, though JSON Schema counts 7.0 as an integer. The
# generator may draw such a float for an integer parameter; it is sent as
# the integer it equals, so the positive cases stay positive.
def _integral_floats_as_integers(values):
    if not values:
        return values
    return {
        name: int(value) if isinstance(value, float) and value.is_integer() else value
        for name, value in values.items()
    }


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    return _integral_floats_as_integers(path_parameters)


@schemathesis.hook
def map_query(context, query):
    return _integral_floats_as_integers(query)
