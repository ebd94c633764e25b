import requests

# Another vendor's /v1/stt: not the AI/ML API.
requests.post("https://speech.example.com/v1/stt", json={"model": "nova-2", "url": "https://example.com/a.mp3"})
