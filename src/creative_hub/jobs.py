"""Importing this registers every feature's job handlers on the default registry."""

from creative_hub.audio import jobs as audio_jobs
from creative_hub.images import jobs as image_jobs
from creative_hub.videos import jobs as video_jobs
from creative_hub.workflows import jobs as workflow_jobs

__all__ = ["audio_jobs", "image_jobs", "video_jobs", "workflow_jobs"]
