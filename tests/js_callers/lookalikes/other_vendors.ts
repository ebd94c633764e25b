import axios from "axios";

// Other speech services have /v1/stt, /stt, /api/v1/stt and /stt/create on their own hosts.
export const a = () => axios.post("https://api.speechvendor.example/v1/stt", { model: "nova-2" });
export const b = () =>
  fetch("https://stt.example.org/stt", { method: "POST", body: JSON.stringify({ url: "x" }) });
export const c = () => axios.post("https://api.other.example/api/v1/stt", { audio: "..." });
export const d = () => axios.post("https://api.other.example/stt/create", {});
// The AI/ML API's own host under another path is not the legacy endpoint either.
export const e = () => axios.post("https://api.aimlapi.com/api/v1/stt", {});
export const f = () => axios.post("https://aimlapi.com/v1/stt", {});
