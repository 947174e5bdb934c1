"""The API's documentation page, drawn on the server from the OpenAPI schema (the strict
Content-Security-Policy allows no inline script or style and no CDN, so no Swagger UI):
every endpoint with its parameters, the fields of its rows and an example answer."""

from __future__ import annotations

import json

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .choices import Area
from .schema import openapi_schema
from .views import ENDPOINTS, url_name

EXAMPLES = {"string": "…", "integer": 0, "number": 0.0, "boolean": False}
FORMATS = {"date": "2026-11-01", "date-time": "2026-11-01T09:30:00Z", "uri": "https://…"}


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return {
            **_resolve(schema["allOf"][0], spec),
            **{k: v for k, v in schema.items() if k != "allOf"},
        }
    return schema


def _type(schema: dict, spec: dict) -> str:
    schema = _resolve(schema, spec)
    kind = schema.get("type") or (
        "one of: " + ", ".join(map(str, schema["enum"])) if "enum" in schema else "object"
    )
    if kind == "array":
        return f"list of {_type(schema.get('items', {}), spec)}"
    if kind == "object" and schema.get("properties"):
        kind = "object (" + ", ".join(schema["properties"]) + ")"
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    if schema.get("enum"):
        kind = "one of: " + ", ".join(str(value) for value in schema["enum"] if value)
    return kind + (" or null" if schema.get("nullable") else "")


def _example(schema: dict, spec: dict, depth: int = 0):
    schema = _resolve(schema, spec)
    if schema.get("enum"):
        return next((value for value in schema["enum"] if value), None)
    kind = schema.get("type", "object")
    if kind == "array":
        return [_example(schema.get("items", {}), spec, depth + 1)] if depth < 3 else []
    if kind == "object":
        return {
            name: _example(s, spec, depth + 1) for name, s in schema.get("properties", {}).items()
        }
    return FORMATS.get(schema.get("format"), EXAMPLES.get(kind))


def endpoints() -> list[dict]:
    spec = openapi_schema()
    areas = dict(Area.choices)
    described = []
    for address, view in ENDPOINTS:
        path = reverse(f"api:{url_name(address)}")
        operation = spec["paths"][path]["get"]
        page = _resolve(
            operation["responses"]["200"]["content"]["application/json"]["schema"], spec
        )
        row = _resolve(page["properties"]["results"]["items"], spec)
        described.append(
            {
                "address": address,
                "path": path,
                "area": areas[view.area],
                "description": (view.__doc__ or "").strip(),
                "parameters": [
                    {
                        "name": p["name"],
                        "type": _type(p.get("schema", {}), spec),
                        # the values are in the type; the schema lists them again
                        "description": p.get("description", "")
                        .split("\n\n* ")[0]
                        .removeprefix("* ")
                        if not p.get("description", "").startswith("* ")
                        else "",
                    }
                    for p in operation.get("parameters", [])
                ],
                "fields": [
                    {
                        "name": name,
                        "type": _type(s, spec),
                        "description": _resolve(s, spec).get("description", "")
                        or s.get("description", ""),
                    }
                    for name, s in row.get("properties", {}).items()
                ],
                "example": json.dumps(
                    {
                        "next": f"{path}?cursor=cD0xMDA%3D",
                        "previous": None,
                        "results": [_example(row, spec)],
                    },
                    indent=2,
                    ensure_ascii=False,
                ),
            }
        )
    return described


@require_GET
def documentation(request):
    """/api/v1/: the documentation page (signed in: it links to one's own tokens)."""
    return render(
        request,
        "api/docs.html",
        {
            "endpoints": endpoints(),
            "schema_url": reverse("api:schema"),
            "base": request.build_absolute_uri("/")[:-1],
        },
    )
