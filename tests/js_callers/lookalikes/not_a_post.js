// A GET, a call through the app's own backend, a local stand-in for fetch, a comment.
fetch("https://api.aimlapi.com/v1/stt");
fetch("/v1/stt", { method: "POST", body: JSON.stringify({ model: "#g1_nova-2-general" }) });

function tested() {
  const fetch = (url, init) => Promise.resolve({ url, init });
  return fetch("https://api.aimlapi.com/v1/stt", { method: "POST" });
}

// axios.post("https://api.aimlapi.com/v1/stt", payload) was the old way.
const docs = 'axios.post("https://api.aimlapi.com/v1/stt", payload)';
module.exports = { tested, docs };
