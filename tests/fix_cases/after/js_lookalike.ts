import axios from "axios";
// Another vendor's /v1/stt, and the AI/ML API's OpenAI-compatible route: not the legacy endpoint.
export const other = () => axios.post("https://speech.example.com/v1/stt", { model: "nova-2" });
export const compatible = (form: FormData) =>
  fetch("https://api.aimlapi.com/v1/audio/transcriptions", { method: "POST", body: form });
