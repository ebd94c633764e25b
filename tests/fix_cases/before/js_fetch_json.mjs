const BASE = "https://api.aimlapi.com";

const res = await fetch(`${BASE}/v1/stt`, {
  method: "POST",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${process.env.AIML_API_KEY}` },
  body: JSON.stringify({ model: "#g1_nova-2-general", url: "https://example.com/meeting.mp3", smart_format: true }),
});
if (!res.ok) throw new Error(`HTTP ${res.status}`);
const body = await res.json();
console.log(body.results.channels[0].alternatives[0].transcript);
