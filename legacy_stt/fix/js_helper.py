"""The helper module ``legacy-stt fix`` writes next to rewritten JavaScript and TypeScript.

JavaScript cannot import a Python library, so the two-step flow comes as a
small module without dependencies, in the caller's module system:
``fetchTwoStep(url, init)`` answers like ``fetch`` (a ``Response`` with the
legacy status and body) and ``axiosTwoStep(client).post(url, data, config)``
like an axios ``post`` (a response whose ``data`` is the legacy body), each
making the create and the polls with the caller's own client, base URL and
headers. Polls back off from 1 s to 10 s, give up after 10 minutes with an
error that carries the job's ``generationId``, and read both status
vocabularies.
"""

from __future__ import annotations

__all__ = [
    "HELPER_MARK",
    "HELPER_STEM",
    "helper_file_name",
    "helper_source",
    "import_line",
    "NAMES",
]

HELPER_STEM = "aiml-two-step"
#: How the helper starts: fix imports an existing file of its name only if it is this one.
HELPER_MARK = "// Written by `legacy-stt fix`"
NAMES = ("fetchTwoStep", "axiosTwoStep")

_BODY = """\
// Written by `legacy-stt fix`: the AI/ML API's deprecated one-call POST .../stt, made the
// current way. The job is created (POST .../stt/create) and polled (GET .../stt/{id}) with the
// caller's own client, URL and headers; the answer has the one-call endpoint's status and body.
// No dependencies; safe to edit.

const DONE = ["completed"];
const FAILED = ["error", "failed"];
const FIRST_WAIT_MS = 1000;
const MAX_WAIT_MS = 10000;
const DEADLINE_MS = 10 * 60 * 1000;

const sleep = (ms__MS__) => new Promise((resolve) => setTimeout(resolve, ms));

function jobUrls(url__STR__) {
  // The unversioned /stt has its two-step API under /v1 like the rest.
  let base = String(url).split("?")[0].replace(/\\/+$/, "");
  if (!/\\/v1\\/stt$/.test(base)) base = base.replace(/\\/stt$/, "/v1/stt");
  return { create: base + "/create", poll: (id__STR__) => base + "/" + encodeURIComponent(id) };
}

function absolute(client__ANY__, url__STR__) {
  // An instance's baseURL joined as axios joins it, so that the path can be read whole.
  const baseURL = client && client.defaults ? client.defaults.baseURL : undefined;
  if (!baseURL || /^[a-z][a-z\\d+.-]*:/i.test(url)) return url;
  return String(baseURL).replace(/\\/+$/, "") + "/" + String(url).replace(/^\\/+/, "");
}

function failure(job__ANY__, id__STR__) {
  const detail = job && job.error ? (job.error.message || String(job.error)) : "";
  return {
    statusCode: 422,
    message: "job " + id + " failed on the service (status " + job.status + ")" + (detail ? ": " + detail : ""),
    generation_id: id,
  };
}

function timedOut(id__STR__, url__STR__) {
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

function retryAfterMs(headers__ANY__, fallback__MS__) {
  const value = headers ? (typeof headers.get === "function" ? headers.get("retry-after") : headers["retry-after"]) : null;
  const seconds = Number(value);
  return value !== null && value !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallback;
}

/** What `fetch(url, init)` to the one-call endpoint answered, made with create and polls. */
__EXPORT__async function fetchTwoStep(url__ANY__, init__INIT__ = {}) {
  const urls = jobUrls(url instanceof URL ? url.href : url);
  let created = await fetch(urls.create, init);
  // a body read as a stream cannot be sent a second time
  const body__ANY__ = init.body;
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
    } catch (error__ANY__) {
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
__EXPORT__function axiosTwoStep(client__ANY__) {
  return {
    async post__GENERIC__(url__STR__, data__ANY__, config__ANY__ = {}) {
      const urls = jobUrls(absolute(client, url));
      // What the caller's axios counts as success (validateStatus), as the one call did.
      const succeeded = config.validateStatus || (client.defaults && client.defaults.validateStatus) || ((status__MS__) => status >= 200 && status < 300);
      const resendable = !(data && typeof data.pipe === "function"); // a stream is read once
      let created;
      for (let attempt = 1; ; attempt++) {
        try {
          created = await client.post(urls.create, data, config);
        } catch (error__ANY__) {
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
        } catch (error__ANY__) {
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
__FOOTER__"""

_TYPES = {
    "__GENERIC__": "<T = any>",
    "__MS__": ": number",
    "__STR__": ": string",
    "__ANY__": ": any",
    "__INIT__": ": RequestInit",
}


def helper_file_name(flavor: str) -> str:
    """``esm`` -> ``aiml-two-step.mjs``, ``cjs`` -> ``.cjs``, ``ts`` -> ``.ts``."""
    return HELPER_STEM + {"esm": ".mjs", "cjs": ".cjs", "ts": ".ts"}[flavor]


def helper_source(flavor: str) -> str:
    text = _BODY
    for marker, annotation in _TYPES.items():
        text = text.replace(marker, annotation if flavor == "ts" else "")
    if flavor == "cjs":
        text = text.replace("__EXPORT__", "").replace(
            "__FOOTER__", "\nmodule.exports = { fetchTwoStep, axiosTwoStep };\n"
        )
    else:
        text = text.replace("__EXPORT__", "export ").replace("__FOOTER__", "")
    return text


def import_line(flavor: str, names: list[str], *, deno: bool = False) -> str:
    """The statement that brings ``names`` in from the helper next to the file."""
    listed = ", ".join(names)
    if flavor == "cjs":
        return f'const {{ {listed} }} = require("./{helper_file_name("cjs")}");'
    if flavor == "ts":
        # Deno needs the extension; TypeScript's own resolution wants none.
        where = f"./{HELPER_STEM}.ts" if deno else f"./{HELPER_STEM}"
        return f'import {{ {listed} }} from "{where}";'
    return f'import {{ {listed} }} from "./{helper_file_name("esm")}";'
