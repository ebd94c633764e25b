const BASE = process.env.AIML_BASE_URL ?? "https://api.aimlapi.com";
const KEY = process.env.AIML_API_KEY || "";

export async function transcribe(url: string): Promise<string> {
  const res = await fetch(`${BASE}/v1/stt`, { // LEGACY
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: "#g1_nova-2-general", url, langauge: "en" }), // EXPECT unknown-parameter
  });
  if (!res.ok) throw new Error(`stt failed: ${res.status}`);
  const json = await res.json();
  return json.results.channels[0].alternatives[0].transcript as string;
}
