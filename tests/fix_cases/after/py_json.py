"""A recording on the web, sent as JSON, as the documentation showed it."""

import os

import requests
import legacy_stt

API_KEY = os.environ["AIML_API_KEY"]

response = legacy_stt.post_via_two_step(
    "https://api.aimlapi.com/v1/stt",
    headers={"Authorization": f"Bearer {API_KEY}"},
    json={"model": "#g1_nova-2-general", "url": "https://example.com/meeting.mp3", "smart_format": True},
    timeout=60,
)
response.raise_for_status()
print(response.json()["results"]["channels"][0]["alternatives"][0]["transcript"])
