"""Static detection of legacy endpoint calls in Python source (legacy_stt.lint.pysource)."""

from __future__ import annotations

import pathlib
import sys
import textwrap

import pytest

import legacy_stt
from legacy_stt.lint import pysource
from legacy_stt.lint.pysource import (
    LEGACY_PATHS,
    SERVICE_HOSTS,
    LegacyCall,
    is_legacy_url,
    scan_python,
)

LEGACY = "https://api.aimlapi.com/v1/stt"
UNVERSIONED = "https://api.aimlapi.com/stt"


def scan(source: str) -> list[LegacyCall]:
    return scan_python(textwrap.dedent(source))


def only(source: str) -> LegacyCall:
    calls = scan(source)
    assert len(calls) == 1, calls
    return calls[0]


def where(source: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the ``occurrence``-th ``needle`` in the dedented source."""
    text = textwrap.dedent(source)
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


# -- is_legacy_url -------------------------------------------------------------


def test_constants() -> None:
    assert {"api.aimlapi.com"} == SERVICE_HOSTS
    assert {"/v1/stt", "/stt"} == LEGACY_PATHS


@pytest.mark.parametrize(
    "url",
    [
        LEGACY,
        UNVERSIONED,
        "http://api.aimlapi.com/v1/stt",
        "HTTPS://API.AIMLAPI.COM/stt",
        "https://api.aimlapi.com:443/v1/stt",
        "https://api.aimlapi.com:8443/stt",
        "https://api.aimlapi.com/v1/stt/",
        "https://api.aimlapi.com/stt?language=en",
        "https://api.aimlapi.com//stt",  # a base URL ending in "/" plus "/stt"
        "https://api.aimlapi.com./stt",
    ],
)
def test_legacy_urls(url: str) -> None:
    assert is_legacy_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.aimlapi.com/v1/stt/create",
        "https://api.aimlapi.com/v1/stt/0b0c5d6e-1234",
        "https://api.aimlapi.com/v1/stt2",
        "https://api.aimlapi.com/v1/STT",
        "https://api.aimlapi.com/",
        "https://api.aimlapi.com",
        "http://127.0.0.1:8080/v1/stt",
        "https://example.com/stt",
        "https://api.aimlapi.com.example.com/stt",
        "https://eu.api.aimlapi.com/stt",
        "ftp://api.aimlapi.com/stt",
        "api.aimlapi.com/stt",
        "/v1/stt",
        "https://api.aimlapi.com:notaport/stt",
        "",
    ],
)
def test_not_legacy_urls(url: str) -> None:
    assert not is_legacy_url(url)


# -- what counts as a call --------------------------------------------------------


def test_requests_post_with_literal_url_and_payload() -> None:
    source = """\
        import requests

        response = requests.post(
            "https://api.aimlapi.com/v1/stt",
            headers={"Authorization": "Bearer x"},
            json={"model": "#g1_nova-2-general", "url": "https://x/a.wav", "diarize": True},
        )
    """
    call = only(source)
    assert (call.line, call.column) == (3, 12)
    assert call.function == "requests.post"
    assert call.url == LEGACY
    assert call.payload == {
        "model": "#g1_nova-2-general",
        "url": "https://x/a.wav",
        "diarize": True,
    }
    assert call.payload_keyword == "json"
    assert call.unresolved_keys == ()
    assert call.has_upload is False
    assert call.positions == {
        "": where(source, '{"model"'),
        "/model": where(source, '"model"'),
        "/url": where(source, '"url"'),
        "/diarize": where(source, '"diarize"'),
    }


def test_unversioned_path_and_url_keyword() -> None:
    call = only('requests.post(url="https://api.aimlapi.com/stt", json={"model": "m"})\n')
    assert call.url == UNVERSIONED
    assert call.payload == {"model": "m"}


@pytest.mark.parametrize("method", ["POST", "post", "Post"])
def test_request_with_method(method: str) -> None:
    source = f"""\
        import requests
        requests.request("{method}", "https://api.aimlapi.com/stt", json={{"model": "m"}})
    """
    call = only(source)
    assert (call.line, call.column) == (2, 1)
    assert call.function == "requests.request"
    assert call.payload == {"model": "m"}


def test_request_keywords_and_session_request() -> None:
    calls = scan(
        """\
        import requests
        s = requests.Session()
        s.request(method="POST", url="https://api.aimlapi.com/stt", json={"model": "a"})
        s.request("GET", "https://api.aimlapi.com/stt")
        requests.request("DELETE", "https://api.aimlapi.com/v1/stt")
        """
    )
    assert [(c.line, c.function, c.payload) for c in calls] == [(3, "s.request", {"model": "a"})]


def test_any_object_post() -> None:
    calls = scan(
        """\
        import httpx, aiohttp, requests

        class Transcriber:
            def __init__(self):
                self.session = requests.Session()

            def run(self):
                return self.session.post("https://api.aimlapi.com/stt", json={"model": "a"})

        def with_httpx():
            with httpx.Client() as client:
                client.post("https://api.aimlapi.com/v1/stt", json={"model": "b"})
            httpx.post("https://api.aimlapi.com/v1/stt", json={"model": "c"})
            httpx.Client().post("https://api.aimlapi.com/v1/stt", json={"model": "d"})

        async def with_aiohttp():
            async with aiohttp.ClientSession() as session:
                async with session.post("https://api.aimlapi.com/stt", json={"model": "e"}) as r:
                    return await r.json()
        """
    )
    assert [(c.line, c.function, c.payload) for c in calls] == [
        (8, "self.session.post", {"model": "a"}),
        (12, "client.post", {"model": "b"}),
        (13, "httpx.post", {"model": "c"}),
        (14, "httpx.Client().post", {"model": "d"}),
        (18, "session.post", {"model": "e"}),
    ]
    assert calls[0].column == 16


def test_bare_post_only_when_imported_from_requests_or_httpx() -> None:
    calls = scan(
        """\
        from requests import post
        from httpx import post as hpost
        from requests import request

        post("https://api.aimlapi.com/stt", json={"model": "a"})
        hpost("https://api.aimlapi.com/stt", json={"model": "b"})
        request("POST", "https://api.aimlapi.com/stt", json={"model": "c"})
        """
    )
    assert [(c.function, c.payload) for c in calls] == [
        ("post", {"model": "a"}),
        ("hpost", {"model": "b"}),
        ("request", {"model": "c"}),
    ]
    # A `post` of one's own is not an HTTP call.
    assert (
        scan(
            """\
        from mylib import post
        def send(x): ...
        post("https://api.aimlapi.com/stt")
        send("https://api.aimlapi.com/stt")
        """
        )
        == []
    )


def test_module_alias() -> None:
    call = only("import requests as r\nr.post('https://api.aimlapi.com/stt')\n")
    assert call.function == "r.post"
    assert call.payload is None and call.payload_keyword is None and call.positions == {}


# -- negative cases ---------------------------------------------------------------


def test_not_legacy_calls() -> None:
    assert (
        scan(
            """\
            import requests
            BASE = "https://api.aimlapi.com"

            def create_and_poll(payload, generation_id):
                requests.post(f"{BASE}/v1/stt/create", json=payload)
                requests.get(f"{BASE}/v1/stt/{generation_id}")
                requests.post(f"{BASE}/v1/stt/{generation_id}")
                requests.get("https://api.aimlapi.com/v1/stt")
                requests.put("https://api.aimlapi.com/v1/stt")
                requests.post("http://127.0.0.1:8080/v1/stt", json={"model": "m"})
                requests.post("https://example.com/stt", json={"model": "m"})
                requests.post("https://api.aimlapi.com/v1/chat/completions")
            """
        )
        == []
    )


def test_unresolvable_urls_are_not_reported() -> None:
    assert (
        scan(
            """\
            import os, requests
            from config import API_URL

            def send(url, payload):
                requests.post(url, json=payload)
                requests.post(API_URL, json=payload)
                requests.post(os.environ["STT_URL"], json=payload)
                requests.post(os.getenv("STT_URL"), json=payload)
                requests.post(get_url(), json=payload)
                requests.post(*args)
                requests.post()
                requests.post(f"{undefined_name}/stt")
            """
        )
        == []
    )


def test_unparsable_source_raises_syntax_error() -> None:
    with pytest.raises(SyntaxError):
        scan_python("def broken(:\n    pass\n", "broken.py")
    with pytest.raises(SyntaxError):
        scan_python("x = 1\x00\n")


def test_file_without_calls() -> None:
    assert scan_python("") == []
    assert (
        scan("""\
        '''A module that does not talk to any API.'''
        import math

        def area(r: float) -> float:
            return math.pi * r**2
        """)
        == []
    )


# -- async code ---------------------------------------------------------------------

ASYNC_CALLERS = """\
    import aiohttp, httpx, json, requests
    from aiohttp import request as arequest

    BASE = "https://api.aimlapi.com"
    URL = BASE + "/v1/stt"

    async def with_httpx(payload):
        await httpx.AsyncClient().post(URL, json=payload)
        async with httpx.AsyncClient() as client:
            await client.post(URL, json={"model": "a"})
            await client.post(f"{BASE}/v1/stt/create", json=payload)
            await client.post(f"{BASE}/v1/stt/{payload['id']}")

    async def with_aiohttp(payload):
        await aiohttp.ClientSession().post(URL, json=payload)
        async with aiohttp.ClientSession() as session:
            async with session.post(URL, data=json.dumps({"model": "b"})) as response:
                return await response.json()

    async def with_aiohttp_request():
        async with arequest("POST", URL, json={"model": "c"}) as response:
            return await response.json()

    async def blocking(payload):
        return requests.post(URL, json=payload)
"""


def test_async_clients_reach_the_legacy_path_only() -> None:
    calls = scan(ASYNC_CALLERS)
    assert [(c.line, c.function, c.in_async_def) for c in calls] == [
        (8, "httpx.AsyncClient().post", True),
        (10, "client.post", True),
        (15, "aiohttp.ClientSession().post", True),
        (17, "session.post", True),
        (21, "arequest", True),
        (25, "requests.post", True),  # blocking, but in async code: told to await
    ]
    assert [c.payload for c in calls if c.payload] == [
        {"model": "a"},
        {"model": "b"},
        {"model": "c"},
    ]


def test_bare_request_only_when_imported_from_aiohttp() -> None:
    source = """\
        from aiohttp import request
        async def send():
            async with request("POST", "https://api.aimlapi.com/stt", json={"model": "m"}) as r:
                return r
        """
    assert [(c.function, c.payload) for c in scan(source)] == [("request", {"model": "m"})]
    assert scan(source.replace("from aiohttp", "from mylib")) == []
    # aiohttp has no module-level `post`: a `post` imported from it is not its client.
    assert scan('from aiohttp import post\npost("https://api.aimlapi.com/stt")\n') == []


def test_which_code_counts_as_async() -> None:
    calls = scan(
        """\
        import requests
        URL = "https://api.aimlapi.com/stt"

        requests.post(URL)

        def plain():
            requests.post(URL)

        async def outer(items):
            def helper():  # its own sync function: run in a thread, say
                requests.post(URL)

            send = lambda: requests.post(URL)
            results = [requests.post(URL, json=i) for i in items]
            found = any(requests.post(URL, json=i) for i in items)

            class Local:
                def method(self):
                    requests.post(URL)

                async def amethod(self):
                    requests.post(URL)

            async def inner():
                def deeper():
                    return lambda: requests.post(URL)

                return [lambda: requests.post(URL) for _ in items]

            return helper, send, results, found, Local, inner

        async def defaults(x=requests.post(URL)):
            pass
        """
    )
    assert [(c.line, c.in_async_def) for c in calls] == [
        (4, False),  # module level
        (7, False),  # a plain def
        (11, False),  # a sync def nested in an async def
        (13, True),  # a lambda belongs to the async def around it
        (14, True),  # a list comprehension
        (15, True),  # a generator expression
        (19, False),  # a method of a class in an async def
        (22, True),
        (26, False),  # a lambda in a sync def in an async def
        (28, True),  # a lambda in a comprehension in an async def
        (32, False),  # defaults run where the def is, not in it
    ]


def legacy_endpoint_advice(tmp_path: pathlib.Path, source: str) -> dict[int, str]:
    """The legacy-endpoint messages of ``legacy-stt check`` on ``source``, by line."""
    from legacy_stt.lint import Checker

    path = tmp_path / "caller.py"
    path.write_text(textwrap.dedent(source))
    findings = Checker().check([str(path)]).findings
    return {f.line: f.message for f in findings if f.code == "legacy-endpoint" and f.line}


def test_advice_in_async_code_is_the_async_client(tmp_path: pathlib.Path) -> None:
    advice = legacy_endpoint_advice(tmp_path, ASYNC_CALLERS)
    assert sorted(advice) == [8, 10, 15, 17, 21, 25]
    for message in advice.values():
        assert "legacy_stt.AsyncClient" in message
        assert "await client.submit(payload)" in message
        assert "await client.result(generation_id)" in message
        assert "legacy_stt.Client()" not in message
        assert "legacy-stt serve" in message


def test_advice_in_sync_code_stays_the_sync_client(tmp_path: pathlib.Path) -> None:
    advice = legacy_endpoint_advice(
        tmp_path,
        """\
        import httpx, requests
        URL = "https://api.aimlapi.com/v1/stt"

        requests.post(URL, json={"model": "a"})

        async def outer():
            def helper():
                with httpx.Client() as client:
                    client.post(URL, json={"model": "b"})

            return helper
        """,
    )
    assert sorted(advice) == [4, 9]
    for message in advice.values():
        assert "client.submit(payload)" in message and "client.result(generation_id)" in message
        assert "legacy_stt.Client()" in message
        assert "AsyncClient" not in message and "await" not in message


# -- resolving the URL ----------------------------------------------------------------


@pytest.mark.parametrize(
    "setup, expression",
    [
        ('BASE = "https://api.aimlapi.com"', 'f"{BASE}/v1/stt"'),
        ('BASE = "https://api.aimlapi.com"', 'BASE + "/v1/stt"'),
        ('BASE = "https://api.aimlapi.com"', '"%s/v1/stt" % BASE'),
        ('HOST = "api.aimlapi.com"', '"https://%s/%s" % (HOST, "v1/stt")'),
        ('BASE = "https://api.aimlapi.com"', '"{}/v1/stt".format(BASE)'),
        ('BASE = "https://api.aimlapi.com"', '"{base}/{v}/stt".format(base=BASE, v="v1")'),
        ('BASE: str = "https://api.aimlapi.com"', 'BASE + "/v1/stt"'),
        ('HOST = "api.aimlapi.com"\nBASE = "https://" + HOST', "f\"{BASE}/{'v1'}/stt\""),
        ('URL = "https://api.aimlapi.com"\nURL += "/v1/stt"', "URL"),
        ('BASE = "https://api.aimlapi.com/"', 'BASE.rstrip("/") + "/v1/stt"'),
        ('BASE = "https://api.aimlapi.com/v1/"', 'urljoin(BASE, "stt")'),
        ('PARTS = ["https://api.aimlapi.com", "v1", "stt"]', '"/".join(PARTS)'),
        ('CONFIG = {"base": "https://api.aimlapi.com"}', 'CONFIG["base"] + "/v1/stt"'),
        ('BASE, PATH = "https://api.aimlapi.com", "/v1/stt"', "BASE + PATH"),
        (
            'BASE = os.environ.get("AIML_API_BASE", "https://api.aimlapi.com")',
            'f"{BASE}/v1/stt"',
        ),
        ('BASE = os.getenv("AIML_API_BASE", "https://api.aimlapi.com")', 'f"{BASE}/v1/stt"'),
        (
            'BASE = os.getenv("AIML_API_BASE", default="https://api.aimlapi.com")',
            'f"{BASE}/v1/stt"',
        ),
        ('BASE = os.environ.get("AIML_API_BASE") or "https://api.aimlapi.com"', 'f"{BASE}/v1/stt"'),
        ('BASE = os.getenv("AIML_API_BASE", "") or "https://api.aimlapi.com"', 'f"{BASE}/v1/stt"'),
        ('BASE = environ.get("AIML_API_BASE", "https://api.aimlapi.com")', 'f"{BASE}/v1/stt"'),
    ],
)
def test_url_resolution(setup: str, expression: str) -> None:
    source = (
        "import os\nfrom os import environ\nfrom urllib.parse import urljoin\nimport requests\n"
        f"{setup}\nrequests.post({expression})\n"
    )
    calls = scan_python(source)
    assert [c.url for c in calls] == [LEGACY]


def test_names_local_to_a_function_and_last_assignment_wins() -> None:
    calls = scan(
        """\
        import requests
        URL = "https://example.com/stt"
        requests.post(URL)
        URL = "https://api.aimlapi.com/stt"
        requests.post(URL)

        def local():
            url = "https://api.aimlapi.com/v1/stt"
            requests.post(url)
            url = "https://example.com"
            requests.post(url)

        def uses_the_module_value():
            requests.post(URL)
        """
    )
    assert [(c.line, c.url) for c in calls] == [(5, UNVERSIONED), (9, LEGACY), (14, UNVERSIONED)]


def test_names_that_cannot_be_decided() -> None:
    assert (
        scan(
            """\
            import os, requests, sys
            if sys.argv[1:]:
                URL = "https://api.aimlapi.com/stt"
            else:
                URL = "https://example.com/stt"
            requests.post(URL)

            def read_before_assignment():
                requests.post(LOCAL)
                LOCAL = "https://api.aimlapi.com/stt"

            for BASE in ["https://api.aimlapi.com", "https://example.com"]:
                requests.post(BASE + "/stt")

            try:
                OTHER = os.environ["STT_URL"]
            except KeyError:
                OTHER = "https://api.aimlapi.com/stt"
            requests.post(OTHER)

            CHOSEN = "https://api.aimlapi.com/stt" if sys.argv else "https://example.com/stt"
            requests.post(CHOSEN)

            G = "https://api.aimlapi.com/stt"
            def configure():
                global G
                G = sys.argv[1]
            def send():
                requests.post(G)
            """
        )
        == []
    )


def test_agreeing_branches_and_branch_local_names_resolve() -> None:
    calls = scan(
        """\
        import requests, sys
        if sys.platform == "win32":
            URL = "https://api.aimlapi.com/stt"
        else:
            URL = "https://api.aimlapi.com/stt"
        requests.post(URL)

        if sys.argv:
            OTHER = "https://example.com"
            OTHER = "https://api.aimlapi.com/v1/stt"
            requests.post(OTHER)
        """
    )
    assert [(c.line, c.url) for c in calls] == [(6, UNVERSIONED), (11, LEGACY)]


def test_walrus_urls() -> None:
    calls = scan(
        """\
        import requests
        requests.post(url := "https://api.aimlapi.com/stt")
        if (u := "https://api.aimlapi.com/v1/stt"):
            requests.post(u)
        """
    )
    assert [c.url for c in calls] == [UNVERSIONED, LEGACY]


def test_class_attributes() -> None:
    calls = scan(
        """\
        import requests

        class Client:
            BASE_URL = "https://api.aimlapi.com"
            PATH = "/v1/stt"

            def __init__(self, base_url=None):
                self.session = requests.Session()
                self.fixed = "https://api.aimlapi.com/stt"
                self.given = base_url

            def by_self(self, payload):
                return self.session.post(self.BASE_URL + self.PATH, json=payload)

            def by_class(self):
                return requests.post(f"{Client.BASE_URL}/stt")

            def by_instance_attribute(self):
                return requests.post(self.fixed)

            def not_known(self):
                return requests.post(self.given)

            @classmethod
            def by_cls(cls):
                return requests.post(cls.BASE_URL + "/stt")

        requests.post(Client.BASE_URL + Client.PATH)
        """
    )
    assert [(c.line, c.url) for c in calls] == [
        (13, LEGACY),
        (16, UNVERSIONED),
        (19, UNVERSIONED),
        (26, UNVERSIONED),
        (28, LEGACY),
    ]


def test_hostile_format_specs_and_cycles_do_not_hang() -> None:
    assert (
        scan(
            """\
            import requests
            A = B
            B = A
            def f():
                requests.post(A)
            BASE = "https://api.aimlapi.com"
            requests.post("{:>999999999}".format(BASE))
            requests.post(f"{BASE:>999999999}")
            requests.post("%999999999s" % BASE)
            requests.post("{0.__class__}".format(BASE))
            """
        )
        == []
    )


# -- resolving the payload -------------------------------------------------------------


def test_literal_values() -> None:
    source = """\
        import requests
        requests.post(
            "https://api.aimlapi.com/stt",
            json={
                "model": "#g1_nova-2-general",
                "utterances": False,
                "utt_split": 0.8,
                "buffer": -1,
                "offset": +2,
                "extra": None,
                "tag": ("meeting", "q3"),
                "keywords": ["a:2", "b"],
                "nested": {"deep": [1, {"x": "y"}]},
            },
        )
    """
    call = only(source)
    assert call.payload == {
        "model": "#g1_nova-2-general",
        "utterances": False,
        "utt_split": 0.8,
        "buffer": -1,
        "offset": 2,
        "extra": None,
        "tag": ["meeting", "q3"],
        "keywords": ["a:2", "b"],
        "nested": {"deep": [1, {"x": "y"}]},
    }
    positions = call.positions
    assert positions[""] == (4, 10)
    assert positions["/tag"] == where(source, '"tag"')
    assert positions["/tag/0"] == where(source, '"meeting"')
    assert positions["/tag/1"] == where(source, '"q3"')
    assert positions["/nested/deep"] == where(source, '"deep"')
    assert positions["/nested/deep/0"] == where(source, "1, {")
    assert positions["/nested/deep/1/x"] == where(source, '"x"')


def test_names_bound_to_literals_and_unresolved_members() -> None:
    source = """\
        import requests
        MODEL = "#g1_whisper-large"
        TAGS = ["a", "b"]

        def transcribe(audio_url, language):
            smart = True
            return requests.post(
                "https://api.aimlapi.com/v1/stt",
                json={
                    "model": MODEL,
                    "url": audio_url,
                    "language": language.lower(),
                    "smart_format": smart,
                    "tag": TAGS,
                },
            )
    """
    call = only(source)
    assert call.payload == {"model": "#g1_whisper-large", "smart_format": True, "tag": ["a", "b"]}
    assert call.unresolved_keys == ("url", "language")
    assert call.positions["/url"] == where(source, '"url"')
    assert call.positions["/tag"] == where(source, '"tag"')
    assert "/tag/0" not in call.positions  # the list is written elsewhere


def test_dict_spreads() -> None:
    source = """\
        import requests
        BASE = {"model": "#g1_nova-2-general", "diarize": True}

        def send(options):
            requests.post(
                "https://api.aimlapi.com/stt",
                json={**BASE, **{"language": "en"}, **options, "diarize": False},
            )
    """
    call = only(source)
    assert call.payload == {"model": "#g1_nova-2-general", "language": "en", "diarize": False}
    assert call.positions["/model"] == where(source, '"model"')
    assert call.positions["/language"] == where(source, '"language"')
    assert call.positions["/diarize"] == where(source, '"diarize"', 1)
    assert call.unresolved_keys == ()


def test_payload_built_up_in_a_function() -> None:
    source = """\
        import requests, sys

        def transcribe(audio_url):
            payload = {"model": "#g1_nova-2-general", "url": audio_url, "punctuate": True}
            payload["diarize"] = True
            payload.update({"language": "en"})
            payload.update(smart_format=True, summarize="v2")
            if sys.argv:
                payload["tag"] = ["cli"]
            del payload["punctuate"]
            payload.pop("summarize")
            payload.setdefault("language", "de")
            payload.setdefault("utterances", False)
            payload["url"] = "https://example.com/a.wav"
            response = requests.post("https://api.aimlapi.com/v1/stt", json=payload)
            payload["too_late"] = 1
            return response
    """
    call = only(source)
    assert call.payload == {
        "model": "#g1_nova-2-general",
        "diarize": True,
        "language": "en",
        "smart_format": True,
        "tag": ["cli"],
        "utterances": False,
        "url": "https://example.com/a.wav",
    }
    assert call.unresolved_keys == ()
    assert call.payload_keyword == "json"
    positions = call.positions
    assert positions[""] == where(source, "payload)")
    assert positions["/model"] == where(source, '"model"')
    assert positions["/diarize"] == where(source, 'payload["diarize"]')
    assert positions["/language"] == where(source, '"language"')
    assert positions["/smart_format"] == where(source, "smart_format=")
    assert positions["/tag"] == where(source, 'payload["tag"]')
    assert positions["/tag/0"] == where(source, '"cli"')
    assert positions["/utterances"] == where(source, 'payload.setdefault("utterances"')
    assert positions["/url"] == where(source, 'payload["url"]')
    assert set(positions) == {
        "",
        "/model",
        "/diarize",
        "/language",
        "/smart_format",
        "/tag",
        "/tag/0",
        "/utterances",
        "/url",
    }


def test_member_set_to_an_unknown_value_becomes_unresolved() -> None:
    source = """\
        import requests

        def transcribe(audio_url):
            payload = {}
            payload["model"] = "#g1_whisper-small"
            payload["url"] = audio_url
            payload["diarize"] = True
            payload["diarize"] += 1
            payload |= {"language": "en"}
            return requests.post("https://api.aimlapi.com/stt", json=payload)
    """
    call = only(source)
    assert call.payload == {"model": "#g1_whisper-small", "language": "en"}
    assert call.unresolved_keys == ("url", "diarize")
    assert call.positions["/url"] == where(source, 'payload["url"]')
    assert call.positions["/language"] == where(source, '"language"')


def test_module_level_payload_and_dict_call() -> None:
    source = """\
        import requests
        PAYLOAD = dict(model="#g1_nova-2-meeting", url="https://x/a.wav", tag=["m"])
        PAYLOAD["diarize"] = True

        def send():
            return requests.post("https://api.aimlapi.com/stt", json=PAYLOAD)

        requests.post("https://api.aimlapi.com/stt", json=dict(PAYLOAD, language="en"))
    """
    first, second = scan(source)
    assert first.payload == {
        "model": "#g1_nova-2-meeting",
        "url": "https://x/a.wav",
        "tag": ["m"],
        "diarize": True,
    }
    assert first.positions["/model"] == where(source, "model=")
    assert first.positions["/tag/0"] == where(source, '"m"')
    assert first.positions["/diarize"] == where(source, 'PAYLOAD["diarize"]')
    assert second.payload == {**first.payload, "language": "en"}
    assert second.positions[""] == where(source, "dict(PAYLOAD")
    assert second.positions["/language"] == where(source, "language=")


def test_payload_through_names_and_copies() -> None:
    call = only(
        """\
        import requests
        def send():
            base = {"model": "#g1_nova-2-general"}
            body = base.copy()
            body["diarize"] = True
            requests.post("https://api.aimlapi.com/stt", json=body)
        """
    )
    assert call.payload == {"model": "#g1_nova-2-general", "diarize": True}


def test_form_data_upload() -> None:
    source = """\
        import requests

        def upload(path):
            with open(path, "rb") as audio:
                return requests.post(
                    "https://api.aimlapi.com/v1/stt",
                    data={"model": "#g1_whisper-medium", "diarize": "true", "tag": ["a", "b"]},
                    files={"audio": audio},
                )
    """
    call = only(source)
    assert call.payload == {"model": "#g1_whisper-medium", "diarize": "true", "tag": ["a", "b"]}
    assert call.payload_keyword == "data"
    assert call.has_upload is True
    assert call.positions["/diarize"] == where(source, '"diarize"')


def test_positional_data_and_files_none() -> None:
    call = only(
        """\
        import requests
        requests.post("https://api.aimlapi.com/stt", {"model": "m"}, files=None)
        """
    )
    assert call.payload == {"model": "m"}
    assert call.payload_keyword == "data"
    assert call.has_upload is False


def test_json_dumps_body_is_a_json_payload() -> None:
    calls = scan(
        """\
        import json, requests
        from json import dumps
        requests.post("https://api.aimlapi.com/stt", data=json.dumps({"model": "a"}))
        requests.post("https://api.aimlapi.com/stt", data=dumps({"model": "b"}), headers={})
        """
    )
    assert [(c.payload, c.payload_keyword) for c in calls] == [
        ({"model": "a"}, "json"),
        ({"model": "b"}, "json"),
    ]


def test_unresolvable_payload_still_reports_the_call() -> None:
    calls = scan(
        """\
        import requests
        def send(build, options):
            requests.post("https://api.aimlapi.com/stt", json=build())
            requests.post("https://api.aimlapi.com/stt", json=options)
            requests.post("https://api.aimlapi.com/stt", json={**options})
            requests.post("https://api.aimlapi.com/stt", **options)
        """
    )
    assert [(c.line, c.payload, c.payload_keyword, c.positions) for c in calls] == [
        (3, None, "json", {}),
        (4, None, "json", {}),
        (5, {}, "json", {"": (5, 55)}),
        (6, None, None, {}),
    ]


def test_columns_count_characters_and_results_are_sorted() -> None:
    source = """\
        import requests
        é = requests.post("https://api.aimlapi.com/stt", json={"model": "ü", "x": 1}); requests.post("https://api.aimlapi.com/stt")
        requests.post("https://api.aimlapi.com/v1/stt")
    """
    calls = scan(source)
    assert [(c.line, c.column) for c in calls] == [
        where(source, "requests.post"),
        where(source, "requests.post", 1),
        (3, 1),
    ]
    assert calls[0].column == 5  # not 6: "é" is two bytes in UTF-8
    assert calls[0].positions["/x"] == where(source, '"x"')


def test_legacy_call_is_a_frozen_hashable_record() -> None:
    call = only('import requests\nrequests.post("https://api.aimlapi.com/stt", json={"a": 1})\n')
    with pytest.raises(AttributeError):
        call.url = "x"  # type: ignore[misc]
    assert hash(call) == hash(call)


# -- robustness ------------------------------------------------------------------------

VARIED = '''\
"""A bit of everything that is valid Python."""
from __future__ import annotations

import asyncio
import functools
import requests
from typing import Any

URL = "https://api.aimlapi.com/stt"
handlers: dict[str, Any] = {}


def decorator(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


@decorator
@functools.lru_cache(maxsize=None)
def cached(x, /, y=lambda: requests.post(URL), *rest, z, **more):
    if (n := len(rest)) > 1:
        return n
    nonlocal_holder = []

    def inner():
        nonlocal nonlocal_holder
        nonlocal_holder = [*rest, *more]
        return [i for i in nonlocal_holder if (j := i)]

    return inner, j if False else None


class Meta(type):
    pass


class Thing(dict, metaclass=Meta):
    attr: int = 3
    other = [a for a in range(3)]

    @property
    def prop(self):
        return self

    @staticmethod
    def static(payload):
        return requests.post(URL, json=payload, **{"timeout": 3})


async def agen():
    async for item in aiter_things():
        yield item
    await asyncio.sleep(0)
    async with lock:
        pass


def calls(*a, **k):
    print()
    (lambda: None)()
    getattr(a, "x")()()
    f = {k: v for k, v in k.items()}
    g = {*a}
    h = (x for x in a)
    a[0].b[1](*a, **k)
    del f[0], g
    try:
        pass
    except* ValueError as group:
        raise
    global G
    G = 1
    assert a, "msg"
    return f"{a!r:>{len(a)}}", h


for (p, *q), r in []:
    while False:
        break
    else:
        continue
'''


def test_varied_valid_python_does_not_crash() -> None:
    source = VARIED
    if sys.version_info < (3, 11):
        source = source.replace("except* ValueError", "except ValueError")
    calls = scan_python(source)
    # The lambda default and the static method post to the legacy URL.
    assert [(c.line, c.function) for c in calls] == [(23, "requests.post"), (50, "requests.post")]
    assert calls[1].payload is None


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10")
def test_match_statement() -> None:
    calls = scan(
        """\
        import requests
        match command:
            case {"url": str(url), **rest}:
                requests.post(url)
            case [first, *others]:
                pass
            case Point(x=0) | None:
                requests.post("https://api.aimlapi.com/stt", json={"model": "m"})
        """
    )
    assert [(c.line, c.payload) for c in calls] == [(8, {"model": "m"})]


def test_deeply_nested_expressions() -> None:
    # Long enough to be deeper than the scanner's own limit, short enough to parse.
    long_sum = " + ".join(['"x"'] * 600)
    assert scan_python(f"import requests\nrequests.post({long_sum})\n") == []
    # Python 3.11+ cannot build this tree and it is reported like unparsable
    # source; older versions build it and the scanner must still cope.
    too_long = " + ".join(['"x"'] * 20_000)
    try:
        assert scan_python(f"import requests\nrequests.post({too_long})\n") == []
    except SyntaxError:
        assert sys.version_info >= (3, 11)
    # Each name doubles the text: resolution must stay linear and bounded.
    doubling = 'B0 = "https://api.aimlapi.com"\n' + "".join(
        f"B{i} = B{i - 1} + B{i - 1}\n" for i in range(1, 80)
    )
    assert scan_python(doubling + "import requests\nrequests.post(B79)\n") == []
    deep = "[" * 150 + "]" * 150
    shallow = "[" * 20 + "]" * 20
    call = only(
        "import requests\n"
        f'requests.post("https://api.aimlapi.com/stt", json={{"a": {deep}, "b": {shallow}}})\n'
    )
    assert call.unresolved_keys == ("a",)
    assert call.payload is not None and "b" in call.payload


def test_repository_sources_scan_without_errors() -> None:
    root = pathlib.Path(legacy_stt.__file__).parent
    files = sorted(root.rglob("*.py")) + sorted(pathlib.Path(__file__).parent.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        calls = scan_python(path.read_text(encoding="utf-8"), str(path))
        assert all(is_legacy_url(c.url) for c in calls)


# -- large sources: big literal displays are set aside ---------------------------------


def scan_unbounded(source: str, monkeypatch: pytest.MonkeyPatch) -> list[LegacyCall]:
    """What scan_python finds when it parses ``source`` whole, however large."""
    with monkeypatch.context() as patch:
        patch.setattr(pysource, "_SMALL_SOURCE", sys.maxsize)
        return scan_python(source)


MODEL = "#g1_nova-2-general"


def table(items: int, per_line: int = 0) -> str:
    cells = [repr(f"s{n}") if n % 3 else str(-n) for n in range(items)]
    if not per_line:
        return ", ".join(cells)
    rows = [", ".join(cells[n : n + per_line]) for n in range(0, items, per_line)]
    return ",\n    ".join(rows)


LARGE_SOURCES = {
    "a table before the call": (
        f"import requests\nTABLE = [{table(30_000)}]\n"
        f"BASE = 'https://api.aimlapi.com'\n"
        f"requests.post(BASE + '/stt', json={{'model': '{MODEL}', 'url': 'x', 'diarise': 1}})\n"
    ),
    "a table over many lines, the call after it on its last line": (
        f"import requests\nTABLE = {{\n    {table(24_000, per_line=7)}\n}}; requests.post("
        f"'{LEGACY}', json={{'model': '{MODEL}', 'url': 'https://a.b/c.mp3', 'tag': ['x']}})\n"
    ),
    "a table in the payload": (
        f"import httpx\nhttpx.post('{LEGACY}', json={{'model': '{MODEL}', 'keywords': "
        f"[{table(20_000)}], 'url': 'https://a.b/c.mp3'}})\n"
    ),
    "CRLF line breaks, nested rows and a table in a call's arguments": (
        "import requests\r\nROWS = [\r\n"
        + ",\r\n".join(f"    ({n}, 'r{n}', None, -{n}.5e-3)" for n in range(10_500))
        + f"\r\n]\r\nrequests.post(\r\n    '{UNVERSIONED}',\r\n    data={{'model': '{MODEL}'}},"
        f"\r\n    files={{'file': ({table(11_000)})}},\r\n)\r\n"
    ),
}


@pytest.mark.parametrize("name", sorted(LARGE_SOURCES))
def test_large_literals_set_aside_change_nothing_found(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = LARGE_SOURCES[name]
    assert len(source) > pysource._SMALL_SOURCE
    assert pysource._without_big_literals(source, sys.maxsize) != source  # something set aside
    calls = scan_python(source)
    assert calls, "the call was not found"
    reference = scan_unbounded(source, monkeypatch)
    assert calls == reference
    # LegacyCall's equality leaves these out.
    assert [(c.payload, c.positions) for c in calls] == [
        (c.payload, c.positions) for c in reference
    ]


def test_set_aside_sources_keep_every_name_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    # Setting aside every display of more than two items shows that the lexer keeps in step
    # with Python's: what is left parses, line for line, with every name where it was.
    import ast

    monkeypatch.setattr(pysource, "_MAX_ITEMS", 2)
    monkeypatch.setattr(pysource, "_MAX_LITERAL_TOKENS", 6)
    root = pathlib.Path(legacy_stt.__file__).parent
    files = sorted(root.rglob("*.py")) + sorted(pathlib.Path(__file__).parent.rglob("*.py"))
    changed = 0
    for path in files:
        source = path.read_text(encoding="utf-8")
        kept = pysource._without_big_literals(source, sys.maxsize)
        changed += kept != source
        names = [
            sorted(
                (node.id, node.lineno, node.col_offset)
                for node in ast.walk(ast.parse(text))
                if isinstance(node, ast.Name)
            )
            for text in (source, kept)
        ]
        assert names[0] == names[1], path
        assert len(kept.splitlines()) == len(source.splitlines()), path
    assert changed > 10


@pytest.mark.parametrize(
    "source",
    [
        # `...` is no pattern: a display in a `case` pattern stays.
        pytest.param(
            "match x:\n    case [1, 2, 3, 4]:\n        pass\n    case {0: [1, 2, 3]}: y = [1, 2, 3]\n",
            marks=pytest.mark.skipif(
                sys.version_info < (3, 10), reason="match statements need Python 3.10"
            ),
        ),
        # Triple quotes, escapes, prefixes and comments hide brackets and quotes.
        "a = '''[1, 2, 3'''\nb = b'\\'(' + r\"\\\"\" + '''\\'''' # ( [\nc = [1, 2, 3, 4]\n",
        'd = f\'{[1, 2, 3]}\' + """("""\ne = (1, 2, 3, 4)\n',
        'x = "x\\\ny"; y = [1, 2, 3]\n',
    ],
)
def test_setting_aside_follows_python_lexing(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import ast

    monkeypatch.setattr(pysource, "_MAX_ITEMS", 2)
    kept = pysource._without_big_literals(source, sys.maxsize)
    ast.parse(kept)
    assert kept.count("\n") == source.count("\n")


def test_a_long_string_with_many_escapes_costs_no_memory() -> None:
    # A regex keeps state for each repetition of a group: escapes are matched in bounded runs.
    source = "DATA = b'" + "\\x00\\x01" * 300_000 + "'\nITEMS = [" + "1, " * 20_000 + "]\n"
    kept = pysource._without_big_literals(source, sys.maxsize)
    assert kept.startswith(source[: source.index("ITEMS")]) and "[...  " in kept


def test_too_many_tokens_besides_literals_is_an_error() -> None:
    source = "import requests\n" + "x = 1\n" * 40_000
    with pytest.raises(pysource.SourceTooLarge) as caught:
        scan_python(source)
    assert caught.value.tokens > pysource.MAX_TOKENS
    assert isinstance(caught.value, ValueError)
    assert scan_python(source, max_tokens=10**6) == []
