// Already on the two-step API: fix leaves it byte for byte.
const BASE = "https://api.aimlapi.com/v1";
export async function submit(url) {
  const created = await fetch(`${BASE}/stt/create`, { method: "POST", body: JSON.stringify({ model: "#g1_nova-2-general", url }) });
  return (await created.json()).generation_id;
}
export const poll = (id) => fetch(`${BASE}/stt/${id}`);
