"""Rule defaults: a sensible value for every field, chosen from cues in the idea.

These fill what neither the user, the style preset nor the model supplied, so every
field of a result is always filled. The cues are small keyword lists: the scene (night,
sunset, indoors, under water…), the kind of subject (a person, a landscape, an animal,
an object), the mood (calm, sad, epic…) and, for chat, the kind of task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from creative_hub.prompts.analysis import Analysis
from creative_hub.prompts.lexicon import Lexicon, lex
from creative_hub.prompts.templates import Target, Words, field_language

W = Words

# -- cues -----------------------------------------------------------------------------

SCENES: dict[str, Lexicon] = {
    "neon": lex("neon|cyberpunk|city lights|nightclub|arcade", "霓虹|赛博"),
    "night": lex("night|midnight|moon*|stars|starry|nocturnal|dark sky", "夜|月亮|月光|星空"),
    "sunset": lex("sunset|dusk|evening|twilight|golden hour", "黄昏|日落|夕阳|傍晚"),
    "sunrise": lex("sunrise|dawn|morning", "日出|清晨|早晨|黎明"),
    "underwater": lex("underwater|under water|ocean floor|reef|seabed", "水下|海底"),
    "weather": lex("rain*|storm*|fog*|mist*|overcast|cloudy|snow*", "雨|雾|雪|阴天|暴风"),
    "forest": lex("forest|woods|jungle|trees", "森林|树林|丛林"),
    "indoor": lex(
        "room|kitchen|bedroom|cafe|café|office|library|studio|indoors|inside|interior|window*",
        "室内|房间|咖啡馆|办公室|图书馆|窗",
    ),
}
SHOTS: dict[str, Lexicon] = {
    "person": lex(
        "person|man|woman|girl|boy|child|kid|people|lady|portrait|face|warrior|knight|"
        "princess|king|queen|astronaut|chef|dancer|musician|farmer|soldier|student|"
        "grandmother|grandfather|selfie|couple|family|samurai|witch|wizard|fisherm*|sailor*|"
        "monk*|worker*|athlete*|player*|singer*|artist*|painter*|doctor*|nurse*|teacher*|"
        "ninja*|pirate*|cowboy*|bride|groom|baby|toddler*|mother|father|grandma|grandpa|"
        "businessm*|businesswom*|men|women|boys|girls|children|kids",
        "人|女孩|男孩|女人|男人|孩子|老人|少女|少年|肖像|武士|公主|宇航员|奶奶|爷爷|渔夫|僧|妈妈|爸爸",
    ),
    "animal": lex(
        "cat|cats|dog|dogs|bird*|fox*|wolf|wolves|horse*|owl*|deer|rabbit*|bear*|tiger*|"
        "lion*|fish|butterfl*|dragon*|animal*|pupp*|kitten*|whale*|panda*|elephant*",
        "猫|狗|鸟|狐|狼|马|鹿|兔|熊|虎|狮|鱼|蝴蝶|龙|动物|熊猫|大象|鲸",
    ),
    "landscape": lex(
        "landscape|mountain*|valley|sea|ocean|beach|coast|lake|river|city|skyline|desert|"
        "field*|meadow|canyon|island|waterfall|castle|village|street*|town|harbor|harbour|"
        "cliff*|lighthouse*|hill*|glacier*|volcano*|bridge*|horizon|ruins|temple*|tower*",
        "山|海|湖|河|城市|沙漠|草原|峡谷|岛|瀑布|城堡|村|街|小镇|港",
    ),
    "object": lex(
        "food|dish|cake|coffee|cup|bottle|product|watch|shoe*|jewel*|flower*|perfume|"
        "teapot|vase|car|bicycle",
        "食物|蛋糕|咖啡|杯|产品|花|手表|香水|茶壶|花瓶|汽车",
    ),
}
MOODS: dict[str, Lexicon] = {
    "epic": lex("epic|battle|hero*|war|adventure|victory|triumph*|legend*|quest|trailer",
                 "史诗|战斗|英雄|战争|冒险|胜利|传奇|预告"),
    "energetic": lex("workout|gym|dance|sport*|race|energy|energetic|hype|party|running",
                      "健身|跑步|舞|运动|比赛|活力|动感|派对"),
    "mysterious": lex("myster*|secret*|detective|haunt*|ghost*|spooky|eerie|suspense*",
                       "神秘|秘密|侦探|鬼|悬疑|诡异"),
    "sad": lex("sad|melanchol*|lonely|loss|grief|cry*|tears|heartbreak*|goodbye|farewell",
                "悲伤|伤感|孤独|离别|眼泪|心碎|思念|失恋"),
    "romantic": lex("love|romance|romantic|kiss|date|valentine|wedding",
                     "爱|浪漫|恋|约会|告白|婚礼"),
    "nostalgic": lex("nostalgi*|memor*|childhood|old days|retro|vintage",
                      "怀旧|回忆|童年|旧时光|复古"),
    "happy": lex("happy|joy*|cheer*|fun|sunny|summer|birthday|celebrat*",
                  "快乐|开心|欢快|阳光|夏天|生日|庆祝"),
    "calm": lex("calm|relax*|peace*|sleep*|meditat*|study|focus|chill*|gentle|quiet|serene|"
                 "rain*|bedtime|yoga", "平静|放松|安静|睡|冥想|学习|专注|宁静|雨|助眠|治愈"),
}  # fmt: skip
TASKS: dict[str, Lexicon] = {
    "code": lex("code|python|javascript|typescript|function|bug|program*|sql|api|debug*|regex",
                 "代码|编程|函数|程序|调试"),
    "translate": lex("translat*", "翻译"),
    "marketing": lex("market*|ad|ads|advert*|campaign|brand*|seo|sales|slogan|tagline",
                      "营销|广告|品牌|推广|标语"),
    "plan": lex("plan|planning|schedule|itinerary|trip|travel|budget|roadmap",
                 "计划|行程|旅行|预算|规划"),
    "analyze": lex("analy*|compare|comparison|review|evaluate|pros and cons|versus|vs",
                    "分析|比较|评估|优缺点|对比"),
    "writing": lex("write|joke|pun|riddle|limerick|story|poem|blog|article|essay|copy|"
                   "caption|script|novel|letter|speech|email",
                   "写|故事|诗|文章|文案|博客|剧本|小说|信|演讲|邮件"),
    "explain": lex("explain|what is|what are|how does|how do|why|teach|learn|understand",
                    "解释|什么是|为什么|如何|怎么|教|学习|理解"),
}  # fmt: skip


def first_cue(cues: dict[str, Lexicon], text: str) -> str | None:
    return next((name for name, lex in cues.items() if text in lex), None)


# -- image and video ------------------------------------------------------------------------

LIGHT_BY_SCENE = {
    "neon": "neon glow with colored reflections on wet surfaces",
    "night": "moonlight with a soft cool rim light",
    "sunset": "warm golden hour backlight with long shadows",
    "sunrise": "soft early-morning sunlight with a pale haze",
    "underwater": "shafts of sunlight filtering down through the water",
    "weather": "soft overcast light with muted reflections",
    "forest": "dappled sunlight through the canopy",
    "indoor": "soft diffused window light",
}
COMPOSITION_BY_SHOT = {
    "person": "portrait framing, subject on the left third, clean background",
    "animal": "eye-level medium shot, subject centered with breathing room",
    "landscape": "wide shot with leading lines and a layered foreground",
    "object": "centered product-style composition on a clean surface",
}
CAMERA_BY_SHOT = {
    "person": "85mm lens, f/1.8, shallow depth of field",
    "animal": "200mm telephoto lens, f/2.8, eye-level",
    "landscape": "24mm wide-angle lens, f/8, deep focus",
    "object": "100mm macro lens, f/5.6, crisp detail",
}
STYLE_BY_SHOT = {
    "person": "high-detail photograph, natural colors",
    "landscape": "high-detail landscape photograph, natural colors",
    "object": "high-detail studio photograph, natural colors",
}
ACTION_BY_SHOT = {
    "person": "moving naturally with subtle, lifelike gestures",
    "animal": "moving naturally, looking around with small lifelike motions",
    "landscape": "clouds drifting and light shifting slowly across the scene",
    "object": "turning slowly to show every side",
}
MOTION_BY_SHOT = {
    "person": "slow dolly in at eye level",
    "animal": "smooth tracking shot at the subject's eye level",
    "landscape": "slow aerial drone glide forward",
    "object": "slow 90-degree arc around the subject",
}

IMAGE_NEGATIVE = (
    "blurry, low resolution, jpeg artifacts, watermark, text, signature, deformed, "
    "disfigured, oversaturated"
)
PERSON_NEGATIVE = "bad anatomy, extra fingers, distorted face"
VIDEO_NEGATIVE = (
    "flicker, jitter, warping, morphing, stutter, low frame rate, watermark, text overlay, "
    "blurry, compression artifacts"
)


# -- music ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MusicProfile:
    mood: str
    genre: str
    bpm: int
    instruments: str
    structure: str


_SONG = "intro – verse – chorus – verse – chorus – outro"
MUSIC_BY_MOOD = {
    "calm": MusicProfile("calm, peaceful", "ambient", 70,
                         "soft piano, warm synth pads, gentle field recordings",
                         "slowly evolving layers: intro – main theme – variation – fade out"),
    "sad": MusicProfile("sad, reflective", "piano ballad", 66, "felt piano, cello, soft strings",
                        "intro – verse – chorus – verse – chorus – quiet outro"),
    "happy": MusicProfile("joyful, sunny", "indie pop", 118,
                          "acoustic guitar, handclaps, glockenspiel, bass, drums",
                          "intro – verse – chorus – verse – chorus – bridge – chorus – outro"),
    "epic": MusicProfile("epic, heroic", "orchestral film score", 96,
                         "full orchestra, choir, taiko drums, brass",
                         "quiet intro – build – climax – triumphant resolution"),
    "romantic": MusicProfile("tender, romantic", "acoustic ballad", 76,
                             "nylon-string guitar, piano, soft strings", _SONG),
    "mysterious": MusicProfile("mysterious, suspenseful", "dark ambient", 84,
                               "low drones, pizzicato strings, celesta, distant percussion",
                               "slow build of tension, then a sudden quiet ending"),
    "energetic": MusicProfile("energetic, driving", "electronic dance", 126,
                              "punchy kick, synth bass, bright leads",
                              "intro – build-up – drop – breakdown – drop – outro"),
    "nostalgic": MusicProfile("nostalgic, warm", "lo-fi hip hop", 82,
                              "dusty piano, vinyl crackle, mellow drums",
                              "looping 8-bar phrases: intro – A – B – A – outro"),
}  # fmt: skip
DEFAULT_MUSIC = MusicProfile(
    "warm, uplifting", "acoustic pop", 100, "piano, acoustic guitar, light drums, bass", _SONG
)


TEMPO_WORDS = {
    "largo": 50, "adagio": 70, "slow": 70, "downtempo": 85, "andante": 90, "mid-tempo": 100,
    "midtempo": 100, "moderato": 108, "uptempo": 124, "up-tempo": 124, "fast": 132,
    "allegro": 132, "presto": 170, "慢速": 70, "中速": 100, "快速": 132,
}  # fmt: skip
INSTRUMENTS_BY_GENRE = {
    "jazz": "upright bass, brushed drums, piano, muted trumpet",
    "blues": "electric guitar, bass, shuffle drums, harmonica",
    "rock": "electric guitars, bass, live drums",
    "metal": "distorted guitars, bass, double-kick drums",
    "punk": "fast distorted guitars, bass, driving drums",
    "folk": "acoustic guitar, fiddle, banjo, light percussion",
    "country": "acoustic guitar, pedal steel, fiddle, bass, drums",
    "classical": "string orchestra, woodwinds, piano",
    "hip hop": "boom-bap drums, deep bass, sampled keys",
    "edm": "synth leads, sub bass, four-on-the-floor kick",
    "electronic": "synthesizers, drum machine, sub bass",
    "reggae": "offbeat guitar skank, deep bass, one-drop drums, organ",
    "r&b": "smooth electric piano, bass, soft drums, vocal harmonies",
    "funk": "slap bass, rhythm guitar, tight drums, horn stabs",
    "ambient": "warm synth pads, soft piano, field recordings",
    "爵士": "upright bass, brushed drums, piano, muted trumpet",
    "摇滚": "electric guitars, bass, live drums",
    "民谣": "acoustic guitar, harmonica, light percussion",
    "古风": "guzheng, dizi flute, pipa, soft strings",
    "国风": "guzheng, dizi flute, pipa, soft strings",
    "电子": "synthesizers, drum machine, sub bass",
}


def tempo_text(bpm: int) -> str:
    feel = "slow" if bpm < 80 else "moderate" if bpm < 110 else "upbeat"
    return f"{bpm} BPM, {feel}"


# -- speech and chat --------------------------------------------------------------------

TONE_BY_MOOD = {
    "calm": W("gentle, unhurried and reassuring", "温和、从容、令人安心"),
    "sad": W("soft and reflective, with quiet warmth", "轻柔而沉静，带着温情"),
    "happy": W("bright, cheerful and friendly", "明亮、愉快、亲切"),
    "epic": W("bold and dramatic", "大气而富有戏剧感"),
    "romantic": W("tender and intimate", "温柔而亲密"),
    "mysterious": W("low, hushed and suspenseful", "低沉、压低声音、充满悬念"),
    "energetic": W("upbeat and high-energy", "积极、充满能量"),
    "nostalgic": W("warm and wistful", "温暖而略带怀念"),
}
DEFAULT_TONE = W("warm, friendly and clear", "温暖、友好、清晰")
SLOW_PACE = W(
    "slow, about 130 words per minute, with unhurried pauses", "偏慢，每分钟约190字，停顿从容"
)
FAST_PACE = W("lively, about 165 words per minute", "轻快，每分钟约240字")
DEFAULT_PACE = W(
    "moderate, about 150 words per minute, with natural pauses at commas and full stops",
    "中速，每分钟约220字，在逗号和句号处自然停顿",
)
_POLYPHONES = "行长重乐还数调朝藏差"

ROLE_BY_TASK = {
    "code": W("a senior software engineer", "一位资深软件工程师"),
    "translate": W("a professional translator", "一位专业译者"),
    "marketing": W("a marketing strategist and copywriter", "一位营销策略师兼文案"),
    "plan": W("a meticulous planner", "一位细致的规划师"),
    "analyze": W("a rigorous analyst", "一位严谨的分析师"),
    "writing": W("an experienced writer and editor", "一位经验丰富的作家兼编辑"),
    "explain": W("a patient teacher who explains clearly", "一位讲解清晰、耐心的老师"),
}
DEFAULT_ROLE = W("a knowledgeable expert in the subject", "一位该领域的资深专家")
FORMAT_BY_TASK = {
    "code": W("a short explanation, then a complete code block, then usage notes",
              "先简短说明，再给出完整代码块，最后是用法说明"),
    "translate": W("the translation only, then brief notes on tricky phrases",
                   "只给出译文，然后对难译之处简短加注"),
    "marketing": W("3 options as a numbered list, each with a one-line rationale",
                   "编号列出3个方案，每个附一句理由"),
    "plan": W("a step-by-step plan as a numbered list with times or costs",
              "按步骤编号的计划，注明时间或费用"),
    "analyze": W("a comparison table, then a short recommendation", "先列对比表格，再给简短建议"),
    "writing": W("well-structured prose with a title and short paragraphs",
                 "带标题的成段文字，段落简短"),
    "explain": W("a one-paragraph overview, then key points as bullets, then an example",
                 "先用一段概述，再分点列出要点，最后举一个例子"),
}  # fmt: skip
DEFAULT_FORMAT = W("clear headings with short bullet points", "清晰的小标题加简短要点")
DEFAULT_CONTEXT = W(
    "The audience is a general reader without special background; state any assumptions.",
    "读者是没有专业背景的普通人；如有假设请说明。",
)
DEFAULT_CONSTRAINTS = W(
    "Be specific and concrete, avoid filler, keep it under 400 words, and reply in English.",
    "具体、不说空话，控制在600字以内，用简体中文回答。",
)


def stress_text(words: list[str], lang: str) -> str:
    """ "stress 'a', 'b' and 'c'" / "重读：“a”、“b”"."""
    if lang == "zh":
        return "重读：" + "、".join(f"“{w}”" for w in words)
    quoted = [f"'{w}'" for w in words]
    listed = ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]
    return f"stress {listed}"


def _emphasis(a: Analysis, lang: str) -> str:
    text = a.core
    if lang == "zh":
        marked = re.findall(r"\d+(?:[.,:]\d+)*%?|[A-Za-z][A-Za-z-]+", text)[:3]
        if marked:
            return stress_text(marked, "zh")
        return "重读每句话里的关键词，句末稍作停顿"
    words = re.findall(r"[A-Za-z][A-Za-z'-]+|\d+(?:[.,:]\d+)*%?", text)
    numbers = [w for w in words if w[0].isdigit()]
    named = [w for w in words[1:] if w[0].isupper() and len(w) > 2]
    long = sorted((w for w in words if len(w) > 5), key=len, reverse=True)
    picked = list(dict.fromkeys(numbers + named + long))[:3]
    if not picked:
        return "stress the most important word of each sentence"
    return stress_text(picked, "en")


def _pronunciation(a: Analysis, lang: str) -> str:
    text = a.core
    acronyms = list(dict.fromkeys(re.findall(r"\b[A-Z]{2,6}\b", text)))[:3]
    numbers = list(dict.fromkeys(re.findall(r"\d+(?:[.,:]\d+)*%?", text)))[:3]
    if lang == "zh":
        notes = []
        latin = list(dict.fromkeys(re.findall(r"[A-Za-z][A-Za-z-]+", text)))[:3]
        if latin:
            notes.append("英文词按英文发音：" + "、".join(latin))
        if numbers:
            notes.append("数字按中文习惯读出：" + "、".join(numbers))
        poly = [c for c in dict.fromkeys(text) if c in _POLYPHONES][:4]
        if poly:
            notes.append("注意多音字：" + "、".join(poly))
        return "；".join(notes) or "标准普通话发音，无需特殊处理"
    notes = []
    if acronyms:
        notes.append("say " + ", ".join(f"'{x}'" for x in acronyms) + " letter by letter "
                     "unless it is read as a word")  # fmt: skip
    if numbers:
        notes.append("read numbers naturally (" + ", ".join(numbers) + ")")
    return "; ".join(notes) or "standard pronunciation; no names, numbers or acronyms need care"


def rule_fields(a: Analysis) -> dict[str, str]:
    """A rule value for every non-core field of `a.target`, in the template's order."""
    text = a.cue_text
    if a.target is Target.image:
        scene, shot = first_cue(SCENES, text), first_cue(SHOTS, text)
        return {
            "style": STYLE_BY_SHOT.get(shot or "", "highly detailed digital art, rich colors"),
            "lighting": LIGHT_BY_SCENE.get(scene or "", "soft natural light with gentle shadows"),
            "composition": COMPOSITION_BY_SHOT.get(
                shot or "", "rule of thirds with a clear focal point"
            ),
            "camera": CAMERA_BY_SHOT.get(shot or "", "50mm lens, f/2.8, natural perspective"),
        }
    if a.target is Target.video:
        shot = first_cue(SHOTS, text)
        seconds = f"{a.seconds:g} seconds" if a.seconds else "6 seconds"
        return {
            "action": ACTION_BY_SHOT.get(
                shot or "", "moving gently with subtle, continuous motion"
            ),
            "camera_motion": MOTION_BY_SHOT.get(shot or "", "slow push-in on a stable gimbal"),
            "style": "cinematic, natural color grade, 24 fps",
            "pacing": f"{seconds}, one continuous shot, calm steady pacing",
        }
    if a.target is Target.music:
        profile = MUSIC_BY_MOOD.get(first_cue(MOODS, text) or "", DEFAULT_MUSIC)
        genre = a.mentioned.get("genre", "").lower()
        instruments = next(
            (v for k, v in INSTRUMENTS_BY_GENRE.items() if k in genre), profile.instruments
        )
        tempo_word = (a.mentioned.get("tempo") or "").lower()
        return {
            "mood": profile.mood,
            "genre": profile.genre,
            "tempo": tempo_text(a.bpm or TEMPO_WORDS.get(tempo_word, profile.bpm)),
            "instruments": instruments,
            "structure": profile.structure,
        }
    lang = field_language(a.target, a.language)
    if a.target is Target.speech:
        mood = first_cue(MOODS, a.core)
        slow = mood in ("calm", "sad", "romantic", "mysterious")
        pace = SLOW_PACE if slow else FAST_PACE if mood in ("happy", "energetic") else DEFAULT_PACE
        return {
            "tone": TONE_BY_MOOD.get(mood or "", DEFAULT_TONE).get(lang),
            "pace": pace.get(lang),
            "emphasis": _emphasis(a, lang),
            "pronunciation": _pronunciation(a, lang),
        }
    task = first_cue(TASKS, a.core) or ""
    return {
        "role": ROLE_BY_TASK.get(task, DEFAULT_ROLE).get(lang),
        "context": DEFAULT_CONTEXT.get(lang),
        "format": FORMAT_BY_TASK.get(task, DEFAULT_FORMAT).get(lang),
        "constraints": DEFAULT_CONSTRAINTS.get(lang),
    }


def negative_prompt(a: Analysis, style_negative: str) -> str | None:
    """The negative prompt for image and video: base terms, the style's, and the user's."""
    if a.target not in (Target.image, Target.video):
        return None
    parts = [IMAGE_NEGATIVE if a.target is Target.image else VIDEO_NEGATIVE]
    if a.target is Target.image and first_cue(SHOTS, a.cue_text) == "person":
        parts.append(PERSON_NEGATIVE)
    parts += [style_negative, *a.negatives]
    seen: dict[str, None] = {}
    for part in parts:
        for term in part.split(","):
            if term.strip():
                seen.setdefault(term.strip(), None)
    return ", ".join(seen)


# Chat fields the task itself already covers: point back at it rather than contradict it.
CHAT_MENTIONED = {
    "role": W("the expert the task describes", "任务中描述的角色"),
    "context": W("as described in the task; state any further assumptions",
                 "见任务描述；如有其他假设请说明"),
    "format": W("{phrase}, as the task asks", "按任务要求：{phrase}"),
    "constraints": W("follow the limits stated in the task; be specific and avoid filler",
                     "遵守任务中提到的限制；具体、不说空话"),
}  # fmt: skip
