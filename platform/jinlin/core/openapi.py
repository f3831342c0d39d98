"""The OpenAPI document describes the error envelope every 4xx answer really has (API.md), not the shape
Litestar would generate for its own exceptions, so schema-driven clients (and the fuzz test) can trust it."""

from __future__ import annotations

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Schema

ENVELOPE = Schema(
    type=OpenAPIType.OBJECT,
    required=["error"],
    properties={
        "error": Schema(
            type=OpenAPIType.OBJECT,
            required=["code", "message", "fields"],
            properties={
                "code": Schema(type=OpenAPIType.STRING),
                "message": Schema(type=OpenAPIType.STRING),
                "fields": Schema(type=OpenAPIType.OBJECT, additional_properties=Schema(type=OpenAPIType.STRING)),
            },
        )
    },
    description="The error envelope: a code, a message and {field: reason}",
)


def describe_error_envelope(app: Litestar) -> None:
    """Every documented 4xx answer is the envelope (called once the app is assembled)."""
    openapi = app.plugins.get(OpenAPIPlugin).provide_openapi()
    for item in (openapi.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if operation is None or not operation.responses:
                continue
            for status, response in list(operation.responses.items()):
                if str(status).startswith("4") and isinstance(response, OpenAPIResponse):
                    response.content = {"application/json": OpenAPIMediaType(schema=ENVELOPE)}
