import os

import httpx

response = httpx.post(
    "https://api.aimlapi.com/v1/stt",
    headers={"Authorization": f"Bearer {os.environ['AIML_API_KEY']}"},
    json={"model": "#g1_nova-2-general", "url": "https://example.com/podcast.mp3"},
    timeout=60,
)
response.raise_for_status()
print(response.json()["results"]["channels"][0]["alternatives"][0]["transcript"])
