"""Small helpers shared by the platform's Werkzeug endpoints."""
from __future__ import annotations

import html
import json
import typing as t

from lti1p3platform.response import Response as LibraryResponse
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request, Response


def as_json(data: t.Any, status: int = 200, content_type: str = "application/json",
            headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, content_type=content_type, headers=headers)


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    return as_json({"error": error, "error_description": description}, status=status,
                   headers={"Cache-Control": "no-store"})


def page(title: str, body: str, status: int = 200) -> Response:
    return Response(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
                    f'</title></head><body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>',
                    status=status, content_type="text/html; charset=utf-8")


def from_library(response: LibraryResponse) -> Response:
    """The library's service response as a Werkzeug one. The library answers a page of line items or results as
    {content, has_next, next} and puts NRPS's next page in the body; the AGS and NRPS specifications want a
    JSON array (line items, results) and the next page in a `Link: <url>; rel="next"` header."""
    if response.result is None:
        if response.code < 400:
            return Response(status=response.code)
        return as_json({"error": response.message}, status=response.code)
    result, next_url = response.result, None
    if isinstance(result, dict) and "has_next" in result:
        result, next_url = result["content"], result.get("next")
    elif isinstance(result, dict) and "members" in result:
        next_url = result.pop("next", None)
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return as_json(result, status=response.code, content_type=response.media_type, headers=headers)


def body(request: Request) -> dict[str, t.Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("a JSON object is expected")
    return data


def bearer(request: Request) -> str | None:
    parts = request.headers.get("Authorization", "").split()
    return parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None
