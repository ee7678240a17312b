"""Workflows saved in ComfyUI's API format (as "Export (API)" writes them), with the
input mapping an admin would enter for each in the provider's settings."""

from __future__ import annotations

from typing import Any

TXT2IMG: dict[str, Any] = {
    "3": {
        "class_type": "KSampler",
        "_meta": {"title": "KSampler"},
        "inputs": {
            "seed": 156680208700286,
            "steps": 20,
            "cfg": 8,
            "sampler_name": "euler",
            "scheduler": "normal",
            "denoise": 1,
            "model": ["4", 0],
            "positive": ["6", 0],
            "negative": ["7", 0],
            "latent_image": ["5", 0],
        },
    },
    "4": {
        "class_type": "CheckpointLoaderSimple",
        "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"},
    },
    "5": {
        "class_type": "EmptyLatentImage",
        "inputs": {"width": 512, "height": 512, "batch_size": 1},
    },
    "6": {
        "class_type": "CLIPTextEncode",
        "inputs": {"text": "beautiful scenery", "clip": ["4", 1]},
    },
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
}
TXT2IMG_INPUTS = {
    "prompt": "6.text",
    "negative_prompt": "7.text",
    "seed": "3.seed",
    "width": "5.width",
    "height": "5.height",
}

IMG2VID: dict[str, Any] = {
    "1": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "svd_xt.safetensors"}},
    "2": {"class_type": "LoadImage", "inputs": {"image": "example.png"}},
    "3": {
        "class_type": "SVD_img2vid_Conditioning",
        "inputs": {
            "clip_vision": ["1", 1],
            "init_image": ["2", 0],
            "vae": ["1", 2],
            "width": 1024,
            "height": 576,
            "video_frames": 14,
            "motion_bucket_id": 127,
            "fps": 6,
            "augmentation_level": 0,
        },
    },
    "4": {
        "class_type": "KSampler",
        "inputs": {
            "seed": 1,
            "steps": 6,
            "cfg": 2.5,
            "sampler_name": "euler",
            "scheduler": "karras",
            "denoise": 1,
            "model": ["1", 0],
            "positive": ["3", 0],
            "negative": ["3", 1],
            "latent_image": ["3", 2],
        },
    },
    "5": {"class_type": "VAEDecode", "inputs": {"samples": ["4", 0], "vae": ["1", 2]}},
    "6": {"class_type": "CreateVideo", "inputs": {"images": ["5", 0], "fps": 6}},
    "7": {
        "class_type": "SaveVideo",
        "inputs": {
            "video": ["6", 0],
            "filename_prefix": "video/ComfyUI",
            "format": "mp4",
            "codec": "h264",
        },
    },
}
IMG2VID_INPUTS = {
    "image": "2.image",
    "seed": "4.seed",
    "width": "3.width",
    "height": "3.height",
    "frames": "3.video_frames",
    "fps": "6.fps",
}

AUDIO: dict[str, Any] = {
    "1": {
        "class_type": "CheckpointLoaderSimple",
        "inputs": {"ckpt_name": "stable_audio_open_1.0.safetensors"},
    },
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["1", 1]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["1", 1]}},
    "4": {"class_type": "EmptyLatentAudio", "inputs": {"seconds": 47.6}},
    "5": {
        "class_type": "KSampler",
        "inputs": {
            "seed": 0,
            "steps": 50,
            "cfg": 4.98,
            "sampler_name": "dpmpp_2m",
            "scheduler": "karras",
            "denoise": 1,
            "model": ["1", 0],
            "positive": ["2", 0],
            "negative": ["3", 0],
            "latent_image": ["4", 0],
        },
    },
    "6": {"class_type": "VAEDecodeAudio", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
    "7": {
        "class_type": "SaveAudio",
        "inputs": {"audio": ["6", 0], "filename_prefix": "audio/ComfyUI"},
    },
}
AUDIO_INPUTS = {"prompt": "2.text", "seed": "5.seed", "duration": "4.seconds"}


def settings(**extra: Any) -> dict[str, Any]:
    """Provider settings with the three workflows uploaded and mapped."""
    return {
        "workflows": [
            {"name": "sd15", "workflow": TXT2IMG, "inputs": TXT2IMG_INPUTS},
            {"name": "svd", "workflow": IMG2VID, "inputs": IMG2VID_INPUTS},
            {"name": "stable-audio", "workflow": AUDIO, "inputs": AUDIO_INPUTS},
        ],
        **extra,
    }
