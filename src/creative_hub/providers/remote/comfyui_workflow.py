"""ComfyUI workflows from provider settings: what each one makes, and its mapped inputs.

Settings: `{"workflows": [{"name": "sdxl", "workflow": {<API-format prompt>},
"inputs": {"prompt": "6.text", "seed": "3.seed", "width": "5.width", ...},
"output": "9" (optional), "capability": "music" (optional)}]}`.
A workflow's capability follows its output node (SaveImage -> image, SaveVideo and the
animated savers -> image_to_video, SaveAudio* -> music and sound effects) unless given.
Inputs are "<node id>.<input name>": the node's input the hub sets for that field.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from creative_hub.providers.base import Capability, ProviderError

IMAGE_OUTPUTS = frozenset({"SaveImage", "PreviewImage"})
VIDEO_OUTPUTS = frozenset(
    {"SaveVideo", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "VHS_VideoCombine"}
)
AUDIO_OUTPUTS = frozenset({"SaveAudio", "SaveAudioMP3", "SaveAudioOpus", "PreviewAudio"})
FIELDS = frozenset(
    {
        "prompt",
        "negative_prompt",
        "seed",
        "width",
        "height",
        "image",
        "duration",
        "frames",
        "fps",
        "steps",
    }
)
EXTENSIONS = {
    Capability.image: (".png", ".jpg", ".jpeg", ".webp"),
    Capability.image_to_video: (".mp4", ".webm", ".mov", ".mkv", ".gif", ".webp", ".png"),
    Capability.music: (".flac", ".wav", ".mp3", ".opus", ".ogg", ".m4a"),
    Capability.sound_effects: (".flac", ".wav", ".mp3", ".opus", ".ogg", ".m4a"),
}


def _bad(message: str) -> ProviderError:
    return ProviderError("provider_error", f"ComfyUI workflow settings: {message}")


@dataclass(frozen=True)
class Workflow:
    name: str
    graph: dict[str, Any]
    inputs: dict[str, tuple[str, str]]  # field -> (node id, input name)
    capabilities: tuple[Capability, ...]
    output: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        """A copy of the graph with the mapped inputs set (fields without a value kept)."""
        graph = copy.deepcopy(self.graph)
        for name, (node, key) in self.inputs.items():
            value = values.get(name)
            if value is not None:
                graph[node]["inputs"][key] = value
        return graph


def _capabilities(graph: dict[str, Any], entry: dict[str, Any]) -> tuple[Capability, ...]:
    given = entry.get("capability")
    if given:
        try:
            return (Capability(given),)
        except ValueError as exc:
            raise _bad(f"unknown capability {given!r}") from exc
    classes = {str(node.get("class_type")) for node in graph.values()}
    if classes & VIDEO_OUTPUTS:
        return (Capability.image_to_video,)
    if classes & AUDIO_OUTPUTS:
        return (Capability.music, Capability.sound_effects)
    if classes & IMAGE_OUTPUTS:
        return (Capability.image,)
    raise _bad(f"workflow {entry.get('name')!r} has no output node ComfyUI can save")


def parse_workflow(entry: Any) -> Workflow:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise _bad("each workflow needs a name")
    name, graph = entry["name"], entry.get("workflow")
    if (
        not isinstance(graph, dict)
        or not graph
        or not all(
            isinstance(n, dict) and "class_type" in n and isinstance(n.get("inputs"), dict)
            for n in graph.values()
        )
    ):
        raise _bad(f"{name}: 'workflow' must be a workflow saved in API format")
    inputs: dict[str, tuple[str, str]] = {}
    for field_name, target in (entry.get("inputs") or {}).items():
        if field_name not in FIELDS:
            raise _bad(f"{name}: unknown input {field_name!r} (known: {', '.join(sorted(FIELDS))})")
        node, _, key = str(target).rpartition(".")
        if node not in graph or not key:
            raise _bad(f"{name}: input {field_name} -> {target!r} names no node of the workflow")
        inputs[field_name] = (node, key)
    output = entry.get("output")
    if output is not None and str(output) not in graph:
        raise _bad(f"{name}: output node {output!r} is not in the workflow")
    capabilities = _capabilities(graph, entry)
    if Capability.image_to_video in capabilities and "image" not in inputs:
        raise _bad(f"{name}: an image-to-video workflow must map its 'image' input")
    if "prompt" not in inputs and Capability.image in capabilities:
        raise _bad(f"{name}: map the workflow's 'prompt' input")
    return Workflow(
        name,
        graph,
        inputs,
        capabilities,
        str(output) if output is not None else None,
        dict(entry.get("defaults") or {}),
    )


def parse_workflows(raw: Any) -> list[Workflow]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _bad("'workflows' must be a list")
    return [parse_workflow(entry) for entry in raw]


def output_files(
    history: dict[str, Any], workflow: Workflow, capability: Capability
) -> list[dict[str, str]]:
    """The files an output node wrote, from /history: [{filename, subfolder, type}]."""
    outputs = history.get("outputs")
    if not isinstance(outputs, dict):
        return []
    nodes = [workflow.output] if workflow.output else list(outputs)
    files = []
    for node in nodes:
        for items in (outputs.get(node) or {}).values():
            if not isinstance(items, list):
                continue
            for item in items:
                if (
                    isinstance(item, dict)
                    and isinstance(item.get("filename"), str)
                    and item["filename"].lower().endswith(EXTENSIONS[capability])
                ):
                    files.append(
                        {
                            "filename": item["filename"],
                            "subfolder": str(item.get("subfolder", "")),
                            "type": str(item.get("type", "output")),
                        }
                    )
    return files
