import { readFileSync } from "node:fs";

const form = new FormData();
form.append("model", "#g1_nova-2-general");
form.append("audio", new Blob([readFileSync(new URL("./call.wav", import.meta.url))]), "call.wav");
form.append("punctuate", "true");

const response = await fetch("https://api.aimlapi.com/v1/stt", {
  method: "POST",
  headers: { Authorization: `Bearer ${process.env.AIML_API_KEY}` },
  body: form,
});
const result = await response.json();
console.log(result.results.channels[0].alternatives[0].transcript);
