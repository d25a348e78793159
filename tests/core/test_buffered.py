"""The buffered WSGI lane (core/buffered.py): the body read whole on the loop, the app run once on a thread."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from binhan import asgi
from binhan.core.buffered import BufferedWSGI


def _scope(body_length: int | None, path: str = "/open311/v2/requests.json") -> dict:
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    if body_length is not None:
        headers.append((b"content-length", str(body_length).encode()))
    return {"type": "http", "method": "POST", "path": path, "root_path": "", "query_string": b"a=1",
            "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("10.0.0.9", 5555),
            "headers": headers}


def _serve(app, scope: dict, parts: list[dict]) -> list[dict]:
    sent: list[dict] = []
    incoming = iter(parts)

    async def receive():
        return next(incoming)

    async def send(message):
        sent.append(message)

    with ThreadPoolExecutor(max_workers=1) as executor:
        asyncio.run(BufferedWSGI(app, executor=executor)(scope, receive, send))
    return sent


def test_the_app_reads_the_whole_body_and_its_answer_goes_out_in_one_piece():
    seen = {}

    def app(environ, start_response):
        seen.update(body=environ["wsgi.input"].read(), method=environ["REQUEST_METHOD"],
                    length=environ["CONTENT_LENGTH"], address=environ["REMOTE_ADDR"], query=environ["QUERY_STRING"])
        write = start_response("201 Created", [("Content-Type", "application/json"), ("X-Answer", "yes")])
        write(b"[")
        return [b'{"a"', b"", b": 1}]"]

    sent = _serve(app, _scope(11), [{"type": "http.request", "body": b"api_key=", "more_body": True},
                                    {"type": "http.request", "body": b"abc", "more_body": False}])

    assert seen == {"body": b"api_key=abc", "method": "POST", "length": "11", "address": "10.0.0.9", "query": "a=1"}
    assert sent == [
        {"type": "http.response.start", "status": 201,
         "headers": [(b"content-type", b"application/json"), (b"x-answer", b"yes")]},
        {"type": "http.response.body", "body": b'[{"a": 1}]'},
    ]


def test_an_error_page_after_a_first_start_response_wins_and_the_iterable_is_closed():
    closed = []

    class Answer(list):
        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        start_response("500 Internal Server Error", [("Content-Type", "text/html")], (None, None, None))
        return Answer([b"oops"])

    sent = _serve(app, _scope(0), [{"type": "http.request", "body": b"", "more_body": False}])

    assert (sent[0]["status"], sent[0]["headers"], sent[1]["body"], closed) == (
        500, [(b"content-type", b"text/html")], b"oops", [True])


def test_a_client_that_leaves_before_its_body_is_in_gets_nothing_and_the_app_never_runs():
    ran = []
    sent = _serve(lambda environ, start: ran.append(True) or [], _scope(20),
                  [{"type": "http.request", "body": b"api_key=", "more_body": True}, {"type": "http.disconnect"}])
    assert (sent, ran) == ([], [])


def test_an_exception_in_the_app_reaches_the_server_which_answers_500():
    def app(environ, start_response):
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError, match="broken"):
        _serve(app, _scope(0), [{"type": "http.request", "body": b"", "more_body": False}])


@pytest.mark.parametrize(("length", "path", "lane"), [
    (300, "/open311/v2/requests.json", "intake_buffered"),
    (asgi.BUFFERED_BODY_BYTES, "/reports/new/", "intake_buffered"),
    (asgi.BUFFERED_BODY_BYTES + 1, "/reports/new/", "intake"),  # photos: streamed through a2wsgi
    (None, "/open311/v2/requests.json", "intake"),  # chunked, size unknown
])
def test_small_intake_posts_take_the_buffered_lane(length, path, lane):
    assert asgi.lane(_scope(length, path)) is getattr(asgi, lane)


def test_both_intake_lanes_share_the_intake_thread():
    assert asgi.intake_buffered.executor is asgi.intake.executor
