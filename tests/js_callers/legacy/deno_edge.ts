// A Deno Deploy function in front of the service.
const API = Deno.env.get("AIML_API_URL") ?? "https://api.aimlapi.com";

Deno.serve(async (req: Request) => {
  const { url } = await req.json();
  const upstream = await fetch(new URL("/stt", API), { // LEGACY
    method: "POST",
    headers: {
      Authorization: `Bearer ${Deno.env.get("AIML_API_KEY")}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ model: "#g1_nova-2-general", url, diarize: true }),
  });
  return new Response(await upstream.text(), { status: upstream.status });
});
