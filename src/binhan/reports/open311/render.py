"""JSON and XML in the shapes of GeoReport v2: lists are arrays in JSON, `<root><item>…</item></root>` in XML."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
CONTENT_TYPES = {"json": JSON_TYPE, "xml": XML_TYPE}

# The element name of one item of each nested list, as the specification writes them.
ITEM_NAMES = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
              "notes": "note"}

# Characters XML 1.0 cannot carry at all, even escaped; a report's text may hold them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# `<`, `>` and `&` inside JSON strings, written as escapes: still the same JSON, never markup if misread.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_ILLEGAL.sub("", str(value))


def _append(parent: Element, name: str, value: Any) -> None:
    element = SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        child = ITEM_NAMES.get(name, "item")
        for item in value:
            _append(element, child, item)
    else:
        element.text = _text(value)


def to_xml(data: Any, *, root: str, item: str = "") -> bytes:
    top = Element(root)
    if isinstance(data, list):
        for record in data:
            _append(top, item, record)
    else:
        for key, value in data.items():
            _append(top, key, value)
    indent(top, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(top, encoding="unicode").encode() + b"\n"


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES).encode()


def respond(fmt: str, data: Any, *, root: str, item: str = "", status: int = 200) -> HttpResponse:
    body = to_json(data) if fmt == "json" else to_xml(data, root=root, item=item)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str, retry_after: int | None = None) -> HttpResponse:
    """The specification's error list: `[{code, description}]`, `<errors><error>…</error></errors>`."""
    response = respond(fmt, [{"code": status, "description": str(text)} for text in descriptions],
                       root="errors", item="error", status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
