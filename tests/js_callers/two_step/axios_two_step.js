const axios = require("axios");

const api = axios.create({ baseURL: "https://api.aimlapi.com/v1" });

async function submit(payload) {
  const { data } = await api.post("/stt/create", payload);
  return data.generation_id;
}

async function result(id) {
  const { data } = await api.get(`/stt/${id}`);
  return data;
}

async function resultByPost(id) {
  // Not how polling works, but not the legacy endpoint either: the id is in the path.
  return api.post("/stt/" + encodeURIComponent(id));
}

module.exports = { submit, result, resultByPost };
