const fs = require("fs");
const FormData = require("form-data");
const axios = require("axios");

async function upload(path) {
  const form = new FormData();
  form.append("model", "#g1_nova-2-general");
  form.append("audio", fs.createReadStream(path));
  form.append("punctuate", "true");
  const { data } = await axios.post("https://api.aimlapi.com/v1/stt", form, { // LEGACY
    headers: { ...form.getHeaders(), Authorization: `Bearer ${process.env.AIML_API_KEY}` },
    maxBodyLength: Infinity,
  });
  return data;
}

module.exports = upload;
