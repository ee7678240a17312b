"""Keyword lists (English and Chinese) that tell which aspects a prompt already covers.

A word ending in `*` matches any word that starts with it ("light*": light, lighting);
other English words match whole words only; Chinese words match anywhere (Chinese has no
spaces); an entry starting with `re:` is a regular expression. Matching ignores case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Lexicon:
    def __init__(self, words: Iterable[str]) -> None:
        parts: list[str] = []
        # Longer entries first, so "golden hour" wins over "golden".
        for word in sorted(set(words), key=len, reverse=True):
            if word.startswith("re:"):
                parts.append(word[3:])
            elif _CJK.search(word):
                parts.append(re.escape(word))
            elif word.endswith("*"):
                parts.append(r"(?<![\w-])" + re.escape(word[:-1]) + r"[\w-]*")
            else:
                parts.append(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])")
        self.pattern = re.compile("|".join(parts), re.IGNORECASE)

    def find(self, text: str) -> str | None:
        match = self.pattern.search(text)
        return match.group(0) if match else None

    def findall(self, text: str) -> list[str]:
        return [m.group(0) for m in self.pattern.finditer(text)]

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.pattern.search(text) is not None


def lex(*groups: str, patterns: tuple[str, ...] = ()) -> Lexicon:
    """Entries separated by "|"; `patterns` are regular expressions that contain "|"."""
    words = [word.strip() for group in groups for word in group.split("|") if word.strip()]
    return Lexicon([*words, *(f"re:{p}" for p in patterns)])


# -- aspects: one lexicon per template field (the core fields have none) --------------

STYLE = lex(
    "style|cinematic|photo*|realistic|hyperrealistic|photorealistic|illustrat*|painting|"
    "painted|watercolo*|oil paint*|anime|manga|cartoon|pixel art|8-bit|16-bit|3d render|"
    "render|digital art|concept art|sketch|drawing|ink|pastel|impressionis*|surreal*|"
    "minimalis*|cyberpunk|steampunk|vaporwave|art nouveau|art deco|baroque|ukiyo-e|ghibli|"
    "pixar|lo-fi|lofi|low poly|isometric|film still|documentary|vintage|retro|noir|gothic|"
    "fantasy art|comic*|claymation|origami|aesthetic",
    "风格|电影感|写实|照片|摄影|插画|水彩|油画|动漫|二次元|卡通|像素|国画|水墨|素描|赛博朋克|"
    "极简|复古|纪实|渲染|画风",
)
LIGHTING = lex(
    "light|lights|lighting|lit|backlit|sunlit|moonlit|candlelit|neon|glow*|golden hour|"
    "blue hour|sunset|sunrise|dusk|dawn|shadow*|rim light|chiaroscuro|volumetric|god rays|"
    "backlight*|illuminat*|low-key|high-key|overcast|sunlight|moonlight|candlelight|"
    "daylight|lamplight|firelight|starlight|spotlight*|streetlight*|sunbeam*|luminous",
    "光|灯|阴影|影子|黄昏|日落|日出|霓虹|照明|夕阳|晨曦",
)
COMPOSITION = lex(
    "close-up|closeup|close up|wide shot|medium shot|full body|full-body|portrait|headshot|"
    "establishing shot|rule of thirds|centered|centred|symmetr*|framing|framed|composition|"
    "foreground|background|overhead|top-down|bird's-eye|bird's eye|aerial view|flat lay|"
    "negative space|leading lines|panoram*|off-center|off-centre|in the center|shot from|"
    "view from|silhouetted against",
    "特写|近景|中景|远景|全景|全身|构图|居中|对称|前景|背景|俯视|俯拍|鸟瞰|三分法|留白",
)
CAMERA = lex(
    r"re:\b\d{2,3}\s?mm\b|lens*|f/|aperture|bokeh|depth of field|dslr|shot on|canon|nikon|"
    "leica|hasselblad|fujifilm|kodak|portra|wide-angle|wide angle|telephoto|macro|fisheye|"
    "tilt-shift|low angle|high angle|eye level|eye-level|dutch angle|iso|shutter|"
    "long exposure|camera",
    "镜头|焦距|光圈|景深|虚化|广角|长焦|微距|鱼眼|仰拍|仰视|平视|相机|单反|胶片",
)
ACTION = lex(
    "walk*|run|runs|running|fly|flies|flying|jump*|danc*|swim*|mov*|turn*|spin*|fall*|"
    "rise|rises|rising|drift*|flow*|wave|waves|waving|chas*|climb*|ride|rides|riding|"
    "drive|drives|driving|explod*|splash*|roll*|sway*|blow*|float*|gallop*|sprint*|"
    "crawl*|glid*|soar*|smil*|laugh*|cry|cries|crying|sing|sings|singing|play|plays|"
    "playing|fight*|look* around|reach*|throw*|pour*|melt*|bloom*|grow*|burn*|sail*|"
    "wander*|stroll*|march*|land|lands|landing|lift*|open*|close|closes|closing|leap*|"
    "bound|bounds|bounding|hop|hops|hopping|trot*|dash*|stalk*|prowl*|pounce*|dive|dives|"
    "diving|race|races|racing|stretch*|yawn*|shake*|shaking|nod*|wink*|eat*|drink*|"
    "sip*|kick*|hug*|kiss*|rain* down|twirl*|circl*|rippl*|sparkl*|flicker*|shimmer*|"
    "emerg*|descend*|ascend*|approach*|walks|crash*|tumbl*|chasing|hover*|flutter*",
    "走|跑|飞|跳|游|转身|旋转|舞|流动|飘|落下|升起|追|爬|骑|开车|奔|摇|挥|笑|哭|唱|玩|打|移动|"
    "滑|漂|燃烧|盛开|绽放",
)
CAMERA_MOTION = lex(
    "dolly|pan|pans|panning|panned|tilt|tilts|tilting|zoom*|tracking|tracks|orbit*|crane|"
    "drone|aerial|handheld|hand-held|steadicam|gimbal|push-in|push in|pushes in|pull-back|"
    "pull back|pulls back|pull out|fly-through|flythrough|fpv|static shot|locked-off|"
    "locked off|whip pan*|camera mov*|camera follow*|follow shot|pov|point of view|"
    "rack focus|dolly zoom|arc shot|truck*|camera",
    "运镜|推镜|拉镜|推近|拉远|摇镜|平移|跟拍|环绕|航拍|手持|无人机|升降|变焦|固定机位|镜头推|"
    "镜头拉|镜头跟|摇臂|镜头",
)
PACING = lex(
    r"second*|re:\b\d+\s?s\b|sec|secs|minute*|slow motion|slow-motion|slow mo|time-lapse|"
    "timelapse|time lapse|hyperlapse|fast-paced|fast paced|slow-paced|pacing|paced|"
    "duration|quick cuts|montage|loop*|real-time|real time|fps|frame rate|long take|"
    "one take|single shot|cuts",
    "秒|分钟|慢动作|延时|节奏|时长|快节奏|慢节奏|循环|帧|一镜到底|剪辑",
)
MOOD = lex(
    "mood|happy|sad|calm|relax*|chill*|epic|dark|melanchol*|uplifting|energetic|energy|"
    "peaceful|romantic|nostalgi*|dreamy|mysterious|tense|suspense*|joyful|cheerful|"
    "hopeful|somber|sombre|angry|aggressive|triumphant|playful|moody|lonely|bittersweet|"
    "haunting|serene|warm|cozy|cosy|emotional|heroic|spooky|eerie|groovy|upbeat|gentle|"
    "intense|soothing|lively|festive|tender|wistful|reflective",
    "情绪|快乐|欢快|开心|悲伤|伤感|忧郁|平静|宁静|放松|舒缓|史诗|激昂|浪漫|怀旧|梦幻|神秘|紧张|"
    "温暖|治愈|孤独|热血|轻快|抒情|温柔|黑暗",
)
GENRE = lex(
    "genre|pop|rock|jazz|blues|classical|orchestra*|hip hop|hip-hop|rap|edm|electronic|"
    "techno|house music|deep house|trance|dubstep|drum and bass|ambient|lo-fi|lofi|folk|"
    "country|r&b|soul|funk|disco|metal|punk|indie|reggae|latin|bossa nova|synthwave|"
    "darksynth|chiptune|8-bit|soundtrack|film score|score|ballad|gospel|k-pop|j-pop|trap|"
    "swing|waltz|opera|acoustic|new age|world music|chillhop|vaporwave|grunge|bluegrass|"
    "chamber music|underscore",
    "流行|摇滚|爵士|蓝调|古典|交响|管弦|嘻哈|说唱|电子|民谣|乡村|金属|朋克|独立|氛围|低保真|"
    "配乐|国风|古风|民乐|曲风|舞曲|轻音乐|钢琴曲",
)
TEMPO = lex(
    r"re:\b\d{2,3}\s?bpm\b|bpm|tempo|fast|slow|uptempo|up-tempo|downtempo|mid-tempo|"
    "midtempo|allegro|andante|adagio|moderato|presto|largo|beats per minute|half-time|"
    "double-time",
    "速度|节拍|快速|慢速|中速|每分钟",
)
INSTRUMENTS = lex(
    "piano|guitar*|bass|bassline|drum*|violin*|cello*|viola|string|strings|synth*|brass|"
    "trumpet*|saxophone|sax|flute*|clarinet|oboe|harp|harps|organ|choir|vocal*|"
    "percussion|ukulele|banjo|mandolin|accordion|harmonica|marimba|xylophone|"
    "glockenspiel|bells|chimes|timpani|horn|horns|erhu|guzheng|pipa|koto|shamisen|sitar|"
    "tabla|808|rhodes|keys|keyboard*|pads|sampler|instrument*|kick|snare|hi-hats|claps",
    "钢琴|吉他|贝斯|鼓|小提琴|大提琴|弦乐|合成器|铜管|小号|萨克斯|长笛|笛|竖琴|管风琴|合唱|人声|"
    "打击乐|二胡|古筝|琵琶|箫|乐器|编钟|唢呐",
)
STRUCTURE = lex(
    "intro|verse*|chorus|bridge|outro|drop|build-up|buildup|crescendo|climax|section*|"
    "structure|hook|refrain|pre-chorus|breakdown|coda|aaba|movement|fade out|fade in|"
    "ending|loopable|seamless loop|bars|measures",
    "前奏|主歌|副歌|桥段|尾奏|间奏|高潮|结构|渐强|段落|结尾|开头|小节",
)
TONE = lex(
    "tone|voice|warm|friendly|calm|excited|enthusiastic|serious|cheerful|soothing|angry|"
    "sad|happy|dramatic|whisper*|authoritative|confident|gentle|soft|energetic|neutral|"
    "professional|casual|playful|sarcastic|somber|solemn|narrat*|storytell*|newsreader|"
    "announcer|conversational|formal|emotional|upbeat|mysterious|tender|stern|wistful|"
    "reassuring|bright|bold|hushed",
    "语气|语调|声音|温柔|温暖|友好|平静|激动|热情|严肃|欢快|舒缓|愤怒|悲伤|开心|戏剧|低语|耳语|"
    "权威|自信|轻柔|活力|中性|专业|随意|俏皮|庄重|旁白|讲故事|播音|口语化|正式|深情|温和|明亮",
)
PACE = lex(
    "pace|paced|speed|slow*|fast*|quick*|rapid*|brisk*|leisurely|words per minute|wpm|"
    "pause*|unhurried|measured|deliberate*|rushed",
    "语速|速度|慢|快|停顿|每分钟|从容|缓慢",
)
EMPHASIS = lex(
    r"emphasi*|stress*|highlight*|underline*|louder|key word*|keyword*|re:\*[^*\s][^*]*\*",
    "重音|强调|重读|突出|加重",
)
PRONUNCIATION = lex(
    "pronounc*|spell*|phonetic*|ipa|say it as|read as|sounds like|rhymes with|accent|ssml",
    "发音|读作|读音|念作|拼音|多音字|口音|注音",
)
ROLE = lex(
    "you are|you're|act as|acting as|pretend*|persona|role|in the role of|in the voice of|"
    "as an expert|as a professional|as a senior|as an experienced|imagine you",
    "你是|扮演|作为一名|作为一位|作为一个|角色|身份",
)
CONTEXT = lex(
    "context|background|audience|for beginners|beginner*|reader*|for my|for our|i am|i'm|"
    "we are|my team|our team|my company|our company|purpose|goal|because|so that|"
    "target audience|aimed at|intended for|for kids|for children|students|customers|"
    "clients|situation|given that|assume|assuming",
    "背景|受众|读者|听众|面向|用于|目的|我是|我们是|因为|为了|场景|情况下|初学者|学生|客户|孩子",
)
FORMAT = lex(
    "format*|list|lists|bullet*|numbered|numbered list|bulleted list|bullet points|"
    "bullet list|table|json|markdown|paragraph*|outline|step-by-step|step by step|headings|"
    "headers|heading|subheadings|code block|csv|yaml|checklist|sections|one sentence|tl;dr|"
    "in the form of|structured",
    "格式|列表|要点|编号|表格|段落|大纲|分步|步骤|标题|代码块|清单|分点|总结|摘要|结构",
)
CONSTRAINTS = lex(
    "must|don't|do not|avoid*|without|no more than|at most|at least|limit*|maximum|minimum|"
    "exactly|never|constraint*|requirement*|word count|concise|brief|plain language|"
    "no jargon|simple language|cite|sources",
    "不要|避免|必须|不超过|至少|最多|限制|字以内|以内|简洁|简短|控制在|要求|禁止|不能|不得",
    patterns=(
        r"\bunder \d+",
        r"\b\d+\s*(?:words?|sentences?|characters?|lines?|paragraphs?|items?|points?|tips?|"
        r"ideas?|examples?)\b",
        r"\d+字",
    ),
)

# field name -> what shows the field is covered. The same name means the same aspect
# in every target ("style" in image and video).
ASPECTS: dict[str, Lexicon] = {
    "style": STYLE,
    "lighting": LIGHTING,
    "composition": COMPOSITION,
    "camera": CAMERA,
    "action": ACTION,
    "camera_motion": CAMERA_MOTION,
    "pacing": PACING,
    "mood": MOOD,
    "genre": GENRE,
    "tempo": TEMPO,
    "instruments": INSTRUMENTS,
    "structure": STRUCTURE,
    "tone": TONE,
    "pace": PACE,
    "emphasis": EMPHASIS,
    "pronunciation": PRONUNCIATION,
    "role": ROLE,
    "context": CONTEXT,
    "format": FORMAT,
    "constraints": CONSTRAINTS,
}

# Words that carry no visual or musical information (critique flags them).
VAGUE = lex(
    "nice|beautiful|good|cool|awesome|amazing|great|pretty|interesting|something|stuff|"
    "thing|things|very|really|masterpiece|best quality|8k|4k|ultra hd|trending on artstation",
    "好看|漂亮|很美|美丽|很棒|不错|一些|东西|高清|杰作",
)

_STOP = (
    "a an the of in on at to for with and or but by from into onto over under is are was "
    "were be been being it its this that these those my your our their his her as about "
    "me i we you they he she them us please make create generate draw paint render show "
    "some very really just like want would could should can will"
)
STOPWORDS = frozenset(_STOP.split())
