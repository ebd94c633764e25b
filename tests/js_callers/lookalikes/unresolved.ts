import axios from "axios";
import config from "./config.json";

// The URL comes from a configuration file or a parameter: out of a one-file scanner's reach.
export const fromConfig = (payload: object) => axios.post(config.sttUrl, payload);
export const fromArgument = (url: string, payload: object) => axios.post(url, payload);

// Set on one branch only: the scanner cannot say which URL is used.
let target = "https://api.aimlapi.com/v1/stt/create";
if (process.env.OLD_API) {
  target = "https://api.aimlapi.com/v1/stt";
}
export const branchy = () => axios.post(target, {});
