"""The rule engine on its own (no database, no model): analysis, structure, critique, data."""

from __future__ import annotations

import pytest

from creative_hub.prompts import angles
from creative_hub.prompts.analysis import analyze, detect_language
from creative_hub.prompts.compose import build, vary
from creative_hub.prompts.critique import critique
from creative_hub.prompts.styles import STYLES, StyleId, detect_style, normalise_style
from creative_hub.prompts.templates import (
    NEGATIVE_TARGETS,
    TEMPLATES,
    Target,
    aspect_fields,
    core_field,
    field_names,
)

IDEAS = {
    Target.image: ["a cat", "a lighthouse on a cliff at night", "一只在雨中的猫"],
    Target.video: ["a fox running through the snow", "城市夜景", "a bowl of ramen"],
    Target.music: ["a song about rainy nights in Tokyo", "一首关于夏天的歌", "workout"],
    Target.speech: ["Welcome back to the show.", "欢迎收听今天的节目，我们来聊聊长城的历史。"],
    Target.chat: ["write about remote work", "写一篇关于远程办公的文章", "fix my python bug"],
}
CASES = [(target, idea) for target, ideas in IDEAS.items() for idea in ideas]


def test_language_detection() -> None:
    assert detect_language("a cat in the rain") == "en"
    assert detect_language("一只在雨中的猫") == "zh"
    assert detect_language("一只猫, cinematic") == "zh"
    assert detect_language("雨の中の猫") == "ja"
    assert detect_language("cinematic shot of 猫 with lots of english words") == "en"


def test_clauses_naming_an_aspect_become_the_users_fields() -> None:
    a = analyze("a ginger cat on a windowsill, golden hour, close-up, 85mm lens", Target.image)
    assert a.core == "a ginger cat on a windowsill"
    assert a.given == {"lighting": "golden hour", "composition": "close-up", "camera": "85mm lens"}
    assert a.missing == ["style"]


def test_request_filler_is_stripped_from_the_subject() -> None:
    assert analyze("please draw me a picture of a red fox", Target.image).core == "a red fox"
    assert analyze("画一张猫的图片", Target.image).core == "猫"
    assert analyze("请帮我生成一段海浪的视频", Target.video).core == "海浪"
    assert analyze("a slow jazz song about rainy nights", Target.music).core == "rainy nights"
    # Chat tasks and speech text are kept as written.
    assert analyze("please write a haiku", Target.chat).core == "please write a haiku"


def test_negatives_leave_the_positive_prompt() -> None:
    a = analyze("a quiet beach at dawn, no people, without boats", Target.image)
    assert a.core == "a quiet beach at dawn"
    assert a.negatives == ("people", "boats")
    draft = build("a quiet beach without people", Target.image, None)
    assert "people" not in draft.fields["subject"]
    assert draft.negative_prompt is not None and "people" in draft.negative_prompt


def test_video_action_is_split_from_the_subject() -> None:
    a = analyze("a fox running through the snow", Target.video)
    assert (a.core, a.given["action"]) == ("a fox", "running through the snow")
    zh = analyze("一只狐狸在雪地里奔跑", Target.video)
    assert zh.core == "一只狐狸在雪地里" and zh.given["action"] == "奔跑"


def test_chat_role_is_split_from_the_task() -> None:
    a = analyze("Act as a travel agent and plan a 3-day trip to Rome", Target.chat)
    assert a.given["role"] == "a travel agent"
    assert a.core == "Plan a 3-day trip to Rome"
    assert analyze("你是一位导游，介绍一下故宫", Target.chat).given["role"] == "一位导游"


