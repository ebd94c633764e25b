"""Scanning a TypeScript project for legacy calls: ``legacy-stt check`` beside ``grep -rn``.

What it measures
----------------
A generated TypeScript project (2,000 files by default under ``src/``: React
components, services, hooks, utilities and types, 60-200 lines each, written
as people write them) in which a few files call the AI/ML API: six legacy
calls of different shapes (fetch with a template URL, an axios instance, a
FormData upload, got, a class property, a ``process.env`` default), two-step
callers, and files that only name the host in settings. It is written to
``benchmarks/.jsproject/`` (regenerated when missing or when ``--files``
changes).

Whole-process wall-clock time, start-up included, each command run
``--runs`` times after a warm-up, interleaved (the order rotates every
round):

* ``grep -rn api.aimlapi.com src`` -- the floor: reading every file and
  finding the host, with nothing understood;
* ``legacy-stt check src`` as a user runs it (``--jobs auto``), and with
  ``--jobs 1``.

It prints medians, files per second, the multiple of grep's time, and
checks the goal (the whole tree in under 2 s) and that exactly the six
legacy calls were found.

Run from a checkout after ``python -m pip install ".[js]"``::

    python benchmarks/js_scan.py              # 2,000 files, 9 runs
    python benchmarks/js_scan.py --files 200 --runs 3

Python 3.9+, POSIX (grep).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

from _common import Stats, machine_info, run_timed

HERE = Path(__file__).resolve().parent
GOAL_SECONDS = 2.0
LEGACY_CALLS = 6

_COMPONENT = """import React, {{ useEffect, useState }} from "react";
import {{ format{n} }} from "../utils/format{m}";
import type {{ Item{m} }} from "../types/item{m}";

export interface Props{n} {{
  items: Item{m}[];
  onSelect?: (item: Item{m}) => void;
  title: string;
}}

export function List{n}({{ items, onSelect, title }}: Props{n}) {{
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  useEffect(() => {{
    if (query.length > {k}) setOpen(true);
  }}, [query]);
  const shown = items.filter((item) => item.name.toLowerCase().includes(query.toLowerCase()));
  return (
    <section className="list-{n}">
      <h2>{{title}}</h2>
      <input value={{query}} onChange={{(event) => setQuery(event.target.value)}} />
      {{open && (
        <ul>
          {{shown.map((item) => (
            <li key={{item.id}} onClick={{() => onSelect?.(item)}}>
              {{format{n}(item.name)}} <small>{{item.updatedAt.toISOString()}}</small>
            </li>
          ))}}
        </ul>
      )}}
    </section>
  );
}}
"""

_SERVICE = """import axios from "axios";
import type {{ Item{m} }} from "../types/item{m}";

const client = axios.create({{ baseURL: "/api/v{k}", timeout: {t} }});

export class Service{n} {{
  private cache = new Map<string, Item{m}>();

  async list(page = 1): Promise<Item{m}[]> {{
    const {{ data }} = await client.get<Item{m}[]>(`/items?page=${{page}}`);
    for (const item of data) this.cache.set(item.id, item);
    return data;
  }}

  async save(item: Item{m}): Promise<void> {{
    await client.post("/items", item);
    this.cache.set(item.id, item);
  }}

  async remove(id: string): Promise<void> {{
    await fetch(`/api/v{k}/items/${{encodeURIComponent(id)}}`, {{ method: "DELETE" }});
    this.cache.delete(id);
  }}
}}
"""

_UTILS = """export function format{n}(value: string, width = {k}): string {{
  const trimmed = value.trim();
  if (trimmed.length <= width) return trimmed;
  return trimmed.slice(0, width - 1) + "\\u2026";
}}

export function parse{n}(text: string): Record<string, number> {{
  const out: Record<string, number> = {{}};
  for (const line of text.split("\\n")) {{
    const [key, raw] = line.split("=");
    if (!key || raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isNaN(value)) out[key.trim()] = value;
  }}
  return out;
}}

export const debounce{n} = <T extends (...args: unknown[]) => void>(fn: T, ms = {t}) => {{
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: Parameters<T>) => {{
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  }};
}};
"""

_TYPES = """export interface Item{n} {{
  id: string;
  name: string;
  tags: string[];
  updatedAt: Date;
  owner?: {{ id: string; email: string }};
}}

export type ItemPatch{n} = Partial<Omit<Item{n}, "id">>;
export enum Status{n} {{ Draft = "draft", Live = "live", Archived = "archived" }}
"""

# The few files that deal with the AI/ML API: six legacy calls, two-step callers, settings.
_AIML_FILES = {
    "api/transcribe-fetch.ts": """const BASE = process.env.AIML_BASE ?? "https://api.aimlapi.com";

export async function transcribe(url: string) {
  const res = await fetch(`${BASE}/v1/stt`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model: "#g1_nova-2-general", url, smart_format: true }),
  });
  return res.json();
}
""",
    "api/transcribe-axios.ts": """import axios from "axios";

const api = axios.create({ baseURL: "https://api.aimlapi.com/v1" });

export const transcribe = (url: string) => api.post("/stt", { model: "#g1_whisper-large", url });
""",
    "api/upload.ts": """export async function upload(file: File, key: string) {
  const form = new FormData();
  form.append("model", "#g1_nova-2-general");
  form.append("audio", file);
  return fetch("https://api.aimlapi.com/stt", { method: "POST", body: form, headers: { Authorization: key } });
}
""",
    "api/got-client.ts": """import got from "got";

