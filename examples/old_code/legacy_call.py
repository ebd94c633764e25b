"""Old code calling the deprecated one-call endpoint, plus the one line that keeps it working.

Written the way the service's documentation wrote the legacy call, with
plain ``requests``: a JSON payload with a URL, then a multipart upload of a
file. Only the ``patch_requests()`` line is new.

Run it offline against the emulator (in another terminal:
``python -m legacy_stt.testing``)::

    AIML_API_BASE_URL=http://127.0.0.1:PORT AIML_API_KEY=any-key python examples/old_code/legacy_call.py

``AIML_API_BASE_URL`` sends the jobs to the emulator; without it they go to
the real service.
"""

import os
import pathlib

import requests

import legacy_stt

legacy_stt.patch_requests()  # the one added line

API_KEY = os.environ["AIML_API_KEY"]
AUDIO = pathlib.Path(__file__).resolve().parent.parent / "audio" / "beeps.wav"

# 1. A recording on the web, as JSON.
response = requests.post(
    "https://api.aimlapi.com/v1/stt",
    headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
    json={
        "model": "#g1_nova-2-general",
        "url": "https://audio-samples.github.io/samples/mp3/blizzard_unconditional/sample-0.mp3",
        "punctuate": True,
    },
)
response.raise_for_status()
data = response.json()
print(response.status_code, data["results"]["channels"][0]["alternatives"][0]["transcript"])

# 2. A local file, as a multipart upload.
with open(AUDIO, "rb") as audio_file:
    response = requests.post(
        "https://api.aimlapi.com/stt",
        headers={"Authorization": f"Bearer {API_KEY}"},
        data={"model": "#g1_whisper-base", "punctuate": True},
        files={"audio": audio_file},
    )
response.raise_for_status()
data = response.json()
print(response.status_code, data["results"]["channels"][0]["alternatives"][0]["transcript"])
