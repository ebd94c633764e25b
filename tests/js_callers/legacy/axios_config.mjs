import axios from "axios";

const STT = "https://api.aimlapi.com/v1/stt";

export default async function run(payload) {
  return axios({ method: "post", url: STT, data: payload }); // LEGACY
}

export async function runAgain() {
  return axios.request({ // LEGACY
    url: STT,
    method: "POST",
    data: { model: "#g1_nova-2-general", url: "https://example.com/a.mp3", response_format: "json" }, // EXPECT openai-parameter
  });
}
