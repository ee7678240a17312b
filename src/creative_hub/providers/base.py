"""One Protocol per capability. Local engines and remote adapters implement them.

Every call is async and must not block the event loop; long calls take a `progress`
callback and stop promptly when their asyncio task is cancelled.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable


class Capability(enum.StrEnum):
    text = "text"
    image = "image"
    image_to_video = "image_to_video"
    video_compose = "video_compose"
    speech = "speech"
    transcription = "transcription"
    music = "music"
    sound_effects = "sound_effects"


# progress(fraction 0..1, message)
Progress = Callable[[float, str | None], Awaitable[None]]


async def no_progress(_fraction: float, _message: str | None = None) -> None:
    return None


class ProviderError(Exception):
    """A failure a user should see, with a stable code (becomes the task's error)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ModelInfo:
    id: str
    name: str
    context_window: int | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderInfo:
    """What a provider is, told truthfully to the API and UI."""

    name: str
    capability: Capability
    models: tuple[ModelInfo, ...]
    neural: bool
    label: str
    local: bool = True
    supports: dict[str, Any] = field(default_factory=dict)
    available: bool = True
    unavailable_reason: str | None = None


@runtime_checkable
class Provider(Protocol):
    def describe(self) -> ProviderInfo: ...


# -- text ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class TextRequest:
    messages: Sequence[ChatMessage]
    model: str | None = None
    max_tokens: int = 512
    temperature: float = 0.7
    stop: Sequence[str] = ()
    seed: int | None = None


@dataclass
class TextUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # Turns dropped (oldest first) to fit the context window.
    dropped_messages: int = 0


class TextGenerator(Provider, Protocol):
    def stream(self, request: TextRequest, usage: TextUsage | None = None) -> AsyncIterator[str]:
        """Yield the reply piece by piece; fills `usage` when given."""
        ...

    async def generate_json(
        self, request: TextRequest, schema: dict[str, Any], usage: TextUsage | None = None
    ) -> dict[str, Any]:
        """A reply that always parses as JSON and validates against `schema`."""
        ...


# -- images ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    width: int
    height: int
    negative_prompt: str = ""
    seed: int | None = None
    style: str | None = None
    model: str | None = None
    # Text to typeset on the frame (storyboard renderer); defaults to the prompt.
    caption: str | None = None


@dataclass(frozen=True)
class GeneratedImage:
    png: bytes
    width: int
    height: int
    seed: int
    # The provider's own token figures when it bills images by tokens (gpt-image):
    # input_tokens, output_tokens, total_tokens. Empty: the image counts as one image.
    tokens: dict[str, int] = field(default_factory=dict)


class ImageGenerator(Provider, Protocol):
    async def generate(
        self, request: ImageRequest, progress: Progress = no_progress
    ) -> GeneratedImage: ...


# -- audio ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    language: str
    neural: bool
    label: str = ""


@dataclass(frozen=True)
class TimedText:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class AudioResult:
    """A finished WAV file on disk (the caller stores and removes it)."""

    path: Path
    duration: float
    sample_rate: int
    segments: tuple[TimedText, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    voice: str | None = None
    speed: float = 1.0
    language: str | None = None
    # The provider's speech model (tts-1-hd, eleven_flash_v2_5); None: its default.
    # Adapters name the model they used in AudioResult.info["model"] (the usage row's).
    model: str | None = None


class SpeechSynthesizer(Provider, Protocol):
    def voices(self) -> Sequence[Voice]: ...

    async def synthesize(
        self, request: SpeechRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        """WAV with one segment per sentence, timed (for subtitles)."""
        ...


@dataclass(frozen=True)
class Transcript:
    language: str
    duration: float
    segments: tuple[TimedText, ...]
    model: str | None = None  # the model that transcribed (for the usage row)
    # The provider's own bill when it states one: {"audio_seconds": 3} or {"tokens": 120}.
    billed: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments).strip()


class Transcriber(Provider, Protocol):
    async def transcribe(
        self,
        audio: Path,
        language: str | None = None,
        progress: Progress = no_progress,
        *,
        model: str | None = None,  # the provider's model id; None: its default
    ) -> Transcript: ...


@dataclass(frozen=True)
class MusicRequest:
    duration: float
    prompt: str = ""
    mood: str | None = None
    tempo: int | None = None
    seed: int | None = None


class MusicGenerator(Provider, Protocol):
    async def compose(
        self, request: MusicRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult: ...


@dataclass(frozen=True)
class SoundEffectRequest:
    prompt: str
    duration: float
    seed: int | None = None


class SoundEffectGenerator(Provider, Protocol):
    def catalogue(self) -> Sequence[str]: ...

    async def generate(
        self, request: SoundEffectRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult: ...


# -- video ------------------------------------------------------------------------------

Motion = Literal["zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down", "static"]


@dataclass(frozen=True)
class ClipRequest:
    image: Path
    duration: float
    width: int
    height: int
    fps: int = 30
    motion: Motion = "zoom_in"


@dataclass(frozen=True)
class VideoResult:
    path: Path
    duration: float
    width: int
    height: int
    fps: float
    has_audio: bool
    sidecars: dict[str, Path] = field(default_factory=dict)  # "srt" / "vtt"


class ImageToVideo(Provider, Protocol):
    async def animate(
        self, request: ClipRequest, out_dir: Path, progress: Progress = no_progress
    ) -> VideoResult: ...


@dataclass(frozen=True)
class AudioTrack:
    path: Path
    role: Literal["narration", "music", "effect"] = "narration"
    gain_db: float = 0.0
    offset: float = 0.0


@dataclass(frozen=True)
class ComposeRequest:
    """Clips (or still images, shown `image_duration` s each) joined with crossfades."""

    visuals: Sequence[Path]
    width: int = 1280
    height: int = 720
    fps: int = 30
    image_duration: float = 5.0
    crossfade: float = 0.5
    audio: Sequence[AudioTrack] = ()
    subtitles: Sequence[TimedText] = ()
    burn_subtitles: bool = False
    # Ducking: music drops under narration (sidechain compression).
    duck_music: bool = True


class VideoComposer(Provider, Protocol):
    async def compose(
        self, request: ComposeRequest, out_dir: Path, progress: Progress = no_progress
    ) -> VideoResult: ...
