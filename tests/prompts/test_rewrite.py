"""Which model answers are kept: the checks that let a small model only improve a result."""

from __future__ import annotations

from creative_hub.prompts.analysis import analyze
from creative_hub.prompts.rewrite import (
    accept_enhance,
    accept_variants,
    clean,
    enhance_ask,
    variations_ask,
)
from creative_hub.prompts.templates import Target

EXAMPLE = 'a dog {"subject": "a scruffy terrier puppy sitting in tall summer grass"}'


def _image(idea: str, subject: object) -> dict[str, str]:
    return accept_enhance(analyze(idea, Target.image), {"subject": subject}, EXAMPLE)


def test_a_richer_subject_on_topic_is_kept() -> None:
    kept = _image("a cat", "a ginger cat curled up on a sunny windowsill")
    assert kept == {"subject": "a ginger cat curled up on a sunny windowsill"}


def test_off_topic_copied_repetitive_or_poorer_answers_are_dropped() -> None:
    assert _image("a lighthouse on a cliff", "The Lost City of Eldaroth") == {}
    assert _image("a cat", "a scruffy terrier puppy cat in tall summer grass") == {}  # copied
    assert _image("a cat", "a cat, a cat cat, fluffy cat, cat") == {}
    assert _image("a fluffy ginger cat on a windowsill", "a cat") == {}  # says less
    assert _image("a cat", '{"subject": "a cat"}') == {}
    assert _image("a cat", 42) == {}


def test_answers_must_keep_the_ideas_language() -> None:
    assert _image("一只在雨中的猫", "a cat sitting in the rain by a window") == {}
    kept = _image("一只在雨中的猫", "一只橘猫蹲在雨中的石阶上，毛被淋湿")
    assert kept["subject"].startswith("一只橘猫")
    assert _image("a cat", "一只猫坐在窗台上看雨") == {}


def test_clean_tidies_a_cut_off_or_stuttering_answer() -> None:
    assert clean("a fluffy fluffy cat, on a roof, on a roof", 100) == "a fluffy cat, on a roof"
    cut = "a lighthouse on a cliff at night, waves crashing below, a lone ship on the"
    assert clean(cut, len(cut) + 1) == "a lighthouse on a cliff at night, waves crashing below"
    assert clean('  "quoted"  ', 50) == "quoted"
    assert clean("line one\nline two", 50) is None
    assert clean(None, 50) is None


def test_aspect_values_must_name_their_aspect() -> None:
    video = analyze("a fox in the snow", Target.video)
    good = accept_enhance(video, {"subject": "x", "action": "leaping into a snowdrift"}, "")
    assert good == {"action": "leaping into a snowdrift"}
    assert accept_enhance(video, {"action": "the beautiful winter"}, "") == {}
    music = analyze("a song about the sea", Target.music)
    assert accept_enhance(music, {"mood": "calm, wistful"}, "") == {"mood": "calm, wistful"}
    assert accept_enhance(music, {"mood": "beachcombiner city"}, "") == {}
    chat = analyze("write about remote work", Target.chat)
    assert accept_enhance(chat, {"role": "an experienced journalist"}, "") == {
        "role": "an experienced journalist"
    }
    assert accept_enhance(chat, {"role": "remote work"}, "") == {}


def test_stressed_words_must_be_in_the_text() -> None:
    speech = analyze("Thanks for listening. See you next week.", Target.speech)
    out = accept_enhance(speech, {"tone": "warm", "emphasis": ["listening", "banana"]}, "")
    assert out == {"tone": "warm", "emphasis": "stress 'listening'"}


def test_variants_are_distinct_and_checked() -> None:
    a = analyze("a lighthouse on a cliff", Target.image)
    raw = {
        "versions": [
            "a red lighthouse on a windswept cliff above stormy waves",
            "a red lighthouse on a windswept cliff above stormy waves",
            "a white lighthouse on a cliff at sunrise, seabirds circling",
            "1.0.3.3",
        ]
    }
    assert accept_variants(a, raw, "") == [
        "a red lighthouse on a windswept cliff above stormy waves",
        "a white lighthouse on a cliff at sunrise, seabirds circling",
    ]
    assert accept_variants(a, {"versions": "nope"}, "") == []


def test_requests_are_bounded_and_seeded() -> None:
    for target in Target:
        for idea in ("a quiet harbour at dawn", "清晨安静的港口"):
            ask = enhance_ask(analyze(idea, target), "smollm2-135m-instruct")
            assert ask.request.max_tokens <= 200
            assert ask.request.seed == enhance_ask(analyze(idea, target), None).request.seed
            assert ask.request.model == "smollm2-135m-instruct"
            assert ask.schema["type"] == "object" and ask.schema["required"]
    varied = variations_ask(analyze("a lighthouse", Target.image), 8, None)
    assert varied is not None
    assert varied.schema["properties"]["versions"]["maxItems"] <= 3
    assert varied.request.max_tokens <= 200
    assert variations_ask(analyze("Hello there.", Target.speech), 4, None) is None
