import os

import requests
import legacy_stt

BASE = os.environ.get("AIML_BASE_URL", "https://api.aimlapi.com")
STT_URL = BASE + "/stt"  # the unversioned path


def transcribe(url: str) -> str:
    payload = {"model": "#g1_whisper-base", "url": url}
    answer = legacy_stt.post_via_two_step(STT_URL, json=payload, headers={"Authorization": f"Bearer {os.environ['AIML_API_KEY']}"})
    answer.raise_for_status()
    return answer.json()["results"]["channels"][0]["alternatives"][0]["transcript"]


if __name__ == "__main__":
    print(transcribe("https://example.com/interview.wav"))
