import { serve } from "https://deno.land/std@0.168.0/http/server.ts";

const AIML_URL = "https://api.aimlapi.com/v1/stt";

serve(async (req) => {
  const incoming = await req.formData();
  const audio = incoming.get("audio") as File;
  const body = new FormData();
  body.append("model", "#g1_nova-2-general");
  body.append("file", audio, audio.name); // EXPECT upload-field
  body.append("diarize", "true");
  const response = await fetch(AIML_URL, { // LEGACY
    method: "POST",
    headers: { Authorization: `Bearer ${Deno.env.get("AIML_API_KEY")}` },
    body,
  });
  return new Response(await response.text(), {
    headers: { "Content-Type": "application/json" },
  });
});
