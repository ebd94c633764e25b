"""``legacy-stt transcribe PATH...`` as a batch: killed and resumed, progress on a terminal or not."""

from __future__ import annotations

import collections
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
from _support import EXAMPLES, SECRET_KEY

from legacy_stt.batch.journal import Journal
from legacy_stt.testing import Emulator

SCRIPT = shutil.which("legacy-stt", path=os.path.dirname(sys.executable)) or shutil.which(
    "legacy-stt"
)


def environment(emulator: Emulator) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
    env.update(AIML_API_KEY=SECRET_KEY, AIML_API_BASE_URL=emulator.url)
    return env


def write_payloads(directory: pathlib.Path, count: int) -> list[str]:
    directory.mkdir()
    urls = []
    for i in range(count):
        url = f"https://example.com/archive/{i:03d}.mp3"
        urls.append(url)
        payload = {"model": "#g1_nova-2-general", "url": url, "punctuate": True}
        (directory / f"call-{i:03d}.json").write_text(json.dumps(payload))
    return urls


def jobs_per_url(emulator: Emulator) -> collections.Counter[str]:
    return collections.Counter(r.json["url"] for r in emulator.creates if r.status == 200)


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_a_batch_killed_several_times_resumes_with_one_job_and_one_result_per_input(
    tmp_path: pathlib.Path,
) -> None:
    assert SCRIPT, "the legacy-stt console script is not installed"
    rng = random.Random(20261124)
    with Emulator(job_duration=0.4) as emulator:
        urls = write_payloads(tmp_path / "archive", 40)
        out = tmp_path / "out"
        command = [
            SCRIPT,
            "transcribe",
            str(tmp_path / "archive"),
            "--out",
            str(out),
            "--workers",
            "8",
        ]
        kills = 0
        for _ in range(3):
            process = subprocess.Popen(
                command,
                env=environment(emulator),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.4, 1.2))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=10)
        assert kills >= 2  # it was really killed mid-batch
        assert len(jobs_per_url(emulator)) < len(urls) or kills < 3
        with Journal(out / ".legacy-stt-journal.jsonl") as journal:
            uncertain = {e.source for e in journal if e.state == "creating"}
        final = subprocess.run(
            [*command, "--recreate-uncertain"],
            env=environment(emulator),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert final.returncode == 0, final.stderr
        assert "40 done" in final.stderr and "0 failed" in final.stderr
        counts = jobs_per_url(emulator)
    results = sorted(out.glob("*.json"))
    assert len(results) == 40
    for path in results:
        body = json.loads(path.read_text())
        assert body["results"]["channels"][0]["alternatives"][0]["transcript"]
    uncertain_urls = {json.loads(pathlib.Path(s).read_text())["url"] for s in uncertain}
    for url in urls:
        # One job per input; the only exception the API cannot rule out is an input whose create
        # was on the wire at the instant of a SIGKILL, re-created here only because we asked.
        assert counts[url] == 1 or (url in uncertain_urls and counts[url] == 2), (url, counts[url])
    # No half-written result left behind: a SIGKILL mid-write leaves a temporary file, and the
    # run that writes that result again replaces it (temporary names are fixed per result).
    assert not list(out.glob(".*.tmp"))


def run_batch_cli(
    emulator: Emulator, *args: str, stderr: int | None = subprocess.PIPE
) -> subprocess.CompletedProcess:
    assert SCRIPT
    return subprocess.run(
        [SCRIPT, "transcribe", *args],
        env=environment(emulator),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        timeout=60,
    )


def test_piped_progress_is_plain_lines_and_a_summary(tmp_path: pathlib.Path) -> None:
    # jobs done by the CLI's first poll (0.25 s after the create): one poll per input, and still
    # six rounds of two workers, several progress intervals long
    with Emulator(job_duration=0.2) as emulator:
        write_payloads(tmp_path / "archive", 12)
        result = run_batch_cli(
            emulator, str(tmp_path / "archive"), "--out", str(tmp_path / "out"),
            "--workers", "2", "--progress-every", "0.2",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "\x1b" not in result.stderr and "[#" not in result.stderr
    progress = [line for line in result.stderr.splitlines() if "in flight" in line]
    assert progress and all(line.startswith("legacy-stt: ") and "ETA" in line for line in progress)
    assert "12 input(s): 12 done, 0 failed" in result.stderr.splitlines()[-1]
    assert result.stdout == ""


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_a_terminal_gets_a_progress_bar(tmp_path: pathlib.Path) -> None:
    import pty

    # jobs done by the CLI's first poll (0.25 s after the create): one poll per input
    with Emulator(job_duration=0.2) as emulator:
        write_payloads(tmp_path / "archive", 12)
        controller, terminal = pty.openpty()
        try:
            process = subprocess.Popen(
                [SCRIPT, "transcribe", str(tmp_path / "archive"), "--out", str(tmp_path / "out"),
                 "--workers", "2"],
                env=environment(emulator), stdout=subprocess.DEVNULL, stderr=terminal,
            )  # fmt: skip
            os.close(terminal)
            shown = b""
            while True:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # the terminal closed: the process is done with it
                    break
                if not chunk:
                    break
                shown += chunk
            assert process.wait(timeout=30) == 0
        finally:
            os.close(controller)
    text = shown.decode("utf-8", "replace")
    assert "\r\x1b[K[" in text and "in flight" in text and "ETA" in text
    assert "[########################] 12/12 done" in text  # the last redraw, complete
    assert "12 input(s): 12 done" in text


def test_failures_are_listed_and_exit_1(tmp_path: pathlib.Path) -> None:
    with Emulator(job_duration=0.05) as emulator:
        write_payloads(tmp_path / "archive", 3)
        # In a directory, a broken file is a payload only if it mentions a model (as for check).
        (tmp_path / "archive" / "broken.json").write_text('{"model": "#g1_nova-2-general", }')
        (tmp_path / "archive" / "notes.json").write_text("{not json")
        (tmp_path / "archive" / "bad-value.json").write_text(
            json.dumps(
                {
                    "model": "#g1_nova-2-general",
                    "url": "https://example.com/x.mp3",
                    "diarize": "yes",
                }
            )
        )
        result = run_batch_cli(emulator, str(tmp_path / "archive"), "--out", str(tmp_path / "out"))
        assert len(emulator.creates) == 3
    assert result.returncode == 1
    assert "5 input(s): 3 done, 2 failed" in result.stderr
    assert "broken.json: cannot read the payload: not valid JSON" in result.stderr
    assert "skipped " in result.stderr and "notes.json: not JSON" in result.stderr
    # Each failure is printed once.
    assert result.stderr.count("bad-value.json: /diarize") == 1
    assert "bad-value.json: /diarize" in result.stderr
    assert "warning: " not in result.stderr  # the good payloads have nothing to warn about
    assert "Traceback" not in result.stderr and SECRET_KEY not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["{archive}"], "needs somewhere to put its results"),
        (["{audio}", "--out", "{out}"], "--model"),
        (["{missing}", "--out", "{out}"], "no such file or directory"),
    ],
)
def test_usage_errors_exit_2(tmp_path: pathlib.Path, args: list[str], message: str) -> None:
    write_payloads(tmp_path / "archive", 1)
    values = {
        "archive": str(tmp_path / "archive"),
        "out": str(tmp_path / "out"),
        "audio": str(EXAMPLES / "audio" / "beeps.wav"),
        "missing": str(tmp_path / "nope"),
    }
    with Emulator() as emulator:
        result = run_batch_cli(emulator, *[a.format(**values) for a in args])
        assert emulator.requests == []
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("legacy-stt: error: ") and message in lines[0]


