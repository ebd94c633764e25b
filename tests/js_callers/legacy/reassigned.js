let endpoint = "https://api.aimlapi.com/v1/stt/create";
endpoint = "https://api.aimlapi.com/v1/stt";

const payload = { model: "#g1_nova-2-general", url: "https://example.com/a.mp3" };
payload.langauge = "en"; // EXPECT unknown-parameter

fetch(endpoint, { method: "POST", body: JSON.stringify(payload) }); // LEGACY
