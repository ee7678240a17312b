"""English that code outside the web layer writes (option ids, provider and model labels,
task progress messages), translated when a page shows it. The JSON API keeps the English.

EXACT holds whole strings. TEMPLATES holds strings with {0}, {1}... parts: a shown text
matching one is rebuilt from the translated template, its parts translated too when they
are themselves known (a mood, a voice name). The msgids are marked with N_ so Babel
extracts them into the catalogue like any other page string.
"""

from __future__ import annotations

import re
from functools import lru_cache

from creative_hub.web import i18n


def N_(message: str) -> str:
    """gettext's no-op marker: the string goes into the catalogue, untranslated here."""
    return message


EXACT: tuple[str, ...] = (
    # Capabilities (ids with "_" shown as spaces).
    N_("text"), N_("image"), N_("image to video"), N_("text to video"), N_("video compose"),
    N_("speech"), N_("transcription"), N_("music"), N_("sound effects"), N_("local"),
    # Workflow steps, as named in "The {0} step failed.".
    N_("script"), N_("storyboard"), N_("images"), N_("video"), N_("audio"), N_("compose"),
    # Music moods.
    N_("happy"), N_("sad"), N_("calm"), N_("epic"), N_("tense"), N_("romantic"),
    N_("upbeat"), N_("mysterious"), N_("chill"),
    # Sound effects.
    N_("whoosh"), N_("rain"), N_("wind"), N_("thunder"), N_("storm"), N_("ocean waves"),
    N_("footsteps"), N_("click"), N_("beep"), N_("chime"), N_("siren"), N_("applause"),
    N_("explosion"), N_("knock"), N_("heartbeat"), N_("fire"), N_("birds"),
    # Storyboard image styles.
    N_("bright"), N_("cozy"), N_("green"), N_("mystery"), N_("neon"), N_("night"),
    N_("snow"), N_("soft"), N_("sunset"),
    # Camera motions.
    N_("zoom in"), N_("zoom out"), N_("pan left"), N_("pan right"), N_("pan up"),
    N_("pan down"), N_("static"),
    # Voice languages and the bundled voice.
    N_("Mandarin Chinese"), N_("Cantonese"), N_("Japanese"), N_("Korean"), N_("French"),
    N_("German"), N_("Spanish"), N_("Italian"), N_("Portuguese (Brazil)"), N_("Russian"),
    N_("Arabic"), N_("Hindi"), N_("Vietnamese"), N_("English (US)"),
    N_("Joe (en-US, medium)"),
    # Models and providers of the embedded defaults.
    N_("Storyboard cards (not a neural model)"),
    N_("FFmpeg (camera motion, crossfades, mixing)"),
    N_("Procedural composer (non-neural)"),
    N_("Procedural sound effects (non-neural)"),
    N_("storyboard renderer, not a neural model"),
    N_("Camera motion over the still image with FFmpeg (not a generative video model)"),
    N_("FFmpeg composition: camera motion, crossfades, ducked music mix, subtitles"),
    N_("procedural composer, numpy synthesis"),
    N_("procedural sound effects, numpy DSP"),
    # Workflow templates.
    N_("Explainer"), N_("Product ad"), N_("Short story"), N_("Music video"),
    N_("Walks through how something works, one step per scene."),
    N_("A short, upbeat advert: problem, product, benefit, call to action."),
    N_("A tiny tale with a beginning, a turn and an ending."),
    N_("Moody visuals cut to a music bed, with a few spoken lines."),
    N_("how coffee is made"),
    N_("a reusable water bottle that keeps drinks cold all day"),
    N_("a lighthouse keeper who finds a message in a bottle"),
    N_("a night drive through a neon city"),
    # Progress messages of the jobs and providers.
    N_("Drawing the frame"), N_("Transcript ready"), N_("mixed"), N_("done"), N_("Done"),
    N_("Loading fonts"), N_("Drawing the storyboard frame"), N_("Speech ready"),
    N_("rendering with FluidSynth"), N_("animating"), N_("rendering video"),
    N_("mixing audio"), N_("normalising loudness"), N_("Film ready"),
    N_("Interrupted by a server restart; it will run again."),
    N_("The worker stopped while running this; retrying."),
    N_("Drawing with Stability AI"), N_("Saving the image"), N_("Queued on the WebUI"),
    N_("Sent to Replicate"), N_("Speaking with ElevenLabs"), N_("Writing the audio"),
    N_("Making the sound with ElevenLabs"), N_("Queued on ComfyUI"),
    N_("Fetching the result from ComfyUI"),
    N_("Drawing"), N_("starting"), N_("processing"),
    # Service refusals shown next to a form's fields (feature_forms.service_errors).
    N_("The subtitles file is not valid SRT or WebVTT."),
    N_("The subtitles file has no cues."),
    N_("The file is empty."),
    N_("No asset with this id."),
    N_("No task with this id."),
    N_("No conversation with this id."),
    N_("No workflow with this id."),
    N_(
        "This file type is not accepted. Upload an image (PNG, JPEG, WebP, GIF), a video "
        "(MP4, WebM, MOV, MKV), audio (WAV, MP3, OGG, FLAC, M4A) or UTF-8 text."
    ),
    # Transcription errors (providers/local/whisper), shown on History cards.
    N_("The file to transcribe is no longer available. Upload it again."),
    N_("This file has no sound track. Upload an audio file or a video with sound."),
    N_("This file holds no sound. Upload a recording that is not empty."),
    N_(
        "Transcription on this server is not set up (no Whisper model). "
        "Ask an administrator, or pick another transcription provider."
    ),
)  # fmt: skip