def test_workers_below_one_are_refused(tmp_path: pathlib.Path) -> None:
    write_payloads(tmp_path / "archive", 1)
    with Emulator() as emulator:
        result = run_batch_cli(
            emulator, str(tmp_path / "archive"), "--out", str(tmp_path / "out"), "--workers", "0"
        )
        assert emulator.requests == []
    assert result.returncode == 2
    assert "--workers" in result.stderr and "must be 1 or more" in result.stderr
    assert not (tmp_path / "out").exists()


def test_audio_files_with_a_model(tmp_path: pathlib.Path) -> None:
    audio = tmp_path / "audio"
    audio.mkdir()
    shutil.copy(EXAMPLES / "audio" / "beeps.wav", audio / "one.wav")
    shutil.copy(EXAMPLES / "audio" / "beeps-stereo.wav", audio / "two.wav")
    with Emulator(job_duration=0.05) as emulator:
        result = run_batch_cli(
            emulator, str(audio), "--model", "#g1_whisper-base", "--out", str(tmp_path / "out")
        )
        uploads = [r.files["audio"][2] for r in emulator.creates]
    assert result.returncode == 0, result.stderr
    assert sorted(uploads) == sorted(p.stat().st_size for p in audio.iterdir())
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == ["one.json", "two.json"]