def test_speech_text_is_verbatim_and_directions_are_read() -> None:
    text = "Welcome back, friends. Stay calm and carry on."
    plain = analyze(text, Target.speech)
    assert plain.core == text
    assert plain.mentioned == {}  # "calm" inside the text is not a direction
    directed = analyze(f"[calm, slow] {text}", Target.speech)
    assert directed.core == text
    assert directed.given == {"tone": "calm", "pace": "slow"}
    rendered = build(text, Target.speech, None).prompt
    again = analyze(rendered, Target.speech)
    assert again.core == text
    assert set(again.given) == {"tone", "pace", "emphasis", "pronunciation"}


@pytest.mark.parametrize(("target", "idea"), CASES)
def test_every_field_is_filled_and_rendered(target: Target, idea: str) -> None:
    draft = build(idea, target, None)
    assert list(draft.fields) == list(field_names(target))
    assert all(value.strip() for value in draft.fields.values()), draft.fields
    for value in draft.fields.values():
        assert value in draft.prompt
    if target in NEGATIVE_TARGETS:
        assert draft.negative_prompt
    else:
        assert draft.negative_prompt is None


@pytest.mark.parametrize(("target", "idea"), CASES)
def test_an_enhanced_prompt_covers_every_aspect(target: Target, idea: str) -> None:
    """The rules' output, critiqued by the rules, covers everything and scores well."""
    result = critique(analyze(build(idea, target, None).prompt, target))
    assert result.missing == []
    assert result.score >= 75, result


def test_chinese_ideas_keep_their_language() -> None:
    image = build("一只在雨中的猫", Target.image, None)
    assert image.analysis.language == "zh"
    assert image.fields["subject"] == "一只在雨中的猫"
    chat = build("写一篇关于远程办公的文章", Target.chat, None)
    assert chat.prompt.startswith("你是") and "任务：写一篇关于远程办公的文章" in chat.prompt
    assert "简体中文" in chat.fields["constraints"]
    speech = build("欢迎收听今天的节目，我们来聊聊长城的历史。", Target.speech, None)
    assert "语气：" in speech.prompt and "多音字" in speech.fields["pronunciation"]


def test_scene_cues_choose_the_rule_defaults() -> None:
    night = build("a lighthouse on a cliff at night", Target.image, None)
    assert "moonlight" in night.fields["lighting"]
    assert "wide" in night.fields["composition"]
    portrait = build("an old fisherman", Target.image, None)
    assert "85mm" in portrait.fields["camera"]
    assert "bad anatomy" in (portrait.negative_prompt or "")
    sad = build("a song about saying goodbye", Target.music, None)
    assert sad.fields["genre"] == "piano ballad" and "66 BPM" in sad.fields["tempo"]
    code = build("fix my python bug", Target.chat, None)
    assert "software engineer" in code.fields["role"]


def test_user_words_win_over_style_and_rules() -> None:
    draft = build("a cat, neon lighting", Target.image, StyleId.watercolor)
    assert draft.fields["lighting"] == "neon lighting"
    assert draft.sources["lighting"] == "user"
    assert "watercolor" in draft.fields["style"] and draft.sources["style"] == "style"
    inside = build("a cat at sunset", Target.image, StyleId.cinematic)
    assert inside.fields["lighting"].startswith("sunset")  # not the style's low-key light
    music = build("a slow jazz song about the sea", Target.music, None)
    assert music.fields["genre"] == "jazz"
    assert "70 BPM" in music.fields["tempo"] and "upright bass" in music.fields["instruments"]
    chat = build("explain recursion as a numbered list", Target.chat, StyleId.minimalist)
    assert chat.fields["format"] == "numbered list, as the task asks"


@pytest.mark.parametrize("style", list(StyleId))
def test_a_style_shows_up_for_every_target(style: StyleId) -> None:
    preset = STYLES[style]
    for target in Target:
        draft = build("a small boat on a lake", target, style)
        assert draft.style == style
        for name, words in preset.fields[target].items():
            assert draft.fields[name] in (words.en, words.zh)
            assert draft.sources[name] == "style"
        if target in NEGATIVE_TARGETS:
            first = preset.negative.split(",")[0]
            assert first in (draft.negative_prompt or "")