export const viaGot = (url: string) =>
  got.post("https://api.aimlapi.com/v1/stt", { json: { model: "#g1_nova-2-general", url } }).json();
""",
    "services/speech.ts": """import axios, { AxiosInstance } from "axios";

export class Speech {
  private http: AxiosInstance;
  constructor() {
    this.http = axios.create({ baseURL: process.env.AIML_URL || "https://api.aimlapi.com" });
  }
  run(url: string) {
    return this.http.post("/v1/stt", { model: "#g1_nova-2-general", url, diarize: true });
  }
}
""",
    "services/edge.ts": """const API = Deno.env.get("AIML") ?? "https://api.aimlapi.com";
export const call = (body: unknown) =>
  fetch(new URL("/stt", API), { method: "POST", body: JSON.stringify(body) });
""",
    "services/two-step.ts": """const BASE = "https://api.aimlapi.com/v1";
export async function submit(url: string) {
  const r = await fetch(`${BASE}/stt/create`, { method: "POST", body: JSON.stringify({ model: "#g1_nova-2-general", url }) });
  return (await r.json()).generation_id as string;
}
export const poll = (id: string) => fetch(`${BASE}/stt/${id}`);
""",
    "config/settings.ts": """export const settings = {
  aimlHost: "https://api.aimlapi.com",
  docs: "https://docs.aimlapi.com/api-references/speech-models",
  retries: 3,
};
""",
}


def generate(root: Path, files: int) -> None:
    rng = random.Random(20261130)
    src = root / "src"
    if root.exists():
        shutil.rmtree(root)
    kinds = [
        ("components", "List{n}.tsx", _COMPONENT),
        ("services", "service{n}.ts", _SERVICE),
        ("utils", "format{n}.ts", _UTILS),
        ("types", "item{n}.ts", _TYPES),
    ]
    ordinary = files - len(_AIML_FILES)
    for n in range(ordinary):
        folder, name, template = kinds[n % len(kinds)]
        path = src / folder / f"group{n // 200}" / name.format(n=n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            template.format(
                n=n, m=rng.randrange(max(ordinary, 1)), k=rng.randint(2, 9), t=rng.randint(100, 900)
            )
        )
    for relative, text in _AIML_FILES.items():
        path = src / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "manifest.json").write_text(json.dumps({"files": files}))


def legacy_calls_found(legacy_stt: list[str], root: Path) -> int:
    completed = subprocess.run(
        [*legacy_stt, "check", "--format", "json", "src"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    document = json.loads(completed.stdout)
    return sum(1 for finding in document["findings"] if finding["code"] == "legacy-endpoint")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="files in the project (2000)")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each command (9)")
    parser.add_argument(
        "--dir", type=Path, default=HERE / ".jsproject", help="where the project goes"
    )
    parser.add_argument("--legacy-stt", default=None, help="the legacy-stt executable to time")
    options = parser.parse_args()

    root = options.dir
    manifest = root / "manifest.json"
    if not manifest.exists() or json.loads(manifest.read_text()).get("files") != options.files:
        print(f"generating {options.files:,} files under {root} ...", file=sys.stderr)
        generate(root, options.files)
    legacy_stt = (
        [options.legacy_stt] if options.legacy_stt else [sys.executable, "-m", "legacy_stt"]
    )
    commands = {
        "grep": ["grep", "-rn", "api.aimlapi.com", "src"],
        "check": [*legacy_stt, "check", "--quiet", "src"],
        "check_one": [*legacy_stt, "check", "--quiet", "--jobs", "1", "src"],
    }
    labels = {
        "grep": "grep -rn api.aimlapi.com src (the floor)",
        "check": "legacy-stt check src (--jobs auto)",
        "check_one": "legacy-stt check --jobs 1 src",
    }
    samples: dict[str, list[float]] = {key: [] for key in commands}
    for command in commands.values():
        run_timed([command], cwd=root)  # warm-up: page cache, bytecode
    keys = list(commands)
    for index in range(options.runs):
        shift = index % len(keys)
        for key in keys[shift:] + keys[:shift]:
            samples[key].append(run_timed([commands[key]], cwd=root))
        print(
            f"  run {index + 1}/{options.runs}: "
            + ", ".join(f"{k} {samples[k][-1]:.3f}s" for k in keys),
            file=sys.stderr,
        )
    stats = {key: Stats(tuple(values)) for key, values in samples.items()}
    found = legacy_calls_found(legacy_stt, root)

    print(f"\nlegacy-stt check on a generated TypeScript project\n\n{machine_info()}")
    print(
        f"{options.files:,} files under src/, {LEGACY_CALLS} legacy calls among them; medians of {options.runs} interleaved runs\n"
    )
    print("| command | median s | min s | max s | files/s | x grep |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    floor = stats["grep"].median
    for key in keys:
        median = stats[key].median
        print(
            f"| {labels[key]} | {median:.3f} | {stats[key].min:.3f} | {stats[key].max:.3f} | "
            f"{options.files / median:,.0f} | {median / floor:.1f}x |"
        )
    worst = max(stats["check"].median, stats["check_one"].median)
    print(
        f"\ngoal: the whole tree in under {GOAL_SECONDS:.0f} s: "
        f"{'MET' if worst < GOAL_SECONDS else 'NOT MET'} ({stats['check'].median:.2f} s, "
        f"{stats['check_one'].median:.2f} s in one process)"
    )
    print(
        f"legacy calls found: {found} of {LEGACY_CALLS} ({'all' if found == LEGACY_CALLS else 'WRONG'})"
    )
    return 0 if found == LEGACY_CALLS and worst < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
