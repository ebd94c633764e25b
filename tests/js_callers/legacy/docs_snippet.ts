import axios from "axios";

// As the provider's documentation showed it: an instance on /v1, then "/stt".
const api = axios.create({
  baseURL: "https://api.aimlapi.com/v1",
  headers: { Authorization: "Bearer <YOUR_AIMLAPI_KEY>" },
});

const main = async () => {
  const response = await api.post("/stt", { // LEGACY
    model: "#g1_whisper-large",
    url: "https://audio-samples.github.io/samples/mp3/blizzard_unconditional/sample-0.mp3",
    punctuate: "true", // EXPECT schema.type
  });
  console.log("[transcription]", response.data.results.channels[0].alternatives[0].transcript);
};

main();
