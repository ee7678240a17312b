"""The Audio page in a real browser: speech with a chosen voice that plays, music and a
sound effect, and the tool tabs."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import Screenshot

JOB_TIMEOUT = 90_000
# The player's media loaded: a duration the browser read from the file itself.
DURATION = """(audio) => new Promise((resolve) => {
  if (audio.readyState >= 1) return resolve(audio.duration);
  audio.addEventListener("loadedmetadata", () => resolve(audio.duration), {once: true});
  audio.addEventListener("error", () => resolve(-1), {once: true});
  audio.load();
})"""
# Press play; resolves with the position once the audio has actually advanced.
PLAYS = """(audio) => new Promise((resolve, reject) => {
  audio.addEventListener("timeupdate", function tick() {
    if (audio.currentTime > 0) {
      audio.removeEventListener("timeupdate", tick);
      resolve(audio.currentTime);
    }
  });
  audio.play().catch(reject);
})"""


async def test_speech_with_a_voice_plays_in_the_page(page: Page, screenshot: Screenshot) -> None:
    await page.goto("/audio")
    await expect(page.get_by_role("link", name="Speech")).to_have_attribute("aria-current", "page")
    await page.get_by_label("Text to speak").fill("Hello from Creative Hub. This is a test.")
    await page.get_by_label("Voice").select_option("en_US-joe-medium")
    await page.get_by_role("button", name="Speak").click()
    card = page.locator("#audio-results .task-card").first
    await expect(card.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    player = card.locator("audio")
    await expect(player).to_have_attribute("src", re.compile(r"^/api/assets/"))
    assert await player.evaluate(DURATION) > 1.0
    assert await player.evaluate(PLAYS) > 0
    await expect(card.get_by_role("link", name="SRT")).to_be_visible()
    await screenshot(page, "audio")
    assert page.console_errors == []  # type: ignore[attr-defined]

    # The same words come back from the transcription tool, uploaded as a file.
    wav = await (await page.request.get(await player.get_attribute("src") or "")).body()
    await page.get_by_role("link", name="Transcription").click()
    await page.get_by_label("Audio or video file").set_input_files(
        {"name": "hello.wav", "mimeType": "audio/wav", "buffer": wav}
    )
    await page.get_by_role("button", name="Transcribe").click()
    transcript = page.locator("#audio-results .task-card").first
    await expect(transcript.locator(".task-prompt")).to_have_text("transcribe hello.wav")
    await expect(transcript.locator(".task-transcript")).to_contain_text(
        re.compile("creative hub", re.IGNORECASE), timeout=JOB_TIMEOUT
    )


async def test_music_and_a_sound_effect(page: Page) -> None:
    await page.goto("/audio?tool=music")
    await page.get_by_label("Mood").select_option("calm")
    await page.get_by_label("Duration (s)").fill("3")
    await page.get_by_role("button", name="Compose").click()
    music = page.locator("#audio-results .task-card").first
    await expect(music.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    assert await music.locator("audio").evaluate(DURATION) > 2.5

    await page.get_by_role("link", name="Sound effects").click()
    await page.get_by_label("Describe the sound").fill("no such noise at all xyz")
    await page.get_by_role("button", name="Make the sound").click()
    await expect(page.locator("#prompt-error")).to_be_visible()  # the catalogue says no
    await page.get_by_label("Describe the sound").fill("rain on a window")
    await page.get_by_role("button", name="Make the sound").click()
    effect = page.locator("#audio-results .task-card").first
    await expect(effect.get_by_text("Sound effect")).to_be_visible()
    await expect(effect.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)

    # Both mixed into one track, the effect starting a second in.
    await page.get_by_role("link", name="Mix").click()
    tracks = page.locator("input[name=tracks]")
    await expect(tracks).to_have_count(2)
    await tracks.nth(0).check()
    await tracks.nth(1).check()
    effect_id = await tracks.nth(0).get_attribute("value")
    await page.locator(f"input[name=offset_{effect_id}]").fill("1")
    await page.get_by_role("button", name="Mix").click()
    mixed = page.locator("#audio-results .task-card").first
    await expect(mixed.get_by_text("Audio mix")).to_be_visible()
    await expect(mixed.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    assert await mixed.locator("audio").evaluate(DURATION) > 2.5
