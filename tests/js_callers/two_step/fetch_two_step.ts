const BASE = process.env.AIML_BASE_URL ?? "https://api.aimlapi.com/v1";
const headers = { Authorization: `Bearer ${process.env.AIML_API_KEY}`, "Content-Type": "application/json" };

export async function transcribe(url: string): Promise<unknown> {
  const created = await fetch(`${BASE}/stt/create`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "#g1_nova-2-general", url }),
  });
  const { generation_id } = await created.json();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const poll = await fetch(`${BASE}/stt/${generation_id}`, { headers });
    const job = await poll.json();
    if (job.status === "completed") return job.result;
    if (job.status === "error" || job.status === "failed") throw new Error("transcription failed");
  }
}
