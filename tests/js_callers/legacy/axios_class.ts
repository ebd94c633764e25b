import axios, { AxiosInstance } from "axios";

export const aiml = axios.create({ baseURL: "https://api.aimlapi.com/v1/" });

export class SpeechService {
  private http: AxiosInstance;

  constructor(private readonly key: string) {
    this.http = axios.create({
      baseURL: "https://api.aimlapi.com",
      headers: { Authorization: `Bearer ${key}` },
    });
  }

  async transcribe(url: string) {
    const { data } = await this.http.post("/v1/stt", { model: "#g1_nova-2-general", url }); // LEGACY
    return data;
  }
}

export function quick(url: string) {
  return aiml.post("stt", { model: "#g1_nova-2-general", url }); // LEGACY
}
