"use strict";
const axios = require("axios");
const { axiosTwoStep } = require("./aiml-two-step.cjs");

const api = axios.create({
  baseURL: "https://api.aimlapi.com/v1",
  headers: { Authorization: `Bearer ${process.env.AIML_API_KEY}` },
});

axiosTwoStep(api)
  .post("/stt", { model: "#g1_nova-2-general", url: "https://example.com/meeting.mp3" })
  .then((response) => console.log(response.data.results.channels[0].alternatives[0].transcript))
  .catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
