const fetch = require("node-fetch");

const base = "https://api.aimlapi.com";

module.exports = async function transcribe(url) {
  const response = await fetch(base + "/v1/stt", { // LEGACY
    method: "post",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "#g1_nova-2-genral", url }), // EXPECT unknown-model
  });
  return response.json();
};
