"""Workflow templates: presets for scene count, tone, voice, music mood and visual style.

A template also names the beats of its script (what each scene does), which the
script step's rules use when the text model's lines are not usable.
"""

from __future__ import annotations

from dataclasses import dataclass

from creative_hub.workflows.schemas import TemplateList, TemplateRead, WorkflowOptions


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    description: str
    example_idea: str
    options: WorkflowOptions
    # Sentence patterns per beat ({topic} is the idea's subject); first, middles, last.
    opening: str
    middle: tuple[str, ...]
    closing: str
    # What each scene is about, as asked of the text model: first, middles (cycled), last.
    beats: tuple[str, ...]


TEMPLATES: dict[str, Template] = {
    t.id: t
    for t in (
        Template(
            id="explainer",
            name="Explainer",
            description="Walks through how something works, one step per scene.",
            example_idea="how coffee is made",
            options=WorkflowOptions(
                scenes=4,
                duration=30,
                tone="informative",
                music_mood="calm",
                visual_style="documentary",
            ),
            opening="Have you ever wondered about {topic}? Here is how it works.",
            middle=(
                "It all begins with the raw materials, chosen with care.",
                "Next, each part is prepared, one careful step at a time.",
                "Then the main process turns them into something new.",
                "Finally, the finishing touches bring everything together.",
            ),
            closing="And that is {topic}, from beginning to end.",
            beats=(
                "an introduction: what it is and why people love it",
                "where it begins: the raw ingredients or materials",
                "the main process, step by step",
                "the finishing touches",
                "the result and a closing thought",
            ),
        ),
        Template(
            id="product_ad",
            name="Product ad",
            description="A short, upbeat advert: problem, product, benefit, call to action.",
            example_idea="a reusable water bottle that keeps drinks cold all day",
            options=WorkflowOptions(
                scenes=4,
                duration=20,
                tone="persuasive",
                music_mood="upbeat",
                visual_style="photorealistic",
            ),
            opening="Meet {topic}, made for the way you live.",
            middle=(
                "It is simple to use, every single day.",
                "Built to last, with quality at its heart.",
                "People love how it makes everyday life easier.",
            ),
            closing="Try {topic} today and feel the difference.",
            beats=(
                "the everyday problem it solves",
                "what makes the product special",
                "how it feels to use it",
                "a call to action: try it today",
            ),
        ),
        Template(
            id="short_story",
            name="Short story",
            description="A tiny tale with a beginning, a turn and an ending.",
            example_idea="a lighthouse keeper who finds a message in a bottle",
            options=WorkflowOptions(
                scenes=5,
                duration=40,
                tone="warm",
                music_mood="mysterious",
                visual_style="watercolor",
            ),
            opening="Once upon a time, there was {topic}.",
            middle=(
                "Every day began the same, quiet and calm.",
                "Then one morning, something unexpected happened.",
                "A choice had to be made, and there was no going back.",
                "Slowly, everything began to change.",
            ),
            closing="And from that day on, nothing was ever quite the same.",
            beats=(
                "the beginning: who the hero is and where they live",
                "an ordinary day",
                "something unexpected happens",
                "a hard choice",
                "the ending and what changed",
            ),
        ),
        Template(
            id="music_video",
            name="Music video",
            description="Moody visuals cut to a music bed, with a few spoken lines.",
            example_idea="a night drive through a neon city",
            options=WorkflowOptions(
                scenes=6,
                duration=30,
                tone="dreamy",
                music_mood="chill",
                visual_style="cyberpunk",
                crossfade=0.8,
            ),
            opening="Tonight it is all about {topic}.",
            middle=(
                "Lights drift past like slow music.",
                "Every moment feels like a memory.",
                "The rhythm carries us further on.",
                "Colors bloom and fade again.",
            ),
            closing="Until the night fades into morning.",
            beats=(
                "the opening mood",
                "a vivid image",
                "a feeling of motion",
                "a quiet moment",
                "the fading ending",
            ),
        ),
    )
}

DEFAULT_TEMPLATE = "explainer"


def list_templates() -> TemplateList:
    return TemplateList(
        items=[
            TemplateRead(
                id=t.id,
                name=t.name,
                description=t.description,
                example_idea=t.example_idea,
                options=t.options,
            )
            for t in TEMPLATES.values()
        ]
    )
