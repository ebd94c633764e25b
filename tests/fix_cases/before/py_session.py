import os

import requests

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {os.environ['AIML_API_KEY']}", "X-Team": "voice"})


def run():
    reply = session.post("https://api.aimlapi.com/v1/stt", json={"model": "#g1_nova-2-meeting", "url": "https://example.com/standup.mp3"})
    reply.raise_for_status()
    return reply.json()


print(run()["results"]["channels"][0]["alternatives"][0]["transcript"])