def test_style_presets_are_complete_and_consistent() -> None:
    assert len(STYLES) >= 8
    for preset in STYLES.values():
        assert set(preset.fields) == set(Target)
        assert preset.negative and preset.description and preset.keywords
        for target, fields in preset.fields.items():
            assert fields, (preset.id, target)
            assert set(fields) <= {spec.name for spec in aspect_fields(target)}
    assert normalise_style("Pixel Art") == "pixel_art"
    assert normalise_style("lo-fi") == "lofi"
    assert detect_style("a fox, watercolour") == StyleId.watercolor
    assert detect_style("一只猫，赛博朋克风格") == StyleId.cyberpunk
    assert detect_style("a cat") is None


def test_angles_are_well_formed() -> None:
    for target, options in angles.ANGLES.items():
        assert len(options) == angles.MAX_VARIATIONS
        assert len({o.id for o in options}) == len(options)
        names = {spec.name for spec in aspect_fields(target)}
        for name in names:
            values = [o.fields[name].en for o in options if name in o.fields]
            assert len(values) == len(set(values)), (target, name)
        for option in options:
            assert option.fields and set(option.fields) <= names


@pytest.mark.parametrize(("target", "idea"), CASES)
def test_all_variations_differ(target: Target, idea: str) -> None:
    draft = build(idea, target, None)
    user, styled = draft.held()
    prompts = {vary(draft, angle)[0].prompt for angle in angles.choose(target, 8, user, styled)}
    assert len(prompts) == 8


def test_variations_keep_what_the_user_wrote() -> None:
    draft = build("a cat, golden hour", Target.image, StyleId.cinematic)
    user, styled = draft.held()
    for angle in angles.choose(Target.image, 8, user, styled):
        varied, changed = vary(draft, angle)
        assert varied.fields["lighting"] == "golden hour"
        assert "lighting" not in changed and changed


def test_critique_orders_vague_below_rich() -> None:
    vague = critique(analyze("a cat", Target.image))
    rich = critique(
        analyze(
            "a ginger cat curled up on a rain-streaked windowsill, looking outside, watercolor, "
            "soft window light, close-up, 85mm lens f/1.8",
            Target.image,
        )
    )
    assert vague.score < 30 < 85 < rich.score
    assert vague.missing == ["style", "lighting", "composition", "camera"]
    assert rich.missing == [] and len(rich.strengths) >= 4
    text = " ".join(vague.suggestions)
    for label in ("Describe the subject", "Add style", "Add lighting", "Add composition",
                  "Add camera"):  # fmt: skip
        assert label in text
    assert all("e.g." in s for s in vague.suggestions)


def test_critique_flags_vague_words_inline_negatives_and_suits_each_target() -> None:
    result = critique(analyze("a beautiful nice landscape without people", Target.image))
    text = " ".join(result.suggestions)
    assert "'beautiful'" in text and "'nice'" in text
    assert "negative prompt" in text
    music = critique(analyze("a song", Target.music))
    assert {"mood", "genre", "tempo", "instruments", "structure"} == set(music.missing)
    assert any("Add tempo" in s and "BPM" in s for s in music.suggestions)
    night = critique(analyze("a lighthouse at night", Target.image))
    assert any("moonlight" in s for s in night.suggestions)  # the example fits the scene


def test_critique_speaks_chinese_to_chinese_prompts() -> None:
    result = critique(analyze("一只猫", Target.image))
    assert result.score < 30
    assert any(s.startswith("补充光线") for s in result.suggestions)
    assert any(s.startswith("把主体写得更具体") for s in result.suggestions)


def test_templates_have_one_core_each() -> None:
    for target, specs in TEMPLATES.items():
        assert sum(spec.core for spec in specs) == 1
        assert core_field(target) in field_names(target)
        assert all(spec.examples for spec in specs)