TEMPLATES: tuple[str, ...] = (
    N_("No voice {0}. Voices: {1}."),
    N_("The {0} step failed."),
    N_(
        "The Whisper model {0} understands English only, not {1}. Available: en. "
        "Choose English, or ask an administrator for a multilingual Whisper model."
    ),
    N_("Whisper {0} does not know {1}. Available: {2}."),
    N_("{0} transcribes {1} only, not {2}."),
    N_("{0} makes images from {1} to {2}; {3} is outside that."),
    N_("The file is larger than the {0} upload limit."),
    N_("The {0} provider {1} is not available: {2}"),
    N_("Asset {0} is {1}; this needs {2}."),
    N_("{0}x{1} x{2} would exceed {3}x{4}; choose a smaller scale."),
    N_("No {0} provider named {1}. Available: {2}."),
    N_("{0} has no {1} model {2}. Available: {3}."),
    N_("{0} (espeak-ng)"),
    N_("{0} via llama.cpp (local)"),
    N_("faster-whisper (Whisper {0}, CPU int8)"),
    N_("Piper neural TTS ({0}); espeak-ng (formant synthesis, not neural) for other languages"),
    N_("procedural composer, FluidSynth + {0}"),
    N_("{0} major"),
    N_("{0} minor"),
    N_("Image {0} of {1}"),
    N_("Upscaling {0} x{1}"),
    N_("Mixing {0} tracks"),
    N_("Transcribing {0} s of audio"),
    N_("{0} of {1} s"),
    N_("Speaking {0} sentence(s) with {1}"),
    N_("Sentence {0} of {1}"),
    N_("composing {0}: {1}, {2} BPM"),
    N_("synthesizing {0}"),
    N_("rendering part {0} of {1}"),
    N_("Storyboard scene {0} of {1}"),
    N_("Scene {0} of {1}"),
    N_("Audio track {0} of {1}"),
    N_("Keyframe {0} of {1}"),
    N_("Clip {0} of {1}"),
    N_("Step {0} of {1}"),
    N_("Replicate: {0} {1}%"),
    N_("Replicate: {0}"),
    N_("Running {0}"),
    N_("Asking {0} for an image"),
    N_("Speaking with {0} ({1})"),
    N_("Transcribing with {0}"),
    N_(
        "This file could not be read as audio or video (it may be damaged or in another "
        "format). Upload one of: {0}."
    ),
)

_PLACEHOLDER = re.compile(r"\{(\d)\}")
# Escaped the same way for Python and for the browser's RegExp (app.js reuses the source).
_META = re.compile(r"[\\^$.*+?()\[\]{}|/]")
_EXACT = frozenset(EXACT)


def pattern_source(template: str) -> str:
    """A full-match regex for template: literal text escaped, each {n} a lazy group."""
    parts = _PLACEHOLDER.split(template)
    out = []
    for index, part in enumerate(parts):
        out.append("(.+?)" if index % 2 else _META.sub(lambda m: "\\" + m.group(0), part))
    return "^" + "".join(out) + "$"


# The most literal text first, so "Speaking {0} sentence(s) with {1}" wins over "{0} (espeak-ng)"
# for "Speaking 2 sentence(s) with French (espeak-ng)", and the voice is then a part.
_ORDERED = sorted(TEMPLATES, key=lambda t: -len(_PLACEHOLDER.sub("", t)))
_PATTERNS = tuple((re.compile(pattern_source(t)), t) for t in _ORDERED)


def _exact(locale: str, text: str) -> str | None:
    key = text.replace("_", " ")  # option ids such as ocean_waves or zoom_in
    if key in _EXACT:
        return i18n.translate(locale, key)
    return None


@lru_cache(maxsize=4096)  # progress texts repeat across viewers and refreshes
def localize(locale: str, text: str) -> str:
    """text in locale when it is known English; otherwise text unchanged."""
    if locale == i18n.DEFAULT_LOCALE or not text:
        return text
    found = _exact(locale, text)
    if found is not None:
        return found
    for pattern, template in _PATTERNS:
        match = pattern.match(text)
        if match:
            return _fill(
                i18n.translate(locale, template), [localize(locale, p) for p in match.groups()]
            )
    return text


def _fill(template: str, parts: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: parts[int(m.group(1))], template)


def option_label(locale: str, value: str) -> str:
    """An option id shown to a person: translated when known, else with spaces for "_"."""
    return _exact(locale, value) or value.replace("_", " ")


def table(locale: str) -> dict[str, object]:
    """What app.js needs to translate progress messages that arrive over SSE."""
    exact = {m: i18n.translate(locale, m) for m in EXACT}
    templates = [[pattern_source(t), i18n.translate(locale, t)] for t in _ORDERED]
    return {"exact": {k: v for k, v in exact.items() if k != v}, "templates": templates}
