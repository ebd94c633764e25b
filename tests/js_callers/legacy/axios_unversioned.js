const axios = require("axios");

async function transcribe(audioUrl) {
  const { data } = await axios.post("https://api.aimlapi.com/stt", { // LEGACY
    model: "#g1_nova-2-general",
    url: audioUrl,
    smart_format: true,
  }, { headers: { Authorization: `Bearer ${process.env.AIML_API_KEY}` } });
  return data.results.channels[0].alternatives[0].transcript;
}

module.exports = { transcribe };
