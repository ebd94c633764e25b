# Already on the two-step API: fix leaves it byte for byte.
import os
import time

import requests

BASE = "https://api.aimlapi.com/v1"
HEADERS = {"Authorization": f"Bearer {os.environ.get('AIML_API_KEY', '')}"}


def transcribe(url):
    created = requests.post(f"{BASE}/stt/create", json={"model": "#g1_nova-2-general", "url": url}, headers=HEADERS)
    generation_id = created.json()["generation_id"]
    while True:
        job = requests.get(f"{BASE}/stt/{generation_id}", headers=HEADERS).json()
        if job["status"] in ("completed", "error", "failed"):
            return job
        time.sleep(1)
