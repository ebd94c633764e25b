import got from "got";
import ky from "ky";

const host = "https://api.aimlapi.com";
const aimlKy = ky.create({ prefixUrl: host });

export const viaGot = (url) =>
  got.post(`${host}/stt`, { json: { model: "#g1_nova-2-general", url } }).json(); // LEGACY

export const viaKy = (url) =>
  aimlKy.post("v1/stt", { json: { model: "#g1_nova-2-general", url } }).json(); // LEGACY
