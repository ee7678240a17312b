"""Variation angles: each one changes a few fields in a named direction.

Variations of a prompt are the enhanced prompt seen from different angles: another
light, another framing, another camera move, another mood. Within a target no two
angles give a field the same value, so two variations always differ. An angle leaves
alone the fields the user wrote and, where it can, those the style preset set; the
`angle` label of each variation says what changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from creative_hub.prompts.templates import Target, Words

W = Words


@dataclass(frozen=True)
class Angle:
    id: str
    label: Words
    fields: dict[str, Words]


def _a(angle_id: str, label: Words, **fields: Words) -> Angle:
    return Angle(angle_id, label, fields)


ANGLES: dict[Target, tuple[Angle, ...]] = {
    Target.image: (
        _a("golden_hour", W("golden hour light, low angle", "黄金时刻光线，低机位"),
           lighting=W("warm golden hour backlight, long soft shadows"),
           camera=W("low angle, 35mm lens, f/2.8")),
        _a("night_neon",
           W("night with neon reflections, off-center framing", "夜景霓虹倒影，偏心构图"),
           lighting=W("night scene lit by neon signs, wet reflections"),
           composition=W("off-center subject on the rule of thirds")),
        _a("close_up", W("tight close-up, macro detail", "近距离特写，微距细节"),
           composition=W("tight close-up on the subject's details"),
           camera=W("100mm macro lens, f/2.8, creamy bokeh")),
        _a("wide", W("wide establishing shot", "大远景"),
           composition=W("wide establishing shot, subject small in a vast setting"),
           camera=W("16mm ultra-wide lens, deep focus")),
        _a("chiaroscuro", W("dramatic side light, dark background", "戏剧性侧光，暗背景"),
           lighting=W("hard side light with deep chiaroscuro shadows"),
           composition=W("subject emerging from a dark background")),
        _a("top_down", W("top-down view", "俯视视角"),
           composition=W("top-down view, symmetrical arrangement"),
           camera=W("overhead shot, 35mm lens, f/5.6")),
        _a("misty_morning", W("misty morning, telephoto compression", "晨雾，长焦压缩"),
           lighting=W("soft diffused morning light through mist"),
           camera=W("135mm telephoto lens, compressed perspective")),
        _a("silhouette", W("blue-hour silhouette", "蓝调时刻剪影"),
           lighting=W("blue hour sky with the subject in silhouette"),
           composition=W("subject silhouetted against a low horizon line")),
    ),
    Target.video: (
        _a("slow_push", W("slow push-in, contemplative", "缓慢推进，沉静"),
           camera_motion=W("slow push-in toward the subject"),
           pacing=W("8 seconds, slow contemplative pacing, one shot")),
        _a("orbit", W("orbit around the subject", "环绕主体"),
           camera_motion=W("smooth 180-degree orbit around the subject")),
        _a("drone_reveal", W("aerial pull-back reveal", "航拍拉远揭示"),
           camera_motion=W("aerial drone pull-back revealing the surroundings"),
           pacing=W("gradual reveal over 10 seconds")),
        _a("handheld", W("handheld, energetic", "手持跟拍，富有活力"),
           camera_motion=W("handheld tracking shot following the subject"),
           pacing=W("6 seconds, energetic pacing with natural camera shake")),
        _a("timelapse", W("time-lapse from a tripod", "固定机位延时"),
           camera_motion=W("locked-off tripod shot"),
           pacing=W("time-lapse, hours compressed into 6 seconds")),
        _a("slow_motion", W("slow motion, lateral slide", "慢动作，横移"),
           camera_motion=W("gentle lateral slide"),
           pacing=W("120 fps slow motion, dreamy and suspended, 5 seconds")),
        _a("crane", W("rising crane shot", "升降镜头"),
           camera_motion=W("crane shot rising from ground level to high above")),
        _a("montage", W("quick-cut montage", "快速剪辑蒙太奇"),
           camera_motion=W("whip pans between three angles"),
           pacing=W("fast montage of three quick cuts, 2 seconds each")),
    ),
    Target.music: (
        _a("stripped_back", W("stripped-back acoustic", "精简原声"),
           genre=W("acoustic singer-songwriter"),
           instruments=W("solo acoustic guitar and soft piano"),
           structure=W("intimate: verse – verse – short outro")),
        _a("full_band", W("full-band energy", "乐队全编制"),
           instruments=W("full band: punchy drums, bass, electric guitars, keys"),
           tempo=W("124 BPM, driving")),
        _a("ambient", W("slow ambient", "慢速氛围"),
           genre=W("ambient soundscape"), mood=W("dreamy, weightless"),
           tempo=W("60 BPM, free-flowing"),
           structure=W("slowly evolving layers with no hard sections")),
        _a("cinematic_build", W("cinematic build", "电影式渐强"),
           instruments=W("strings, brass swells, timpani"),
           structure=W("quiet intro – gradual build – big climax – soft resolution")),
        _a("dance", W("dance remix", "舞曲改编"),
           genre=W("house music"), tempo=W("128 BPM, four-on-the-floor"),
           instruments=W("synth bass, side-chained pads, claps, hi-hats")),
        _a("melancholic", W("melancholic", "忧伤"),
           mood=W("bittersweet, melancholic"),
           instruments=W("cello, felt piano, rain ambience")),
        _a("upbeat", W("bright and upbeat", "明快活泼"),
           mood=W("bright, playful, upbeat"), tempo=W("116 BPM, bouncy")),
        _a("retro", W("retro synthwave", "复古合成器浪潮"),
           genre=W("synthwave"),
           instruments=W("analog synths, gated reverb drums, retro bass arpeggio"),
           structure=W("intro – verse – chorus – synth solo – chorus – outro")),
    ),
    Target.speech: (
        _a("warm", W("warm and smiling", "温暖带笑"),
           tone=W("warm, friendly and smiling", "温暖友好、带着笑意")),
        _a("calm", W("calm and slow", "平静舒缓"),
           tone=W("calm and soothing", "平静舒缓"),
           pace=W("slow, about 120 words per minute, long pauses",
                  "偏慢，每分钟约180字，停顿较长")),
        _a("energetic", W("energetic and brisk", "热情轻快"),
           tone=W("energetic and enthusiastic", "充满活力、热情洋溢"),
           pace=W("brisk, about 175 words per minute", "较快，每分钟约260字")),
        _a("authoritative", W("confident and authoritative", "自信权威"),
           tone=W("confident and authoritative", "自信而权威")),
        _a("storyteller", W("expressive storyteller", "讲故事的人"),
           tone=W("expressive storyteller with varied pitch", "富有表现力的讲故事语气，音调起伏"),
           pace=W("varied pace, slowing down for suspense", "语速富于变化，悬念处放慢")),
        _a("whisper", W("intimate near-whisper", "亲密耳语"),
           tone=W("soft, intimate near-whisper", "轻柔、亲密的耳语感")),
        _a("newsreader", W("crisp newsreader", "新闻播报"),
           tone=W("neutral, crisp newsreader delivery", "中性、干脆的新闻播报腔"),
           pace=W("steady, about 160 words per minute", "平稳，每分钟约240字")),
        _a("playful", W("playful and light", "俏皮轻松"),
           tone=W("playful and light-hearted", "俏皮轻松")),
    ),
    Target.chat: (
        _a("step_by_step", W("step-by-step guide", "分步指南"),
           format=W("a numbered step-by-step guide", "分步骤的编号指南")),
        _a("concise", W("concise summary", "精简摘要"),
           format=W("a three-sentence summary", "三句话的摘要"),
           constraints=W("Under 80 words; no preamble.", "不超过100字，不要开场白。")),
        _a("table", W("comparison table", "对比表格"),
           format=W("a comparison table followed by a one-line recommendation",
                    "对比表格，最后给出一句建议")),
        _a("expert", W("senior expert who shows the reasoning", "展示推理的资深专家"),
           role=W("a senior domain expert who explains the reasoning",
                  "一位会解释推理过程的资深领域专家")),
        _a("beginner", W("for complete beginners", "面向新手"),
           role=W("a patient teacher", "一位耐心的老师"),
           context=W("The reader is a complete beginner; define every term.",
                     "读者是完全的新手，每个术语都要解释。")),
        _a("socratic", W("guiding questions first", "先提引导性问题"),
           format=W("a short list of guiding questions, then the answer",
                    "先列出几个引导性问题，再给出答案")),
        _a("creative", W("as a story", "以故事呈现"),
           role=W("an imaginative storyteller", "一位富有想象力的讲故事的人"),
           format=W("a short story or narrative example", "一个简短的故事或叙事示例")),
        _a("critical", W("critical review of risks", "批判性风险审视"),
           role=W("a critical reviewer who points out risks and trade-offs",
                  "一位指出风险与权衡的批判性审阅者"),
           constraints=W("List at least three risks or counter-arguments.",
                         "至少列出三条风险或反对意见。")),
    ),
}  # fmt: skip

MAX_VARIATIONS = 8


def effective_changes(angle: Angle, user: set[str], styled: set[str]) -> dict[str, Words]:
    """The fields this angle changes: not the user's; not the style's unless it must."""
    free = {k: v for k, v in angle.fields.items() if k not in user and k not in styled}
    if free:
        return free
    unstyled = {k: v for k, v in angle.fields.items() if k not in user}
    return unstyled or dict(angle.fields)


def choose(target: Target, count: int, user: set[str], styled: set[str]) -> list[Angle]:
    """`count` angles, those that touch only free fields first, in the listed order."""

    def rank(angle: Angle) -> int:
        if any(k not in user and k not in styled for k in angle.fields):
            return 0
        return 1 if any(k not in user for k in angle.fields) else 2

    return sorted(ANGLES[target], key=rank)[:count]
