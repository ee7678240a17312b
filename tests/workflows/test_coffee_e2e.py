"""Offline end to end: 'a 30-second video about how coffee is made' -> a final MP4."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import av
import httpx
from fastapi import FastAPI

from creative_hub.providers.local.subtitles import parse_srt
from tests.support.api import register
from tests.workflows.test_workflows_api import wait_workflow

STOP = {
    *("a", "an", "the", "and", "or", "of", "to", "in", "on", "is", "are", "it", "its"),
    *("this", "that", "with", "for", "from", "as", "at", "by", "be"),
}


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOP and len(w) > 2}


async def _download(client: httpx.AsyncClient, url: str, h: dict[str, str], to: Path) -> Path:
    r = await client.get(url, headers=h)
    assert r.status_code == 200, url
    to.write_bytes(r.content)
    return to


async def test_coffee_idea_to_final_mp4_and_rerun_from_storyboard(
    client: httpx.AsyncClient, app: FastAPI, tmp_path: Path
) -> None:
    me = await register(client)
    h = me["headers"]
    r = await client.post(
        "/api/workflows", json={"idea": "a 30-second video about how coffee is made"}, headers=h
    )
    assert r.status_code == 201, r.text
    wid = r.json()["id"]
    assert r.json()["options"]["duration"] == 30
    assert (await client.post(f"/api/workflows/{wid}/run", headers=h)).status_code == 202
    # The SSE stream follows the run to its end, step changes and progress in between.
    events: list[str] = []
    async with client.stream("GET", f"/api/workflows/{wid}/events", headers=h) as stream:
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                events.append(line.split(":", 1)[1].strip())
    assert "progress" in events and events.count("workflow") >= 6
    body = await wait_workflow(client, wid, h, timeout=300)
    assert body["status"] == "completed", body
    assert all(s["state"] == "done" for s in body["steps"])

    script = body["script_data"]
    scenes = len(script["scenes"])
    assert scenes >= 3
    film = body["compose_data"]
    mp4 = await _download(client, film["url"], h, tmp_path / "film.mp4")
    with av.open(str(mp4)) as container:
        assert container.streams.video and container.streams.audio
        seconds = float(container.duration or 0) / av.time_base
    assert abs(seconds - 30) <= 3, seconds
    assert abs(body["total_duration"] - 30) <= 3

    # Subtitles: one cue per spoken sentence, in the script's order, inside the film.
    srt = (await _download(client, film["srt_url"], h, tmp_path / "f.srt")).read_text()
    cues = parse_srt(srt)
    spoken = " ".join(s["narration"] for s in script["scenes"])
    assert " ".join(" ".join(c.text.split()) for c in cues) == " ".join(spoken.split())
    assert all(a.start <= b.start for a, b in itertools.pairwise(cues))
    assert cues[-1].end <= seconds + 0.1
    assert (await client.get(film["vtt_url"], headers=h)).status_code == 200

    # Whisper on the final audio recovers most of the script's content words.
    transcript = await app.state.runtime.providers.transcription().transcribe(mp4)
    expected, heard = _content(spoken), _content(transcript.text)
    recall = len(expected & heard) / len(expected)
    assert recall >= 0.6, (recall, spoken, transcript.text)

    # Edit the storyboard and run again: only images onward are redone.
    board = body["storyboard_data"]
    board["scenes"][0]["visual_prompt"] = "a steaming cup of coffee on a wooden table"
    r = await client.put(f"/api/workflows/{wid}/steps/storyboard", json=board, headers=h)
    assert r.status_code == 200, r.text
    states = [s["state"] for s in r.json()["steps"]]
    assert states == ["done", "done", "stale", "stale", "stale", "stale"]
    assert (await client.post(f"/api/workflows/{wid}/run", headers=h)).status_code == 202
    again = await wait_workflow(client, wid, h, timeout=300)
    assert again["status"] == "completed", again
    assert again["script_data"] == script
    assert again["steps"][0]["task_id"] == body["steps"][0]["task_id"]
    assert again["steps"][1]["task_id"] == body["steps"][1]["task_id"]
    for step in ("images", "video", "audio", "compose"):
        i = ["script", "storyboard", "images", "video", "audio", "compose"].index(step)
        assert again["steps"][i]["task_id"] != body["steps"][i]["task_id"], step
    old_ids = {s["asset_id"] for s in body["images_data"]["scenes"]}
    assert not old_ids & {s["asset_id"] for s in again["images_data"]["scenes"]}
    assert again["compose_data"]["asset_id"] != film["asset_id"]
