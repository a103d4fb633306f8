"""OpenAPI post-processing (drf-spectacular): every operation documents the error answers the platform gives.

The API answers 400 (validation, naming the fields), 401 (no or bad credentials), 403 (visible but not allowed),
404 (missing or outside the caller's scope, the same answer), 409 (a workflow step not allowed in the current
state, or a write that collided with a concurrent one) and 429 (locked after failed logins). drf-spectacular
documents only the success answers; this hook adds the others with their bodies.
"""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "An error: `detail` says what went wrong.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Validation errors by field name (`non_field_errors` or `detail` when they concern no single "
                   "field); each a list of messages, or nested errors for nested input.",
    "additionalProperties": True,
}
ANSWERS = {
    "400": ("ValidationError", "Bad input: the fields named and why."),
    "401": ("Error", "No or invalid credentials."),
    "403": ("Error", "Visible, but the caller may not do this."),
    "404": ("Error", "Missing, or outside the caller's scope (answered alike)."),
    "409": ("Error", "Not allowed in the current state, or a write collided with a concurrent one."),
    "429": ("Error", "Locked after repeated failed logins."),
}
METHODS = ("get", "post", "put", "patch", "delete")


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, item in result.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code, (schema, description) in ANSWERS.items():
                if code == "401" and path.endswith("/auth/token/"):
                    continue  # the token endpoint answers bad credentials with 400
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                })
    return result
