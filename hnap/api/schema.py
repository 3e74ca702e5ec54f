"""The API schema's refusals: every operation documents the errors hnap can answer with, in one shape (issue 10).

drf-spectacular documents only what a view declares; a view that declares nothing would otherwise leave its 400, 403
and 404 out of the schema, and clients (and schemathesis) would meet status codes the schema does not promise.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A refusal that is not about the body's fields (403, 404)."""

    detail = serializers.CharField()


FIELD_ERRORS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description='The request was refused: {"field": ["why", ...]}; what is not about one field is under '
    '"non_field_errors" (or "detail").',
    examples=[OpenApiExample("Field errors", value={"school_urn": ["No school or setting has this URN."]})],
)
FORBIDDEN = OpenApiResponse(
    ErrorDetailSerializer,
    description="Not signed in, two-factor sign-in not completed, or a record of your RPA your role may not act on.",
)
NOT_FOUND = OpenApiResponse(
    ErrorDetailSerializer,
    description="No such record, or another RPA's: the same answer (on a list: a page past the last one).",
)


class RefusalsAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the refusals every hnap operation can give added where a view did not say."""

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        parameters = operation.get("parameters", [])
        method = self.method.upper()
        refusals: dict[str, OpenApiResponse] = {"403": FORBIDDEN}
        # A body or a query can be refused; a path id can name nothing; a list pages, and a page past the end is 404.
        if method != "GET" or any(p.get("in") == "query" for p in parameters):
            refusals["400"] = FIELD_ERRORS
        if any(p.get("in") == "path" for p in parameters) or (method == "GET" and self._is_list_view()):
            refusals["404"] = NOT_FOUND
        for code, response in refusals.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code)
        return operation
