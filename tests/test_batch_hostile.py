"""Batches against what the review found: results of the same name, broken journals, full disks,
unwritable output directories, FIFOs and control characters in file names.

Each test runs a real batch against the emulator (real HTTP); where the defect is in the
command line, the command runs as a subprocess.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import time

import pytest
from _support import SECRET_KEY, transcript

from legacy_stt import Client, JobMayExist, LegacySTTError, PollPolicy
from legacy_stt.batch.journal import Journal
from legacy_stt.batch.runner import BatchInput, input_key, run_batch
from legacy_stt.testing import Emulator

QUICK_POLLS = PollPolicy(first_delay=0.02, backoff_factor=1.2, max_delay=0.05, jitter=0)
SCRIPT = shutil.which("legacy-stt", path=os.path.dirname(sys.executable)) or shutil.which(
    "legacy-stt"
)
MODEL = "#g1_nova-2-general"


def environment(emulator: Emulator) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
    env.update(AIML_API_KEY=SECRET_KEY, AIML_API_BASE_URL=emulator.url)
    return env


def cli(
    emulator: Emulator, *args: str, timeout: float = 60, prefix: list[str] | None = None
) -> subprocess.CompletedProcess:
    assert SCRIPT, "the legacy-stt console script is not installed"
    return subprocess.run(
        [*(prefix or [SCRIPT]), "transcribe", *args],
        env=environment(emulator),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def payload(name: str) -> dict:
    return {"model": MODEL, "url": f"https://example.com/{name}.mp3"}


def write_payload(path: pathlib.Path, name: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload(name)))
    return path


def created_urls(emulator: Emulator) -> list[str]:
    return [r.json["url"] for r in emulator.creates if r.status == 200]


def transcript_of(path: pathlib.Path) -> str:
    return transcript(json.loads(path.read_text()))


def expected_transcript(name: str) -> str:
    """The transcript an emulator gives ``payload(name)`` (it depends on the URL alone)."""
    with (
        Emulator(job_duration=0.01) as emulator,
        Client(SECRET_KEY, base_url=emulator.url, poll_policy=QUICK_POLLS) as client,
    ):
        return transcript(client.result(client.submit(payload(name))))


# -- A. no result is overwritten, no journal hands back another input's result ---------


def test_a_second_input_of_the_same_name_never_overwrites_the_first(
    tmp_path: pathlib.Path,
) -> None:
    jan = write_payload(tmp_path / "jan" / "a.json", "january")
    feb = write_payload(tmp_path / "feb" / "a.json", "february")
    out = tmp_path / "out"
    with Emulator(job_duration=0.05) as emulator:
        for source in (jan, feb):
            result = cli(emulator, str(source), "--out", str(out))
            assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in out.glob("*.json")) == ["a-2.json", "a.json"]
        again = cli(emulator, str(jan), "--out", str(out))
        assert again.returncode == 0, again.stderr
        assert "from an earlier run" in again.stderr
        assert len(emulator.creates) == 2
    january, february = expected_transcript("january"), expected_transcript("february")
    assert january != february
    assert transcript_of(out / "a.json") == january  # not replaced by February's
    assert transcript_of(out / "a-2.json") == february
    with Journal(out / ".legacy-stt-journal.jsonl") as journal:
        paths = [e.result_path for e in journal if e.state == "done"]
    assert len(paths) == len(set(paths)) == 2  # no two inputs done at one path


def test_a_result_file_replaced_since_is_not_handed_back(tmp_path: pathlib.Path) -> None:
    journal = tmp_path / "batch.jsonl"
    inputs = [
        BatchInput(payload("january"), source="jan/a.json"),
        BatchInput(payload("february"), source="feb/b.json"),
    ]
    with Emulator(job_duration=0.05) as emulator:
        with Client(SECRET_KEY, base_url=emulator.url) as client:
            first = list(client.stt_many(inputs, journal=journal, poll_policy=QUICK_POLLS))
            assert all(o.ok for o in first)
            mine, other = (o.result_path for o in first)
            assert mine is not None and other is not None
            january = transcript(first[0].result())
            # Someone puts another (valid) result where January's was.
            shutil.copyfile(other, mine)
            foreign = mine.read_bytes()
            [again] = client.stt_many(inputs[:1], journal=journal, poll_policy=QUICK_POLLS)
        assert len(emulator.creates) == 2  # the job was waited for again, not created again
    assert again.ok and again.resumed != "result"
    assert transcript(again.result()) == january  # never the foreign content
    assert again.result_path is not None and transcript_of(again.result_path) == january
    assert mine.read_bytes() == foreign  # a file the journal cannot vouch for is left alone


def test_a_journal_of_an_earlier_version_hands_back_only_a_result_naming_its_job(
    tmp_path: pathlib.Path,
) -> None:
    # What the earlier version left after Jan/Feb: both inputs "done" at one path (no hashes),
    # the file holding February's result.
    out, path = tmp_path / "out", tmp_path / "batch.jsonl"
    jan = BatchInput(payload("january"), source="jan/a.json")
    feb = BatchInput(payload("february"), source="feb/a.json")
    with Emulator(job_duration=0.05) as emulator:
        with Client(SECRET_KEY, base_url=emulator.url) as client:
            ids = {}
            for name, item in (("jan", jan), ("feb", feb)):
                ids[name] = client.submit(item.payload)
                body = client.result(ids[name])
            out.mkdir()
            (out / "a.json").write_text(json.dumps(body))  # February's, written last
            lines = []
            for name, item in (("jan", jan), ("feb", feb)):
                key = input_key(item, client.target, 0)
                lines += [
                    {"v": 1, "event": "creating", "key": key, "source": item.source},
                    {"v": 1, "event": "created", "key": key, "generation_id": ids[name],
                     "at": time.time()},
                    {"v": 1, "event": "done", "key": key, "generation_id": ids[name],
                     "result_path": str(out / "a.json")},
                ]  # fmt: skip
            path.write_text("".join(json.dumps(line) + "\n" for line in lines))
            outcomes = list(
                client.stt_many([jan, feb], journal=path, out_dir=out, poll_policy=QUICK_POLLS)
            )
        assert len(emulator.creates) == 2  # waited for again where needed, never re-created
    january, february = expected_transcript("january"), expected_transcript("february")
    assert [o.resumed for o in outcomes] == ["job", "result"]
    assert transcript(outcomes[0].result()) == january  # not February's file
    assert transcript(outcomes[1].result()) == february
    assert outcomes[0].result_path != out / "a.json" and outcomes[0].result_path is not None
    assert transcript_of(outcomes[0].result_path) == january
    assert transcript_of(out / "a.json") == february


def test_a_journal_named_like_a_result_is_never_overwritten(tmp_path: pathlib.Path) -> None:
    # Chosen behaviour: the journal's name is never given to a result (the next free name is),
    # rather than refusing a batch only because one of its inputs is called journal.json.
    archive = tmp_path / "archive"
    write_payload(archive / "journal.json", "journal")
    write_payload(archive / "other.json", "other")
    out = tmp_path / "out"
    args = [str(archive), "--out", str(out), "--journal", str(out / "journal.json")]
    with Emulator(job_duration=0.05) as emulator:
        first = cli(emulator, *args)
        assert first.returncode == 0, first.stderr
        lines = (out / "journal.json").read_text().splitlines()
        assert lines and all(json.loads(line)["v"] == 1 for line in lines)  # still a journal
        assert sorted(p.name for p in out.glob("*.json")) == [
            "journal-2.json",
            "journal.json",
            "other.json",
        ]
        again = cli(emulator, *args)
        assert again.returncode == 0, again.stderr
        assert "2 done (2 from an earlier run)" in again.stderr
        assert len(emulator.creates) == 2


def test_a_journal_line_with_a_wrong_typed_field_is_skipped_whole(
    tmp_path: pathlib.Path,
) -> None:
    item = payload("typed")
    path = tmp_path / "batch.jsonl"
    with Emulator(job_duration=0.05) as emulator:
        with Client(SECRET_KEY, base_url=emulator.url) as client:
            generation_id = client.submit(item)  # the job an earlier run created
            key = input_key(BatchInput(item), client.target, 0)
            lines = [
                {"v": 1, "event": "creating", "key": key},
                {"v": 1, "event": "created", "key": key, "generation_id": generation_id,
                 "model": MODEL, "at": "x"},
            ]  # fmt: skip
            path.write_text("".join(json.dumps(line) + "\n" for line in lines))
            with Journal(path) as journal:
                entry = journal.get(key)
                assert journal.skipped_lines == 1
                assert entry is not None and entry.state == "creating"
                assert entry.generation_id is None  # nothing of the bad line applied
            [outcome] = client.stt_many([item], journal=path, poll_policy=QUICK_POLLS)
        assert len(emulator.creates) == 1  # no second job
    assert isinstance(outcome.error, JobMayExist)


def test_a_done_line_with_a_wrong_typed_field_does_not_hand_back_a_result(
    tmp_path: pathlib.Path,
) -> None:
    item = payload("typed-done")
    path = tmp_path / "batch.jsonl"
    with Emulator(job_duration=0.05) as emulator:
        with Client(SECRET_KEY, base_url=emulator.url) as client:
            [first] = client.stt_many([item], journal=path, poll_policy=QUICK_POLLS)
            assert first.ok and first.result_path is not None
            lines = path.read_text().splitlines()
            done = json.loads(lines[-1])
            assert done["event"] == "done"
            done["sha256"] = 12345  # damaged
            path.write_text("\n".join([*lines[:-1], json.dumps(done)]) + "\n")
            [again] = client.stt_many([item], journal=path, poll_policy=QUICK_POLLS)
        assert len(emulator.creates) == 1
    assert again.ok and again.resumed == "job"  # waited for again: nothing trusted half-read


# -- B. the journal and the outputs fail safe --------------------------------------------


def test_an_out_dir_that_cannot_be_made_is_refused_before_any_job(tmp_path: pathlib.Path) -> None:
    write_payload(tmp_path / "archive" / "a.json", "a")
    (tmp_path / "file").write_text("a regular file, not a directory")
    with Emulator(job_duration=0.05) as emulator:
        result = cli(
            emulator,
            str(tmp_path / "archive"),
            "--out",
            str(tmp_path / "file" / "out"),
            "--journal",
            str(tmp_path / "batch.jsonl"),
        )
        assert emulator.requests == []  # no job, nothing sent
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("legacy-stt: error: ")
    assert str(tmp_path / "file" / "out") in lines[0]


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX permissions")
def test_a_read_only_out_dir_is_refused_before_any_job(tmp_path: pathlib.Path) -> None:
    write_payload(tmp_path / "archive" / "a.json", "a")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        try:
            (out / "probe").write_text("")
        except OSError:
            pass
        else:
            pytest.skip("this user can write to a read-only directory (root): see the test above")
        with Emulator(job_duration=0.05) as emulator:
            result = cli(
                emulator, str(tmp_path / "archive"), "--out", str(out),
                "--journal", str(tmp_path / "batch.jsonl"),
            )  # fmt: skip
            assert emulator.requests == []
    finally:
        out.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("legacy-stt: error: ") and len(result.stderr.splitlines()) == 1


def test_a_name_too_long_for_a_temporary_name_is_written(tmp_path: pathlib.Path) -> None:
    name = "n" * 245 + ".json"  # a legal name; ".{name}.{pid}.{thread}.tmp" would not be
    write_payload(tmp_path / "archive" / name, "long")
    out = tmp_path / "out"
    with Emulator(job_duration=0.05) as emulator:
        result = cli(emulator, str(tmp_path / "archive"), "--out", str(out))
        assert result.returncode == 0, result.stderr
        [written] = out.glob("*.json")
        assert len(written.name) <= 120 and written.name.startswith("nnnn")
        assert transcript_of(written)
        again = cli(emulator, str(tmp_path / "archive"), "--out", str(out))
        assert again.returncode == 0 and "from an earlier run" in again.stderr
        assert len(emulator.creates) == 1
    assert list(out.glob("*.json")) == [written]  # the same name on resume


# Runs the command under a file size limit, so that a write past it fails with EFBIG (as a
# full disk fails with ENOSPC); SIGXFSZ is ignored so the write fails instead of killing.
FILE_SIZE_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from legacy_stt.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="needs RLIMIT_FSIZE and SIGXFSZ")
def test_a_journal_that_cannot_be_written_ends_with_a_summary_naming_every_job(
    tmp_path: pathlib.Path,
) -> None:
    archive = tmp_path / "archive"
    for i in range(60):
        write_payload(archive / f"call-{i:03d}.json", f"full-{i:03d}")
    out = tmp_path / "out"
    # A result is about 15 kB and fits; the journal (about 1 kB per input) outgrows the limit
    # about half-way through the batch.
    limit = 32 * 1024
    with Emulator(job_duration=0.05) as emulator:
        result = cli(
            emulator,
            str(archive),
            "--out",
            str(out),
            "--workers",
            "4",
            prefix=[sys.executable, "-c", FILE_SIZE_LIMITED, str(limit)],
        )
        job_ids = list(emulator.jobs)
        created = len(job_ids)
        assert 0 < created < 60  # it stopped creating jobs once the journal failed
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "a bug in legacy-stt" not in result.stderr
        assert "60 input(s):" in result.stderr  # the summary
        written = "".join(p.read_text() for p in out.glob("*.json"))
        for generation_id in job_ids:
            # Every job is findable: its result is written, or the output names it.
            assert generation_id in result.stderr or generation_id in written, generation_id
        with Journal(out / ".legacy-stt-journal.jsonl") as journal:
            assert journal.skipped_lines == 0  # only whole, true lines
        resumed = cli(emulator, str(archive), "--out", str(out), "--recreate-uncertain")
        assert resumed.returncode == 0, resumed.stderr
        assert "60 done" in resumed.stderr
    assert len(list(out.glob("*.json"))) == 60


@pytest.mark.skipif(sys.platform != "linux", reason="needs RLIMIT_FSIZE and SIGXFSZ")
def test_a_job_whose_created_line_cannot_be_written_is_named(tmp_path: pathlib.Path) -> None:
    source = write_payload(tmp_path / "archive" / "only.json", "only")
    with Emulator(job_duration=0.05) as emulator:
        # A first run into another directory of the same name length shows how long the
        # "creating" line is; the second run may write that line and no more.
        trial = cli(emulator, str(source), "--out", str(tmp_path / "out1"))
        assert trial.returncode == 0, trial.stderr
        journal = (tmp_path / "out1" / ".legacy-stt-journal.jsonl").read_bytes()
        creating = journal.split(b"\n")[0]
        assert b'"creating"' in creating
        emulator.reset()
        out = tmp_path / "out2"
        result = cli(
            emulator,
            str(source),
            "--out",
            str(out),
            prefix=[sys.executable, "-c", FILE_SIZE_LIMITED, str(len(creating) + 20)],
        )
        [generation_id] = list(emulator.jobs)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "a bug in legacy-stt" not in result.stderr
        assert "1 input(s): 0 done, 1 failed" in result.stderr
        assert f"legacy-stt result {generation_id}" in result.stderr  # how to get it back
        again = cli(emulator, str(source), "--out", str(out))
        assert len(emulator.creates) == 1  # it is uncertain now: not paid for twice
    assert again.returncode == 1 and "--recreate-uncertain" in again.stderr


def test_a_result_that_cannot_be_written_keeps_its_job(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "out"
    journal = tmp_path / "batch.jsonl"
    item = BatchInput(payload("unwritable"), source="unwritable.json")

    def take_the_directory_away(event: str, outcome: object) -> None:
        if event == "started":  # after the batch checked the directory, before the job is done
            out.mkdir(exist_ok=True)
            out.rename(tmp_path / "away")
            out.write_text("now a file")

    with Emulator(job_duration=0.05) as emulator:
        with Client(SECRET_KEY, base_url=emulator.url) as client:
            [outcome] = run_batch(
                client,
                [item],
                journal=journal,
                out_dir=out,
                on_event=take_the_directory_away,
                poll_policy=QUICK_POLLS,
            )
            assert isinstance(outcome.error, LegacySTTError) and not outcome.ok
            assert outcome.generation_id is not None
            assert getattr(outcome.error, "generation_id", None) == outcome.generation_id
            assert outcome.generation_id in str(outcome.error)
            with Journal(journal) as opened:
                [entry] = list(opened)
                assert entry.state == "created" and entry.generation_id == outcome.generation_id
            out.unlink()
            (tmp_path / "away").rename(out)
            [again] = client.stt_many([item], journal=journal, out_dir=out, poll_policy=QUICK_POLLS)
        assert len(emulator.creates) == 1
    assert again.ok and again.resumed == "job" and again.generation_id == outcome.generation_id
    assert again.result_path is not None and transcript_of(again.result_path)


def test_a_temporary_file_left_by_a_killed_write_is_replaced_on_resume(
    tmp_path: pathlib.Path,
) -> None:
    # What a SIGKILL between a result's write and its rename leaves: the job journaled as
    # created, no result, a temporary file. (The killed-batch test in test_batch_cli.py met
    # this now and then on a busy disk, and then found the temporary file at its end.)
    from legacy_stt.batch.journal import temporary_path

    journal = tmp_path / "batch.jsonl"
    item = BatchInput(payload("killed"), source="killed.json")
    with Emulator(job_duration=0.05) as emulator:
        with Client(SECRET_KEY, base_url=emulator.url) as client:
            [first] = client.stt_many([item], journal=journal, poll_policy=QUICK_POLLS)
            assert first.ok and first.result_path is not None
            lines = journal.read_text().splitlines()
            assert json.loads(lines[-1])["event"] == "done"
            journal.write_text("\n".join(lines[:-1]) + "\n")
            first.result_path.unlink()
            temporary_path(first.result_path).write_text('{"half": ')
            [again] = client.stt_many([item], journal=journal, poll_policy=QUICK_POLLS)
        assert len(emulator.creates) == 1
    assert again.ok and again.resumed == "job" and again.result_path == first.result_path
    assert transcript_of(again.result_path)
    assert list(first.result_path.parent.glob(".*.tmp")) == []


# -- C. hostile trees ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_a_directory_does_not_block_the_batch(tmp_path: pathlib.Path) -> None:
    archive = tmp_path / "archive"
    write_payload(archive / "a.json", "a")
    os.mkfifo(archive / "b.json")  # nobody will ever write to it
    with Emulator(job_duration=0.05) as emulator:
        result = cli(emulator, str(archive), "--out", str(tmp_path / "out"), timeout=30)
    assert result.returncode == 0, result.stderr
    assert "1 input(s): 1 done, 0 failed" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_pipe_named_on_the_command_line_is_read(tmp_path: pathlib.Path) -> None:
    fifo = tmp_path / "piped.json"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w") as writer:  # waits for the command to open it
            writer.write(json.dumps(payload("piped")))

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        with Emulator(job_duration=0.05) as emulator:
            result = cli(emulator, str(fifo), "--out", str(tmp_path / "out"), timeout=30)
            assert created_urls(emulator) == ["https://example.com/piped.mp3"]
    finally:
        if feeder.is_alive():  # the command never opened it: let the feeder go
            descriptor = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            feeder.join(5)
            os.close(descriptor)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(os.name != "posix", reason="needs symbolic links")
def test_symbolic_link_loops_do_not_visit_a_file_twice(tmp_path: pathlib.Path) -> None:
    archive = tmp_path / "archive"
    write_payload(archive / "a.json", "a")
    write_payload(archive / "sub" / "b.json", "b")
    (archive / "self").symlink_to(".")
    (archive / "sub" / "up").symlink_to("..")
    with Emulator(job_duration=0.05) as emulator:
        result = cli(emulator, str(archive), "--out", str(tmp_path / "out"), timeout=30)
        assert len(emulator.creates) == 2
    assert result.returncode == 0, result.stderr
    assert "2 input(s): 2 done, 0 failed" in result.stderr


# -- D. control characters in file names ---------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="needs control characters in file names")
def test_control_characters_in_file_names_are_escaped(tmp_path: pathlib.Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    # A broken payload (listed as failed) and one with a parameter notice (warned about).
    # (a broken file that names a model: one that does not is skipped like `check` skips it)
    (archive / "evil\x1b[2J\nlegacy-stt: 9 input(s): 9 done.json").write_text(
        '{"model": "#g1_nova-2-general", not json'
    )
    (archive / "typo\x1b]0;title\x07\x9b.json").write_text(
        json.dumps({**payload("typo"), "diarise": True})
    )
    with Emulator(job_duration=0.05) as emulator:
        result = cli(emulator, str(archive), "--out", str(tmp_path / "out"), timeout=30)
    assert result.returncode == 1, result.stderr
    for control in ("\x1b", "\x07", "\x9b"):
        assert control not in result.stderr
    assert not any(line.startswith("legacy-stt: 9 input(s)") for line in result.stderr.splitlines())
    assert "evil\\x1b[2J\\x0alegacy-stt: 9 input(s)" in result.stderr  # shown, escaped
    assert "typo\\x1b]0;title\\x07\\x9b.json" in result.stderr
