"""The workflow's JSON: one documented model per step (its schema), plus create/patch/read.

Each step's data is stored in its own column (script_data ... compose_data); the model
here is both the schema a `PUT .../steps/{step}` is validated against and the shape
the step's runner writes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from creative_hub.models.enums import WorkflowStatus, WorkflowStep

Motion = Literal["zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down", "static"]
StepState = Literal["pending", "queued", "running", "done", "stale", "failed", "cancelled"]
MAX_SCENES = 12


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- step data ------------------------------------------------------------------------


class ScriptScene(_Strict):
    index: int = Field(ge=0, lt=MAX_SCENES, description="0-based scene number.")
    narration: str = Field(min_length=1, max_length=600, description="What the voice says.")
    description: str = Field(
        default="", max_length=600, description="What the viewer sees (for the storyboard)."
    )


class _Scenes(_Strict):
    @model_validator(mode="after")
    def _indexes(self) -> Any:
        scenes = getattr(self, "scenes", [])
        if [s.index for s in scenes] != list(range(len(scenes))):
            raise ValueError("scenes must be numbered 0, 1, 2 ... in order")
        return self


class ScriptData(_Scenes):
    """Step 1: the script written from the idea."""

    title: str = Field(min_length=1, max_length=200)
    logline: str = Field(default="", max_length=500, description="The video in one sentence.")
    scenes: list[ScriptScene] = Field(min_length=1, max_length=MAX_SCENES)
    used_model: bool = Field(default=False, description="True when the text model wrote lines.")


class StoryboardScene(_Strict):
    index: int = Field(ge=0, lt=MAX_SCENES)
    visual_prompt: str = Field(min_length=1, max_length=2000)
    negative_prompt: str = Field(default="", max_length=1000)
    duration: float = Field(ge=1.5, le=60, description="Seconds this scene is on screen.")
    camera_motion: Motion = "zoom_in"
    mood: str = Field(default="calm", max_length=40)


class StoryboardData(_Scenes):
    """Step 2: per scene, what to draw, for how long, and how the camera moves."""

    scenes: list[StoryboardScene] = Field(min_length=1, max_length=MAX_SCENES)
    total_duration: float = Field(default=0, ge=0, description="Sum of the scene durations.")


class ImageScene(_Strict):
    index: int = Field(ge=0, lt=MAX_SCENES)
    asset_id: uuid.UUID
    url: str
    thumbnail_url: str = ""
    task_id: uuid.UUID | None = Field(default=None, description="The task that made it.")


class ImagesData(_Scenes):
    """Step 3: one keyframe image per scene."""

    scenes: list[ImageScene] = Field(min_length=1, max_length=MAX_SCENES)


class VideoScene(_Strict):
    index: int = Field(ge=0, lt=MAX_SCENES)
    asset_id: uuid.UUID
    url: str
    duration: float = Field(gt=0, description="Clip length (a crossfade's overlap included).")
    task_id: uuid.UUID | None = Field(default=None, description="The task that made it.")


class VideoData(_Scenes):
    """Step 4: one clip per scene, animated from its keyframe."""

    scenes: list[VideoScene] = Field(min_length=1, max_length=MAX_SCENES)


class Segment(_Strict):
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: str


class NarrationClip(_Strict):
    index: int = Field(ge=0, lt=MAX_SCENES)
    asset_id: uuid.UUID
    url: str
    duration: float = Field(gt=0)
    segments: list[Segment] = Field(default_factory=list, description="Sentence timings.")
    task_id: uuid.UUID | None = Field(default=None, description="The task that made it.")


class MusicTrack(_Strict):
    asset_id: uuid.UUID
    url: str
    mood: str = ""
    task_id: uuid.UUID | None = Field(default=None, description="The task that made it.")


class AudioData(_Strict):
    """Step 5: narration per scene (speech) and one background music bed."""

    narration: list[NarrationClip] = Field(min_length=1, max_length=MAX_SCENES)
    music: MusicTrack | None = None


class ComposeData(_Strict):
    """Step 6: the final MP4 and its subtitle sidecars."""

    asset_id: uuid.UUID
    url: str
    srt_url: str | None = None
    vtt_url: str | None = None
    duration: float = Field(gt=0)
    scenes: int = Field(ge=1)


STEP_SCHEMAS: dict[WorkflowStep, type[BaseModel]] = {
    WorkflowStep.script: ScriptData,
    WorkflowStep.storyboard: StoryboardData,
    WorkflowStep.images: ImagesData,
    WorkflowStep.video: VideoData,
    WorkflowStep.audio: AudioData,
    WorkflowStep.compose: ComposeData,
}
STEPS: list[WorkflowStep] = list(WorkflowStep)


# -- options, create, patch, read -----------------------------------------------------


class WorkflowOptions(_Strict):
    """What a template presets; anything given at creation overrides it."""

    scenes: int = Field(default=4, ge=1, le=MAX_SCENES, description="How many scenes.")
    duration: float = Field(default=30, ge=5, le=300, description="Planned length, seconds.")
    tone: str = Field(default="informative", max_length=40)
    voice: str | None = Field(default=None, max_length=100, description="A voice id.")
    music_mood: str = Field(default="calm", max_length=40)
    visual_style: str | None = Field(default=None, max_length=40, description="A style id.")
    width: int = Field(default=960, ge=160, le=1920)
    height: int = Field(default=540, ge=90, le=1080)
    fps: int = Field(default=24, ge=6, le=30)
    crossfade: float = Field(default=0.5, ge=0, le=2)
    burn_subtitles: bool = False
    music: bool = True


class WorkflowCreate(_Strict):
    idea: str | None = Field(default=None, min_length=3, max_length=1000)
    template: str | None = Field(default=None, max_length=40, description="A template id.")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    options: dict[str, Any] | None = Field(
        default=None, description="Overrides of WorkflowOptions fields."
    )

    @model_validator(mode="after")
    def _idea_or_template(self) -> WorkflowCreate:
        if not self.idea and not self.template:
            raise ValueError("give an idea, a template, or both")
        return self

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"idea": "a 30-second video about how coffee is made"}]},
    )


class WorkflowPatch(_Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    options: dict[str, Any] | None = None


class StepRead(BaseModel):
    step: WorkflowStep
    state: StepState
    task_id: uuid.UUID | None = None
    error: dict[str, str] | None = None


class WorkflowRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    status: WorkflowStatus
    current_step: WorkflowStep
    options: dict[str, Any]
    steps: list[StepRead]
    # Typed, so OpenAPI documents every step's schema (the data was written by these models).
    script_data: ScriptData | None
    storyboard_data: StoryboardData | None
    images_data: ImagesData | None
    video_data: VideoData | None
    audio_data: AudioData | None
    compose_data: ComposeData | None
    asset_urls: list[str]
    total_duration: float | None
    error: dict[str, str] | None
    created_at: datetime
    updated_at: datetime


class WorkflowPage(BaseModel):
    items: list[WorkflowRead]
    next_cursor: str | None = None


class TemplateRead(BaseModel):
    id: str
    name: str
    description: str
    example_idea: str
    options: WorkflowOptions


class TemplateList(BaseModel):
    items: list[TemplateRead]
