// Written by `legacy-stt fix`: the AI/ML API's deprecated one-call POST .../stt, made the
// current way. The job is created (POST .../stt/create) and polled (GET .../stt/{id}) with the
// caller's own client, URL and headers; the answer has the one-call endpoint's status and body.
// No dependencies; safe to edit.

const DONE = ["completed"];
const FAILED = ["error", "failed"];
const FIRST_WAIT_MS = 1000;
const MAX_WAIT_MS = 10000;
const DEADLINE_MS = 10 * 60 * 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function jobUrls(url) {
  // The unversioned /stt has its two-step API under /v1 like the rest.
  let base = String(url).split("?")[0].replace(/\/+$/, "");
  if (!/\/v1\/stt$/.test(base)) base = base.replace(/\/stt$/, "/v1/stt");
  return { create: base + "/create", poll: (id) => base + "/" + encodeURIComponent(id) };
}

function absolute(client, url) {
  // An instance's baseURL joined as axios joins it, so that the path can be read whole.
  const baseURL = client && client.defaults ? client.defaults.baseURL : undefined;
  if (!baseURL || /^[a-z][a-z\d+.-]*:/i.test(url)) return url;
  return String(baseURL).replace(/\/+$/, "") + "/" + String(url).replace(/^\/+/, "");
}

function failure(job, id) {
  const detail = job && job.error ? (job.error.message || String(job.error)) : "";
  return {
    statusCode: 422,
    message: "job " + id + " failed on the service (status " + job.status + ")" + (detail ? ": " + detail : ""),
    generation_id: id,
  };
}

function timedOut(id, url) {
  const error = new Error(
    "job " + id + " did not finish within " + DEADLINE_MS / 1000 + " s; its result: GET " + url,
  );
  return Object.assign(error, { generationId: id });
}

// 429 and 503 on the create mean no job was made: sent again, a few times. Any of these on a
// poll (or a dropped connection) only delays the answer: the job exists; polls go on.
const REFUSED = [429, 503];
const TRANSIENT = [429, 500, 502, 503, 504];
const CREATE_ATTEMPTS = 4;

function retryAfterMs(headers, fallback) {
  const value = headers ? (typeof headers.get === "function" ? headers.get("retry-after") : headers["retry-after"]) : null;
  const seconds = Number(value);
  return value !== null && value !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallback;
}

/** What `fetch(url, init)` to the one-call endpoint answered, made with create and polls. */
async function fetchTwoStep(url, init = {}) {
  const urls = jobUrls(url instanceof URL ? url.href : url);
  let created = await fetch(urls.create, init);
  // a body read as a stream cannot be sent a second time
  const body = init.body;
  const resendable = !(body && (typeof body.getReader === "function" || typeof body.pipe === "function"));
  for (let attempt = 1; resendable && REFUSED.includes(created.status) && attempt < CREATE_ATTEMPTS; attempt++) {
    await sleep(retryAfterMs(created.headers, FIRST_WAIT_MS * attempt));
    created = await fetch(urls.create, init);
  }
  if (!created.ok) return created; // the service's own error, as the one-call endpoint gave it
  const id = (await created.json()).generation_id;
  const deadline = Date.now() + DEADLINE_MS;
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 1.5, MAX_WAIT_MS)) {
    await sleep(Math.max(0, Math.min(wait, deadline - Date.now())));
    if (Date.now() >= deadline) throw timedOut(id, urls.poll(id));
    let polled;
    try {
      polled = await fetch(urls.poll(id), { headers: init.headers, signal: init.signal });
    } catch (error) {
      if (init.signal && init.signal.aborted) throw Object.assign(error, { generationId: id });
      continue; // the job exists: ask again
    }
    if (TRANSIENT.includes(polled.status)) {
      wait = Math.max(wait, retryAfterMs(polled.headers, wait));
      continue;
    }
    if (!polled.ok) return polled;
    const job = await polled.json();
    const headers = { "content-type": "application/json", "x-generation-id": id };
    if (DONE.includes(job.status)) return new Response(JSON.stringify(job.result), { status: 201, headers });
    if (FAILED.includes(job.status)) return new Response(JSON.stringify(failure(job, id)), { status: 422, headers });
  }
}

/** `client.post(url, data, config)` to the one-call endpoint, made with create and polls on `client`. */
function axiosTwoStep(client) {
  return {
    async post(url, data, config = {}) {
      const urls = jobUrls(absolute(client, url));
      // What the caller's axios counts as success (validateStatus), as the one call did.
      const succeeded = config.validateStatus || (client.defaults && client.defaults.validateStatus) || ((status) => status >= 200 && status < 300);
      const resendable = !(data && typeof data.pipe === "function"); // a stream is read once
      let created;
      for (let attempt = 1; ; attempt++) {
        try {
          created = await client.post(urls.create, data, config);
        } catch (error) {
          const status = error && error.response ? error.response.status : undefined;
          if (!resendable || !REFUSED.includes(status) || attempt >= CREATE_ATTEMPTS) throw error;
          await sleep(retryAfterMs(error.response.headers, FIRST_WAIT_MS * attempt));
          continue;
        }
        if (created.status < 200 || created.status >= 300) return created; // accepted by validateStatus
        break;
      }
      const id = created.data.generation_id;
      const deadline = Date.now() + DEADLINE_MS;
      for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 1.5, MAX_WAIT_MS)) {
        await sleep(Math.max(0, Math.min(wait, deadline - Date.now())));
        if (Date.now() >= deadline) throw timedOut(id, urls.poll(id));
        let polled;
        try {
          polled = await client.get(urls.poll(id), { headers: config.headers, signal: config.signal });
        } catch (error) {
          const status = error && error.response ? error.response.status : undefined;
          if (status === undefined ? config.signal && config.signal.aborted : !TRANSIENT.includes(status)) {
            throw Object.assign(error, { generationId: id });
          }
          if (error.response) wait = Math.max(wait, retryAfterMs(error.response.headers, wait));
          continue; // the job exists: ask again
        }
        if (polled.status < 200 || polled.status >= 300) {
          if (TRANSIENT.includes(polled.status)) continue;
          return polled; // an error the caller's validateStatus lets through
        }
        const job = polled.data;
        if (DONE.includes(job.status)) return { ...polled, status: 201, data: job.result };
        if (FAILED.includes(job.status)) {
          const response = { ...polled, status: 422, data: failure(job, id) };
          if (succeeded(422)) return response;
          throw Object.assign(new Error(failure(job, id).message), { generationId: id, response });
        }
      }
    },
  };
}

module.exports = { fetchTwoStep, axiosTwoStep };