def test_parameter_notices_are_warned_about_per_input(tmp_path: pathlib.Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "typo.json").write_text(
        json.dumps(
            {"model": "#g1_nova-2-general", "url": "https://example.com/t.mp3", "diarise": True}
        )
    )
    with Emulator(job_duration=0.05) as emulator:
        result = run_batch_cli(emulator, str(archive), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "legacy-stt: warning: " in result.stderr and "typo.json" in result.stderr
    assert "diarize" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_ctrl_c_leaves_at_once_and_the_next_run_resumes(tmp_path: pathlib.Path) -> None:
    assert SCRIPT
    with Emulator(job_duration=6.0) as emulator:
        urls = write_payloads(tmp_path / "archive", 4)
        command = [SCRIPT, "transcribe", str(tmp_path / "archive"), "--out", str(tmp_path / "out")]
        process = subprocess.Popen(
            command,
            env=environment(emulator),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        journal = tmp_path / "out" / ".legacy-stt-journal.jsonl"

        def journaled_jobs() -> int:
            # (the emulator has a job a moment before the batch journals it; a SIGINT in that
            # moment leaves an input that only --recreate-uncertain resumes: wait for both)
            whole_lines = journal.read_text().split("\n")[:-1] if journal.exists() else []
            return sum(json.loads(line)["event"] == "created" for line in whole_lines)

        deadline = time.monotonic() + 10
        while (len(emulator.jobs) < 4 or journaled_jobs() < 4) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, stderr = process.communicate(timeout=10)
        assert time.monotonic() - started < 4  # not after the 6 s jobs (a loaded machine is slow)
        assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr
        # The 6 s jobs only had to outlast the interrupt: the resumed run picks them up as they
        # end 0.5 s from now rather than waiting out the rest of the 6 s.
        for job in list(emulator.jobs.values()):
            job.duration = min(job.duration, time.monotonic() - job.created + 0.5)
        resumed = run_batch_cli(emulator, str(tmp_path / "archive"), "--out", str(tmp_path / "out"))
        assert resumed.returncode == 0, resumed.stderr
        assert sorted(jobs_per_url(emulator)) == sorted(urls)
        assert set(jobs_per_url(emulator).values()) == {1}


def test_a_bad_model_is_refused_before_anything_is_made(tmp_path: pathlib.Path) -> None:
    audio = tmp_path / "audio"
    audio.mkdir()
    shutil.copy(EXAMPLES / "audio" / "beeps.wav", audio / "one.wav")
    shutil.copy(EXAMPLES / "audio" / "beeps.wav", audio / "two.wav")
    out = tmp_path / "out"
    with Emulator() as emulator:
        result = run_batch_cli(emulator, str(audio), "--model", "nonsense", "--out", str(out))
        assert emulator.requests == []
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # once, not once per input
    assert lines[0].startswith("legacy-stt: error: --model: unknown model 'nonsense'")
    assert not out.exists()


def test_a_journal_in_a_directory_that_does_not_exist_is_refused(tmp_path: pathlib.Path) -> None:
    write_payloads(tmp_path / "archive", 1)
    journal = tmp_path / "typo" / "deeper" / "journal.jsonl"
    with Emulator() as emulator:
        result = run_batch_cli(emulator, str(tmp_path / "archive"), "--journal", str(journal))
        assert emulator.requests == []
    assert result.returncode == 2
    assert "the directory" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "typo").exists()  # no tree made silently
    # The --out directory, which a batch makes, may hold the journal.
    with Emulator(job_duration=0.05) as emulator:
        made = run_batch_cli(
            emulator, str(tmp_path / "archive"), "--out", str(tmp_path / "out"),
            "--journal", str(tmp_path / "out" / "journal.jsonl"),
        )  # fmt: skip
    assert made.returncode == 0, made.stderr


@pytest.mark.parametrize(
    "columns, bar, kept",
    [
        (200, 24, ["done", "failed", "in flight", "/s", "ETA"]),
        (80, 18, ["done", "failed", "in flight", "/s", "ETA"]),  # the bar shrinks first
        (60, 11, ["done", "failed", "/s", "ETA"]),  # then counts go, least useful first
        (45, 15, ["done", "failed"]),
        (30, 11, ["done"]),
        (20, 0, ["done"]),  # no room for a bar
    ],
)
def test_the_progress_bar_fits_the_terminal(columns: int, bar: int, kept: list[str]) -> None:
    import io

    from legacy_stt.cli.batch_command import Progress

    progress = Progress(12345, io.StringIO(), interactive=True)
    progress.done, progress.failed, progress.in_flight = 6000, 17, 8
    progress._started = time.monotonic() - 100.0
    line = progress.line(columns=columns)
    assert len(line) <= columns - 1, line  # the last column would wrap on some terminals
    if bar:
        filled = bar * 6017 // 12345
        assert line.startswith(f"[{'#' * filled}{'.' * (bar - filled)}] "), line
    else:
        assert line.startswith("6000/12345 done"), line
    shown = [field for field in ("done", "failed", "in flight", "/s", "ETA") if field in line]
    assert shown == kept, line
    assert "6000/12345 done" in line  # successes, as the summary counts them


def test_the_progress_bar_is_as_wide_as_the_stream_says(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from legacy_stt.cli.batch_command import Progress

    monkeypatch.setenv("COLUMNS", "40")
    progress = Progress(10, io.StringIO(), interactive=True)
    assert progress.columns() == 40 and len(progress.line()) <= 39


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in KiB on Linux")
def test_a_large_journal_is_read_line_by_line(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "journal.jsonl"
    # One input's three lines, as json.dumps writes them, filled in per input (180,000 json.dumps
    # calls took seconds; the file is the same byte for byte).
    entry = "".join(
        json.dumps(line) + "\n"
        for line in (
            {"v": 1, "event": "creating", "key": "%(key)s",
             "source": "/data/archive/calls/call-%(i)06d.json"},
            {"v": 1, "event": "created", "key": "%(key)s", "generation_id": "g-%(i)d", "at": 1.0},
            {"v": 1, "event": "done", "key": "%(key)s", "result_path": "out/%(i)d.json"},
        )
    )  # fmt: skip
    with path.open("w") as file:
        for i in range(60_000):
            file.write(entry % {"key": f"{i:064x}", "i": i})
    size_mb = path.stat().st_size / 2**20
    script = (
        "import resource, sys\n"
        "from legacy_stt.batch.journal import Journal\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "with Journal(sys.argv[1]) as journal:\n"
        "    assert len(journal.entries) == 60_000 and journal.skipped_lines == 0\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    grown_mb = float(done.stdout)
    # The entries themselves take about the file's size; reading it whole took 3x more.
    assert grown_mb < 1.5 * size_mb, (grown_mb, size_mb)
