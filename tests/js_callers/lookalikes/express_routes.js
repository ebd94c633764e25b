const express = require("express");

const app = express();
const router = express.Router();

// An app's own routes named like the endpoint: servers, not callers.
app.post("/stt", async (req, res) => res.json({ ok: true }));
router.post("/v1/stt", (req, res) => res.sendStatus(204));
app.use("/api", router);

app.listen(3000, () => console.log("listening on https://api.aimlapi.com/v1/stt's neighbour"));
