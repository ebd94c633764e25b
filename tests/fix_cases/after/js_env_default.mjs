#!/usr/bin/env node
import { fetchTwoStep } from "./aiml-two-step.mjs";
const API = process.env.AIML_API_URL ?? "https://api.aimlapi.com";

export async function transcribe(url) {
  const upstream = await fetchTwoStep(new URL("/stt", API), {
    method: "POST",
    headers: { Authorization: `Bearer ${process.env.AIML_API_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ model: "#g1_whisper-base", url }),
  });
  const json = await upstream.json();
  return json.results.channels[0].alternatives[0].transcript;
}

console.log(await transcribe("https://example.com/interview.wav"));
