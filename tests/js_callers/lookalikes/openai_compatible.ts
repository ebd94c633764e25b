import OpenAI from "openai";

// The AI/ML API also serves an OpenAI-compatible transcription route: not the legacy endpoint.
const client = new OpenAI({ baseURL: "https://api.aimlapi.com/v1", apiKey: process.env.AIML_API_KEY });

export async function viaSdk(file: File) {
  return client.audio.transcriptions.create({ model: "#g1_whisper-large", file });
}

export async function viaFetch(file: Blob) {
  const form = new FormData();
  form.append("model", "#g1_whisper-large");
  form.append("file", file);
  return fetch("https://api.aimlapi.com/v1/audio/transcriptions", { method: "POST", body: form });
}
