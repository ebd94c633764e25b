import os
import pathlib

import requests
import legacy_stt

AUDIO = pathlib.Path(__file__).with_name("call.wav")

with open(AUDIO, "rb") as audio:
    response = legacy_stt.post_via_two_step(
        "https://api.aimlapi.com/v1/stt",
        headers={"Authorization": "Bearer " + os.environ["AIML_API_KEY"]},
        data={"model": "#g1_nova-2-general", "punctuate": "true"},
        files={"audio": ("call.wav", audio, "audio/wav")},
    )
if response.status_code != 201:
    raise SystemExit(f"failed: {response.status_code} {response.text}")
print(response.json()["results"]["channels"][0]["alternatives"][0]["transcript"])
