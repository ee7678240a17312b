"""The node classes the local ComfyUI server knows, and ComfyUI's own prompt validation.

Input specs follow /object_info: `[type_or_choice_list, opts]`. Validation errors use the
types and shapes of ComfyUI's execution.py (`validate_inputs`, `validate_prompt`).
"""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

CHECKPOINTS = ["sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"]
VIDEO_CHECKPOINTS = ["svd_xt.safetensors"]
AUDIO_CHECKPOINTS = ["stable_audio_open_1.0.safetensors"]
SAMPLERS = ["euler", "euler_ancestral", "dpmpp_2m"]
SCHEDULERS = ["normal", "karras", "simple"]

INT = ("INT", {"default": 0, "min": 0, "max": 0xFFFFFFFFFFFFFFFF})
SIZE = ("INT", {"default": 512, "min": 16, "max": 16384, "step": 8})

# class -> (required inputs, output types, is output node)
NODES: dict[str, tuple[dict[str, Any], list[str], bool]] = {
    "CheckpointLoaderSimple": (
        {"ckpt_name": (CHECKPOINTS + AUDIO_CHECKPOINTS,)},
        ["MODEL", "CLIP", "VAE"],
        False,
    ),
    "CLIPTextEncode": (
        {"text": ("STRING", {"multiline": True}), "clip": ("CLIP",)},
        ["CONDITIONING"],
        False,
    ),
    "EmptyLatentImage": (
        {"width": SIZE, "height": SIZE, "batch_size": ("INT", {"default": 1, "min": 1})},
        ["LATENT"],
        False,
    ),
    "EmptyLatentAudio": (
        {"seconds": ("FLOAT", {"default": 47.6, "min": 1.0, "max": 1000.0})},
        ["LATENT"],
        False,
    ),
    "KSampler": (
        {
            "model": ("MODEL",),
            "seed": INT,
            "steps": ("INT", {"default": 20, "min": 1, "max": 10000}),
            "cfg": ("FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0}),
            "sampler_name": (SAMPLERS,),
            "scheduler": (SCHEDULERS,),
            "positive": ("CONDITIONING",),
            "negative": ("CONDITIONING",),
            "latent_image": ("LATENT",),
            "denoise": ("FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0}),
        },
        ["LATENT"],
        False,
    ),
    "VAEDecode": ({"samples": ("LATENT",), "vae": ("VAE",)}, ["IMAGE"], False),
    "VAEDecodeAudio": ({"samples": ("LATENT",), "vae": ("VAE",)}, ["AUDIO"], False),
    "SaveImage": (
        {"images": ("IMAGE",), "filename_prefix": ("STRING", {"default": "ComfyUI"})},
        [],
        True,
    ),
    "SaveAudio": (
        {"audio": ("AUDIO",), "filename_prefix": ("STRING", {"default": "audio/ComfyUI"})},
        [],
        True,
    ),
    "LoadImage": ({"image": ([],)}, ["IMAGE", "MASK"], False),  # choices: uploaded inputs
    "ImageOnlyCheckpointLoader": (
        {"ckpt_name": (VIDEO_CHECKPOINTS,)},
        ["MODEL", "CLIP_VISION", "VAE"],
        False,
    ),
    "SVD_img2vid_Conditioning": (
        {
            "clip_vision": ("CLIP_VISION",),
            "init_image": ("IMAGE",),
            "vae": ("VAE",),
            "width": SIZE,
            "height": SIZE,
            "video_frames": ("INT", {"default": 14, "min": 1, "max": 4096}),
            "motion_bucket_id": ("INT", {"default": 127, "min": 1, "max": 1023}),
            "fps": ("INT", {"default": 6, "min": 1, "max": 1024}),
            "augmentation_level": ("FLOAT", {"default": 0.0, "min": 0.0, "max": 10.0}),
        },
        ["CONDITIONING", "CONDITIONING", "LATENT"],
        False,
    ),
    "CreateVideo": (
        {"images": ("IMAGE",), "fps": ("FLOAT", {"default": 30.0, "min": 1.0, "max": 120.0})},
        ["VIDEO"],
        False,
    ),
    "SaveVideo": (
        {
            "video": ("VIDEO",),
            "filename_prefix": ("STRING", {"default": "video/ComfyUI"}),
            "format": (["auto", "mp4"],),
            "codec": (["auto", "h264"],),
        },
        [],
        True,
    ),
}


def object_info(inputs: list[str]) -> dict[str, Any]:
    info: dict[str, Any] = {}
    for name, (required, outputs, output_node) in NODES.items():
        req = dict(required)
        if name == "LoadImage":
            req["image"] = (sorted(inputs), {"image_upload": True})
        info[name] = {
            "input": {"required": {k: list(v) for k, v in req.items()}},
            "input_order": {"required": list(req)},
            "output": outputs,
            "output_is_list": [False] * len(outputs),
            "output_name": outputs,
            "name": name,
            "display_name": name,
            "description": "",
            "python_module": "nodes",
            "category": "sampling",
            "output_node": output_node,
        }
    return info


def _error(kind: str, message: str, details: str, name: str, value: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "message": message,
        "details": details,
        "extra_info": {"input_name": name, "received_value": value},
    }


def _check_input(
    prompt: dict[str, Any], name: str, spec: tuple[Any, ...], value: Any, choices: list[str]
) -> dict[str, Any] | None:
    kind = spec[0]
    opts = spec[1] if len(spec) > 1 else {}
    if isinstance(value, list):  # a link: [source node id, output index]
        if len(value) != 2 or not isinstance(value[0], str) or not isinstance(value[1], int):
            return _error("bad_linked_input", "Bad linked input", f"{name}: {value}", name, value)
        source = prompt.get(value[0])
        if source is None:
            return _error("bad_linked_input", "Bad linked input", f"{name}: {value}", name, value)
        outputs = NODES.get(source.get("class_type", ""), ({}, [], False))[1]
        if value[1] >= len(outputs) or (isinstance(kind, str) and outputs[value[1]] != kind):
            received = outputs[value[1]] if value[1] < len(outputs) else "?"
            return _error(
                "return_type_mismatch",
                "Return type mismatch between linked nodes",
                f"{name}, received_type({received}) mismatch input_type({kind})",
                name,
                value,
            )
        return None
    if isinstance(kind, list):
        allowed = choices if name == "image" else kind
        if value not in allowed:
            return _error(
                "value_not_in_list",
                "Value not in list",
                f"{name}: '{value}' not in {allowed}",
                name,
                value,
            )
        return None
    if kind in ("INT", "FLOAT"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _error(
                "invalid_input_type",
                f"Failed to convert an input value to a {kind} value",
                f"{name}, {value}",
                name,
                value,
            )
        if "min" in opts and value < opts["min"]:
            return _error(
                "value_smaller_than_min",
                f"Value {value} smaller than min of {opts['min']}",
                f"{name}",
                name,
                value,
            )
        if "max" in opts and value > opts["max"]:
            return _error(
                "value_bigger_than_max",
                f"Value {value} bigger than max of {opts['max']}",
                f"{name}",
                name,
                value,
            )
        return None
    if kind == "STRING" and not isinstance(value, str):
        return _error(
            "invalid_input_type",
            "Failed to convert an input value to a STRING value",
            f"{name}, {value}",
            name,
            value,
        )
    if kind not in ("INT", "FLOAT", "STRING"):  # a typed link input given a literal
        return _error(
            "bad_linked_input",
            "Bad linked input, must be a length-2 list of [node_id, slot_index]",
            f"{name}: {value}",
            name,
            value,
        )
    return None


def validate(prompt: Any, inputs: list[str]) -> dict[str, Any] | None:
    """None when valid; otherwise the 400 body ComfyUI sends."""
    if not isinstance(prompt, dict) or not prompt:
        return {
            "error": {
                "type": "no_prompt",
                "message": "No prompt provided",
                "details": "No prompt provided",
                "extra_info": {},
            },
            "node_errors": {},
        }
    for node_id, node in prompt.items():
        if not isinstance(node, dict) or "class_type" not in node:
            return {
                "error": {
                    "type": "invalid_prompt",
                    "message": "Cannot execute because a node is missing the class_type property.",
                    "details": f"Node ID '#{node_id}'",
                    "extra_info": {},
                },
                "node_errors": {},
            }
        if node["class_type"] not in NODES:
            return {
                "error": {
                    "type": "invalid_prompt",
                    "message": f"Cannot execute because node {node['class_type']} does not exist.",
                    "details": f"Node ID '#{node_id}'",
                    "extra_info": {},
                },
                "node_errors": {},
            }
    outputs = [i for i, n in prompt.items() if NODES[n["class_type"]][2]]
    if not outputs:
        return {
            "error": {
                "type": "prompt_no_outputs",
                "message": "Prompt has no outputs",
                "details": "",
                "extra_info": {},
            },
            "node_errors": {},
        }
    node_errors: dict[str, Any] = {}
    for node_id, node in prompt.items():
        required = NODES[node["class_type"]][0]
        given = node.get("inputs", {})
        errors = []
        for name, spec in required.items():
            if name not in given:
                errors.append(
                    _error("required_input_missing", "Required input is missing", name, name, None)
                )
                continue
            problem = _check_input(prompt, name, spec, given[name], inputs)
            if problem:
                errors.append(problem)
        if errors:
            node_errors[node_id] = {
                "errors": errors,
                "dependent_outputs": outputs,
                "class_type": node["class_type"],
            }
    if node_errors:
        return {
            "error": {
                "type": "prompt_outputs_failed_validation",
                "message": "Prompt outputs failed validation",
                "details": "",
                "extra_info": {},
            },
            "node_errors": node_errors,
        }
    return None


def order(prompt: dict[str, Any]) -> list[str]:
    """Node ids in an order where every link's source runs first."""
    done: list[str] = []

    def visit(node_id: str) -> None:
        if node_id in done:
            return
        for value in prompt[node_id].get("inputs", {}).values():
            if isinstance(value, list) and len(value) == 2 and value[0] in prompt:
                visit(value[0])
        done.append(node_id)

    for node_id in prompt:
        visit(node_id)
    return done


def flac_bytes(seconds: float, sample_rate: int = 44100) -> bytes:
    """FLAC audio (what SaveAudio writes), encoded with PyAV."""
    import av
    import numpy as np

    samples = (np.sin(np.arange(int(seconds * sample_rate)) * 0.05) * 8000).astype("<i2")
    out = io.BytesIO()
    with av.open(out, "w", format="flac") as container:
        stream = container.add_stream("flac", rate=sample_rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = sample_rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def mp4_bytes(width: int, height: int, frames: int, fps: int) -> bytes:
    """An H.264 MP4 (what SaveVideo writes with format mp4), encoded with PyAV."""
    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(frames):
            rgb = np.full((height, width, 3), (i * 9) % 256, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()
